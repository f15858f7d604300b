/**
 * Worker thread: scans the segments of plain log files it takes, or the segments of a stream
 * (standard input, an inflated gzip file) it is sent, one message at a time (see parallel.ts and
 * parallel-stream.ts).
 */
import { parentPort } from "node:worker_threads";
import { compileSpec } from "../../rules/logs-compile.ts";
import type { Prefilter } from "./engine/prefilter.ts";
import {
  fromWire,
  type StreamAnswer,
  type StreamMessage,
  type StreamSetup,
  scanSegments,
  type WireParts,
  WORKER_AHEAD,
  type WorkerJob,
} from "./parallel.ts";
import { type FileScan, prefilterFor, type ScanOptions, scanStream } from "./scan.ts";

const CHUNK = 1 << 20;

function optionsOf(job: WorkerJob | StreamSetup): ScanOptions {
  return {
    rules: job.rules.map((r) => compileSpec(r, r.file)),
    detected: fromWire(job.detected),
    formatSource: job.formatSource,
    // A stream's format is always decided by the thread that cut it; a file's when the job says so.
    formatDecided: "fd" in job ? job.formatDecided === true : true,
    offsetMinutes: job.offsetMinutes,
    skippedBytes: "skippedBytes" in job ? job.skippedBytes : undefined,
    quietLiterals: job.quietLiterals,
    maxLine: "maxLine" in job ? job.maxLine : undefined,
    // Everything this thread reads is a part of a file or stream, joined on the main thread.
    part: true,
  };
}

async function runJob(job: WorkerJob): Promise<void> {
  const opts = optionsOf(job);
  if (!job.next) throw new Error("a job without a shared counter");
  // Each segment is sent once read: this thread holds one segment's lines at a time (the group index
  // is rebuilt where the scans are joined: not worth copying).
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
}

/** The stream being read: its options, compiled once, and this thread's prefilter for it. */
let stream: { id: number; display: string; opts: ScanOptions; prefilter?: Prefilter } | undefined;

async function runStream(m: StreamMessage): Promise<void> {
  if ("setup" in m) {
    stream = { id: m.stream, display: m.setup.display, opts: optionsOf(m.setup) };
    return;
  }
  const answer: StreamAnswer = { stream: m.stream, segment: m.segment };
  try {
    if (stream?.id !== m.stream) throw new Error("segment of a stream not set up");
    const bytes = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    const s = stream;
    s.prefilter ??= prefilterFor(s.opts.rules, bytes.subarray(0, CHUNK), s.opts.quietLiterals);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(bytes.subarray(at, at + CHUNK));
    const lines = (b: Uint8Array | undefined) =>
      b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : undefined;
    const scan: FileScan = await scanStream(chunks, s.display, {
      ...s.opts,
      prefilter: s.prefilter,
      skippedBytes: 0,
      startOffset: m.start,
      before: lines(m.before),
      after: lines(m.after),
    });
    scan.keep = undefined;
    answer.scan = scan;
  } catch (err) {
    answer.error = String(err);
  }
  parentPort?.postMessage(answer);
}

// One message at a time: a stream's segments may arrive while one is being scanned. A job that fails
// ends the thread, as before there was a queue: the main thread's run() rejects and reads it itself.
let queue = Promise.resolve();
parentPort?.on("message", (m: WorkerJob | StreamMessage) => {
  queue = queue
    .then(() => ("stream" in m ? runStream(m) : runJob(m)))
    .catch((err) => {
      process.nextTick(() => {
        throw err;
      });
    });
});
parentPort?.postMessage({ ready: true });
