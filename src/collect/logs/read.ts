/**
 * Reading log files: plain, gzip-rotated, standard input, directories (rotations in time order).
 * The only part of log forensics that touches the file system; everything through RootFs.
 */
import { closeSync, type Dirent, fstatSync, read, readSync } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { createGunzip } from "node:zlib";
import { byCodeUnit } from "../../core/order.ts";
import { RootFs } from "../rootfs.ts";

/**
 * Where a file sits in its rotation: `access.log.3.gz` -> { base: "access.log", rank: -3 }, the live file 0,
 * logrotate's dateext `access.log-20240301.gz` -> a rank below 0 that grows with the date. Ascending rank
 * is oldest first.
 */
export function rotationKey(name: string): { base: string; rank: number } {
  const dated = /^(.*?)-(\d{8,10})(?:\.gz)?$/.exec(name);
  if (dated) return { base: dated[1] as string, rank: Number(dated[2]) - 1e11 };
  const m = /^(.*?)(?:\.(\d+))?(?:\.gz)?$/.exec(name);
  const base = m?.[1] ?? name;
  return { base, rank: -(m?.[2] ? Number(m[2]) : name.endsWith(".gz") ? 1 : 0) };
}

/** Rotations read oldest first: .N.gz highest first, then .1, then the live file. */
export function sortRotations(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const ka = rotationKey(basename(a));
    const kb = rotationKey(basename(b));
    const da = a.slice(0, a.length - basename(a).length);
    const db = b.slice(0, b.length - basename(b).length);
    return byCodeUnit(da, db) || byCodeUnit(ka.base, kb.base) || ka.rank - kb.rank;
  });
}

/** Files of a directory argument (not other archives), in rotation order. */
export function logFilesIn(fs: RootFs, dir: string): string[] {
  const names = fs
    .readdirTypes(dir)
    // A FIFO, socket or device is kept so that opening it fails and it is listed as not checked.
    .filter((d) => (d.isFile() || isSpecial(d)) && !/\.(?:xz|bz2|zst|zip)$/.test(d.name))
    .map((d) => `${dir.replace(/\/$/, "")}/${d.name}`);
  return sortRotations(names);
}

function isSpecial(d: Dirent): boolean {
  return d.isFIFO() || d.isSocket() || d.isCharacterDevice() || d.isBlockDevice();
}

const CHUNK = 4 << 20;

export type Chunks = AsyncIterable<Buffer>;

/**
 * One log file opened once for its whole read: every pass, thread and range reads this descriptor,
 * never the path again, so a file rotated (renamed, a new one created) while it is read is still
 * read whole, and a path swapped for something else is never read. Opened without blocking and
 * checked on the descriptor to be a regular file (RootFs.openFile): a FIFO named as a log is an
 * error, not a hang.
 */
export interface LogFile {
  fd: number;
  /** Size at open: the end of a parallel read, the start of a tail read. */
  size: number;
  gzip: boolean;
}

export function openLogFile(fs: RootFs, guestPath: string): LogFile {
  const { fd, stat } = fs.openFile(guestPath);
  return { fd, size: stat.size, gzip: guestPath.endsWith(".gz") };
}

const readAsync = promisify(read);

/** A descriptor as given, or a path opened here (non-blocking, regular files only) and closed after. */
function fdOf(file: number | string): { fd: number; close: () => void } {
  if (typeof file === "number") return { fd: file, close: () => {} };
  const { fd } = new RootFs("/").openFile(file);
  return { fd, close: () => closeSync(fd) };
}

/**
 * A plain file's bytes [start, end) in chunks read into one reused buffer: memory stays flat
 * whatever the file size (the consumer handles each chunk before asking for the next). `file` is the
 * log's descriptor (left open) or, for tests and tools, a host path.
 */
export async function* plainChunks(
  file: number | string,
  start = 0,
  end = Number.POSITIVE_INFINITY,
  size = CHUNK,
): Chunks {
  const { fd, close } = fdOf(file);
  try {
    // No bigger than the range: a megabyte for each of thousands of small logs kept the collector busy.
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(size, end - start)));
    let pos = start;
    while (pos < end) {
      const want = Math.min(size, end - pos);
      const { bytesRead } = await readAsync(fd, buf, 0, want, pos);
      if (bytesRead === 0) {
        // Truncated under us (logrotate's copytruncate): say so rather than end quietly.
        if (fstatSync(fd).size < pos)
          throw Object.assign(new Error("file shrank while it was read"), { code: "ESHRUNK" });
        break;
      }
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    close();
  }
}

/**
 * The same bytes read with blocking reads into `buf`, for a thread that does nothing but scan (the
 * worker, or the main thread during a parallel scan): no round trip through libuv's thread pool per
 * chunk, about a tenth faster from the page cache. `fd` is shared by both threads and left open.
 */
export function* plainChunksSync(fd: number, start: number, end: number, buf: Buffer): Generator<Buffer> {
  let pos = start;
  while (pos < end) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) {
      if (fstatSync(fd).size < pos)
        throw Object.assign(new Error("file shrank while it was read"), { code: "ESHRUNK" });
      break;
    }
    pos += n;
    yield buf.subarray(0, n);
  }
}

/** Up to `len` bytes at `pos` of an open file. */
export function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = readSync(fd, b, 0, len, pos);
  return b.subarray(0, n);
}

export interface OpenedLog {
  stream: Chunks | Readable;
  gzip: boolean;
  size?: number;
  /** For a plain file read from a tail offset: bytes skipped at the start. */
  skippedBytes: number;
}

/** A pass over an opened log; `tailBytes` reads only the end of a plain file (the audit's bound). */
export function logStream(file: LogFile, tailBytes?: number): OpenedLog {
  let start = 0;
  if (!file.gzip && tailBytes !== undefined && file.size > tailBytes) start = file.size - tailBytes;
  // Up to the size at open: a log someone keeps appending to (`yes >> access.log`) would otherwise keep
  // this read going for as long as they write; what came later is the next run's (watch's cursor).
  if (!file.gzip)
    return {
      stream: plainChunks(file.fd, start, file.size),
      gzip: false,
      size: file.size,
      skippedBytes: start,
    };
  return { stream: gunzipped(file.fd, file.size), gzip: true, size: file.size, skippedBytes: 0 };
}

/**
 * A gzip file inflated in 120 KB pieces (on libuv's thread pool, while the caller scans), read with
 * positioned reads from the start of the descriptor (a second pass starts at 0 too), which stays open:
 * no stream here ever closes it (fs.ReadStream would, when destroyed).
 * Each piece is a new buffer. `bin/mamori logs` fixes malloc's mmap threshold at 128 KB (memory goes
 * back to the system), so 1 MB pieces were each mapped, faulted in page by page and unmapped: a third
 * of the CPU time was the kernel's (256 MB own-generator copy: 2.7-3.2 s, 1.0-1.1 s system; 120 KB
 * pieces come from malloc's heap and are reused: 1.85-2.15 s, 0.4-0.5 s system; peak the same).
 */
export function gunzipped(fd: number, end = Number.POSITIVE_INFINITY): Readable {
  const raw = Readable.from(freshChunks(fd, end), { objectMode: false });
  const gunzip = createGunzip({ chunkSize: 120 << 10 });
  raw.on("error", (e) => gunzip.destroy(e));
  gunzip.on("close", () => raw.destroy());
  return raw.pipe(gunzip);
}

/** Each chunk in its own buffer: zlib keeps the chunks it was written until it has inflated them. */
async function* freshChunks(fd: number, end: number): Chunks {
  for (let pos = 0; pos < end; ) {
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, end - pos));
    const { bytesRead } = await readAsync(fd, buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}
