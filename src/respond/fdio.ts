/** Reading, hashing and copying through file descriptors, so what is hashed is what was checked. */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { RespondError } from "./errors.ts";

const CHUNK = 1 << 16;

/**
 * The most `respond` copies into the quarantine, a file or a process's program: a miner's program is a few
 * MB, and without a bound a sparse file of 1 TB (no blocks used) grows the quarantine until /var is full.
 */
export const MAX_QUARANTINE_BYTES = 512 * 1024 * 1024;

/** The whole file behind `fd`, from offset 0; refused when larger than `max` bytes. */
export function readFd(fd: number, max: number, what: string): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK);
    const n = fs.readSync(fd, buf, 0, CHUNK, total);
    if (n === 0) break;
    total += n;
    if (total > max) throw new RespondError("too-large", what);
    parts.push(buf.subarray(0, n));
  }
  return Buffer.concat(parts, total);
}

/**
 * sha256 of the file behind `fd` (from offset 0), in chunks: no whole copy in memory. With `max`, a file
 * that has more bytes (it may grow while it is read) is refused as `tooLarge`.
 */
export function hashFd(fd: number, max?: number, what = "", tooLarge = "too-large"): string {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = 0; ; ) {
    const n = fs.readSync(fd, buf, 0, CHUNK, pos);
    if (n === 0) break;
    if (max !== undefined && pos + n > max) throw new RespondError(tooLarge, what);
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest("hex");
}

/**
 * Copies `from` (offset 0) to `to` and returns the sha256 of the bytes copied. With `max`, the copy stops
 * (refused as `tooLarge`) before it writes more than that, however the file grows while it is read.
 */
export function copyFd(from: number, to: number, max?: number, what = "", tooLarge = "too-large"): string {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = 0; ; ) {
    const n = fs.readSync(from, buf, 0, CHUNK, pos);
    if (n === 0) break;
    if (max !== undefined && pos + n > max) throw new RespondError(tooLarge, what);
    fs.writeSync(to, buf, 0, n);
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest("hex");
}

export function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
}
