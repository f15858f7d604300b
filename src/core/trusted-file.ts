/**
 * Files that decide what mamori reports or where it sends things (the configuration, allowlists,
 * ignore files): as root, one that another user can write would let them hide their own miner or
 * redirect alerts, so it is refused, not read.
 */
import * as fs from "node:fs";
import { untrustedComponent } from "./install-check.ts";

export class UntrustedFileError extends Error {
  readonly file: string;
  readonly why: string;
  constructor(file: string, why: string) {
    super(`${file}: ${why}`);
    this.file = file;
    this.why = why;
  }
}

const DEFAULT_MAX = 4 * 1024 * 1024;

/** Reads a small text file the running user (root: root) alone can change; bounded, never a FIFO or device. */
export function readTrustedText(file: string, opts: { uid?: number; maxBytes?: number } = {}): string {
  const uid = opts.uid ?? process.geteuid?.() ?? 0;
  const max = opts.maxBytes ?? DEFAULT_MAX;
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UntrustedFileError(file, "not a regular file");
    if (st.size > max) throw new UntrustedFileError(file, `larger than ${max} bytes`);
    // A non-root run crosses no privilege boundary: only root must not read what others wrote.
    const why = uid === 0 ? untrustedComponent(file, 0) : undefined;
    if (why) throw new UntrustedFileError(file, `another user can change ${why}`);
    // The path was checked after opening: make sure it still names the file that is open.
    const now = fs.statSync(file);
    if (now.ino !== st.ino || now.dev !== st.dev) throw new UntrustedFileError(file, "replaced while read");
    const buf = Buffer.alloc(Math.min(st.size, max));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
