/** Worker thread: scans byte ranges of plain log files it is sent, one job at a time (see parallel.ts). */
import { parentPort } from "node:worker_threads";
import { compileSpec } from "../../rules/logs-compile.ts";
import { fromWire, type WireScan, type WorkerJob } from "./parallel.ts";
import { gunzipped, plainChunks } from "./read.ts";
import { scanStream } from "./scan.ts";

parentPort?.on("message", async (job: WorkerJob) => {
  const rules = job.rules.map((r) => compileSpec(r, r.file));
  const source = job.gzip ? gunzipped(job.host) : plainChunks(job.host, job.start, job.end);
  const res = await scanStream(source, job.display, {
    rules,
    detected: fromWire(job.detected),
    formatSource: job.formatSource,
    offsetMinutes: job.offsetMinutes,
  });
  const wire: WireScan = { ...res, matches: res.matches.map((m) => ({ entry: m.entry, ruleId: m.rule.id })) };
  parentPort?.postMessage(wire);
});
