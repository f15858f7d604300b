import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { RenderedDocument as ReportDocument } from "../../src/report/localize.ts";
import { auditJson, FIXTURE_NOW, FIXTURE_ROOTS, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOTS = FIXTURE_ROOTS;
const NOW = FIXTURE_NOW;

/** The report, with the Apache section these tests read. */
type Doc = ReportDocument & { sections: { apache?: { installations: Array<Record<string, unknown>> } } };

async function audit(root: string, extra: string[] = []): Promise<{ code: number; doc: Doc }> {
  const { code, stderr, doc } = await auditJson(fixtureRoot(root), extra);
  assert.ok(code === 0 || code === 1 || code === 3, stderr);
  return { code, doc: doc as Doc };
}

const exposure = (d: Doc) => d.findings.find((f) => f.check === "apache.exposure");
/** Every CVE judged open: the CVE findings and the exposure verdict, which carries 41773/42013 when it judges them. */
const cveIds = (d: Doc) =>
  new Set(
    d.findings
      .filter((f) => f.check === "apache.cve" || f.check === "apache.exposure")
      .flatMap((f) => f.cves),
  );
const hasEvidence = (f: Doc["findings"][number] | undefined, file: string, line: number, value?: RegExp) =>
  f?.evidence.some((e) => e.path === file && e.line === line && (!value || value.test(e.value ?? "")));

test("upstream 2.4.49 with <Directory /> granted and mod_cgid: remote code execution, critical, CVE-2021-41773", async () => {
  const { code, doc } = await audit("upstream-2.4.49");
  assert.equal(code, 1);
  const e = exposure(doc);
  assert.equal(e?.data?.verdict, "rce");
  assert.equal(e?.severity, "critical");
  assert.equal(e?.confidence, "likely");
  assert.deepEqual(e?.cves, ["CVE-2021-41773", "CVE-2021-42013"]);
  const conf = "/usr/local/apache2/conf/httpd.conf";
  assert.ok(hasEvidence(e, conf, 47, /^Require all granted$/), "Require all granted line");
  assert.ok(hasEvidence(e, conf, 45, /^<Directory \/>$/), "<Directory /> line");
  assert.ok(hasEvidence(e, conf, 81, /^ScriptAlias \/cgi-bin\//), "ScriptAlias line");
  assert.ok(hasEvidence(e, conf, 30, /cgid_module/), "LoadModule cgid line");
  assert.ok(e?.commands?.includes("    Require all denied"));
  assert.ok(e?.commands?.some((c) => c.includes("/usr/local/apache2/bin/apachectl -k graceful")));
  assert.equal(e?.data?.installation, "/usr/local/apache2/bin/httpd");
  assert.equal(e?.data?.version, "2.4.49");
  assert.equal(e?.data?.owner, null);
  // Every applying CVE is listed once; the two KEV traversal CVEs only in the exposure verdict, critical.
  const ids = cveIds(doc);
  for (const id of ["CVE-2021-41773", "CVE-2021-42013", "CVE-2021-44790", "CVE-2024-38475"])
    assert.ok(ids.has(id), id);
  assert.ok(!ids.has("CVE-2021-40438"), "fixed in 2.4.49 itself");
  const k = doc.findings.filter((f) => f.cves.includes("CVE-2021-41773"));
  assert.deepEqual(
    k.map((f) => f.check),
    ["apache.exposure"],
  );
  assert.equal(k[0]?.severity, "critical");
  assert.match(k[0]?.title ?? "", /exploited in the wild/);
  assert.match(k[0]?.remediation ?? "", /Build and install Apache httpd 2\.4\.\d+ or later/);
  // KEV-listed CVEs are never below high.
  for (const f of doc.findings.filter((x) => x.check === "apache.cve" && x.data?.kev))
    assert.ok(["critical", "high"].includes(f.severity), f.title);
  assert.ok(doc.findings.some((f) => f.check === "apache.config.root-granted" && f.severity === "medium"));
});

test("official httpd:2.4.50 image with the default config: vulnerable code, not exposed", async () => {
  const { doc } = await audit("official-2.4.50");
  const e = exposure(doc);
  assert.equal(e?.data?.verdict, "not-exposed");
  assert.deepEqual(e?.cves, ["CVE-2021-42013"]);
  assert.equal(e?.data?.traversalForm, "%%32%65");
  assert.ok(hasEvidence(e, "/usr/local/apache2/conf/httpd.conf", 47, /^Require all denied$/));
  assert.ok(cveIds(doc).has("CVE-2021-42013"));
  assert.ok(!cveIds(doc).has("CVE-2021-41773"), "2.4.50 fixed CVE-2021-41773");
  // One verdict for the hole, whose severity and words agree: upgrade (KEV, high), blocked by the config today.
  const about42013 = doc.findings.filter((f) => f.cves.includes("CVE-2021-42013"));
  assert.equal(about42013.length, 1);
  assert.equal(e?.severity, "high");
  assert.match(
    e?.title ?? "",
    /upgrade: CVE-2021-42013 is critical and exploited in the wild; your configuration blocks/,
  );
  assert.match(e?.detail ?? "", /known exploited since 2021-11-03/);
  assert.ok(!doc.findings.some((f) => /not exposed by this configuration/.test(f.title)));
  // Windows-only CVEs are folded away with their reason, not listed open.
  assert.ok(!cveIds(doc).has("CVE-2024-38472"), "Windows UNC SSRF cannot apply on Linux");
  const folded = doc.findings.find((f) => f.check === "apache.cve.not-applicable");
  assert.equal(folded?.severity, "info");
  assert.deepEqual(folded?.cves, []);
  assert.ok(
    ((folded?.data?.folded ?? []) as Array<{ cve: string; reason: string }>).some(
      (x) => x.cve === "CVE-2024-38472" && x.reason === "windows-only",
    ),
  );
  // ServerTokens is not set: Apache's default Full discloses the version.
  const d = doc.findings.find((f) => f.check === "apache.config.version-disclosure");
  assert.match(d?.evidence[0]?.value ?? "", /default Full/);
  // The htdocs listing is the site's own content: low, not "sensitive".
  const idx = doc.findings.find((f) => f.check === "apache.config.indexes");
  assert.equal(idx?.severity, "low");
});

test("sury PPA 2.4.49 on Ubuntu, Debian layout with mod_cgid: files under /usr/share and /var/www readable, judged upstream", async () => {
  const { doc } = await audit("ubuntu-ppa");
  const e = exposure(doc);
  assert.equal(e?.data?.verdict, "read-limited");
  assert.deepEqual(e?.data?.readableDirs, ["/usr/share", "/var/www"]);
  assert.ok(hasEvidence(e, "/etc/apache2/mods-enabled/alias.conf", 13, /^Alias \/icons\//));
  assert.ok(hasEvidence(e, "/etc/apache2/apache2.conf", 162, /^Require all denied$/));
  assert.ok(hasEvidence(e, "/etc/apache2/apache2.conf", 165, /^<Directory \/usr\/share>$/));
  const owner = e?.data?.owner as Record<string, string>;
  assert.equal(owner.origin, "third-party");
  assert.equal(owner.version, "2.4.49-1+ubuntu20.04.1+deb.sury.org+1");
  assert.deepEqual(e?.commands, [
    "apt-get update",
    "apt-get install --only-upgrade apache2",
    "# /etc/apache2/apache2.conf:167",
    "<Directory /usr/share>",
    "    Require all denied",
    "</Directory>",
    "# /etc/apache2/apache2.conf:173",
    "<Directory /var/www>",
    "    Require all denied",
    "</Directory>",
    "<Directory /var/www/html>",
    "    Require all granted",
    "</Directory>",
    "apache2ctl configtest && systemctl reload apache2",
  ]);
  assert.match(e?.detail ?? "", /third-party build/);
  assert.ok(cveIds(doc).has("CVE-2021-41773"));
  // The one verdict on 41773/42013 here is the exposure finding; the other CVEs keep the third-party advice.
  assert.equal(doc.findings.filter((f) => f.cves.includes("CVE-2021-41773")).length, 1);
  const k = doc.findings.find((f) => f.cves[0] === "CVE-2024-38475" && f.check === "apache.cve");
  assert.match(k?.remediation ?? "", /third-party repository/);
});

test("Debian 12 distro package: not vulnerable to 41773/42013, judged with Debian's data, distro upgrade command", async () => {
  const { doc } = await audit("debian12");
  const e = exposure(doc);
  assert.equal(e?.data?.verdict, "not-vulnerable");
  assert.equal(e?.severity, "info");
  assert.equal(e?.confidence, "confirmed");
  assert.deepEqual(e?.cves, []);
  assert.ok(
    e?.evidence.some(
      (x) =>
        x.path === "/var/lib/dpkg/status" && x.package === "apache2-bin" && x.version === "2.4.62-1~deb12u2",
    ),
  );
  const owner = e?.data?.owner as Record<string, string>;
  assert.equal(owner.source, "apache2");
  assert.equal(owner.release, "bookworm");
  for (const f of doc.findings.filter((x) => x.check === "apache.cve"))
    assert.deepEqual(f.commands, ["apt-get update", "apt-get install --only-upgrade apache2"]);
  const disc = doc.findings.find((f) => f.check === "apache.config.version-disclosure");
  assert.ok(hasEvidence(disc, "/etc/apache2/conf-enabled/security.conf", 12, /^ServerTokens OS$/));
  assert.ok(hasEvidence(disc, "/etc/apache2/conf-enabled/security.conf", 23, /^ServerSignature On$/));
  // Debian's status.conf has Require local: not reported as open.
  assert.ok(!doc.findings.some((f) => f.check === "apache.config.status-open"));
  // The log-forensics contract: log files with resolved formats, ${APACHE_LOG_DIR} from envvars.
  const inst = doc.sections.apache?.installations[0] as { logSources: Array<Record<string, unknown>> };
  const access = inst.logSources.find((l) => l.kind === "access" && l.path === "/var/log/apache2/access.log");
  assert.match(String(access?.format), /^%h %l %u %t \\?"%r\\?" %>s %O/);
  assert.ok(inst.logSources.some((l) => l.kind === "error" && l.path === "/var/log/apache2/error.log"));
});

test("Debian 10 2.4.38-3+deb10u7: backported fixes do not count, missing ones do, with Debian's fixed version", async () => {
  const { doc } = await audit("debian10");
  const e = exposure(doc);
  assert.equal(e?.data?.verdict, "not-vulnerable");
  const ids = cveIds(doc);
  // Fixed by Debian backports before deb10u7 (the upstream version 2.4.38 alone would say affected):
  for (const fixed of ["CVE-2019-10092", "CVE-2020-1934", "CVE-2021-40438", "CVE-2021-44790"])
    assert.ok(!ids.has(fixed), `${fixed} is fixed in buster by a backport`);
  // Fixed only in a later buster update, so still open in deb10u7:
  for (const open of ["CVE-2022-37436", "CVE-2020-1927"]) assert.ok(ids.has(open), open);
  const confirmed = doc.findings.find((f) => f.check === "apache.cve" && f.cves.includes("CVE-2022-37436"));
  assert.equal(confirmed?.confidence, "confirmed");
  assert.match(confirmed?.remediation ?? "", /to 2\.4\.38-3\+deb10u\d+ or later/);
});

test("Rocky 8 with an unreadable rpm database: says the rpm database cannot be read, falls back to the binary with lower confidence", async () => {
  const { doc } = await audit("rhel8");
  // The fixture's rpmdb.sqlite is a stand-in text file: the native reader says so, and the rpm command is
  // not handed another root's database.
  const nc = doc.notChecked.find((n) => n.reason === "rpmdb-unreadable");
  assert.equal(nc?.path, "/var/lib/rpm/rpmdb.sqlite");
  assert.match(nc?.detail ?? "", /cannot be read \(sqlite: file is not a database\)/);
  assert.match(nc?.detail ?? "", /the rpm command is not run on it/);
  assert.match(nc?.detail ?? "", /run mamori on that system itself/);
  assert.equal(
    doc.notChecked.find((n) => n.reason === "rpm-failed"),
    undefined,
    "rpm was not run, so it did not fail",
  );
  const cves = doc.findings.filter((f) => f.check === "apache.cve");
  assert.ok(cves.length > 0);
  for (const f of cves) {
    assert.equal(f.confidence, "possible", f.title);
    assert.deepEqual(f.commands, ["dnf upgrade httpd"]);
  }
  const e = exposure(doc);
  assert.equal(e?.data?.verdict, "not-vulnerable");
  assert.equal(e?.data?.version, "2.4.37");
  assert.equal(e?.data?.versionSource, "binary-file");
  const st = doc.findings.find((f) => f.check === "apache.config.status-open");
  assert.ok(hasEvidence(st, "/etc/httpd/conf.d/status.conf", 4, /^Require all granted$/));
  assert.ok(st?.commands?.includes("apachectl configtest && systemctl reload httpd"));
  // The exposure area reports the same block; its reload must name Red Hat's unit too.
  const handler = doc.findings.find(
    (f) => f.check === "exposure.service" && f.data?.service === "apache-status",
  );
  assert.ok(handler, "exposure.service for mod_status");
  assert.ok(!handler.commands?.some((c) => c.includes("apache2")), handler.commands?.join("\n"));
});

test("Alpine: apk owns /usr/sbin/httpd, absolute SERVER_CONFIG_FILE, server-info left open, OpenRC reload", async () => {
  const { doc } = await audit("alpine");
  const inst = doc.sections.apache?.installations[0] as Record<string, unknown>;
  assert.equal(inst.configFile, "/etc/apache2/httpd.conf");
  assert.deepEqual(inst.owner, {
    manager: "apk",
    name: "apache2",
    source: "apache2",
    version: "2.4.62-r0",
    distro: "alpine",
    release: "3.20",
    origin: "distro",
  });
  const info = doc.findings.find((f) => f.check === "apache.config.status-open");
  assert.match(info?.title ?? "", /server-info at \/server-info/);
  assert.ok(hasEvidence(info, "/etc/apache2/conf.d/info.conf", 3, /^<Location \/server-info>$/));
  assert.ok(info?.commands?.includes("apachectl configtest && rc-service apache2 reload"));
  for (const f of doc.findings.filter((x) => x.check === "apache.cve")) {
    assert.deepEqual(f.commands, ["apk update", "apk upgrade apache2"]);
    // No Alpine data in the snapshot and Alpine backports: never more than "possible".
    assert.equal(f.confidence, "possible");
  }
});

test("ServerTokens Prod and no Indexes: no configuration findings", async () => {
  const { code, doc } = await audit("debian12-prod", ["--severity-threshold", "low"]);
  assert.ok(!doc.findings.some((f) => f.check.startsWith("apache.config.")));
  assert.ok(doc.findings.some((f) => f.check === "apache.exposure"));
  void code;
});

test("no Apache at all: no findings, but not 'Safe': exit 3 (not fully checked)", async () => {
  const r = await mamori(["audit", "--root", path.join(ROOTS, "no-apache"), "--now", NOW]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /^Not fully checked: No Apache httpd was found/);
  const j = await audit("no-apache");
  assert.equal(j.doc.findings.length, 0);
  assert.deepEqual(j.doc.sections.apache?.installations, []);
});

test("bad input: include loop, missing include, unreadable file, corrupt dpkg status, no version string are listed, the audit goes on", async () => {
  const { doc } = await audit("broken");
  const reasons = doc.notChecked.map((n) => n.reason);
  for (const r of ["include-loop", "missing-include", "ELOOP", "parse", "no-version"])
    assert.ok(reasons.includes(r), r);
  assert.ok(doc.notChecked.some((n) => n.path === "/var/lib/dpkg/status" && n.reason === "parse"));
  assert.ok(doc.notChecked.some((n) => /never closed/.test(n.detail ?? "")));
  // The rest of the configuration was still read: ServerTokens Prod after the bad includes took effect.
  assert.ok(!doc.findings.some((f) => f.check === "apache.config.version-disclosure"));
  assert.equal(doc.sections.apache?.installations.length, 1);
});

test("a vulnerability snapshot that fails to parse is a clear 'could not check' entry; the exposure verdict still comes", async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, "vulndb.json"), "{ not json");
  const { doc } = await audit("upstream-2.4.49", ["--data-dir", dir]);
  assert.ok(doc.notChecked.some((n) => n.area === "vulndb" && n.reason === "parse"));
  assert.ok(doc.notChecked.some((n) => n.area === "apache.cve"));
  assert.equal(exposure(doc)?.data?.verdict, "rce");
  assert.ok(!doc.findings.some((f) => f.check === "apache.cve"));
});

test("Japanese report: verdict first, then the RCE finding with evidence and the next step", async () => {
  const r = await mamori([
    "audit",
    "--root",
    path.join(ROOTS, "upstream-2.4.49"),
    "--lang",
    "ja",
    "--now",
    NOW,
  ]);
  assert.equal(r.code, 1);
  const lines = r.stdout.split("\n");
  assert.match(lines[0] ?? "", /^今すぐ対応/);
  assert.match(
    r.stdout,
    /CVE-2021-41773, CVE-2021-42013 \(緊急、実際に悪用されています\) により外部からコマンドを実行される状態です/,
  );
  assert.match(r.stdout, /\/usr\/local\/apache2\/conf\/httpd\.conf:47 {2}Require all granted/);
  assert.match(r.stdout, /次の手順: .*2\.4\.\d+ 以降をビルド/);
  assert.doesNotMatch(r.stdout, /The traversal|Build and install/);
});

test("a distro path overwritten by a source build: judged by the file's own version, with a warning", async (t) => {
  const dir = tempDir(t);
  fs.cpSync(path.join(ROOTS, "ubuntu-ppa"), dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "usr/sbin/apache2"),
    'Apache/2.4.50 (Unix)\0 -D HTTPD_ROOT="/etc/apache2"\0 -D SERVER_CONFIG_FILE="apache2.conf"\0',
  );
  const r = await mamori(["audit", "--root", dir, "--format", "json", "--now", NOW]);
  const doc = JSON.parse(r.stdout) as Doc;
  const e = exposure(doc);
  assert.equal(e?.data?.version, "2.4.50");
  assert.equal(e?.data?.owner, null);
  assert.deepEqual(e?.cves, ["CVE-2021-42013"]);
  assert.ok(
    doc.warnings.some(
      (w) => w.reason === "version-mismatch" && /replaced outside the package manager/.test(w.detail ?? ""),
    ),
  );
  const inst = doc.sections.apache?.installations[0] as { packageMismatch?: { version: string } };
  assert.equal(inst.packageMismatch?.version, "2.4.49-1+ubuntu20.04.1+deb.sury.org+1");
});
