/**
 * A large plain file is read by two threads at once: it is cut at newlines into segments, and each
 * thread takes the next unread segment until none is left (a shared counter), so a thread that starts
 * late or is slowed by other work on the machine leaves the other no segment to wait for. The segments'
 * results are joined in file order, line numbers made continuous.
 */
import { Worker } from "node:worker_threads";
import { workerEnv } from "../../core/compile-cache.ts";
import { BehaviourTracker, quietLiteralsOf } from "../../rules/behaviour-track.ts";
import type { RuleSpec } from "../../rules/logs.ts";
import type { Scenario } from "../../rules/logs-behaviour.ts";
import { specOf } from "../../rules/logs-compile.ts";
import { type DetectedFormat, formatFromOption } from "./engine/format.ts";
import type { Prefilter } from "./engine/prefilter.ts";
import { plainChunks, plainChunksSync, readAt } from "./read.ts";
import {
  appendScan,
  CONTEXT_BYTES,
  contextHead,
  decideFormat,
  type FileScan,
  givenFormat,
  headLines,
  prefilterFor,
  type ScanOptions,
  scanStream,
} from "./scan.ts";

/** Below this size one thread is faster than starting a worker. */
export const PARALLEL_MIN_BYTES = 48 << 20;

/** Segment size: small enough that the threads finish close together, large enough to cost nothing. */
export const SEGMENT_BYTES = 4 << 20;

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
  detected?:
    | { kind: "access"; format: string; name: string }
    | { kind: "error"; name: "apache-error" | "nginx-error" };
  formatSource?: FileScan["formatSource"];
  /** The format (`detected`, even none) was decided from the file's first lines: see ScanOptions. */
  formatDecided?: boolean;
  offsetMinutes?: number;
  skippedBytes?: number;
  /** The behaviour scenarios' literals (the scenarios themselves are tracked where parts are joined). */
  quietLiterals?: string[];
}

/** What the worker needs of standard input's scan, sent once before its segments (parallel-stream.ts). */
export interface StreamSetup {
  rules: Array<RuleSpec & { file: string }>;
  display: string;
  detected?: WorkerJob["detected"];
  formatSource?: FileScan["formatSource"];
  offsetMinutes?: number;
  quietLiterals?: string[];
  maxLine?: number;
}

/**
 * Messages to the worker besides jobs: a stream's setup, then its segments (bytes copied across), each
 * answered by a `StreamAnswer`.
 */
export type StreamMessage =
  | { stream: number; setup: StreamSetup }
  | {
      stream: number;
      segment: number;
      start: number;
      bytes: Uint8Array;
      /** An error log's lines just before and after the segment (ScanOptions.before, after). */
      before?: Uint8Array;
      after?: Uint8Array;
    };

export interface StreamAnswer {
  stream: number;
  segment: number;
  scan?: FileScan;
  error?: string;
}

/**
 * What a thread sends of a file: each segment's scan as soon as it is read (`segment`), then `done`;
 * or, for a gzip file, its one scan. The facts name rules by id: a scan crosses threads as it is.
 */
export interface WireParts {
  scan?: FileScan;
  segment?: number;
  done?: boolean;
}

/**
 * One file's scan from its segments' scans, added in file order as they come from either thread
 * (one that comes early waits for the ones before it): one bounded set of kept lines and tallies for
 * the whole file, held by this thread only, each line kept or tallied in file order as one pass does,
 * and each segment's lines freed once it is added. Which lines are kept depends on the segments'
 * bounds, not on which thread read which segment.
 */
export class SegmentJoin {
  private joined?: FileScan;
  private next = 0;
  private readonly pending = new Map<number, FileScan>();
  private readonly seen = new Set<number>();
  /** Behaviour scenarios: the joined scan's tracker sees each part's access lines in file order. */
  private readonly scenarios?: Scenario[];
  constructor(scenarios?: Scenario[]) {
    this.scenarios = scenarios;
  }

  has(i: number): boolean {
    return this.seen.has(i);
  }

  /** How many segments, from the first, are added. */
  get joinedCount(): number {
    return this.next;
  }

  add(i: number, part: FileScan): void {
    if (this.seen.has(i)) return;
    this.seen.add(i);
    this.pending.set(i, part);
    for (let p = this.pending.get(this.next); p; p = this.pending.get(this.next)) {
      this.pending.delete(this.next++);
      if (!this.joined) {
        this.joined = emptyLike(p);
        if (this.scenarios?.length) this.joined.behaviour = new BehaviourTracker(this.scenarios);
      }
      appendScan(this.joined, p, this.joined.lines);
      // The file's first line is the first part's that read lines; its last, the last such part's.
      if (this.firstEdge === undefined) this.firstEdge = p.edgeFirstTime;
      if (p.edgeLastTime !== undefined) this.lastEdge = p.edgeLastTime;
    }
  }

  private firstEdge?: string;
  private lastEdge?: string;

  /** The file's scan once every segment is in, its time range bounded by its first and last lines. */
  result(): FileScan {
    const j = this.joined;
    if (!j || this.pending.size > 0) throw new Error("segments missing");
    for (const t of [this.firstEdge, this.lastEdge]) {
      if (!t) continue;
      if (!j.firstTime || t < j.firstTime) j.firstTime = t;
      if (!j.lastTime || t > j.lastTime) j.lastTime = t;
    }
    return j;
  }
}

/** A scan of nothing, with `first`'s file, format and skipped start. */
function emptyLike(first: FileScan): FileScan {
  return {
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
    behaviour: undefined,
    observed: undefined,
    observedDropped: undefined,
    offsetMinutes: undefined,
    firstTime: undefined,
    lastTime: undefined,
    edgeFirstTime: undefined,
    edgeLastTime: undefined,
  };
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
  /** Its modules are loaded: a segment sent now is scanned now (standard input gives none before). */
  ready = false;
  private streams = 0;
  private readonly answers = new Map<
    string,
    { resolve: (s: FileScan) => void; reject: (e: Error) => void }
  >();
  constructor() {
    // A small young generation keeps the second thread light (its work allocates little); the
    // compile cache spares it the TypeScript stripper.
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      env: workerEnv(),
    });
    this.worker.on("message", (m: { ready?: boolean } & Partial<StreamAnswer>) => {
      if (m.ready) this.ready = true;
      if (m.stream === undefined || m.segment === undefined) return;
      const key = `${m.stream}:${m.segment}`;
      const a = this.answers.get(key);
      this.answers.delete(key);
      if (m.scan) a?.resolve(m.scan);
      else a?.reject(new Error(m.error ?? "no scan"));
    });
    // A thread that fails while idle must not take the process down; run() reports errors of a job.
    // Once it has ended, nothing more is sent to it: an answer would never come.
    const fail = (e: Error) => {
      this.ended = true;
      for (const a of this.answers.values()) a.reject(e);
      this.answers.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", () => fail(new Error("the worker ended")));
  }

  /** Neither closed nor ended (a job that failed ends the thread: see worker.ts). */
  get usable(): boolean {
    return !this.closed && !this.ended;
  }

  /** Sends a stream's setup; its segments then name the number returned. */
  openStream(setup: StreamSetup): number {
    const stream = ++this.streams;
    this.worker.postMessage({ stream, setup } satisfies StreamMessage);
    return stream;
  }

  /**
   * Scans one segment of an open stream (a copy of its bytes crosses, and of the lines around it);
   * rejects if the worker fails.
   */
  scanSegment(
    stream: number,
    seg: { n: number; start: number; bytes: Uint8Array; before?: Uint8Array; after?: Uint8Array },
  ): Promise<FileScan> {
    return new Promise<FileScan>((resolve, reject) => {
      if (!this.usable) return reject(new Error("the worker has ended"));
      this.answers.set(`${stream}:${seg.n}`, { resolve, reject });
      // A copy of exactly these bytes, moved across: a view's whole buffer would be copied otherwise.
      const own = new Uint8Array(seg.bytes);
      const message: StreamMessage = { stream, segment: seg.n, start: seg.start, bytes: own };
      if (seg.before) message.before = new Uint8Array(seg.before);
      if (seg.after) message.after = new Uint8Array(seg.after);
      this.worker.postMessage(message, [own.buffer]);
    });
  }

  /** Runs `job`: each segment's scan goes to `onSegment` as it comes; resolves with the last message. */
  run(job: WorkerJob, onSegment?: (i: number, scan: FileScan) => void): Promise<WireParts> {
    return new Promise<WireParts>((resolve, reject) => {
      if (!this.usable) return reject(new Error("the worker has ended"));
      const done = () => {
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
        this.worker.off("exit", onExit);
      };
      const onExit = () => {
        done();
        reject(new Error("the worker ended"));
      };
      const onMessage = (m: WireParts & { ready?: boolean; stream?: number }) => {
        // Not this job's: the worker saying it is loaded, or a stream's answer.
        if (m.ready || m.stream !== undefined) return;
        if (m.segment !== undefined && m.scan) {
          onSegment?.(m.segment, m.scan);
          return;
        }
        done();
        resolve(m);
      };
      const onError = (e: Error) => {
        done();
        reject(e);
      };
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.on("exit", onExit);
      this.worker.postMessage(job);
    });
  }

  private closed = false;
  private ended = false;

  close(): void {
    if (this.closed) return;
    this.closed = true;
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
 * left (the worker and the main thread run this at the same time), handing each segment's scan to
 * `onSegment` (which may wait: the main thread lets the worker's segments in between its own). One
 * prefilter per thread: it is built from the first megabyte of the first segment taken.
 */
export async function scanSegments(
  fd: number,
  display: string,
  bounds: number[],
  next: Int32Array,
  opts: ScanOptions,
  onSegment: (i: number, scan: FileScan) => unknown,
  ahead?: number,
): Promise<void> {
  const buf = Buffer.allocUnsafe(SEGMENT_CHUNK);
  let prefilter: Prefilter | undefined;
  const quietLiterals = opts.quietLiterals ?? quietLiteralsOf(opts.scenarios ?? []);
  for (;;) {
    if (ahead !== undefined) waitForJoin(next, bounds.length - 1, ahead);
    const i = Atomics.add(next, 0, 1);
    if (i >= bounds.length - 1) return;
    const from = bounds[i] as number;
    prefilter ??= prefilterFor(opts.rules, readAt(fd, from, 1 << 20), quietLiterals);
    const scan = await scanStream(plainChunksSync(fd, from, bounds[i + 1] as number, buf), display, {
      ...opts,
      scenarios: undefined, // tracked where the segments are joined, in file order
      quietLiterals,
      prefilter,
      skippedBytes: i === 0 ? opts.skippedBytes : 0,
      startOffset: from,
      part: true,
      ...contextOf(fd, bounds, i, opts.detected, !opts.skippedBytes),
    });
    await onSegment(i, scan);
  }
}

/**
 * An error log's lines just before and after segment i (see ScanOptions.before): read from the file,
 * within the bounds read (`wholeStart`: the first bound starts a line, not a tail read's fragment).
 * Access logs need none. A line longer than CONTEXT_BYTES at the edge ends the context there.
 */
export function contextOf(
  fd: number,
  bounds: number[],
  i: number,
  detected: ScanOptions["detected"],
  wholeStart: boolean,
): Pick<ScanOptions, "before" | "after"> {
  if (detected?.kind !== "error") return {};
  const first = bounds[0] as number;
  const last = bounds[bounds.length - 1] as number;
  const from = bounds[i] as number;
  const to = bounds[i + 1] as number;
  const out: Pick<ScanOptions, "before" | "after"> = {};
  if (from > first) {
    const at = Math.max(first, from - CONTEXT_BYTES);
    const b = readAt(fd, at, from - at);
    // A window that starts inside a line (or at a tail read's start, a fragment one pass drops) keeps
    // the whole lines after it.
    out.before = at === first && wholeStart ? b : b.subarray(b.indexOf(10) + 1 || b.length);
  }
  if (to < last) out.after = contextHead(readAt(fd, to, Math.min(CONTEXT_BYTES, last - to)));
  return out;
}

/**
 * The worker takes no segment while more than `ahead` taken ones are not yet joined (`next[1]`, set by
 * the joining thread): scans waiting for an earlier segment are held whole, and on a busy machine one
 * thread would otherwise run ever further ahead of the other (12 segments waiting, +40 MB at 10 GB).
 * Only a worker may block (the joining thread awaits instead); the timeout re-checks in case a notify
 * is missed.
 */
function waitForJoin(next: Int32Array, segments: number, ahead: number): void {
  for (;;) {
    if (Atomics.load(next, 0) >= segments) return;
    const joined = Atomics.load(next, 1);
    if (Atomics.load(next, 0) - joined <= ahead) return;
    Atomics.wait(next, 1, joined, 100);
  }
}

/** How many taken segments either thread may be ahead of the join. */
export const WORKER_AHEAD = 3;

/**
 * Scans [skip, size) of a plain file on two threads (with `worker` when one is already running), both
 * reading the descriptor `fd`, which the caller opened and closes. This thread joins the segments as
 * they come, so only it holds the file's kept lines; the worker holds one segment's at a time.
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
  // The format, decided once from the file's first lines as one pass decides it: every segment reads
  // with it (a segment deciding from its own first lines could read the file with several).
  // The first lines of the first block, as one pass reads it (a 64 KB head held no whole line of 70 KB).
  const head = readAt(fd, skip, 1 << 20);
  const decided = decideFormat(
    headLines(head, skip > 0 ? head.indexOf(10) + 1 : 0, head.lastIndexOf(10) + 1 || head.length),
    ...givenFormat(opts),
  );
  const detected = decided.detected;
  const formatSource = decided.source;
  const bounds = segmentBounds(fd, skip, size, segmentBytes);
  if (bounds.length < 3) {
    // One segment (no newline found where a cut was wanted): read it here.
    return scanStream(plainChunks(fd, skip, size), display, {
      ...opts,
      detected,
      formatSource,
      formatDecided: true,
    });
  }
  // [0]: the next segment to take; [1]: how many are joined (the worker waits on it).
  const next = new Int32Array(new SharedArrayBuffer(8));
  const job: WorkerJob = {
    rules: opts.rules.map(specOf),
    fd,
    display,
    bounds,
    next: next.buffer as SharedArrayBuffer,
    detected: toWire(detected),
    formatSource,
    formatDecided: true,
    offsetMinutes: opts.offsetMinutes,
    skippedBytes: opts.skippedBytes,
    quietLiterals: quietLiteralsOf(opts.scenarios ?? []),
  };
  const join = new SegmentJoin(opts.scenarios);
  let wake: (() => void) | undefined;
  let workerDone = false;
  const joinPart = (i: number, scan: FileScan) => {
    join.add(i, scan);
    Atomics.store(next, 1, join.joinedCount);
    Atomics.notify(next, 1);
    wake?.();
  };
  const own = worker ?? new ScanWorker();
  // A worker that fails takes no more segments; the ones it took and did not send are read again here.
  const second = own
    .run(job, joinPart)
    .catch(() => undefined)
    .finally(() => {
      workerDone = true;
      wake?.();
    });
  const segments = bounds.length - 1;
  // After each of its own segments this thread lets the worker's in (they wait as messages till then),
  // and takes no new one while the worker's slow segment holds more than WORKER_AHEAD back from the join.
  const decidedOpts = { ...opts, detected, formatSource, formatDecided: true };
  await scanSegments(fd, display, bounds, next, decidedOpts, async (i, scan) => {
    joinPart(i, scan);
    await new Promise((resolve) => setImmediate(resolve));
    while (
      !workerDone &&
      Atomics.load(next, 0) < segments &&
      Atomics.load(next, 0) - join.joinedCount > WORKER_AHEAD
    )
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    wake = undefined;
  });
  await second;
  if (!worker) own.close();
  for (let i = 0; i + 1 < bounds.length; i++) {
    if (join.has(i)) continue;
    const scan = await scanStream(plainChunks(fd, bounds[i] as number, bounds[i + 1] as number), display, {
      ...opts,
      scenarios: undefined,
      quietLiterals: job.quietLiterals,
      detected,
      formatSource,
      formatDecided: true,
      skippedBytes: i === 0 ? opts.skippedBytes : 0,
      startOffset: bounds[i] as number,
      part: true,
      ...contextOf(fd, bounds, i, detected, !opts.skippedBytes),
    });
    join.add(i, scan);
  }
  return join.result();
}
