import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK } from "../../src/cli/errors.ts";
import type { ReportDocument } from "../../src/core/document.ts";
import { renderText } from "../../src/core/message.ts";
import { translator } from "../../src/i18n/index.ts";
import { coverageOf, gapsOf } from "../../src/report/coverage.ts";
import { verdictLine, verdictOf } from "../../src/report/verdict.ts";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { asAttacker, needsRoot } from "../helpers/unprivileged.ts";

const audit = (root: string, extra: string[] = []) =>
  mamori(["audit", "--root", root, "--now", FIXTURE_NOW, "--color", "never", ...extra]);
const headline = (stdout: string) => stdout.split("\n")[0] ?? "";

test("Apache logging to /proc/self/fd/1 (a container): no log read, so not 'Safe'; says how to read them; exit 3", async () => {
  const r = await audit(fixtureRoot("container-stdout"));
  assert.equal(r.code, EXIT_INCOMPLETE, r.stderr);
  const h = headline(r.stdout);
  assert.match(h, /^Not fully checked: Apache writes its access log to \/proc\/self\/fd\/1/);
  assert.match(
    h,
    /a break-in cannot be ruled out: for a container: `docker logs NAME 2>&1 \| mamori logs -`/,
  );
  assert.doesNotMatch(r.stdout, /Safe/);
  // What was checked is part of the verdict: the version found, the configuration read, processes not visible.
  assert.match(r.stdout, /\[checked\] Apache 2\.4\.69 at \/usr\/local\/apache2\/bin\/httpd/);
  assert.match(r.stdout, /\[checked\] Configuration read from 1 file/);
  assert.match(r.stdout, /\[not visible\] Running processes/);
  // Every format exits the same way.
  const j = await audit(fixtureRoot("container-stdout"), ["--format", "json"]);
  assert.equal(j.code, EXIT_INCOMPLETE);
  const md = await audit(fixtureRoot("container-stdout"), ["--format", "markdown"]);
  assert.match(md.stdout, /Not fully checked/);
});

test("include loops and a binary without a readable version: the headline names the version it could not read", async () => {
  const r = await audit(fixtureRoot("broken"));
  assert.equal(r.code, EXIT_INCOMPLETE);
  assert.match(
    headline(r.stdout),
    /^Not fully checked: The version of the Apache at \/usr\/sbin\/apache2 could not be read/,
  );
  assert.match(headline(r.stdout), /dpkg -s apache2/);
  assert.match(r.stdout, /\[partly\] Configuration read from \d+ files?; \d+ parts? could not be read/);
  assert.doesNotMatch(r.stdout, /Safe/);
});

test("no Apache at all: 'Not fully checked', never 'Safe'; says where else to look", async () => {
  const r = await audit(fixtureRoot("no-apache"));
  assert.equal(r.code, EXIT_INCOMPLETE);
  assert.match(headline(r.stdout), /^Not fully checked: No Apache httpd was found under .*no-apache/);
  assert.match(headline(r.stdout), /mamori audit --root DIR/);
  assert.doesNotMatch(r.stdout, /Safe/);
  const ja = await audit(fixtureRoot("no-apache"), ["--lang", "ja"]);
  assert.match(headline(ja.stdout), /^確認しきれていません: .*Apache httpd が見つからなかった/);
});

test("an access log in a format mamori cannot read: a warning, a gap in the headline, exit 3", async () => {
  const r = await audit(fixtureRoot("unparseable-log"), ["--format", "json"]);
  assert.equal(r.code, EXIT_INCOMPLETE);
  const doc = JSON.parse(r.stdout) as ReportDocument;
  assert.ok(doc.warnings.some((w) => w.path === "/usr/local/apache2/logs/access_log.json"));
  const gaps = gapsOf(doc);
  assert.equal(gaps.length, 1);
  assert.equal(gaps[0]?.area, "logs");
  const line = verdictLine(
    { ...doc, findings: [], incidents: [], notChecked: [], warnings: [] },
    "low",
    translator("en"),
  );
  assert.match(line, /access_log\.json \(120 lines\) is in a format mamori cannot read/);
  assert.match(line, /--log-format/);
});

test("mamori logs on a file it cannot parse: non-zero exit, and no 'No exploit attempts were found' claim", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, "app.json.log");
  const lines: string[] = [];
  for (let i = 0; i < 4200; i++)
    lines.push(
      JSON.stringify({ ip: `198.51.100.${i % 200}`, req: `GET /cgi-bin/.%2e/.%2e/etc/passwd?${i} HTTP/1.1` }),
    );
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  const r = await mamori(["logs", file, "--color", "never"]);
  assert.equal(r.code, EXIT_INCOMPLETE);
  assert.match(
    headline(r.stdout),
    /^Not fully checked: .*app\.json\.log \(4200 lines\) is in a format mamori cannot read/,
  );
  assert.doesNotMatch(r.stdout, /No exploit attempts were found/);
  assert.match(r.stderr, /line skipped/);
  // Three named on stderr, the rest counted: 4,200 lines of another format are not 4,200 warnings.
  assert.equal(r.stderr.match(/line skipped/g)?.length, 3);
  assert.match(r.stderr, /app\.json\.log: 4197 more lines skipped \(counted in the report\)/);
  const j = await mamori(["logs", file, "--format", "json"]);
  assert.equal(j.code, EXIT_INCOMPLETE);
  const f = JSON.parse(j.stdout).sections.logs.files[0];
  assert.equal(f.parsed, 0);
});

test("the parsed/skipped counts of an unparseable file are true (skipped = lines)", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, "a.log");
  fs.writeFileSync(
    file,
    `${Array.from({ length: 4200 }, (_, i) => `{"q":"GET /.%2e/etc/passwd?${i}"}`).join("\n")}\n`,
  );
  const j = await mamori(["logs", file, "--format", "json"]);
  const f = JSON.parse(j.stdout).sections.logs.files[0];
  assert.equal(f.lines, 4200);
  assert.equal(f.skipped.unparsed, 4200);
  assert.equal(f.parsed, 0);
});

test("a log of bytes but no line that can be read (one endless line) is not called empty", async (t) => {
  const file = path.join(tempDir(t), "access.log");
  fs.writeFileSync(file, Buffer.alloc(3 << 20, 0x41));
  const r = await mamori(["logs", file, "--color", "never"]);
  assert.equal(r.code, EXIT_INCOMPLETE);
  assert.match(
    headline(r.stdout),
    /^Not fully checked: .*access\.log \(0 lines\) is in a format mamori cannot read/,
  );
  assert.doesNotMatch(r.stdout, /are empty/);
  const f = JSON.parse((await mamori(["logs", file, "--format", "json"])).stdout).sections.logs.files[0];
  assert.equal(f.bytes, 3 << 20);
  assert.equal(f.skipped["too-long"], 1);
});

test("everything checked and nothing found: still 'Safe', exit 0; a finding still wins (exit 1)", async (t) => {
  const dir = tempDir(t);
  fs.cpSync(fixtureRoot("container-stdout"), dir, { recursive: true });
  const conf = path.join(dir, "usr/local/apache2/conf/httpd.conf");
  fs.writeFileSync(
    conf,
    fs
      .readFileSync(conf, "utf8")
      .replace("CustomLog /proc/self/fd/1 common", "CustomLog logs/access_log common"),
  );
  fs.mkdirSync(path.join(dir, "usr/local/apache2/logs"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "usr/local/apache2/logs/access_log"),
    '192.0.2.1 - - [20/Nov/2026:03:00:00 +0000] "GET / HTTP/1.1" 200 45\n192.0.2.2 - - [20/Nov/2026:03:00:05 +0000] "GET /index.html HTTP/1.1" 200 45\n',
  );
  const r = await audit(dir);
  assert.equal(r.code, EXIT_OK, r.stdout);
  assert.match(headline(r.stdout), /^Safe: no problem found at or above LOW\./);
  assert.match(
    r.stdout,
    /\[checked\] 1 log file read \(lines\): \/usr\/local\/apache2\/logs\/access_log \(2\)/,
  );
  const official = await audit(fixtureRoot("official-2.4.50"));
  assert.equal(official.code, EXIT_FINDINGS);
  assert.match(headline(official.stdout), /^Act now/);
  // The gap is still shown under a headline about findings.
  assert.match(official.stdout, /\[NOT CHECKED\] Apache writes its access log to \/proc\/self\/fd\/1/);
});

test("a live system with no process visible is a gap (hidepid, no root); a copied root is not", () => {
  const doc = (live: boolean) =>
    ({
      host: { hostname: "h", root: "/", live },
      notChecked: [],
      sections: {
        hunt: { processes: 0 } as NonNullable<ReportDocument["sections"]["hunt"]>,
      },
    }) as Pick<ReportDocument, "host" | "notChecked" | "sections">;
  assert.equal(coverageOf(doc(true))[0]?.state, "gap");
  assert.equal(coverageOf(doc(false))[0]?.state, "not-live");
  assert.deepEqual(verdictOf([], "low", 1), { verdict: "incomplete", count: 1 });
  assert.equal(verdictOf([], "low", 0).verdict, "safe");
});

test("attacker-chosen file names in the headline are escaped on the terminal", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, "evil\x1b]0;pwned\x07.log");
  fs.writeFileSync(file, '{"a":1}\n{"b":2}\n');
  const r = await mamori(["logs", file, "--color", "never"]);
  assert.equal(r.code, EXIT_INCOMPLETE);
  assert.ok(!r.stdout.includes("\x1b"), JSON.stringify(r.stdout.slice(0, 200)));
});

test("access logs that are there but empty: the gap says empty (not 'not found') and names them", async (t) => {
  const root = tempDir(t);
  fs.cpSync(fixtureRoot("debian12"), root, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(root, "var/log/apache2"), { recursive: true });
  for (const f of ["access.log", "error.log"]) fs.writeFileSync(path.join(root, "var/log/apache2", f), "");
  const r = await audit(root);
  // The fixture has findings of its own: they decide the exit code (a finding wins over a gap).
  assert.equal(r.code, EXIT_FINDINGS, r.stderr);
  assert.match(
    r.stdout,
    /\[NOT CHECKED\] The access logs found are empty \(\/var\/log\/apache2\/access\.log\)/,
  );
  assert.doesNotMatch(r.stdout, /No access logs were found/);
  const ja = await audit(root, ["--lang", "ja"]);
  assert.match(ja.stdout, /見つかったアクセスログは空です/);
});

test("run as a user who cannot open the logs (Debian's /var/log/apache2 is root:adm 0750): 'permission denied' and how to run it, not 'not found'", {
  skip: needsRoot(),
}, async (t) => {
  const main = path.resolve(import.meta.dirname, "../../src/cli/main.ts");
  if (asAttacker("/usr/bin/test", ["-r", main]).status !== 0)
    return t.skip("the checkout is not readable by nobody");
  const root = tempDir(t);
  fs.cpSync(fixtureRoot("debian12"), root, { recursive: true, verbatimSymlinks: true });
  fs.chmodSync(root, 0o755);
  fs.mkdirSync(path.join(root, "var/log/apache2"), { recursive: true });
  fs.writeFileSync(path.join(root, "var/log/apache2/access.log"), "");
  fs.chmodSync(path.join(root, "var/log/apache2"), 0o750);
  const r = asAttacker(process.execPath, [
    main,
    "audit",
    "--root",
    root,
    "--now",
    FIXTURE_NOW,
    "--color",
    "never",
  ]);
  assert.ok(r.status === EXIT_FINDINGS || r.status === EXIT_INCOMPLETE, r.stderr);
  assert.match(
    r.stdout,
    /\[NOT CHECKED\] The access logs could not be opened \([^)]*\/var\/log\/apache2\/access\.log: permission denied\).*`sudo mamori audit`/,
  );
  assert.doesNotMatch(r.stdout, /No access logs were found/);
});

test("a log read from its last part says so, with the command that shows the evidence's line N", () => {
  const file = (path: string, relative: boolean) => ({
    path,
    format: "combined",
    formatSource: "detected",
    lines: 10,
    bytes: 1000,
    skipped: {},
    skippedBytes: relative ? 500 : 0,
    lineNumbersRelative: relative,
    warnings: [],
  });
  const doc = {
    host: { hostname: "h", root: "/", live: false },
    notChecked: [],
    sections: {
      logs: {
        files: [file("/var/log/apache2/access.log", true), file("/var/log/apache2/other.log", false)],
        unreadable: [],
        tailBytes: 64 << 20,
      } as unknown as NonNullable<ReportDocument["sections"]["logs"]>,
    },
  } as Pick<ReportDocument, "host" | "notChecked" | "sections">;
  const t = translator("en");
  const texts = coverageOf(doc).map((c) => renderText(c.text, t));
  assert.ok(
    texts.includes(
      "Only the last 64 MB of /var/log/apache2/access.log were read: line numbers in the evidence count from there (`tail -c 64M FILE | tail -n +2 | sed -n Np` shows line N)",
    ),
    texts.join("\n"),
  );
});
