/**
 * Watch mode: how fast the incremental log cursor reads new lines (plain and gzip-rotated) compared with
 * `wc -l` and `gzip -dc | wc -l` on the same files, and what storing and diffing a large scan costs.
 * Then memory (issue 13): one `bin/mamori watch` process scans a copy of a fixture root every second
 * while its access log grows between scans; its resident size at rest after each scan must come back
 * to the level after the first (see memoryBench for the margin).
 *
 *   npm run bench -- watch                      (WATCH_BENCH_ONLY=memory: the memory part alone)
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { RootFs } from "../src/collect/rootfs.ts";
import type { Finding } from "../src/core/finding.ts";
import { openSqlite } from "../src/store/db.ts";
import { diffFindings } from "../src/store/diff.ts";
import { scanFindings } from "../src/store/scans.ts";
import { collectNewLines, readNewLineBatches, readNewLines } from "../src/watch/log-cursor.ts";
import { commitScan } from "../src/watch/pending.ts";

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const only = process.env.WATCH_BENCH_ONLY;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-bench-watch-"));
try {
  if (only !== "memory") await speedBench();
  if (only === undefined || only === "memory") process.exitCode = (await memoryBench()) ? 0 : 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

async function speedBench(): Promise<void> {
  const logDir = path.join(dir, "var/log/apache2");
  fs.mkdirSync(logDir, { recursive: true });
  const line = (i: number) =>
    `203.0.113.${i % 250} - - [01/May/2026:10:${String(i % 60).padStart(2, "0")}:00 +0000] "GET /index.php?id=${i} HTTP/1.1" 200 ${1000 + (i % 5000)} "-" "Mozilla/5.0 (X11; Linux x86_64)"\n`;
  const lines = 1_000_000;
  const chunks: string[] = [];
  for (let i = 0; i < lines; i++) chunks.push(line(i));
  const text = chunks.join("");
  fs.writeFileSync(path.join(logDir, "access.log"), text);
  const mb = Buffer.byteLength(text) / 1e6;
  const rfs = new RootFs(dir);

  const time = async (fn: () => Promise<unknown> | unknown) => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const wc = await time(() => spawnSync("wc", ["-l", path.join(logDir, "access.log")]));
  let count = 0;
  const cursorMs = await time(async () => {
    const gen = readNewLines(rfs, "/var/log/apache2/access.log", undefined);
    for (;;) {
      const r = await gen.next();
      if (r.done) break;
      count++;
    }
  });
  if (count !== lines) throw new Error(`read ${count} lines, expected ${lines}`);
  let batchCount = 0;
  const batchMs = await time(async () => {
    const gen = readNewLineBatches(rfs, "/var/log/apache2/access.log", undefined);
    for (;;) {
      const r = await gen.next();
      if (r.done) break;
      batchCount += r.value.length;
    }
  });
  if (batchCount !== lines) throw new Error(`read ${batchCount} lines in batches, expected ${lines}`);
  const rate = (ms: number) => (mb / (ms / 1000)).toFixed(0);
  console.log(
    `log cursor, plain ${mb.toFixed(0)} MB, ${lines} lines: batches ${batchMs.toFixed(0)} ms (${rate(batchMs)} MB/s), line by line ${cursorMs.toFixed(0)} ms (${rate(cursorMs)} MB/s); wc -l ${wc.toFixed(0)} ms; ratio ${(batchMs / wc).toFixed(1)}x`,
  );

  // The same file rotated and compressed after the first 10% were read: the rest comes from the .gz.
  const first = await collectNewLines(rfs, "/var/log/apache2/access.log", undefined);
  const cursor = { ...first.report.cursor, offset: Math.floor(first.report.cursor.offset / 10) };
  cursor.offset = text.lastIndexOf("\n", cursor.offset) + 1;
  const mtime = fs.statSync(path.join(logDir, "access.log")).mtime;
  fs.writeFileSync(path.join(logDir, "access.log.1.gz"), gzipSync(text, { level: 6 }));
  fs.utimesSync(path.join(logDir, "access.log.1.gz"), mtime, mtime);
  fs.rmSync(path.join(logDir, "access.log"));
  fs.writeFileSync(path.join(logDir, "access.log"), "");
  const gz = path.join(logDir, "access.log.1.gz");
  const zcat = await time(() => spawnSync("sh", ["-c", `gzip -dc ${gz} | wc -l`]));
  let gzCount = 0;
  const gzMs = await time(async () => {
    const r = await collectNewLines(rfs, "/var/log/apache2/access.log", cursor);
    gzCount = r.lines.length;
  });
  console.log(
    `log cursor, finishing a rotated .gz: ${gzCount} lines in ${gzMs.toFixed(0)} ms; gzip -dc | wc -l ${zcat.toFixed(0)} ms; ratio ${(gzMs / zcat).toFixed(1)}x`,
  );

  // History: one scan of 5000 findings stored, then diffed against a second with 10% changed.
  const store = await openSqlite(path.join(dir, "h.db"));
  const mk = (n: number, salt: string): Finding[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `logs.exploit:${i}`,
      check: "logs.exploit",
      severity: "high",
      confidence: "likely",
      title: `exploit attempt ${i}`,
      detail: "",
      cves: [],
      evidence: [{ path: "/var/log/apache2/access.log", line: i, value: i % 10 === 0 ? salt : "GET /" }],
      remediation: "",
    }));
  const doc = (findings: Finding[], at: string) => ({
    schemaVersion: 1 as const,
    tool: { name: "mamori" as const, version: "bench" },
    command: "bench",
    host: { hostname: "bench", root: "/", live: false },
    scannedAt: at,
    lang: "en",
    findings,
    incidents: [],
    notChecked: [],
    warnings: [],
    sections: {},
  });
  const storeMs = await time(() =>
    commitScan(store, {
      version: 2,
      scanId: "a",
      startedAt: "2026-01-01T00:00:00Z",
      hostId: "bench",
      doc: doc(mk(5000, "x"), "2026-01-01T00:00:00Z"),
      cursors: [],
    }),
  );
  await commitScan(store, {
    version: 2,
    scanId: "b",
    startedAt: "2026-01-02T00:00:00Z",
    hostId: "bench",
    doc: doc(mk(5000, "y"), "2026-01-02T00:00:00Z"),
    cursors: [],
  });
  let changed = 0;
  const diffMs = await time(async () => {
    const d = diffFindings("a", "b", await scanFindings(store.db, "a"), await scanFindings(store.db, "b"));
    changed = d.changed.length;
  });
  await store.close();
  console.log(
    `history: store a scan of 5000 findings ${storeMs.toFixed(0)} ms; diff two such scans ${diffMs.toFixed(0)} ms (${changed} changed); db ${(fs.statSync(path.join(dir, "h.db")).size / 1e6).toFixed(1)} MB`,
  );
}

/**
 * SCANS scans in one watch process (bin/mamori, as systemd runs it), the access log of a copy of
 * test/fixtures/roots/debian12-prod growing by LINES lines of ../shared/bench/genlog.mjs (2% attacks)
 * after each scan. The process's RSS is read from /proc when a scan starts: that is its size at rest
 * after the previous one (the loop has finished with it). The log grows all along, so later scans read
 * more (the audit re-reads the last 64 MB of each log): a process that kept what its scans used would
 * grow with it.
 *
 * Margin: RSS after the last scan at most 10% above RSS after the first. Not 0: after the first scan
 * the process holds what every scan needs (modules, rules, vulnerability data, compiled code), and what
 * it keeps on purpose grows a little with the log: watch's log-engine state (each file's facts since
 * watch began reading it, src/collect/logs/chunks.ts) and the allocator's free lists. 10% of ~150 MB is
 * 15 MB, below one scan's growth before the fix (40-50 MB per scan with this log).
 */
async function memoryBench(): Promise<boolean> {
  const SCANS = Number(process.env.WATCH_BENCH_SCANS ?? 10);
  // Small enough that the log stays under PARALLEL_MIN_BYTES (48 MB) over the scans: past it the audit
  // reads the log with worker threads, whose first use adds their own memory (a change of regime, once).
  const LINES = Number(process.env.WATCH_BENCH_LINES ?? 15_000);
  const MARGIN = 0.1;
  // A log already past the 64 MB the audit re-reads (AUDIT_TAIL_BYTES): every scan then does the same
  // work, and what is left after it is what the process kept, not the room a bigger read needed.
  const START_LINES = Number(process.env.WATCH_BENCH_START_LINES ?? 15_000);
  const root = path.join(dir, "root");
  fs.cpSync(path.join(repo, "test/fixtures/roots/debian12-prod"), root, { recursive: true });
  const log = path.join(root, "var/log/apache2/access.log");
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, "");
  const grow = (seed: number, lines = LINES) => {
    const r = spawnSync(
      process.execPath,
      [
        path.join(repo, "../shared/bench/genlog.mjs"),
        "--lines",
        String(lines),
        "--seed",
        `watch-${seed}`,
        "--attack-rate",
        "0.02",
      ],
      { maxBuffer: 1 << 30 },
    );
    if (r.status !== 0) throw new Error(`genlog: ${r.stderr}`);
    fs.appendFileSync(log, r.stdout);
  };
  grow(0, START_LINES);
  const startMb = fs.statSync(log).size / 1e6;
  const rssMb = (pid: number) => {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1]) / 1024;
  };
  // One scan more than measured: the size after scan N is read as scan N+1 starts.
  const child = spawn(
    path.join(repo, "bin/mamori"),
    [
      "watch",
      "--schedule",
      "* * * * * *",
      "--max-scans",
      String(SCANS + 1),
      "--root",
      root,
      "--db",
      path.join(dir, "watch.db"),
      "--data-dir",
      path.join(repo, "data"),
    ],
    { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LANG: "C" } },
  );
  const atRest: number[] = [];
  const lines: number[] = [];
  const other: string[] = [];
  let buf = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    buf += s;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith("scan started")) atRest.push(rssMb(child.pid as number));
      else if (/^scan \S+ done:/.test(line)) {
        lines.push(Number(line.match(/(\d+) new log line/)?.[1]));
        if (lines.length <= SCANS) grow(lines.length);
      } else if (/fail|error/i.test(line)) other.push(line);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0 || atRest.length < SCANS + 1) {
    console.log(`watch exited with ${code} after ${atRest.length} scans: ${other.join("; ")}`);
    return false;
  }
  // atRest[0] is before the first scan (nothing loaded yet); atRest[k] after scan k.
  console.log(
    `watch memory, ${SCANS} scans; access log ${startMb.toFixed(0)} MB (${START_LINES} lines) at start, growing by ${LINES} lines (2% attacks) before each scan:`,
  );
  console.log(`  at start: RSS ${atRest[0]?.toFixed(0)} MB`);
  for (let k = 1; k <= SCANS; k++)
    console.log(`  after scan ${k}: RSS ${atRest[k]?.toFixed(0)} MB (scan read ${lines[k - 1]} new lines)`);
  const first = atRest[1] as number;
  const last = atRest[SCANS] as number;
  const ok = last <= first * (1 + MARGIN);
  console.log(
    `target: RSS after scan ${SCANS} (${last.toFixed(0)} MB) within ${MARGIN * 100}% of after scan 1 (${first.toFixed(0)} MB): ${ok ? "met" : "NOT met"} (${(((last - first) / first) * 100).toFixed(1)}%)`,
  );
  return ok;
}
