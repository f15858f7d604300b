/** Worker thread: scans one byte range of a plain log file (see parallel.ts). */
import { createReadStream } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { loadRules } from "../../rules/logs.ts";
import { fromWire, type WireScan, type WorkerJob } from "./parallel.ts";
import { scanStream } from "./scan.ts";

const job = workerData as WorkerJob;
const rules = loadRules();
const res = await scanStream(
  createReadStream(job.host, { start: job.start, end: job.end - 1, highWaterMark: 8 << 20 }),
  job.display,
  {
    rules,
    detected: fromWire(job.detected),
    formatSource: job.formatSource,
    offsetMinutes: job.offsetMinutes,
  },
);
const wire: WireScan = { ...res, matches: res.matches.map((m) => ({ entry: m.entry, ruleId: m.rule.id })) };
parentPort?.postMessage(wire);
