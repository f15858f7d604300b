/**
 * Standard input (`docker logs web 2>&1 | mamori logs -`) read by two threads: a pipe has no size and
 * cannot be read at an offset, so this thread reads it and cuts it at newlines into segments, keeps
 * some and hands others to the worker as copies while the worker has fewer than two waiting. The
 * segments' scans are joined in stream order, as a plain file's are (parallel.ts). Input that ends
 * within the first segment is scanned in one pass here, as before.
 */
import type { Readable } from "node:stream";
import { quietLiteralsOf } from "../../rules/behaviour-track.ts";
import { specOf } from "../../rules/logs-compile.ts";
import type { DetectedFormat } from "./engine/format.ts";
import type { Prefilter } from "./engine/prefilter.ts";
import { type ScanWorker, SegmentJoin, type StreamSetup, toWire } from "./parallel.ts";
import {
  contextHead,
  contextTail,
  decideFormat,
  type FileScan,
  givenFormat,
  headLines,
  MAX_LINE,
  prefilterFor,
  readFailure,
  type ScanOptions,
  scanStream,
} from "./scan.ts";

/** Segments the worker may hold (one it scans, the rest waiting): enough that it never waits for this thread. */
const WORKER_QUEUE = 4;
/** How many segments this thread may be ahead of the join before it waits for the worker's. */
const AHEAD = WORKER_QUEUE + 4;
/** Read size handed to the scan: as a file's segment is read (parallel.ts SEGMENT_CHUNK). */
const CHUNK = 1 << 20;
/**
 * Segment size: each is copied to the worker and held until its scan is joined, so small (4 MB, a
 * file's, peaked 50-66 MB higher on 256 MB of genlog than 1 MB).
 */
export const STREAM_SEGMENT_BYTES = 1 << 20;
/** Input read before the worker is started: below this one thread does it all. */
export const STREAM_WORKER_AFTER = 4 << 20;

/** A segment to scan (the n-th piece), with an error log's lines on each side of it (ScanOptions). */
interface Segment {
  n: number;
  start: number;
  bytes: Buffer;
  before?: Buffer;
  after?: Buffer;
}

/** A piece of the stream in order: whole lines to scan, or a line too long to scan, dropped. */
type Piece =
  | { start: number; bytes: Buffer }
  /** `first`: the dropped line's first byte ("[" opens an error-log line: a stderr's look-ahead stops there). */
  | { start: number; dropped: number; ended: boolean; first: number };

/**
 * The stream as whole-line segments of about `every` bytes (the last may end without a newline). A
 * line whose bytes pass `maxLine` (and one more, its CR) before its newline is not held: it is dropped as it comes, and told
 * as a dropped piece (with whether its newline came), so memory stays under `every + maxLine` and a
 * chunk whatever the stream holds.
 */
export async function* streamPieces(
  stream: AsyncIterable<Buffer> | Iterable<Buffer>,
  every: number,
  maxLine = MAX_LINE,
  alloc: (n: number) => Buffer = (n) => Buffer.allocUnsafeSlow(n),
): AsyncGenerator<Piece> {
  let parts: Buffer[] = [];
  let have = 0;
  let tail = 0; // bytes after the last newline held
  let start = 0; // stream offset of parts[0]
  let dropping = -1; // bytes of a too-long line dropped so far, or -1
  let first = 0; // the dropped line's first byte
  const take = (n: number): Buffer => {
    const out = alloc(n);
    let at = 0;
    while (at < n) {
      const p = parts[0] as Buffer;
      const k = Math.min(p.length, n - at);
      p.copy(out, at, 0, k);
      at += k;
      if (k === p.length) parts.shift();
      else parts[0] = p.subarray(k);
    }
    have -= n;
    return out;
  };
  // A read that fails (EIO on a pipe, a stream destroyed) ends the input: what came is scanned first.
  let failed: unknown;
  try {
    for await (const raw of stream) {
      let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      if (dropping >= 0) {
        const nl = chunk.indexOf(10);
        if (nl < 0) {
          dropping += chunk.length;
          continue;
        }
        yield { start, dropped: dropping + nl + 1, ended: true, first };
        start += dropping + nl + 1;
        dropping = -1;
        chunk = chunk.subarray(nl + 1);
      }
      if (chunk.length === 0) continue;
      parts.push(chunk);
      have += chunk.length;
      const nl = chunk.lastIndexOf(10);
      tail = nl < 0 ? tail + chunk.length : chunk.length - nl - 1;
      if (tail > maxLine + 1) {
        // A line too long to scan: what comes before it is a segment, the line itself is dropped.
        if (have > tail) {
          const bytes = take(have - tail);
          yield { start, bytes };
          start += bytes.length;
        }
        dropping = have;
        first = (parts[0] as Buffer)[0] as number;
        parts = [];
        have = 0;
        tail = 0;
        continue;
      }
      if (have >= every && have > tail) {
        const bytes = take(have - tail);
        yield { start, bytes };
        start += bytes.length;
      }
    }
  } catch (err) {
    failed = err;
  }
  if (dropping >= 0) yield { start, dropped: dropping, ended: false, first };
  else if (have > 0) yield { start, bytes: take(have) };
  if (failed !== undefined) throw failed;
}

/**
 * A dropped too-long line as a part of the joined scan: a line (if its newline came), skipped. Its
 * detail says the whole line's length, where one pass says how much it had read when it gave up.
 */
function droppedPart(
  display: string,
  format: { name: string; source: FileScan["formatSource"] },
  piece: { dropped: number; ended: boolean },
): FileScan {
  return {
    path: display,
    format: format.name,
    formatSource: format.source,
    lines: piece.ended ? 1 : 0,
    bytes: piece.dropped,
    parsed: 0,
    skipped: { "too-long": 1 },
    warnings: [{ line: 1, reason: "too-long", detail: `${piece.dropped}+ bytes` }],
    skippedBytes: 0,
    matches: [],
    samples: [],
    cgiErrors: [],
    tallies: [],
    // A line, without a time: the file's first or last line if it comes first or last (as in one pass).
    edgeFirstTime: "",
    edgeLastTime: "",
  };
}

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
}

/**
 * Scans `stream` on this thread and, once `workerAfter` bytes have come, on `worker()` too (called only
 * then: a short input starts no thread). The result is that of a plain file read in segments.
 */
export async function scanStreamParallel(
  stream: Readable | AsyncIterable<Buffer> | Iterable<Buffer>,
  display: string,
  opts: ScanOptions,
  worker: () => ScanWorker | undefined,
  segmentBytes = STREAM_SEGMENT_BYTES,
  workerAfter = STREAM_WORKER_AFTER,
): Promise<FileScan> {
  // Segment buffers are used again once scanned: a new one each time only made work for the collector.
  const free: Buffer[] = [];
  const capacity = segmentBytes + (256 << 10);
  const alloc = (n: number) => {
    const b = n <= capacity ? (free.pop() ?? Buffer.allocUnsafeSlow(capacity)) : Buffer.allocUnsafeSlow(n);
    return b.subarray(0, n);
  };
  const release = (b: Buffer) => {
    if (b.buffer.byteLength === capacity && free.length < WORKER_QUEUE + 2)
      free.push(Buffer.from(b.buffer, 0, capacity));
  };
  const pieces = streamPieces(
    stream as AsyncIterable<Buffer> | Iterable<Buffer>,
    segmentBytes,
    opts.maxLine,
    alloc,
  );
  // A failed read (a truncated gzip file too) ends the pieces; it is told in the scan as one pass tells it.
  let readError: { reason: string; detail: string } | undefined;
  const next = async (): Promise<Piece | undefined> => {
    try {
      const r = await pieces.next();
      return r.done ? undefined : r.value;
    } catch (err) {
      readError = readFailure(err);
      return undefined;
    }
  };
  // Whether the input read so far ends inside a line: a read error is told at that line, as one pass tells it.
  let inLine = false;
  const told = (scan: FileScan): FileScan => {
    if (readError === undefined) return scan;
    const { reason, detail } = readError;
    scan.skipped[reason] = (scan.skipped[reason] ?? 0) + 1;
    if (scan.warnings.length < 50)
      scan.warnings.push({ line: inLine ? scan.lines : scan.lines + 1, reason, detail });
    return scan;
  };
  const endsInLine = (p: Piece) => "bytes" in p && p.bytes.length > 0 && p.bytes[p.bytes.length - 1] !== 10;
  const head: Piece[] = [];
  for (let k = 0; k < 2; k++) {
    const p = await next();
    if (!p) break;
    head.push(p);
  }
  // Nothing, or one segment of whole lines: one pass, exactly as a short file.
  const only = head[0];
  if (head.length < 2 && (!only || "bytes" in only)) {
    inLine = only !== undefined && endsInLine(only);
    return told(await scanStream(only && "bytes" in only ? chunksOf(only.bytes) : [], display, opts));
  }

  const quietLiterals = opts.quietLiterals ?? quietLiteralsOf(opts.scenarios ?? []);
  // Decided from the first lines, once, as one pass decides it (a dropped too-long line is no line).
  let decided: { detected: DetectedFormat | undefined; source: FileScan["formatSource"] } | undefined;
  const decide = (bytes: Buffer) => decideFormat(headLines(bytes), ...givenFormat(opts));
  const join = new SegmentJoin(opts.scenarios);
  let prefilter: Prefilter | undefined;
  const here = async (seg: Segment) => {
    prefilter ??= prefilterFor(opts.rules, seg.bytes.subarray(0, CHUNK), quietLiterals);
    const scan = await scanStream(chunksOf(seg.bytes), display, {
      ...opts,
      detected: decided?.detected,
      formatSource: decided?.source,
      formatDecided: true,
      scenarios: undefined, // tracked where the segments are joined, in stream order
      quietLiterals,
      prefilter,
      skippedBytes: 0,
      startOffset: seg.start,
      part: true,
      before: seg.before,
      after: seg.after,
    });
    release(seg.bytes);
    join.add(seg.n, scan);
  };

  let thread: ScanWorker | undefined;
  let streamId: number | undefined;
  let workerFailed = false;
  // A fault in joining an answer (a bug, not the input): raised here, never left unhandled.
  let joinFault: unknown;
  /** Segments with the worker: their bytes stay here until its scan is joined (read here if it fails). */
  const withWorker = new Map<number, Segment & { done: Promise<void> }>();
  const give = (s: ScanWorker, seg: Segment) => {
    streamId ??= s.openStream(setupOf(opts, display, decided, quietLiterals));
    const done = s
      .scanSegment(streamId, seg)
      .then(
        (scan) => {
          withWorker.delete(seg.n);
          release(seg.bytes);
          join.add(seg.n, scan);
        },
        () => {
          workerFailed = true;
        },
      )
      .catch((err: unknown) => {
        joinFault ??= err;
      });
    withWorker.set(seg.n, { ...seg, done });
  };
  /** After a worker failure: the segments it held are read here, in order, before any later one. */
  const takeBack = async () => {
    await Promise.all([...withWorker.values()].map((w) => w.done));
    if (joinFault !== undefined) throw joinFault;
    const back = [...withWorker.values()].sort((a, b) => a.n - b.n);
    withWorker.clear();
    for (const seg of back) await here(seg);
  };
  const dispatch = async (seg: Segment) => {
    if (workerFailed && withWorker.size > 0) await takeBack();
    if (!thread && seg.start >= workerAfter) thread = worker();
    if (thread?.usable && thread.ready && !workerFailed && withWorker.size < WORKER_QUEUE) {
      give(thread, seg);
      return;
    }
    // Not too far ahead of the worker's oldest segment: scans waiting for an earlier one are held whole.
    while (withWorker.size > 0 && !workerFailed && seg.n - join.joinedCount > AHEAD)
      await Promise.race([...withWorker.values()].map((w) => w.done));
    await here(seg);
    // The worker's answers (and its word that it is ready) come in as messages: let them in.
    if (thread) await new Promise((resolve) => setImmediate(resolve));
  };

  let i = 0;
  const all = async function* () {
    yield* head;
    for (let p = await next(); p; p = await next()) yield p;
  };
  // Each segment waits for the next one's first lines: in an error log, a shell's stderr line at a
  // segment's end looks for its client line there (and the next segment's look back at this one's last).
  let held: Segment | undefined;
  // Lines dropped since the held segment, each as its first byte and a newline: to the lines around a
  // segment they are lines (one pass reads past them, or stops at one that opens with "[").
  let between = "";
  const errorLog = () => decided?.detected?.kind === "error";
  for await (const piece of all()) {
    const n = i++;
    inLine = endsInLine(piece);
    if (!("bytes" in piece)) {
      // Before the first lines nothing is decided: the join takes the format of the next part.
      const d = decided?.detected;
      const name = d ? (d.kind === "access" ? d.format.name : d.name) : "unknown";
      join.add(n, droppedPart(display, { name, source: decided?.source ?? "none" }, piece));
      if (piece.ended) between += `${String.fromCharCode(piece.first === 10 ? 0x78 : piece.first)}\n`;
      continue;
    }
    decided ??= decide(piece.bytes);
    const seg: Segment = { n, start: piece.start, bytes: piece.bytes };
    if (held) {
      if (errorLog()) {
        held.after = Buffer.concat([Buffer.from(between, "latin1"), contextHead(piece.bytes)]);
        seg.before = Buffer.concat([contextTail(held.bytes), Buffer.from(between, "latin1")]);
      }
      await dispatch(held);
    }
    between = "";
    held = seg;
  }
  if (held) {
    if (errorLog() && between) held.after = Buffer.from(between, "latin1");
    await dispatch(held);
  }
  await takeBack();
  return told(join.result());
}

function setupOf(
  opts: ScanOptions,
  display: string,
  decided: { detected: DetectedFormat | undefined; source: FileScan["formatSource"] } | undefined,
  quietLiterals: string[],
): StreamSetup {
  return {
    rules: opts.rules.map(specOf),
    display,
    detected: toWire(decided?.detected),
    formatSource: decided?.source,
    offsetMinutes: opts.offsetMinutes,
    quietLiterals,
    maxLine: opts.maxLine,
  };
}
