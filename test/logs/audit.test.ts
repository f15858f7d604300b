import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

test("audit reads the default log places under --root, rotations included, and reports logs.exploit", async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    "var/log/apache2/access.log":
      '203.0.113.5 - - [12/Mar/2024:03:14:07 +0000] "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 200 7 "-" "-"\n',
    "var/log/apache2/access.log.2.gz": gzipSync(
      '203.0.113.9 - - [10/Mar/2024:03:14:07 +0000] "GET /.env HTTP/1.1" 404 196 "-" "-"\n',
    ),
    "var/log/apache2/error.log":
      "[Tue Mar 12 03:15:00.000000 2024] [core:error] [pid 1] [client 203.0.113.7:5] AH10244: invalid URI path (/cgi-bin/%%32%65%%32%65/bin/sh)\n",
    "var/log/nginx/access.log": "",
  });
  const r = await mamori(["audit", "--root", root, "--format", "json", "--now", "2026-01-01T00:00:00Z"]);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  const paths = doc.sections.logs.files.map((f: { path: string }) => f.path);
  assert.deepEqual(paths.slice(0, 2), ["/var/log/apache2/access.log.2.gz", "/var/log/apache2/access.log"]);
  assert.ok(paths.includes("/var/log/apache2/error.log"));
  const f = doc.findings.find(
    (x: { check: string; data: { ip: string } }) => x.check === "logs.exploit" && x.data.ip === "203.0.113.5",
  );
  assert.equal(f.severity, "critical");
  assert.equal(f.evidence[0].path, "/var/log/apache2/access.log");
  assert.equal(f.evidence[0].line, 1);
  const blocked = doc.findings.find((x: { data?: { ip: string } }) => x.data?.ip === "203.0.113.7");
  assert.equal(blocked.data.outcome, "blocked");
  assert.equal(blocked.data.attack, "cve-2021-42013");
});

test("the logs scanner reads LogSources handed to it (the Apache configuration's), with their LogFormat", async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    "srv/www/logs/site.log":
      '203.0.113.60 [12/Mar/2024:03:14:07 +0000] 403 "GET /icons/.%%32%65/.%%32%65/etc/passwd HTTP/1.1"\n',
  });
  const { logsScanner } = await import("../../src/audit/logs.ts");
  const { scanContext } = await import("../../src/audit/context.ts");
  const ctx = scanContext(
    { root, now: () => new Date("2026-01-01T00:00:00Z"), lang: "en", dataDir: root },
    {},
  );
  const scanner = logsScanner(() => [
    { path: "/srv/www/logs/site.log", kind: "access", format: '%h %t %>s "%r"' },
  ]);
  const facts = await scanner.collect(ctx);
  assert.equal(facts.files[0]?.formatSource, "config");
  const findings = scanner.check(facts, (await import("../../src/core/context.ts")).checkContext(ctx));
  assert.equal(findings[0]?.data?.attack, "cve-2021-42013");
  assert.equal(findings[0]?.data?.outcome, "blocked");
});

test("RHEL's /etc/httpd/logs links to /var/log/httpd: the log is read once, under the configuration's name", async (t) => {
  const root = tempDir(t);
  fs.cpSync(fixtureRoot("alma9"), root, { recursive: true, verbatimSymlinks: true });
  writeTree(root, {
    "var/log/httpd/access_log":
      '203.0.113.5 - - [12/Mar/2024:03:14:07 +0000] "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 400 226 "-" "-"\n',
    "var/log/httpd/error_log": "",
  });
  fs.symlinkSync("../../var/log/httpd", path.join(root, "etc/httpd/logs"));
  const r = await mamori(["audit", "--root", root, "--format", "json", "--now", "2026-01-01T00:00:00Z"]);
  const doc = JSON.parse(r.stdout);
  const paths = doc.sections.logs.files.map((f: { path: string }) => f.path);
  assert.ok(paths.includes("/etc/httpd/logs/access_log"), paths.join(" "));
  assert.ok(!paths.includes("/var/log/httpd/access_log"), paths.join(" "));
  assert.equal(doc.sections.logs.events.length, 1, "one request, one event");
});
