import { createHash } from "node:crypto";
import * as nodefs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { RootFs } from "../collect/rootfs.ts";
import { byCodeUnit } from "../core/order.ts";
import type { CursorRecord } from "../store/state.ts";

/** How many leading bytes identify a file (so a replaced or truncated-and-refilled file is noticed). */
export const HEAD_BYTES = 1024;

/** Longest line kept whole; longer runs without a newline are cut (memory stays bounded). */
export const MAX_LINE = 1024 * 1024;

export interface LogLine {
  /** The line without its newline (bytes decoded as UTF-8; attacker-controlled: escape before display). */
  line: string;
  /** Guest path of the file the line was read from: the rotated name when an old file was finished. */
  file: string;
}

export type CursorEvent = "start" | "continue" | "truncated" | "rotated" | "rotated-lost";

export interface ReadReport {
  cursor: CursorRecord;
  /** What happened since the last cursor, for diagnostics and tests. */
  event: CursorEvent;
  /** Files read, in order. */
  files: string[];
  lines: number;
}

interface FileState {
  host: string;
  guest: string;
  stat: nodefs.BigIntStats;
  gz: boolean;
  /** The root the file is in: it is opened through it (a regular file only, never a FIFO or device). */
  fs: RootFs;
}

function headHashOf(buf: Buffer): string {
  return createHash("sha256").update(buf).digest("hex");
}

async function readHead(f: FileState, gz: boolean, len: number): Promise<Buffer> {
  if (len === 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  let stream: Readable;
  try {
    stream = openStream(f, gz, 0);
  } catch {
    return Buffer.alloc(0); // gone, or no longer a regular file: no head to match
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= len) break;
    }
  } catch {
    // a corrupt gzip has no head we can match
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, len);
}

/**
 * The file's bytes from `start` (decompressed from 0 for gzip) up to `size`, its size when it was looked
 * at: a log someone keeps appending to would otherwise keep one scan reading for as long as they write.
 * What comes later is read next time, from the cursor.
 */
function openStream(f: FileState, gz: boolean, start: number, size = Number.POSITIVE_INFINITY): Readable {
  const bounded = Number.isFinite(size);
  // Nothing to read (createReadStream's `end` is inclusive, and an `end` before `start` is an error).
  if (bounded && size <= (gz ? 0 : start)) return Readable.from([]);
  const end = bounded ? size - 1 : undefined;
  // Opened as the one-shot reader opens a log (collect/rootfs.ts openFile): a path swapped for a FIFO
  // since it was looked at would otherwise block this read, and with it every later scan.
  const { fd } = f.fs.openFile(f.guest);
  const opts = { fd, end, highWaterMark: 256 * 1024, autoClose: true };
  if (!gz) return nodefs.createReadStream(f.host, { ...opts, start });
  const src = nodefs.createReadStream(f.host, opts);
  const gunzip = createGunzip();
  src.on("error", (e) => gunzip.destroy(e));
  // A head read stops early: the file's descriptor is closed with the stream the caller destroys.
  gunzip.on("close", () => src.destroy());
  return src.pipe(gunzip);
}

/** New bytes of one file, whole lines as written: what the log engine scans, at their place in the file. */
export interface RawChunk {
  /** Guest path of the file the bytes were read from: the rotated name when an old file was finished. */
  file: string;
  /** File offset of buf[0] (decompressed bytes in gzip files): baseline samples sit at fixed offsets. */
  at: number;
  /** Whole lines with their newlines; a final file's last line, or a line cut at MAX_LINE, may lack it. */
  buf: Buffer;
  /** How many lines buf holds. */
  lines: number;
}

/**
 * Yields the complete lines from byte `start` on, as chunks of raw bytes. In gzip files `start` counts
 * decompressed bytes. `final` files (rotated away, nobody writes them any more) also yield a last line
 * without a newline. `progress.offset` is the offset after the last yielded line.
 */
async function* chunksFrom(
  f: FileState,
  start: number,
  final: boolean,
  progress: { offset: number },
): AsyncGenerator<RawChunk> {
  progress.offset = start;
  let skip = f.gz ? start : 0;
  let carry: Buffer = Buffer.alloc(0);
  const stream = openStream(f, f.gz, f.gz ? 0 : start, Number(f.stat.size));
  try {
    for await (let chunk of stream as AsyncIterable<Buffer>) {
      if (skip > 0) {
        if (chunk.length <= skip) {
          skip -= chunk.length;
          continue;
        }
        chunk = chunk.subarray(skip);
        skip = 0;
      }
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const end = buf.lastIndexOf(0x0a) + 1;
      let lines = 0;
      for (let nl = buf.indexOf(0x0a); nl >= 0 && nl < end; nl = buf.indexOf(0x0a, nl + 1)) lines++;
      carry = Buffer.from(buf.subarray(end));
      if (carry.length > MAX_LINE) {
        // A "line" of megabytes without a newline is not a log line (binary junk, or an attacker's
        // attempt to exhaust memory): it is handed on in one piece, cut at the limit.
        const at = progress.offset;
        const cut = carry.subarray(0, MAX_LINE);
        carry = Buffer.alloc(0);
        // A chunk handed out is a chunk counted: the offset moves before it is yielded.
        progress.offset += buf.length;
        if (end > 0) yield { file: f.guest, at, buf: buf.subarray(0, end), lines };
        yield { file: f.guest, at: at + end, buf: cut, lines: 1 };
        continue;
      }
      if (end > 0) {
        const at = progress.offset;
        progress.offset += end;
        yield { file: f.guest, at, buf: buf.subarray(0, end), lines };
      }
    }
  } finally {
    stream.destroy();
  }
  if (final && carry.length > 0) {
    const at = progress.offset;
    progress.offset += carry.length;
    yield { file: f.guest, at, buf: carry, lines: 1 };
  }
}

/** A raw chunk's lines as text (without newlines, a CR before them dropped). */
export function linesOf(c: RawChunk): LogLine[] {
  const out: LogLine[] = [];
  const buf = c.buf;
  let pos = 0;
  while (pos < buf.length) {
    let nl = buf.indexOf(0x0a, pos);
    if (nl < 0) nl = buf.length;
    let end = nl;
    if (end > pos && buf[end - 1] === 0x0d) end--;
    out.push({ line: buf.toString("utf8", pos, end), file: c.file });
    pos = nl + 1;
  }
  return out;
}

function statOf(fs: RootFs, guest: string): FileState | undefined {
  try {
    const host = fs.resolve(guest);
    const stat = nodefs.statSync(host, { bigint: true });
    if (!stat.isFile()) return undefined;
    return { host, guest, stat, gz: guest.endsWith(".gz"), fs };
  } catch {
    return undefined;
  }
}

/** access.log.1, access.log.2.gz, access.log-20260101(.gz): siblings that logrotate made from `guest`. */
function rotatedSiblings(fs: RootFs, guest: string): FileState[] {
  const dir = path.posix.dirname(guest);
  const base = path.posix.basename(guest);
  let names: string[];
  try {
    names = fs.readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n !== base && (n.startsWith(`${base}.`) || n.startsWith(`${base}-`)))
    .map((n) => statOf(fs, path.posix.join(dir, n)))
    .filter((s): s is FileState => s !== undefined)
    .sort((a, b) => cmp(a.stat.mtimeNs, b.stat.mtimeNs) || byCodeUnit(b.guest, a.guest));
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function sameFile(f: FileState, prev: CursorRecord, byHeadOnly = false): Promise<boolean> {
  if (!f.gz && !byHeadOnly && String(f.stat.ino) !== prev.inode) return false;
  if (prev.headLen === 0) return !f.gz;
  return headHashOf(await readHead(f, f.gz, prev.headLen)) === prev.headHash;
}

async function cursorFor(
  f: FileState | undefined,
  guest: string,
  offset: number,
  seenNs: bigint,
): Promise<CursorRecord> {
  const mtimeNs = String(seenNs);
  if (!f)
    return { path: guest, inode: "", offset: 0, headHash: headHashOf(Buffer.alloc(0)), headLen: 0, mtimeNs };
  // Re-stat: the file may have grown while we read; its head and mtime now cover what we consumed.
  let now: { stat: nodefs.BigIntStats } = f;
  try {
    now = { stat: nodefs.statSync(f.host, { bigint: true }) };
  } catch {
    // gone since: the first stat stands
  }
  const head = await readHead(f, false, Math.min(HEAD_BYTES, Number(now.stat.size)));
  const newest = now.stat.mtimeNs > seenNs ? now.stat.mtimeNs : seenNs;
  return {
    path: guest,
    inode: String(f.stat.ino),
    offset,
    headHash: headHashOf(head),
    headLen: head.length,
    mtimeNs: String(newest),
  };
}

/**
 * The new complete lines of a log since `prev`, in order, each exactly once:
 * - same file (inode and head match): from the saved offset;
 * - truncated (smaller than the offset, or its head changed under the same inode): from 0;
 * - rotated (another inode at the path): the old file is finished under its rotated name
 *   (`access.log.1`, or `access.log.1.gz` once compressed, found by its head), then any file rotated
 *   after it, then the new file from 0.
 * A partial last line is left for next time. The generator's return value is the new cursor and a report;
 * store the cursor only after the lines are processed (in the same transaction as the scan).
 */
export async function* readNewChunks(
  fs: RootFs,
  guestPath: string,
  prev: CursorRecord | undefined,
): AsyncGenerator<RawChunk, ReadReport> {
  const cur = statOf(fs, guestPath);
  const progress = { offset: 0 };
  const files: string[] = [];
  let lines = 0;
  let event: CursorEvent = "start";
  const prevNs = BigInt(prev?.mtimeNs || "0");
  let seenNs = prevNs;

  const siblings = prev && prev.inode !== "" ? rotatedSiblings(fs, guestPath) : [];
  const curSame =
    prev !== undefined &&
    prev.inode !== "" &&
    cur !== undefined &&
    String(cur.stat.ino) === prev.inode &&
    cur.stat.size >= BigInt(prev.offset) &&
    (await sameFile(cur, prev));
  // A rotated file written after our last read means the log rotated since. When we last saw the file
  // empty, only that tells a rotation from a reused inode.
  const rotatedSince = siblings.some((s) => s.stat.mtimeNs > prevNs);
  if (prev && curSame && cur && (prev.headLen > 0 || !rotatedSince)) {
    files.push(guestPath);
    for await (const b of chunksFrom(cur, prev.offset, false, progress)) {
      lines += b.lines;
      yield b;
    }
    return {
      cursor: await cursorFor(cur, guestPath, progress.offset, prevNs),
      event: "continue",
      files,
      lines,
    };
  }

  if (prev && prev.inode !== "") {
    // Truncated in place, copied and truncated, or rotated (the inode at the path may even be reused).
    event = cur && String(cur.stat.ino) === prev.inode && !rotatedSince ? "truncated" : "rotated-lost";
    let old: FileState | undefined;
    // The old file: renamed (same inode and head), else a compressed or copied one with the same head.
    // Without a head (it was empty) it cannot be told apart: it is among the files written since.
    if (prev.headLen > 0) {
      for (const s of siblings) if (!s.gz && (await sameFile(s, prev))) old = s;
      if (!old) for (const s of siblings) if (await sameFile(s, prev, true)) old = s;
    }
    // Files written after our last read hold lines we have not seen (the old one from our offset,
    // the ones rotated after it from 0). Without a head (we last saw the old file empty) the oldest of
    // them is the old file, and offset 0 is right for it.
    const found = old;
    const unseen = siblings.filter(
      (s) => s.stat.mtimeNs > prevNs && !(found && (s === found || sameContentName(s, found))),
    );
    const queue = found ? [found, ...unseen] : unseen;
    if (queue.length > 0 && event === "rotated-lost") event = "rotated";
    for (const f of queue) {
      files.push(f.guest);
      if (f.stat.mtimeNs > seenNs) seenNs = f.stat.mtimeNs;
      for await (const b of chunksFrom(f, f === found ? prev.offset : 0, true, progress)) {
        lines += b.lines;
        yield b;
      }
    }
  }

  if (!cur) return { cursor: await cursorFor(undefined, guestPath, 0, seenNs), event, files, lines };
  files.push(guestPath);
  for await (const b of chunksFrom(cur, 0, false, progress)) {
    lines += b.lines;
    yield b;
  }
  return { cursor: await cursorFor(cur, guestPath, progress.offset, seenNs), event, files, lines };
}

/** The new lines as text, a batch per chunk read. */
export async function* readNewLineBatches(
  fs: RootFs,
  guestPath: string,
  prev: CursorRecord | undefined,
): AsyncGenerator<LogLine[], ReadReport> {
  const gen = readNewChunks(fs, guestPath, prev);
  for (;;) {
    const r = await gen.next();
    if (r.done) return r.value;
    yield linesOf(r.value);
  }
}

/** The same, one line at a time (simplest for a parser; batches are faster on big logs). */
export async function* readNewLines(
  fs: RootFs,
  guestPath: string,
  prev: CursorRecord | undefined,
): AsyncGenerator<LogLine, ReadReport> {
  const gen = readNewLineBatches(fs, guestPath, prev);
  for (;;) {
    const r = await gen.next();
    if (r.done) return r.value;
    yield* r.value;
  }
}

/** access.log.1 and access.log.1.gz are one file before and after compression. */
function sameContentName(a: FileState, b: FileState): boolean {
  return a.guest.replace(/\.gz$/, "") === b.guest.replace(/\.gz$/, "");
}

/** Convenience for small logs and tests: all new lines and the report. */
export async function collectNewLines(
  fs: RootFs,
  guestPath: string,
  prev: CursorRecord | undefined,
): Promise<{ lines: LogLine[]; report: ReadReport }> {
  const gen = readNewLineBatches(fs, guestPath, prev);
  const lines: LogLine[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { lines, report: r.value };
    for (const l of r.value) lines.push(l);
  }
}
