/**
 * Watch mode: how fast the incremental log cursor reads new lines (plain and gzip-rotated) compared with
 * `wc -l` and `gzip -dc | wc -l` on the same files, and what storing and diffing a large scan costs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { RootFs } from "../src/collect/rootfs.ts";
import type { Finding } from "../src/core/finding.ts";
import { openSqlite } from "../src/store/db.ts";
import { diffFindings } from "../src/store/diff.ts";
import { scanFindings } from "../src/store/scans.ts";
import { collectNewLines, readNewLineBatches, readNewLines } from "../src/watch/log-cursor.ts";
import { commitScan } from "../src/watch/pending.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-bench-watch-"));
try {
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
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
