// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Apache ${VAR} syntax is the subject of these tests.
import assert from "node:assert/strict";
import { test } from "node:test";
import { logicalLines, splitArgs } from "../../src/collect/apache/config/lexer.ts";
import { accessOf, buildModel } from "../../src/collect/apache/config/model.ts";
import { parseApacheConfig, parseEnvvars } from "../../src/collect/apache/config/parse.ts";
import { apacheLogSources } from "../../src/collect/apache/log-sources.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

function parse(
  t: { after: (fn: () => void) => void },
  files: Record<string, string>,
  env?: Record<string, string>,
) {
  const dir = tempDir(t);
  writeTree(dir, files);
  const diag = new Diagnostics();
  const parsed = parseApacheConfig({
    fs: new RootFs(dir),
    diag,
    mainFile: "/etc/web/main.conf",
    serverRoot: "/etc/web",
    env,
  });
  return { parsed, cfg: buildModel(parsed), diag };
}

test("continuation lines join, comments drop, the line number is the last physical line (as httpd reports it)", () => {
  const lines = logicalLines('# c\nLogFormat "%h \\\n  %r" x\n\n  Alias /a /b\n');
  assert.deepEqual(lines, [
    { line: 3, text: 'LogFormat "%h    %r" x' },
    { line: 5, text: "Alias /a /b" },
  ]);
  assert.deepEqual(splitArgs(`Alias "/a b" '/c d' e\\"f "q\\"x"`), ["Alias", "/a b", "/c d", 'e\\"f', 'q"x']);
});

test("Include globs relative to ServerRoot, Define and ${VAR}, IfModule against LoadModule order, IfDefine", (t) => {
  const { cfg, diag } = parse(
    t,
    {
      "etc/web/main.conf": [
        "Define DOCS /srv/site",
        "IncludeOptional mods/*.load",
        "<IfModule cgid_module>",
        "  Define HAVE_CGI",
        "</IfModule>",
        "<IfDefine HAVE_CGI>",
        "  ScriptAlias /cgi-bin/ ${DOCS}/cgi/",
        "</IfDefine>",
        "<IfDefine !HAVE_CGI>",
        "  Alias /never/ /x/",
        "</IfDefine>",
        "<IfModule !mod_status.c>",
        "  ServerTokens Prod",
        "</IfModule>",
        "ErrorLog ${APACHE_LOG_DIR}/err.log",
        "Include sites/",
      ].join("\n"),
      "etc/web/mods/cgid.load": "LoadModule cgid_module /usr/lib/mod_cgid.so\n",
      "etc/web/mods/alias.load": "LoadModule alias_module /usr/lib/mod_alias.so\n",
      "etc/web/sites/a.conf":
        "<VirtualHost *:80>\n ServerName a.example\n DocumentRoot ${DOCS}\n CustomLog logs/a.log combined\n</VirtualHost>\n",
    },
    { APACHE_LOG_DIR: "/var/log/web" },
  );
  assert.deepEqual(diag.notChecked, []);
  assert.deepEqual(
    cfg.aliases.map((a) => [a.kind, a.url, a.target, a.where.file, a.where.line]),
    [["ScriptAlias", "/cgi-bin/", "/srv/site/cgi/", "/etc/web/main.conf", 7]],
  );
  assert.equal(cfg.serverTokens?.value, "Prod");
  assert.ok(cfg.modules.some((m) => m.source === "mod_cgid.c" && m.file === "/etc/web/mods/cgid.load"));
  assert.equal(cfg.vhosts[0]?.serverName, "a.example");
  assert.equal(cfg.vhosts[0]?.documentRoot, "/srv/site");
  const logs = apacheLogSources(cfg);
  assert.deepEqual(
    logs.map((l) => [l.kind, l.path, l.vhost, l.configFile]),
    [
      ["error", "/var/log/web/err.log", undefined, "/etc/web/main.conf"],
      ["access", "/etc/web/logs/a.log", "a.example", "/etc/web/sites/a.conf"],
    ],
  );
  assert.match(logs[1]?.format ?? "", /%\{Referer\}i/);
});

test("include loops, missing includes and unclosed sections are diagnosed; the rest is still read", (t) => {
  const { cfg, diag } = parse(t, {
    "etc/web/main.conf":
      "Include a.conf\nInclude nope.conf\nInclude nodir/*.conf\nIncludeOptional none/*.conf\nInclude open.conf\nServerSignature Off\n",
    "etc/web/a.conf": "Include b.conf\n",
    "etc/web/b.conf": "Include a.conf\nListen 8080\n",
    "etc/web/open.conf": "<Directory /x>\nRequire all granted\n",
  });
  const reasons = diag.notChecked.map((n) => n.reason).sort();
  assert.deepEqual(reasons, ["include-loop", "missing-include", "missing-include", "parse"]);
  assert.equal(cfg.serverSignature?.value, "Off");
  assert.equal(cfg.listens[0]?.value, "8080");
});

test("piped rotatelogs become a glob of the files they write; no ErrorLog means httpd's logs/error_log", (t) => {
  const { cfg } = parse(t, {
    "etc/web/main.conf":
      'CustomLog "|/usr/sbin/rotatelogs /var/log/web/access_log.%Y%m%d 86400" combined\nCustomLog "|/usr/bin/logger -t web" common\n',
  });
  assert.deepEqual(
    apacheLogSources(cfg).map((l) => [l.kind, l.path]),
    [
      ["access", "/var/log/web/access_log.*"],
      ["access", "|/usr/bin/logger -t web"],
      ["error", "/etc/web/logs/error_log"],
    ],
  );
});

test("undefined ${VAR} is kept as written and warned once", (t) => {
  const { cfg, diag } = parse(t, {
    "etc/web/main.conf": "ErrorLog ${NOPE}/e.log\nCustomLog ${NOPE}/a.log common\n",
  });
  assert.equal(cfg.logs[0]?.target, "/etc/web/${NOPE}/e.log");
  assert.equal(diag.warnings.filter((w) => w.reason === "undefined-variable").length, 1);
});

test("access: Require, RequireAny, Order/Allow/Deny", () => {
  const d = (name: string, ...args: string[]) => ({
    name,
    key: name.toLowerCase(),
    args,
    file: "f",
    line: 1,
  });
  assert.equal(accessOf([d("Require", "all", "granted")]).access, "granted");
  assert.equal(accessOf([d("Require", "all", "granted"), d("Require", "all", "denied")]).access, "denied");
  assert.equal(accessOf([d("Require", "ip", "10.0.0.0/8")]).access, "restricted");
  assert.equal(accessOf([d("Order", "deny,allow"), d("Deny", "from", "all")]).access, "denied");
  assert.equal(
    accessOf([d("Order", "deny,allow"), d("Deny", "from", "all"), d("Allow", "from", "all")]).access,
    "granted",
  );
  assert.equal(accessOf([d("Order", "allow,deny"), d("Allow", "from", "all")]).access, "granted");
  assert.equal(accessOf([]).access, "unspecified");
});

test("Debian envvars: exported variables with $SUFFIX", () => {
  const env = parseEnvvars(
    'unset HOME\nif [ x ]; then\n  SUFFIX="-x"\nfi\nexport APACHE_RUN_USER=www-data\nexport APACHE_LOG_DIR=/var/log/apache2$SUFFIX\n',
    "/etc/apache2",
  );
  assert.equal(env.APACHE_LOG_DIR, "/var/log/apache2");
  assert.equal(env.APACHE_RUN_USER, "www-data");
  assert.equal(
    parseEnvvars("export APACHE_LOG_DIR=/var/log/apache2$SUFFIX\n", "/etc/apache2-two").APACHE_LOG_DIR,
    "/var/log/apache2-two",
  );
});
