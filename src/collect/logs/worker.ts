/** Worker thread: scans one byte range of a plain log file (see parallel.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { compileSpec } from "../../rules/logs-compile.ts";
import { fromWire, type WireScan, type WorkerJob } from "./parallel.ts";
import { plainChunks } from "./read.ts";
import { scanStream } from "./scan.ts";

const job = workerData as WorkerJob;
const rules = job.rules.map((r) => compileSpec(r, r.file));
const res = await scanStream(plainChunks(job.host, job.start, job.end), job.display, {
  rules,
  detected: fromWire(job.detected),
  formatSource: job.formatSource,
  offsetMinutes: job.offsetMinutes,
});
const wire: WireScan = { ...res, matches: res.matches.map((m) => ({ entry: m.entry, ruleId: m.rule.id })) };
parentPort?.postMessage(wire);
