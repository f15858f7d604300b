/**
 * A large plain file is read by two threads at once: it is cut at newlines into segments, and each
 * thread takes the next unread segment until none is left (a shared counter), so a thread that starts
 * late or is slowed by other work on the machine leaves the other no segment to wait for. The segments'
 * results are joined in file order, line numbers made continuous.
 */
import { Worker } from "node:worker_threads";
import { workerEnv } from "../../core/compile-cache.ts";
import type { RuleSpec } from "../../rules/logs.ts";
import { specOf } from "../../rules/logs-compile.ts";
import { type DetectedFormat, detectFormat, formatFromOption } from "./engine/format.ts";
import type { Prefilter } from "./engine/prefilter.ts";
import { plainChunks, plainChunksSync, readAt } from "./read.ts";
import {
  appendScan,
  type FileScan,
  type Kept,
  prefilterFor,
  SAMPLE_MAX,
  type ScanOptions,
  scanStream,
} from "./scan.ts";

/** Below this size one thread is faster than starting a worker. */
export const PARALLEL_MIN_BYTES = 48 << 20;

/** Segment size: small enough that the threads finish close together, large enough to cost nothing. */
export const SEGMENT_BYTES = 16 << 20;

/** Read size of a parallel scan: a chunk and its copy for the WebAssembly loop stay in the core's L2 cache. */
const SEGMENT_CHUNK = 1 << 20;

export interface WorkerJob {
  /** The rules as plain data (compiled again in the worker, which then needs neither YAML nor zod). */
  rules: Array<RuleSpec & { file: string }>;
  /**
   * The log's descriptor, opened once by the main thread: descriptors are per process, so the worker
   * reads the very file the main thread opened (never the path again: a rotation under way must not
   * send it to another file). The main thread closes it after the worker has answered.
   */
  fd: number;
  display: string;
  /** Segment i is [bounds[i], bounds[i + 1]); `next` (an Int32 in shared memory) is the next to take. */
  bounds: number[];
  next?: SharedArrayBuffer;
  /** A gzip file, read whole (inflated on the thread pool, scanned in the worker). */
  gzip?: boolean;
  detected?:
    | { kind: "access"; format: string; name: string }
    | { kind: "error"; name: "apache-error" | "nginx-error" };
  formatSource?: FileScan["formatSource"];
  offsetMinutes?: number;
  skippedBytes?: number;
}

/**
 * What one thread read of a file: its segments folded into one scan as they are read (so the kept
 * lines stay bounded), each line number carried as `segment * SEG + line in segment` until the threads'
 * scans are joined and every segment's line count is known.
 */
export interface ThreadScan {
  scan?: FileScan;
  segments: Array<{ index: number; lines: number }>;
}

/** What the worker sends back (facts name rules by id: a scan crosses threads as it is). */
export type WireParts = ThreadScan;

const SEG = 2 ** 32;

function encodeLines(s: FileScan, i: number): void {
  const at = i * SEG;
  for (const m of s.matches) m.entry.line += at;
  for (const t of s.tallies) t.entry.line += at;
  for (const e of s.cgiErrors) e.line += at;
  for (const e of s.samples) e.line = at; // sample lines are 0: this only orders them
  for (const w of s.warnings) if (w.line !== undefined) w.line += at;
}

/** Adds segment `i`'s scan to what this thread read. */
export function addSegment(t: ThreadScan, i: number, scan: FileScan): void {
  t.segments.push({ index: i, lines: scan.lines });
  encodeLines(scan, i);
  t.scan = t.scan ? appendScan(t.scan, scan, 0) : scan;
}

/**
 * The threads' scans of one file as the scan of one pass: line numbers placed, warnings and samples the
 * first ones in file order, lines kept or tallied in file order.
 */
export function joinThreads(threads: ThreadScan[]): FileScan {
  const segs = threads.flatMap((t) => t.segments).sort((a, b) => a.index - b.index);
  const offsets: number[] = [];
  let n = 0;
  for (const s of segs) {
    offsets[s.index] = n;
    n += s.lines;
  }
  const place = (line: number) => {
    const rel = line % SEG;
    return rel === 0 ? 0 : (offsets[Math.floor(line / SEG)] ?? 0) + rel;
  };
  const lowest = (t: ThreadScan) => Math.min(...t.segments.map((s) => s.index));
  const scans = threads
    .filter((t) => t.scan !== undefined)
    .sort((a, b) => lowest(a) - lowest(b))
    .map((t) => t.scan as FileScan);
  const first = scans[0];
  if (!first) throw new Error("nothing to join");
  const byLine =
    <T>(line: (x: T) => number) =>
    (a: T, b: T) =>
      line(a) - line(b);
  const empty: FileScan = {
    ...first,
    lines: 0,
    bytes: 0,
    parsed: 0,
    skipped: {},
    warnings: [],
    matches: [],
    samples: [],
    cgiErrors: [],
    tallies: [],
    keep: undefined,
    errorLinesDropped: undefined,
    firstTime: undefined,
    lastTime: undefined,
    skippedBytes: Math.max(...scans.map((s) => s.skippedBytes)),
    offsetMinutes: scans.find((s) => s.offsetMinutes !== undefined)?.offsetMinutes,
  };
  const all: FileScan = {
    ...empty,
    matches: scans.flatMap((s) => s.matches).sort(byLine((m) => m.entry.line)),
    tallies: scans.flatMap((s) => s.tallies).sort(byLine((t) => t.entry.line)),
    cgiErrors: scans.flatMap((s) => s.cgiErrors).sort(byLine((e) => e.line)),
  };
  for (const m of all.matches) m.entry.line = place(m.entry.line);
  for (const t of all.tallies) t.entry.line = place(t.entry.line);
  for (const e of all.cgiErrors) e.line = place(e.line);
  // Kept and tallied again in file order: what one pass keeps.
  const out = appendScan(empty, all, 0);
  for (const s of scans) {
    out.lines += s.lines;
    out.bytes += s.bytes;
    out.parsed += s.parsed;
    for (const [k, v] of Object.entries(s.skipped)) out.skipped[k] = (out.skipped[k] ?? 0) + v;
    if (s.firstTime && (!out.firstTime || s.firstTime < out.firstTime)) out.firstTime = s.firstTime;
    if (s.lastTime && (!out.lastTime || s.lastTime > out.lastTime)) out.lastTime = s.lastTime;
    if (s.errorLinesDropped) out.errorLinesDropped = (out.errorLinesDropped ?? 0) + s.errorLinesDropped;
  }
  out.warnings = scans
    .flatMap((s) => s.warnings)
    .sort(byLine((w) => w.line ?? 0))
    .slice(0, 50)
    .map((w) => (w.line === undefined ? w : { ...w, line: place(w.line) }));
  out.samples = scans
    .flatMap((s) => s.samples)
    .sort(byLine((e) => e.line))
    .slice(0, SAMPLE_MAX);
  for (const e of out.samples) e.line = 0;
  return out;
}

export function toWire(d: DetectedFormat | undefined): WorkerJob["detected"] {
  if (!d) return undefined;
  return d.kind === "access" ? { kind: "access", format: d.format.format, name: d.format.name } : d;
}

export function fromWire(d: WorkerJob["detected"]): DetectedFormat | undefined {
  if (!d) return undefined;
  if (d.kind === "error") return d;
  const f = formatFromOption(d.format);
  return { kind: "access", format: { ...f, name: d.name } };
}

/**
 * The second reading thread. Started early (its module loading takes a few hundred milliseconds),
 * it then scans the byte ranges it is sent, one at a time.
 */
export class ScanWorker {
  private worker: Worker;
  constructor() {
    // A small young generation keeps the second thread light (its work allocates little); the
    // compile cache spares it the TypeScript stripper.
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      env: workerEnv(),
    });
    // A thread that fails while idle must not take the process down; run() reports errors of a job.
    this.worker.on("error", () => {});
  }

  run(job: WorkerJob): Promise<WireParts> {
    return new Promise<WireParts>((resolve, reject) => {
      const done = () => {
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
      };
      const onMessage = (m: WireParts) => {
        done();
        resolve(m);
      };
      const onError = (e: Error) => {
        done();
        reject(e);
      };
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.postMessage(job);
    });
  }

  close(): void {
    void this.worker.terminate();
  }
}

/**
 * Segment bounds for [skip, size): about every SEGMENT_BYTES, just past a newline (a segment holds
 * whole lines; the first starts at `skip`, which may be inside a line when reading a file's end).
 */
export function segmentBounds(fd: number, skip: number, size: number, every = SEGMENT_BYTES): number[] {
  const bounds = [skip];
  for (let p = skip + every; p < size; p += every) {
    // Lines are short: a small read finds the newline, a long line needs up to 1 MB.
    let nl = readAt(fd, p, 4096).indexOf(10);
    if (nl < 0) nl = readAt(fd, p, 1 << 20).indexOf(10);
    if (nl < 0) continue; // a line over 1 MB: this segment grows to the next cut
    const cut = p + nl + 1;
    if (cut < size && cut > (bounds.at(-1) as number)) bounds.push(cut);
  }
  bounds.push(size);
  return bounds;
}

/**
 * Scans segments of a plain file, taking the next untaken one from the shared counter until none is
 * left (the worker and the main thread run this at the same time). One prefilter per thread: it is
 * built from the first megabyte of the first segment taken.
 */
export async function scanSegments(
  fd: number,
  display: string,
  bounds: number[],
  next: Int32Array,
  opts: ScanOptions,
): Promise<ThreadScan> {
  const out: ThreadScan = { segments: [] };
  const kept: Kept = { matches: [], tallies: [], cgiErrors: [] };
  const buf = Buffer.allocUnsafe(SEGMENT_CHUNK);
  let prefilter: Prefilter | undefined;
  for (;;) {
    const i = Atomics.add(next, 0, 1);
    if (i >= bounds.length - 1) {
      if (out.scan) Object.assign(out.scan, kept);
      return out;
    }
    const from = bounds[i] as number;
    prefilter ??= prefilterFor(opts.rules, readAt(fd, from, 1 << 20));
    const scan = await scanStream(plainChunksSync(fd, from, bounds[i + 1] as number, buf), display, {
      ...opts,
      prefilter,
      skippedBytes: i === 0 ? opts.skippedBytes : 0,
      startOffset: from,
      keeper: { into: kept, lineBase: i * SEG },
    });
    addSegment(out, i, scan);
  }
}

/**
 * Scans [skip, size) of a plain file on two threads (with `worker` when one is already running), both
 * reading the descriptor `fd`, which the caller opened and closes.
 */
export async function scanFileParallel(
  fd: number,
  display: string,
  skip: number,
  size: number,
  opts: ScanOptions,
  worker?: ScanWorker,
  segmentBytes = SEGMENT_BYTES,
): Promise<FileScan> {
  let detected =
    opts.detected ?? (opts.format ? { kind: "access" as const, format: opts.format } : undefined);
  if (!detected) {
    const head = readAt(fd, skip, 65536).toString("utf8").split("\n").slice(0, 50);
    detected = detectFormat(head);
  }
  const bounds = segmentBounds(fd, skip, size, segmentBytes);
  const formatSource = opts.format ? (opts.formatSource ?? "option") : (opts.formatSource ?? "detected");
  if (bounds.length < 3) {
    // One segment (no newline found where a cut was wanted): read it here.
    return scanStream(plainChunks(fd, skip, size), display, { ...opts, detected, formatSource });
  }
  const next = new Int32Array(new SharedArrayBuffer(4));
  const job: WorkerJob = {
    rules: opts.rules.map(specOf),
    fd,
    display,
    bounds,
    next: next.buffer as SharedArrayBuffer,
    detected: toWire(detected),
    formatSource,
    offsetMinutes: opts.offsetMinutes,
    skippedBytes: opts.skippedBytes,
  };
  const own = worker ?? new ScanWorker();
  // A worker that fails takes no more segments; the ones it took are read again here.
  const second = own.run(job).catch(() => undefined);
  const mine = await scanSegments(fd, display, bounds, next, { ...opts, detected, formatSource });
  const theirs = await second;
  if (!worker) own.close();
  const threads = theirs ? [mine, theirs] : [mine];
  const done = new Set(threads.flatMap((t) => t.segments.map((s) => s.index)));
  const rest: ThreadScan = { segments: [] };
  for (let i = 0; i + 1 < bounds.length; i++) {
    if (done.has(i)) continue;
    const scan = await scanStream(plainChunks(fd, bounds[i] as number, bounds[i + 1] as number), display, {
      ...opts,
      detected,
      formatSource,
      skippedBytes: i === 0 ? opts.skippedBytes : 0,
      startOffset: bounds[i] as number,
    });
    addSegment(rest, i, scan);
  }
  return joinThreads([...threads, rest]);
}

/**
 * A gzip file scanned in the worker: the main thread stays idle (and small) while the worker, with
 * its small young generation, scans what the thread pool inflates.
 */
export async function scanGzipInWorker(
  fd: number,
  display: string,
  opts: ScanOptions,
  worker: ScanWorker,
): Promise<FileScan> {
  const job: WorkerJob = {
    rules: opts.rules.map(specOf),
    fd,
    display,
    bounds: [],
    gzip: true,
    detected: toWire(opts.detected ?? (opts.format ? { kind: "access", format: opts.format } : undefined)),
    formatSource: opts.format ? (opts.formatSource ?? "option") : opts.formatSource,
    offsetMinutes: opts.offsetMinutes,
  };
  const part = await worker.run(job);
  if (!part.scan) throw new Error("the worker returned no scan");
  return part.scan;
}

/** Consecutive parts of one file as one scan: each part's line numbers continue the previous ones. */
export function joinScans(parts: FileScan[]): FileScan {
  const t: ThreadScan = { segments: [] };
  parts.forEach((p, i) => {
    addSegment(t, i, p);
  });
  return joinThreads([t]);
}
