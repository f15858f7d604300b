import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import {
  analyseExposure,
  exposureFinding as exposureFindingKeyed,
  vulnerableCves,
} from "../../src/checks/apache/exposure.ts";
import { buildModel } from "../../src/collect/apache/config/model.ts";
import { parseApacheConfig } from "../../src/collect/apache/config/parse.ts";
import type { ApacheFacts, ApacheInstallation } from "../../src/collect/apache/index.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import type { CveMatch, CveRecord } from "../../src/vulndb/types.ts";
import { checkCtx, rendered } from "../helpers/messages.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

// The four scenarios of ../shared/vulndata/lab-table.md, as configuration text.
const BASE = `ServerRoot "/srv/httpd"
LoadModule alias_module modules/mod_alias.so
LoadModule authz_core_module modules/mod_authz_core.so
DocumentRoot "/srv/httpd/htdocs"
<Directory "/srv/httpd/htdocs">
    Require all granted
</Directory>
ScriptAlias /cgi-bin/ "/srv/httpd/cgi-bin/"
<Directory "/srv/httpd/cgi-bin">
    Options None
    Require all granted
</Directory>
`;
const ROOT_DENIED = "<Directory />\n    AllowOverride none\n    Require all denied\n</Directory>\n";
const ROOT_GRANTED = "<Directory />\n    AllowOverride none\n    Require all granted\n</Directory>\n";
const CGID = "LoadModule cgid_module modules/mod_cgid.so\n";
const ICONS =
  'Alias /icons/ "/srv/httpd/icons/"\n<Directory "/srv/httpd/icons">\n    Require all granted\n</Directory>\n';
const USR_SHARE = "<Directory /usr/share>\n    Require all granted\n</Directory>\n";

const SCENARIOS: Record<string, string> = {
  stock: BASE + ROOT_DENIED,
  "granted-root": BASE + ROOT_GRANTED,
  "vulhub-like": BASE + ROOT_GRANTED + CGID + ICONS,
  "debian-like": BASE + ROOT_DENIED + CGID + ICONS + USR_SHARE,
};

function config(t: { after: (fn: () => void) => void }, text: string) {
  const dir = tempDir(t);
  writeTree(dir, { "srv/httpd/conf/httpd.conf": text });
  const diag = new Diagnostics();
  const parsed = parseApacheConfig({
    fs: new RootFs(dir),
    diag,
    mainFile: "/srv/httpd/conf/httpd.conf",
    serverRoot: "/srv/httpd",
  });
  assert.deepEqual(diag.notChecked, []);
  return buildModel(parsed);
}

function inst(version: string, cfg: ReturnType<typeof buildModel>): ApacheInstallation {
  return {
    binary: "/srv/httpd/bin/httpd",
    aliases: [],
    pids: [],
    owner: {},
    version,
    product: `Apache/${version} (Unix)`,
    versionSource: "binary-file",
    configFile: "/srv/httpd/conf/httpd.conf",
    config: cfg,
  };
}

const FACTS: ApacheFacts = { live: false, installations: [], distroLike: [] };
const ctx = checkCtx();
const exposureFinding = (...a: Parameters<typeof exposureFindingKeyed>) => {
  const f = exposureFindingKeyed(...a);
  return f && rendered([f])[0];
};

// What the lab measured, per scenario: RCE (R1/R2 RCE), PASSWD (P1..P4), USRSHARE only, or nothing.
const MEASURED: Record<string, Record<string, string>> = {
  "2.4.48": {
    stock: "not-vulnerable",
    "granted-root": "not-vulnerable",
    "vulhub-like": "not-vulnerable",
    "debian-like": "not-vulnerable",
  },
  "2.4.49": {
    stock: "not-exposed",
    "granted-root": "read",
    "vulhub-like": "rce",
    "debian-like": "read-limited",
  },
  "2.4.50": {
    stock: "not-exposed",
    "granted-root": "read",
    "vulhub-like": "rce",
    "debian-like": "read-limited",
  },
  "2.4.51": {
    stock: "not-vulnerable",
    "granted-root": "not-vulnerable",
    "vulhub-like": "not-vulnerable",
    "debian-like": "not-vulnerable",
  },
};

for (const [version, row] of Object.entries(MEASURED)) {
  for (const [scenario, want] of Object.entries(row)) {
    test(`lab table: ${version} ${scenario} -> ${want}`, (t) => {
      const cfg = config(t, SCENARIOS[scenario] as string);
      const f = exposureFinding(inst(version, cfg), FACTS, undefined, ctx);
      assert.equal(f?.data?.verdict, want);
      if (want === "read-limited") assert.deepEqual(f?.data?.readableDirs, ["/usr/share"]);
      if (want !== "not-vulnerable")
        assert.equal(f?.data?.traversalForm, version === "2.4.50" ? "%%32%65" : ".%2e");
    });
  }
}

test("the traversal needs an alias: without Alias/ScriptAlias even a granted root is not exposed", (t) => {
  const cfg = config(
    t,
    `LoadModule cgid_module modules/mod_cgid.so\n${ROOT_GRANTED}DocumentRoot /srv/httpd/htdocs\n`,
  );
  assert.equal(analyseExposure(cfg).verdict, "not-exposed");
});

test("old Order/Deny on <Directory /> counts as denied, Allow from all as granted", (t) => {
  const denied = config(
    t,
    `${BASE}${CGID}${ICONS}<Directory />\n  Order deny,allow\n  Deny from all\n</Directory>\n`,
  );
  assert.equal(analyseExposure(denied).verdict, "not-exposed");
  const open = config(
    t,
    `${BASE}${CGID}${ICONS}<Directory />\n  Order allow,deny\n  Allow from all\n</Directory>\n`,
  );
  assert.equal(analyseExposure(open).verdict, "rce");
});

test("a <Location> that denies the ScriptAlias URL takes RCE away; the /icons/ read stays", (t) => {
  const cfg = config(
    t,
    `${SCENARIOS["vulhub-like"]}<Location /cgi-bin>\n  Require all denied\n</Location>\n`,
  );
  assert.equal(analyseExposure(cfg).verdict, "read");
});

test("<Location /> Require all granted overrides a denied <Directory />, as httpd merges Location last", (t) => {
  const cfg = config(t, `${SCENARIOS["debian-like"]}<Location />\n  Require all granted\n</Location>\n`);
  const r = analyseExposure(cfg);
  assert.equal(r.verdict, "rce");
  assert.ok(r.evidence.some((e) => e.value === "<Location />"));
});

test("a main-server ScriptAlias is inherited by a virtual host whose own <Directory /> grants access", (t) => {
  const vhost =
    "<VirtualHost *:80>\n  ServerName open.example\n  <Directory />\n    Require all granted\n  </Directory>\n</VirtualHost>\n";
  const cfg = config(t, `${SCENARIOS.stock}${CGID}${vhost}`);
  const r = analyseExposure(cfg);
  assert.equal(r.verdict, "rce");
  assert.equal(r.via?.vhost, "open.example");
  assert.equal(analyseExposure(config(t, `${SCENARIOS.stock}${CGID}`)).verdict, "not-exposed");
});

test("aliases inside <IfModule> of a module that is not loaded do not count", (t) => {
  const text = `${ROOT_GRANTED}${CGID}<IfModule mod_nothere.c>\nScriptAlias /cgi-bin/ /srv/cgi/\n</IfModule>\n`;
  assert.equal(analyseExposure(config(t, text)).verdict, "not-exposed");
});

test("distro data saying the package is fixed (backport) makes 2.4.49 not vulnerable", (t) => {
  const cfg = config(t, SCENARIOS["vulhub-like"] as string);
  const rec = (id: string): CveRecord => ({
    id,
    title: id,
    impact: "critical",
    affected: [],
    fixedIn: [],
    distroFixed: {},
  });
  const fixed: CveMatch[] = ["CVE-2021-41773", "CVE-2021-42013"].map((id) => ({
    cve: rec(id),
    status: "fixed",
    basis: "distro-data",
    because: "",
  }));
  const i = inst("2.4.49", cfg);
  assert.deepEqual(vulnerableCves(i, fixed), []);
  const f = exposureFinding(i, FACTS, fixed, ctx);
  assert.equal(f?.data?.verdict, "not-vulnerable");
  assert.match(f?.detail ?? "", /contains the fix/);
});

test("lab-table.md is where these expectations come from", () => {
  const table = fs.readFileSync(
    path.resolve(import.meta.dirname, "../../../shared/vulndata/lab-table.md"),
    "utf8",
  );
  // 2.4.49 debian-like reads /usr/share but not /etc/passwd; 2.4.50 needs the double-encoded form.
  assert.match(
    table,
    /\| 2\.4\.49 \| debian-like \| 200 \| 403 \| 403 \| 403 \| 403 \| 403 \| 403 \| 403 \| 403 \| 403 \| 200 USRSHARE/,
  );
  assert.match(table, /\| 2\.4\.50 \| vulhub-like \|[^\n]*\| 400 \| 200 RCE \|/);
});
