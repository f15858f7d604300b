import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { ChunkedScan } from "../../src/collect/logs/chunks.ts";
import type { Finding } from "../../src/core/finding.ts";
import { loadScenarios } from "../../src/rules/logs-behaviour.ts";
import { type LogSpec, runFullScan } from "../../src/watch/scan.ts";
import { tempDir } from "../helpers/tmp.ts";
import { serverRoot } from "./helpers.ts";

const exploit = (ip: string, sec: string) =>
  `${ip} - - [12/Mar/2024:03:14:${sec} +0000] "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 200 7 "-" "-"\n`;
const ordinary = (sec: string) =>
  `192.0.2.10 - - [12/Mar/2024:03:14:${sec} +0000] "GET / HTTP/1.1" 200 512 "-" "-"\n`;

/** A watched server root with one log; `logState`: the log engine's facts kept from scan to scan (watch's own). */
function setup(t: Parameters<typeof tempDir>[0], logPath: string, logState?: ChunkedScan) {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  const log = path.join(root, logPath);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, ordinary("00"));
  const db = path.join(dir, "h.db");
  const logs: LogSpec[] = [{ path: `/${logPath}`, kind: "access" }];
  let minute = 0;
  const scan = () =>
    runFullScan({
      root,
      lang: "en",
      now: () => new Date(Date.UTC(2026, 4, 1, 10, minute++)),
      dataDir: path.join(dir, "data"),
      env: {},
      command: "watch",
      store: { target: db, busyTimeoutMs: 2000 },
      logs,
      logState,
    });
  const stored = (scanId: string): Finding[] => {
    const d = new DatabaseSync(db, { readOnly: true });
    try {
      const rows = d
        .prepare("SELECT finding FROM findings WHERE scan_id = ? AND check_id = 'logs.exploit'")
        .all(scanId) as Array<{ finding: string }>;
      return rows.map((r) => JSON.parse(r.finding) as Finding);
    } finally {
      d.close();
    }
  };
  return { log, scan, stored };
}

const byIp = (fs: Finding[], ip: string) =>
  fs.filter((f) => (f.data as { ip?: string } | undefined)?.ip === ip);
const requests = (f: Finding | undefined) => (f?.data as { requests?: number } | undefined)?.requests;

test("watched new lines go through log forensics: exactly the new lines, across rotation", async (t) => {
  // A log the audit's own scanner does not read: every logs.exploit finding here comes from watch.
  const { log, scan, stored } = setup(t, "srv/site/logs/access.log");
  fs.appendFileSync(log, exploit("203.0.113.5", "07"));
  const first = await scan();
  assert.equal(first.stored, "db");
  assert.equal(first.logLines, 2);
  const f1 = byIp(stored(first.scanId), "203.0.113.5");
  assert.equal(f1.length, 1, "a logs.exploit finding for the attacker is stored");
  assert.equal(requests(f1[0]), 1);
  assert.equal(f1[0]?.evidence[0]?.path, "/srv/site/logs/access.log");
  assert.equal(
    f1[0]?.evidence[0]?.line,
    2,
    "the first scan reads from the start: line numbers are the file's",
  );

  // Rotation: the file is renamed, the old writer still adds one line to it, a new file starts.
  fs.renameSync(log, `${log}.1`);
  fs.appendFileSync(`${log}.1`, exploit("203.0.113.5", "20"));
  fs.writeFileSync(log, ordinary("30") + exploit("198.51.100.7", "31"));
  const second = await scan();
  assert.equal(
    second.logLines,
    3,
    "the line left in the rotated file and the two in the new one, none twice",
  );
  const f2 = stored(second.scanId);
  const newcomer = byIp(f2, "198.51.100.7");
  assert.equal(newcomer.length, 1, "the new attacker is reported");
  assert.equal(newcomer[0]?.evidence[0]?.path, "/srv/site/logs/access.log");
  const again = byIp(f2, "203.0.113.5");
  assert.equal(again.length, 1, "the late line in the rotated file is not missed");
  assert.equal(requests(again[0]), 1, "only the new request counts, not the one already scanned");
  assert.equal(again[0]?.evidence[0]?.path, "/srv/site/logs/access.log.1");
  assert.ok(
    second.doc.findings.some((f) => f.check === "logs.exploit"),
    "the findings are in the returned document (alerts read it)",
  );

  // Next rotation, compressed at once: a late line in the old file is read from the .gz, once.
  fs.appendFileSync(log, exploit("198.51.100.99", "40"));
  const mtime = fs.statSync(log).mtime;
  fs.rmSync(`${log}.1`);
  fs.renameSync(log, `${log}.1`);
  fs.writeFileSync(`${log}.1.gz`, gzipSync(fs.readFileSync(`${log}.1`)));
  fs.utimesSync(`${log}.1.gz`, mtime, mtime);
  fs.rmSync(`${log}.1`);
  fs.writeFileSync(log, ordinary("50"));
  const later = new Date(mtime.getTime() + 10_000);
  fs.utimesSync(log, later, later);
  const third = await scan();
  assert.equal(third.logLines, 2);
  const f3 = stored(third.scanId);
  assert.deepEqual(
    f3.map((f) => (f.data as { ip: string }).ip),
    ["198.51.100.99"],
    "only the attacker in the new lines; the earlier ones are not counted again",
  );
  assert.equal(f3[0]?.evidence[0]?.path, "/srv/site/logs/access.log.1.gz");

  const fourth = await scan();
  assert.equal(fourth.logLines, 0);
  assert.deepEqual(stored(fourth.scanId), [], "nothing new, nothing reported again");
});

test("line numbers stay right across the batches of a large first read", async (t) => {
  const { log, scan, stored } = setup(t, "srv/site/logs/access.log");
  const filler = ordinary("01").repeat(5000); // ~450 KB: more than one batch
  fs.appendFileSync(log, filler + exploit("203.0.113.5", "07"));
  const first = await scan();
  assert.equal(first.logLines, 5002);
  const f = byIp(stored(first.scanId), "203.0.113.5");
  assert.equal(f[0]?.evidence[0]?.line, 5002);
});

test("a watched default log: one finding per id, the watched one (new requests only) replaces the audit's", async (t) => {
  const { log, scan, stored } = setup(t, "var/log/apache2/access.log");
  fs.appendFileSync(log, exploit("203.0.113.5", "07"));
  const first = await scan();
  assert.equal(requests(byIp(stored(first.scanId), "203.0.113.5")[0]), 1);
  fs.appendFileSync(log, exploit("203.0.113.5", "08"));
  const second = await scan();
  assert.equal(second.logLines, 1);
  const f = byIp(stored(second.scanId), "203.0.113.5");
  assert.equal(f.length, 1, "the audit's re-read of the log and the watched lines give one finding");
  assert.equal(requests(f[0]), 1, "the audit alone would count both requests again");
  assert.equal(f[0]?.evidence[0]?.line, 1, "line numbers count from the cursor");
  // No new line: the audit's own finding (its re-read of the log's end) is what remains.
  const third = await scan();
  assert.equal(third.logLines, 0);
  assert.equal(requests(byIp(stored(third.scanId), "203.0.113.5")[0]), 2);
});

test("watch follows password guessing across runs and tells a guessed password once, in the run that read it", async (t) => {
  const { log, scan } = setup(t, "srv/site/logs/access.log", new ChunkedScan(loadScenarios()));
  const tryAt = (sec: number, status: number, size: string) =>
    `198.51.100.90 - - [12/Mar/2024:03:${String(Math.floor(sec / 60)).padStart(2, "0")}:${String(sec % 60).padStart(2, "0")} +0000] "POST /wp-login.php HTTP/1.1" ${status} ${size} "-" "python-requests/2.27.1"\n`;
  const logins = (r: Awaited<ReturnType<typeof scan>>) =>
    r.doc.findings.filter((f) => f.check === "logs.login");
  // Run 1: twenty wrong passwords, a minute apart (no run sees thirty on its own).
  for (let i = 0; i < 20; i++) fs.appendFileSync(log, tryAt(i * 60, 200, "4514"));
  assert.deepEqual(logins(await scan()), []);
  // Run 2: ten more, then the redirect a right password gets.
  for (let i = 20; i < 30; i++) fs.appendFileSync(log, tryAt(i * 60, 200, "4514"));
  fs.appendFileSync(log, tryAt(30 * 60, 302, "-"));
  const second = logins(await scan());
  const [found] = second;
  assert.ok(found && second.length === 1);
  assert.equal(found.severity, "critical");
  assert.equal((found.data as { ip: string }).ip, "198.51.100.90");
  // Line 32 of the file (line 1 is the setup's ordinary request), though run 2 began at line 22.
  assert.ok(found.evidence.some((e) => e.line === 32 && e.value === "/wp-login.php"));
  // Run 3: it goes on; the same break-in is not told again.
  fs.appendFileSync(log, tryAt(31 * 60, 302, "-"));
  assert.deepEqual(logins(await scan()), []);
});
