/** Worker thread: scans the segments of plain log files it takes, or a gzip file, one job at a time (see parallel.ts). */
import { parentPort } from "node:worker_threads";
import { compileSpec } from "../../rules/logs-compile.ts";
import { fromWire, scanSegments, type WireParts, type WorkerJob } from "./parallel.ts";
import { gunzipped } from "./read.ts";
import { type ScanOptions, scanStream } from "./scan.ts";

parentPort?.on("message", async (job: WorkerJob) => {
  const opts: ScanOptions = {
    rules: job.rules.map((r) => compileSpec(r, r.file)),
    detected: fromWire(job.detected),
    formatSource: job.formatSource,
    offsetMinutes: job.offsetMinutes,
    skippedBytes: job.skippedBytes,
  };
  const parts =
    job.gzip || !job.next
      ? [{ index: 0, scan: await scanStream(gunzipped(job.fd), job.display, opts) }]
      : await scanSegments(job.fd, job.display, job.bounds, new Int32Array(job.next), opts);
  const reply: WireParts = parts;
  parentPort?.postMessage(reply);
});
