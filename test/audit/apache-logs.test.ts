import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

const FIXTURE = fixtureRoot("upstream-2.4.49");

test("audit reads the log the Apache configuration names, in the LogFormat it defines, and joins it to the CVE", async (t) => {
  const root = tempDir(t);
  fs.cpSync(FIXTURE, root, { recursive: true, verbatimSymlinks: true });
  const conf = path.join(root, "usr/local/apache2/conf/httpd.conf");
  // A custom place and a custom format that no default would guess: status before the request, no ident field.
  fs.appendFileSync(
    conf,
    '\nLogFormat "%a %t %>s %b \\"%r\\"" sitefmt\nCustomLog "/srv/site/logs/requests.txt" sitefmt\n',
  );
  writeTree(root, {
    "srv/site/logs/requests.txt":
      '198.51.100.4 [12/Mar/2024:03:14:07 +0000] 200 12 "GET /index.html HTTP/1.1"\n' +
      '203.0.113.5 [12/Mar/2024:03:14:09 +0000] 200 7 "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1"\n',
  });
  const r = await mamori(["audit", "--root", root, "--format", "json", "--now", "2026-01-01T00:00:00Z"]);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  const file = doc.sections.logs.files.find(
    (f: { path: string }) => f.path === "/srv/site/logs/requests.txt",
  );
  assert.ok(
    file,
    `configured log not read: ${JSON.stringify(doc.sections.logs.files.map((f: { path: string }) => f.path))}`,
  );
  assert.equal(file.formatSource, "config");
  const exploit = doc.findings.find(
    (f: { check: string; data?: { ip?: string } }) =>
      f.check === "logs.exploit" && f.data?.ip === "203.0.113.5",
  );
  assert.ok(exploit, "the exploit in the configured log is reported");
  assert.equal(exploit.data.attack, "cve-2021-41773");
  assert.equal(exploit.evidence[0].path, "/srv/site/logs/requests.txt");
  assert.equal(exploit.evidence[0].line, 2);
  assert.ok(
    doc.findings.some(
      (f: { check: string; cves: string[] }) =>
        f.check === "apache.exposure" && f.cves.includes("CVE-2021-41773"),
    ),
  );
});
