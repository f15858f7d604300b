import type { RootFs } from "../rootfs.ts";

/**
 * Reads a text file whole when it is at most `limit` bytes, else its first `limit` bytes. Sizing the
 * read by the file (not by the limit) matters: RootFs allocates `maxBytes` up front.
 */
export function readBounded(
  fs: RootFs,
  guestPath: string,
  limit: number,
): { text: string; truncated: boolean } {
  const size = fs.stat(guestPath).size;
  if (size <= limit) return { text: fs.readText(guestPath, { maxBytes: limit }), truncated: false };
  return { text: fs.readText(guestPath, { maxBytes: limit }), truncated: true };
}
