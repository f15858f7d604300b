/** Worker thread: scans the segments of plain log files it takes, or a gzip file, one job at a time (see parallel.ts). */
import { parentPort } from "node:worker_threads";
import { compileSpec } from "../../rules/logs-compile.ts";
import { fromWire, scanSegments, type WireParts, WORKER_AHEAD, type WorkerJob } from "./parallel.ts";
import { gunzipped } from "./read.ts";
import { type ScanOptions, scanStream } from "./scan.ts";

parentPort?.on("message", async (job: WorkerJob) => {
  const opts: ScanOptions = {
    rules: job.rules.map((r) => compileSpec(r, r.file)),
    detected: fromWire(job.detected),
    formatSource: job.formatSource,
    offsetMinutes: job.offsetMinutes,
    skippedBytes: job.skippedBytes,
    quietLiterals: job.quietLiterals,
  };
  // The group index is rebuilt where the scans are joined: not worth copying.
  if (job.gzip || !job.next) {
    const scan = await scanStream(gunzipped(job.fd, job.bounds[1]), job.display, opts);
    scan.keep = undefined;
    parentPort?.postMessage({ scan, done: true } satisfies WireParts);
    return;
  }
  // Each segment is sent once read: this thread holds one segment's lines at a time.
  await scanSegments(
    job.fd,
    job.display,
    job.bounds,
    new Int32Array(job.next),
    opts,
    (segment, scan) => {
      scan.keep = undefined;
      parentPort?.postMessage({ segment, scan } satisfies WireParts);
    },
    WORKER_AHEAD,
  );
  parentPort?.postMessage({ done: true } satisfies WireParts);
});
