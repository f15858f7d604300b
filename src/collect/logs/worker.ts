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
  const reply: WireParts =
    job.gzip || !job.next
      ? { scan: await scanStream(gunzipped(job.fd), job.display, opts), segments: [] }
      : await scanSegments(job.fd, job.display, job.bounds, new Int32Array(job.next), opts);
  // The group index is rebuilt where the threads' scans are joined: not worth copying.
  if (reply.scan) reply.scan.keep = undefined;
  parentPort?.postMessage(reply);
});
