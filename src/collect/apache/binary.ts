import * as nodeFs from "node:fs";
import type { RootFs } from "../rootfs.ts";

/** What the bytes of an httpd binary say about itself (strings compiled into it). */
export interface BinaryStrings {
  /** "2.4.49" from "Apache/2.4.49 (Unix)". */
  version?: string;
  /** The whole product string ("Apache/2.4.49 (Unix)"). */
  product?: string;
  httpdRoot?: string;
  serverConfigFile?: string;
  bytesRead: number;
  truncated: boolean;
}

const CHUNK = 1024 * 1024;
const OVERLAP = 256;
const MAX_BYTES = 64 * 1024 * 1024;

const VERSION_RE = /Apache\/(\d+\.\d+\.\d+)((?: \([A-Za-z0-9 ._~+-]{1,40}\))?)/;
const ROOT_RE = /HTTPD_ROOT="([^"\0]{1,512})"/;
const CONFIG_RE = /SERVER_CONFIG_FILE="([^"\0]{1,512})"/;

/**
 * Scans a binary in bounded chunks for the version and compiled-in paths, without loading it whole.
 * The product string with a platform suffix ("Apache/2.4.62 (Debian)") is preferred over a bare one.
 */
export function readBinaryStrings(fs: RootFs, guestPath: string): BinaryStrings {
  const host = fs.resolve(guestPath);
  const out: BinaryStrings = { bytesRead: 0, truncated: false };
  const fd = nodeFs.openSync(host, "r");
  try {
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
      pos += n;
      const text = buf.subarray(0, carry + n).toString("latin1");
      const v = VERSION_RE.exec(text);
      if (v && (!out.version || (!/\(/.test(out.product ?? "") && v[2]))) {
        out.version = v[1];
        out.product = `Apache/${v[1]}${v[2] ?? ""}`;
      }
      out.httpdRoot ??= ROOT_RE.exec(text)?.[1];
      out.serverConfigFile ??= CONFIG_RE.exec(text)?.[1];
      if (out.version && out.product?.includes("(") && out.httpdRoot && out.serverConfigFile) break;
      const total = carry + n;
      const keep = Math.min(OVERLAP, total);
      buf.copy(buf, 0, total - keep, total);
      carry = keep;
    }
    out.bytesRead = pos;
  } finally {
    nodeFs.closeSync(fd);
  }
  return out;
}
