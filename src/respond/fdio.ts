/** Reading, hashing and copying through file descriptors, so what is hashed is what was checked. */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { RespondError } from "./errors.ts";

const CHUNK = 1 << 16;

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

/** sha256 of the file behind `fd` (from offset 0), in chunks: no size limit, no whole copy in memory. */
export function hashFd(fd: number): string {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = 0; ; ) {
    const n = fs.readSync(fd, buf, 0, CHUNK, pos);
    if (n === 0) break;
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest("hex");
}

/** Copies `from` (offset 0) to `to` and returns the sha256 of the bytes copied. */
export function copyFd(from: number, to: number): string {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = 0; ; ) {
    const n = fs.readSync(from, buf, 0, CHUNK, pos);
    if (n === 0) break;
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
