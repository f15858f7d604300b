/**
 * Reading log files: plain, gzip-rotated, standard input, directories (rotations in time order).
 * The only part of log forensics that touches the file system; everything through RootFs.
 */
import { closeSync, createReadStream, fstatSync, openSync, type ReadStream, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { RootFs } from "../rootfs.ts";

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
    return da.localeCompare(db) || ka.base.localeCompare(kb.base) || ka.rank - kb.rank;
  });
}

/** Files of a directory argument (not other archives), in rotation order. */
export function logFilesIn(fs: RootFs, dir: string): string[] {
  const names = fs
    .readdirTypes(dir)
    .filter((d) => d.isFile() && !/\.(?:xz|bz2|zst|zip)$/.test(d.name))
    .map((d) => `${dir.replace(/\/$/, "")}/${d.name}`);
  return sortRotations(names);
}

const CHUNK = 4 << 20;

export type Chunks = AsyncIterable<Buffer>;

/**
 * A plain file's bytes [start, end) in chunks read into one reused buffer: memory stays flat
 * whatever the file size (the consumer handles each chunk before asking for the next).
 */
export async function* plainChunks(
  host: string,
  start = 0,
  end = Number.POSITIVE_INFINITY,
  size = CHUNK,
): Chunks {
  const fh = await open(host, "r");
  try {
    const buf = Buffer.allocUnsafe(size);
    let pos = start;
    while (pos < end) {
      const want = Math.min(size, end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) {
        // Truncated under us (logrotate's copytruncate): say so rather than end quietly.
        if ((await fh.stat()).size < pos)
          throw Object.assign(new Error("file shrank while it was read"), { code: "ESHRUNK" });
        break;
      }
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * The same bytes read with blocking reads into `buf`, for a thread that does nothing but scan (the
 * worker, or the main thread during a parallel scan): no round trip through libuv's thread pool per
 * chunk, about a tenth faster from the page cache.
 */
export function* plainChunksSync(host: string, start: number, end: number, buf: Buffer): Generator<Buffer> {
  const fd = openSync(host, "r");
  try {
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
  } finally {
    closeSync(fd);
  }
}

export interface OpenedLog {
  stream: Chunks | Readable;
  gzip: boolean;
  size?: number;
  /** For a plain file read from a tail offset: bytes skipped at the start. */
  skippedBytes: number;
}

/** Opens a guest file; `tailBytes` reads only the end of a plain file (the audit's bound). */
export function openLog(fs: RootFs, guestPath: string, tailBytes?: number): OpenedLog {
  const host = fs.resolve(guestPath);
  const st = fs.stat(guestPath);
  if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${guestPath}`), { code: "EISDIR" });
  const gzip = guestPath.endsWith(".gz");
  let start = 0;
  if (!gzip && tailBytes !== undefined && st.size > tailBytes) start = st.size - tailBytes;
  if (!gzip) return { stream: plainChunks(host, start), gzip, size: st.size, skippedBytes: start };
  return { stream: gunzipped(host), gzip, size: st.size, skippedBytes: 0 };
}

/** A gzip file inflated in 1 MB pieces (on libuv's thread pool, while the caller scans). */
export function gunzipped(host: string): Readable {
  const raw: ReadStream = createReadStream(host, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on("error", (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}
