// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Apache ${VAR} syntax is the subject of these tests.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { splitArgs } from "../../src/collect/apache/config/lexer.ts";
import { buildModel } from "../../src/collect/apache/config/model.ts";
import { type Directive, parseApacheConfig, parseEnvvars } from "../../src/collect/apache/config/parse.ts";
import { apacheLogSources } from "../../src/collect/apache/log-sources.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { FIXTURE_ROOTS } from "../helpers/audit.ts";
import { tempDir } from "../helpers/tmp.ts";

const APACHE = "/usr/sbin/apache2";
const ROOTS = FIXTURE_ROOTS;

const INFO = "LoadModule info_module /usr/lib/apache2/modules/mod_info.so";

/** What the real httpd says about a configuration: the files it includes, the modules it loads, its main error log. */
function httpdSays(
  confDir: string,
  env: Record<string, string>,
  main = "apache2.conf",
  defines: string[] = [],
) {
  const run = (args: string[]) => {
    try {
      return execFileSync(
        APACHE,
        ["-d", confDir, "-f", path.join(confDir, main), ...defines.flatMap((d) => ["-D", d]), ...args],
        {
          env: { PATH: "/usr/sbin:/usr/bin:/bin", ...env },
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          timeout: 15_000,
        },
      );
    } catch (e) {
      return String((e as { stdout?: string }).stdout ?? "");
    }
  };
  const files = [...run(["-t", "-D", "DUMP_INCLUDES"]).matchAll(/^\s+\((?:\*|\d+)\) (\S+)$/gm)].map(
    (m) => m[1] as string,
  );
  const modules = [...run(["-M"]).matchAll(/^ (\w+_module) \(shared\)$/gm)].map((m) => m[1] as string);
  const errorLog = /Main ErrorLog: "([^"]+)"/.exec(run(["-S"]))?.[1];
  // mod_info's DUMP_CONFIG: every directive in effect after IfModule/IfDefine/Include, with file and line.
  const effective: Array<{ file: string; line: number; name: string; args: string[] }> = [];
  let file = "";
  let line = 0;
  for (const l of run(["-C", INFO, "-t", "-D", "DUMP_CONFIG"]).split("\n")) {
    const t = l.trim();
    const f = /^# In file: (.*)$/.exec(t);
    if (f) file = f[1] as string;
    const n = /^#\s*(\d+):$/.exec(t);
    if (n) line = Number(n[1]);
    if (!t || t.startsWith("#") || t.startsWith("</") || t === "Syntax OK" || /^AH\d+/.test(t)) continue;
    const [name = "", ...args] = splitArgs(t.startsWith("<") ? t.slice(1, -1) : t);
    effective.push({ file, line, name: name.toLowerCase(), args });
  }
  return { files, modules, errorLog, effective };
}

/** The directives the checks rely on: these must be exactly what httpd has in effect. */
const RELEVANT = new Set([
  "alias",
  "scriptalias",
  "aliasmatch",
  "scriptaliasmatch",
  "require",
  "order",
  "allow",
  "deny",
  "directory",
  "directorymatch",
  "location",
  "locationmatch",
  "files",
  "filesmatch",
  "virtualhost",
  "options",
  "servertokens",
  "serversignature",
  "customlog",
  "transferlog",
  "errorlog",
  "logformat",
  "documentroot",
  "sethandler",
  "listen",
]);

function flatten(
  list: Directive[],
  root: string,
  out: Array<{ file: string; line: number; name: string; args: string[] }> = [],
) {
  for (const d of list) {
    out.push({ file: path.join(root, d.file), line: d.line, name: d.key, args: d.args });
    if (d.children) flatten(d.children, root, out);
  }
  return out;
}

function assertSameEffective(
  mine: Array<{ file: string; line: number; name: string; args: string[] }>,
  httpd: Array<{ file: string; line: number; name: string; args: string[] }>,
) {
  const key = (d: { file: string; line: number; name: string }) => `${d.file}:${d.line}:${d.name}`;
  const byKey = new Map(mine.map((d) => [key(d), d]));
  for (const h of httpd) {
    const m = byKey.get(key(h));
    assert.ok(m, `httpd has ${key(h)} ${h.args.join(" ")}; the parser does not`);
    assert.deepEqual(m.args, h.args, key(h));
  }
  const theirs = new Set(httpd.map(key));
  for (const m of mine.filter((d) => RELEVANT.has(d.name)))
    assert.ok(theirs.has(key(m)), `the parser has ${key(m)} ${m.args.join(" ")}; httpd does not`);
}

// The Debian-layout fixtures load modules from /usr/lib/apache2/modules, so this machine's apache2 can read them.
for (const name of ["debian12", "debian10", "ubuntu-ppa", "debian12-prod"]) {
  test(`${name}: the parser includes the same files, loads the same modules and finds the same error log as apache2 itself`, {
    skip: !fs.existsSync(APACHE) && "apache2 is not installed",
  }, (t) => {
    const root = path.join(ROOTS, name);
    const confDir = path.join(root, "etc/apache2");
    const run = tempDir(t, "mamori-diff-");
    fs.mkdirSync(path.join(run, "log"));
    const env = {
      ...parseEnvvars(fs.readFileSync(path.join(confDir, "envvars"), "utf8")),
      APACHE_RUN_DIR: run,
      APACHE_PID_FILE: path.join(run, "pid"),
      APACHE_LOCK_DIR: run,
      APACHE_LOG_DIR: path.join(run, "log"),
    };
    const real = httpdSays(confDir, env);
    assert.ok(real.files.length > 10 && real.modules.length > 10, "apache2 read the configuration");

    const diag = new Diagnostics();
    const cfg = buildModel(
      parseApacheConfig({
        fs: new RootFs(root),
        diag,
        mainFile: "/etc/apache2/apache2.conf",
        serverRoot: "/etc/apache2",
        env,
      }),
    );
    assert.deepEqual(diag.notChecked, []);
    assert.deepEqual(
      cfg.files.map((f) => path.join(root, f)),
      real.files,
    );
    assert.deepEqual(
      cfg.modules.filter((m) => m.path).map((m) => m.id),
      real.modules,
    );
    const err = apacheLogSources(cfg).find((l) => l.kind === "error" && !l.vhost);
    assert.equal(err?.path, real.errorLog);
  });
}

test("a tricky configuration: -D, Define/${VAR}, negated IfModule, nested IfDefine, continuations, quotes, globbed and directory includes", {
  skip: !fs.existsSync(APACHE) && "apache2 is not installed",
}, (t) => {
  const root = tempDir(t, "mamori-diff-");
  const conf = path.join(root, "etc/web");
  const run = path.join(root, "run");
  const files: Record<string, string> = {
    "main.conf": [
      'ServerRoot "/etc/web"',
      "ServerName diff.example",
      `DefaultRuntimeDir ${run}`,
      `PidFile ${run}/pid`,
      `Mutex file:${run} default`,
      "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so",
      "LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so",
      "Define DOCS /srv/site",
      "Define \\",
      "  SPLIT on",
      "Listen 127.0.0.1:1",
      "IncludeOptional mods/[a-m]*.load",
      "<IfModule !mod_cgid.c>",
      "  <IfDefine EXTRA>",
      '    Alias "/with space/" "/srv/has space/"',
      "  </IfDefine>",
      "  <IfDefine !EXTRA>",
      "    Alias /never/ /srv/never/",
      "  </IfDefine>",
      "</IfModule>",
      "<IfModule alias_module>",
      "  ScriptAlias /cgi-bin/ ${DOCS}/cgi/",
      "</IfModule>",
      "<IfDefine SPLIT>",
      '  LogFormat "%h \\"%r\\" %>s" quoted',
      "</IfDefine>",
      `ErrorLog ${run}/error.log`,
      `CustomLog ${run}/access.log quoted`,
      "<Directory />",
      "    Require all denied",
      "</Directory>",
      "<Directory ${DOCS}>",
      "    Options Indexes \\",
      "        FollowSymLinks",
      "    Require all granted",
      "</Directory>",
      "Include sites/",
      "",
    ].join("\n"),
    "mods/alias.load": "LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so\n",
    "mods/autoindex.load": "LoadModule autoindex_module /usr/lib/apache2/modules/mod_autoindex.so\n",
    "mods/status.load": "LoadModule status_module /usr/lib/apache2/modules/mod_status.so\n",
    "sites/a.conf":
      "<VirtualHost 127.0.0.1:1>\n  ServerName a.example\n  DocumentRoot ${DOCS}/a\n  <Location /server-status>\n    SetHandler server-status\n    Require all denied\n  </Location>\n</VirtualHost>\n",
    "sites/b/b.conf": "<VirtualHost 127.0.0.1:1>\n  ServerName b.example\n</VirtualHost>\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(conf, rel)), { recursive: true });
    fs.writeFileSync(path.join(conf, rel), text);
  }
  fs.mkdirSync(run);
  // httpd reads the files under the temporary root; the parser reads the same tree as a --root.
  for (const f of Object.keys(files))
    fs.writeFileSync(
      path.join(conf, f),
      fs.readFileSync(path.join(conf, f), "utf8").replaceAll("/etc/web", conf),
    );
  const real = httpdSays(conf, {}, "main.conf", ["EXTRA"]);
  for (const f of Object.keys(files)) fs.writeFileSync(path.join(conf, f), files[f] as string);
  assert.ok(real.effective.length > 10, "apache2 read the configuration");
  const diag = new Diagnostics();
  const parsed = parseApacheConfig({
    fs: new RootFs(root),
    diag,
    mainFile: "/etc/web/main.conf",
    serverRoot: "/etc/web",
    defines: { EXTRA: "" },
  });
  assert.deepEqual(diag.notChecked, []);
  assert.deepEqual(
    parsed.files.map((f) => path.join(root, f)),
    real.files.map((f) => f.replace(conf, path.join(root, "etc/web"))),
  );
  assert.deepEqual(
    parsed.modules.filter((m) => m.path).map((m) => m.id),
    real.modules,
  );
  assertSameEffective(
    flatten(parsed.directives, root),
    real.effective.map((d) => ({ ...d, args: d.args.map((a) => a.replaceAll(conf, "/etc/web")) })),
  );
  assert.ok(
    buildModel(parsed).aliases.some((a) => a.url === "/with space/" && a.target === "/srv/has space/"),
  );
});

// Upstream layouts (relative "modules/" under ServerRoot): run a copy with ServerRoot moved to a temporary
// directory whose modules/ is Debian's, and Debian's built-in modules' LoadModule lines commented out
// (line numbers unchanged). The parser reads the same copy.
const DEBIAN_STATIC = [
  "log_config_module",
  "logio_module",
  "version_module",
  "unixd_module",
  "watchdog_module",
];
for (const name of ["upstream-2.4.49", "official-2.4.50"]) {
  test(`${name}: the parser's effective configuration matches apache2 on the upstream httpd.conf layout`, {
    skip: !fs.existsSync(APACHE) && "apache2 is not installed",
  }, (t) => {
    const tmp = tempDir(t, "mamori-diff-");
    const src = path.join(ROOTS, name, "usr/local/apache2/conf");
    fs.cpSync(src, path.join(tmp, "conf"), { recursive: true });
    fs.symlinkSync("/usr/lib/apache2/modules", path.join(tmp, "modules"));
    fs.copyFileSync("/etc/mime.types", path.join(tmp, "conf/mime.types"));
    for (const d of ["htdocs", "cgi-bin", "icons"]) fs.mkdirSync(path.join(tmp, d));
    for (const f of ["conf/httpd.conf", "conf/extra/httpd-autoindex.conf"]) {
      const p = path.join(tmp, f);
      const text = fs
        .readFileSync(p, "utf8")
        .replaceAll("/usr/local/apache2", tmp)
        .split("\n")
        .map((l) => (DEBIAN_STATIC.some((m) => l.startsWith(`LoadModule ${m} `)) ? `#${l}` : l))
        .join("\n");
      fs.writeFileSync(p, text);
    }
    const pid = ["-C", `PidFile ${tmp}/pid`];
    const run = (args: string[]) => {
      try {
        return execFileSync(APACHE, ["-d", tmp, "-f", path.join(tmp, "conf/httpd.conf"), ...pid, ...args], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          timeout: 15_000,
        });
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? "");
      }
    };
    const effective: Array<{ file: string; line: number; name: string; args: string[] }> = [];
    let file = "";
    let line = 0;
    for (const l of run(["-C", INFO, "-t", "-D", "DUMP_CONFIG"]).split("\n")) {
      const x = l.trim();
      const f = /^# In file: (.*)$/.exec(x);
      if (f) file = f[1] as string;
      const n = /^#\s*(\d+):$/.exec(x);
      if (n) line = Number(n[1]);
      if (!x || x.startsWith("#") || x.startsWith("</") || x === "Syntax OK" || /^AH\d+/.test(x)) continue;
      const [dname = "", ...args] = splitArgs(x.startsWith("<") ? x.slice(1, -1) : x);
      if (file.startsWith(tmp)) effective.push({ file, line, name: dname.toLowerCase(), args });
    }
    assert.ok(effective.length > 20, "apache2 read the configuration");
    const diag = new Diagnostics();
    const parsed = parseApacheConfig({
      fs: new RootFs("/"),
      diag,
      mainFile: path.join(tmp, "conf/httpd.conf"),
      serverRoot: tmp,
      staticModules: ["core.c", "mod_so.c", "http_core.c", ...DEBIAN_STATIC],
    });
    assert.deepEqual(diag.notChecked, []);
    assertSameEffective(flatten(parsed.directives, "/"), effective);
  });
}
