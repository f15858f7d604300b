import * as fs from "node:fs";

/**
 * Reads an open file from its current position: at most `maxBytes`. `sizeHint` (fstat's size) sizes
 * the first buffer, which grows by doubling, so a small file never costs the cap (/proc files say 0
 * and files may grow while read). Past `maxBytes`: the first `maxBytes` when `truncate`, else
 * undefined (the file is larger than the caller accepts).
 */
export function readFdLimited(
  fd: number,
  sizeHint: number,
  maxBytes: number,
  truncate = false,
): Buffer | undefined {
  // One byte over the cap tells "exactly the cap" from "larger".
  const cap = truncate ? maxBytes : maxBytes + 1;
  let buf = Buffer.alloc(Math.min(cap, sizeHint > 0 ? sizeHint + 1 : 64 * 1024));
  let total = 0;
  while (total < cap) {
    if (total === buf.length) {
      const bigger = Buffer.alloc(Math.min(cap, buf.length * 2));
      buf.copy(bigger);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, total, buf.length - total, null);
    if (n === 0) break;
    total += n;
  }
  if (!truncate && total > maxBytes) return undefined;
  return buf.subarray(0, total);
}
