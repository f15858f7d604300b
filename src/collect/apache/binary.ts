import * as nodeFs from "node:fs";
import type { BinaryStrings } from "../../facts/apache.ts";
import type { RootFs } from "../rootfs.ts";

export type { BinaryStrings };

const CHUNK = 1024 * 1024;
const OVERLAP = 256;
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_MODULES = 256;

const VERSION_RE = /Apache\/(\d+\.\d+\.\d+)((?: \([A-Za-z0-9 ._~+-]{1,40}\))?)/;
const ROOT_RE = /HTTPD_ROOT="([^"\0]{1,512})"/;
const CONFIG_RE = /SERVER_CONFIG_FILE="([^"\0]{1,512})"/;
// A module's name string, possibly with the build path before it; MPMs built in are named event.c etc.
const MODULE_RE =
  /\0(?:[^\0]{0,200}\/)?(mod_[a-z0-9_]{1,40}\.c|http_core\.c|event\.c|prefork\.c|worker\.c)(?=\0)/g;

/**
 * Scans a binary in bounded chunks for the version, compiled-in paths and module names, without loading
 * it whole (module names can sit anywhere in the data section, so the whole file is read, up to 64 MB).
 * The product string with a platform suffix ("Apache/2.4.62 (Debian)") is preferred over a bare one.
 */
export function readBinaryStrings(fs: RootFs, guestPath: string): BinaryStrings {
  const host = fs.resolve(guestPath);
  // Non-blocking: a FIFO planted at a binary's path must not hang the scan; it is refused below.
  const fd = nodeFs.openSync(host, nodeFs.constants.O_RDONLY | nodeFs.constants.O_NONBLOCK);
  try {
    if (!nodeFs.fstatSync(fd).isFile())
      throw Object.assign(new Error(`${guestPath}: not a file`), { code: "ENOTREG" });
    return readBinaryStringsFd(fd);
  } finally {
    nodeFs.closeSync(fd);
  }
}

/** The same scan on an open descriptor (the one that is later executed, so what was read is what runs). */
export function readBinaryStringsFd(fd: number): BinaryStrings {
  const out: BinaryStrings = { bytesRead: 0, truncated: false, elf: false };
  const modules = new Set<string>();
  const buf = Buffer.alloc(CHUNK + OVERLAP);
  let carry = 0;
  let pos = 0;
  for (;;) {
    if (pos >= MAX_BYTES) {
      out.truncated = true;
      break;
    }
    const n = nodeFs.readSync(fd, buf, carry, CHUNK, pos);
    if (n === 0) break;
    if (pos === 0) out.elf = buf.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    pos += n;
    const text = buf.subarray(0, carry + n).toString("latin1");
    const v = VERSION_RE.exec(text);
    if (v && (!out.version || (!/\(/.test(out.product ?? "") && v[2]))) {
      out.version = v[1];
      out.product = `Apache/${v[1]}${v[2] ?? ""}`;
    }
    out.httpdRoot ??= ROOT_RE.exec(text)?.[1];
    out.serverConfigFile ??= CONFIG_RE.exec(text)?.[1];
    for (const m of text.matchAll(MODULE_RE)) if (modules.size < MAX_MODULES) modules.add(m[1] as string);
    const total = carry + n;
    const keep = Math.min(OVERLAP, total);
    buf.copy(buf, 0, total - keep, total);
    carry = keep;
  }
  out.bytesRead = pos;
  // core.c is always built in; its name is the tail of "http_core.c", so it has no string of its own.
  if (out.version && modules.size > 0) out.staticModules = ["core.c", ...[...modules].sort()];
  return out;
}
