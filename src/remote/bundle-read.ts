import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import * as zlib from "node:zlib";
import type { RecordedMeta, RecordedRoot } from "../collect/rootfs.ts";

/**
 * Reads a bundle printed by src/remote/collector.sh, which a compromised host may have crafted, into a
 * private directory mamori creates (mkdtemp, 0700, checked to be ours). Nothing is written outside it:
 * every name is checked (absolute, no "." or ".." parts, bounded), every parent is a directory mamori
 * made (never a link), files are created O_EXCL|O_NOFOLLOW, links are created as data (RootFs resolves
 * them inside the root, never on this machine), and every limit holds while reading, not after.
 */

export interface BundleLimits {
  /** Entries of any kind. */
  maxEntries: number;
  /** Bytes of one file. */
  maxEntryBytes: number;
  /** Bytes of all files together. */
  maxTotalBytes: number;
  /** Bytes of the decompressed stream (hex text: about three times the files). */
  maxStreamBytes: number;
  /** Bytes of one path or link target. */
  maxNameBytes: number;
  /**
   * Characters of the paths whose recorded owner and mode are kept: 400,000 records of 4 KB names (X
   * records make nothing on disk) would otherwise hold 1.6 GB; a real host's bundle holds a few MB.
   */
  maxMetaChars: number;
  /** Decompressed/compressed ratio allowed once the stream passes ratioAfterBytes (a gzip bomb exceeds it at once). */
  maxRatio: number;
  ratioAfterBytes: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxEntries: 400_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxStreamBytes: 3300 * 1024 * 1024,
  maxNameBytes: 4096,
  maxMetaChars: 64 << 20,
  maxRatio: 200,
  ratioAfterBytes: 16 * 1024 * 1024,
};

const MAX_LINE = 2 * 4096 + 256;
/**
 * Components of one path: Linux's deepest real trees are far shallower, and each component of a new
 * path is a directory to make and check (4,096 bytes of "a/" are 2,048 of them).
 */
const MAX_DEPTH = 256;

/** A bundle that cannot be judged at all: the reason is a word (keyed message remote.bundle.<code>). */
export class BundleError extends Error {
  readonly code: string;
  readonly line: number;
  constructor(code: string, line: number, detail = "") {
    super(`${code} at line ${line}${detail ? `: ${detail}` : ""}`);
    this.code = code;
    this.line = line;
  }
}

export interface BundleNote {
  path: string;
  reason: string;
}

export interface OpenedBundle {
  /** The private directory (removed by close()). */
  dir: string;
  /** The recorded machine's "/" inside it. */
  root: string;
  recorded: RecordedRoot;
  header: Record<string, string>;
  /** ok, time-limit or size-limit: how the collector ended. */
  status: string;
  /** What the collector could not read (reason from the collector). */
  unread: BundleNote[];
  /** Entries mamori refused (reason from this reader). */
  refused: BundleNote[];
  files: number;
  bytes: number;
  streamBytes: number;
  close(): void;
}

/** A private 0700 directory of this process's user, made by mkdtemp and checked before use. */
export function privateDir(base = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(base, "mamori-bundle-"));
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new BundleError("private-dir", 0, dir);
  }
  return dir;
}

function decodeName(token: string, maxBytes: number): string | undefined {
  if (token.startsWith("=")) {
    const s = token.slice(1);
    return s.length > 0 && s.length <= maxBytes ? s : undefined;
  }
  if (
    token.length === 0 ||
    token.length % 2 !== 0 ||
    token.length > maxBytes * 2 ||
    !/^[0-9a-f]+$/.test(token)
  )
    return undefined;
  const buf = Buffer.from(token, "hex");
  if (buf.includes(0)) return undefined;
  return buf.toString("utf8");
}

/** The parts of a recorded absolute path, or a reason to refuse it. */
function pathParts(p: string, maxBytes: number): string[] | string {
  if (!p.startsWith("/")) return "not-absolute";
  if (Buffer.byteLength(p) > maxBytes) return "name-too-long";
  if (p === "/") return [];
  const parts = p.slice(1).split("/");
  for (const part of parts) {
    if (part === "" || part === "." || part === "..") return "dot-dot";
    if (Buffer.byteLength(part) > 255) return "name-too-long";
  }
  return parts;
}

function parseMeta(fields: string[]): RecordedMeta | undefined {
  if (fields.length < 6) return undefined;
  const num = (s: string | undefined, radix = 10) =>
    s !== undefined && /^[0-9]{1,15}$/.test(s) ? Number.parseInt(s, radix) : undefined;
  const mode =
    fields[0] !== undefined && /^[0-7]{1,6}$/.test(fields[0]) ? Number.parseInt(fields[0], 8) : undefined;
  const secs = (s: string | undefined) => {
    const n = num(s);
    return n === undefined ? undefined : n * 1000;
  };
  return {
    mode,
    uid: num(fields[1]),
    gid: num(fields[2]),
    mtimeMs: secs(fields[4]),
    ctimeMs: secs(fields[5]),
  };
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;

/** An od line (" 7f 45 4c 46 ...") as bytes, or undefined when it holds anything else. */
function decodeOdLine(line: Buffer): Buffer | undefined {
  const out = Buffer.allocUnsafe(line.length >> 1);
  let n = 0;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as number;
    if (c === 0x20) {
      i++;
      continue;
    }
    const hi = c < 128 ? (HEX[c] as number) : -1;
    const d = line[i + 1];
    const lo = d !== undefined && d < 128 ? (HEX[d] as number) : -1;
    if (hi < 0 || lo < 0) return undefined;
    out[n++] = (hi << 4) | lo;
    i += 2;
  }
  return out.subarray(0, n);
}

/** Reads a bundle from a file or a stream into a private directory under `base`. */
export async function openBundle(
  input: string | Readable,
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
  base?: string,
): Promise<OpenedBundle> {
  const dir = privateDir(base);
  const root = path.join(dir, "root");
  fs.mkdirSync(root, { mode: 0o700 });
  const meta = new Map<string, RecordedMeta>();
  const header: Record<string, string> = {};
  const unread: BundleNote[] = [];
  const refused: BundleNote[] = [];
  let status: string | undefined;
  let lineNo = 0;
  let entries = 0;
  let files = 0;
  let total = 0;
  let stream = 0;
  let compressed = 0;
  let gz: boolean | undefined;
  let cur: { fd: number | undefined; path: string; bytes: number } | undefined;
  const close = () => fs.rmSync(dir, { recursive: true, force: true });

  const refuse = (p: string, reason: string) => {
    if (refused.length < 10000) refused.push({ path: p, reason });
  };
  let metaChars = 0;
  const keepMeta = (p: string, m: RecordedMeta | undefined) => {
    if (!m) return;
    metaChars += p.length;
    if (metaChars <= limits.maxMetaChars) meta.set(p, m);
    else refuse(p, "meta-budget");
  };
  // Guest directories known to be directories mamori made: nothing in a bundle removes or replaces one,
  // so each is made and checked once, not again for every path under it.
  const dirs = new Set<string>([""]);
  let madeDirs = 0;
  /** Host path of a guest path whose parents are all directories mamori made (made now when missing). */
  const place = (p: string): string | { refused: string } => {
    const parts = pathParts(p, limits.maxNameBytes);
    if (typeof parts === "string") return { refused: parts };
    if (parts.length === 0) return root;
    if (parts.length > MAX_DEPTH) return { refused: "too-deep" };
    const last = parts.length - 1;
    // prefix[j]: the guest path of the first j components ("" for the root).
    const prefix: string[] = [""];
    for (let j = 1; j <= last; j++) prefix.push(`${prefix[j - 1]}/${parts[j - 1]}`);
    let known = last;
    while (!dirs.has(prefix[known] as string)) known--;
    for (let j = known + 1; j <= last; j++) {
      const host = root + (prefix[j] as string);
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(host);
      } catch {
        // Directories made on the way count as entries: a bundle cannot make more than it may list.
        if (++madeDirs > limits.maxEntries) fail("too-many-entries");
        fs.mkdirSync(host, { mode: 0o700 });
      }
      if (st && !st.isDirectory()) return { refused: st.isSymbolicLink() ? "through-link" : "through-file" };
      dirs.add(prefix[j] as string);
    }
    return `${root}${prefix[last]}/${parts[last]}`;
  };
  const endFile = () => {
    if (cur?.fd !== undefined) fs.closeSync(cur.fd);
    cur = undefined;
  };
  const fail = (code: string, detail = ""): never => {
    endFile();
    throw new BundleError(code, lineNo, detail);
  };
  const entry = () => {
    if (++entries > limits.maxEntries) fail("too-many-entries");
  };

  const onLine = (line: Buffer) => {
    lineNo++;
    if (lineNo === 1) {
      if (line.toString("latin1") !== "MAMORI-BUNDLE 1") fail("not-a-bundle");
      return;
    }
    if (status !== undefined) fail("after-end");
    if (line[0] === 0x20) {
      if (!cur) fail("data-outside-file");
      const bytes = decodeOdLine(line) ?? fail("malformed-data");
      const c = cur as NonNullable<typeof cur>;
      c.bytes += bytes.length;
      total += bytes.length;
      if (c.bytes > limits.maxEntryBytes) {
        if (c.fd !== undefined) {
          fs.closeSync(c.fd);
          c.fd = undefined;
          refuse(c.path, "entry-too-large");
        }
      } else if (c.fd !== undefined) fs.writeSync(c.fd, bytes);
      if (total > limits.maxTotalBytes) fail("total-too-large");
      return;
    }
    const text = line.toString("latin1");
    const f = text.split(" ");
    const kind = f[0];
    if (kind === "E" && f.length === 1) {
      if (!cur) fail("end-outside-file");
      endFile();
      return;
    }
    if (cur) fail("unterminated-file");
    const name = (i: number) => decodeName(f[i] ?? "", limits.maxNameBytes) ?? fail("malformed-name");
    switch (kind) {
      case "H": {
        if (f.length !== 3 || !/^[a-z]{1,16}$/.test(f[1] ?? "")) fail("malformed-header");
        if (Object.keys(header).length >= 32) fail("malformed-header");
        header[f[1] as string] = decodeName(f[2] ?? "", 1024) ?? "";
        return;
      }
      case "D": {
        entry();
        const p = name(1);
        const host = place(p);
        if (typeof host !== "string") return refuse(p, host.refused);
        try {
          fs.mkdirSync(host, { mode: 0o700 });
        } catch {
          const st = fs.lstatSync(host);
          if (!st.isDirectory()) return refuse(p, "conflict");
        }
        dirs.add(p === "/" ? "" : p);
        keepMeta(p, parseMeta(f.slice(2)));
        return;
      }
      case "F": {
        entry();
        const p = name(1);
        cur = { fd: undefined, path: p, bytes: 0 };
        const host = place(p);
        if (typeof host !== "string") return refuse(p, host.refused);
        const c = fs.constants;
        try {
          cur.fd = fs.openSync(host, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o600);
        } catch {
          return refuse(p, "duplicate");
        }
        files++;
        keepMeta(p, parseMeta(f.slice(2)));
        return;
      }
      case "L": {
        entry();
        const p = name(1);
        const target = name(2);
        const host = place(p);
        if (typeof host !== "string") return refuse(p, host.refused);
        try {
          // Data, not a way out: RootFs resolves it inside the root; nothing here follows it.
          fs.symlinkSync(target, host);
        } catch {
          refuse(p, "duplicate");
        }
        return;
      }
      case "X": {
        entry();
        const p = name(1);
        const reason = f[2] ?? "";
        if (!/^[A-Za-z-]{1,32}$/.test(reason)) fail("malformed-reason");
        if (unread.length < 10000) unread.push({ path: p, reason });
        if (Array.isArray(pathParts(p, limits.maxNameBytes))) keepMeta(p, parseMeta(f.slice(3)));
        return;
      }
      case "Z": {
        if (!/^(ok|time-limit|size-limit)$/.test(f[1] ?? "")) fail("malformed-end");
        status = f[1] as string;
        return;
      }
      default:
        fail("malformed-record");
    }
  };

  let pending: Buffer[] = [];
  let pendingLen = 0;
  const onData = (chunk: Buffer) => {
    stream += chunk.length;
    if (stream > limits.maxStreamBytes) fail("stream-too-large");
    if (gz && stream > limits.ratioAfterBytes && stream > compressed * limits.maxRatio)
      fail("decompression-bomb");
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      let line = chunk.subarray(start, nl);
      if (pendingLen > 0) {
        line = Buffer.concat([...pending, line]);
        pending = [];
        pendingLen = 0;
      }
      if (line.length > MAX_LINE) fail("line-too-long");
      onLine(line);
      start = nl + 1;
    }
    if (start < chunk.length) {
      pendingLen += chunk.length - start;
      if (pendingLen > MAX_LINE) fail("line-too-long");
      pending.push(Buffer.from(chunk.subarray(start)));
    }
  };

  const src = typeof input === "string" ? fs.createReadStream(input, { highWaterMark: 256 * 1024 }) : input;
  try {
    let error: unknown;
    const safe = (chunk: Buffer) => {
      if (error !== undefined) return;
      try {
        onData(chunk);
      } catch (err) {
        error = err;
      }
    };
    let unzip: zlib.Gunzip | undefined;
    let done: Promise<unknown> | undefined;
    for await (const chunk of src as AsyncIterable<Buffer>) {
      if (error !== undefined) break;
      if (chunk.length === 0) continue;
      if (gz === undefined) {
        gz = chunk[0] === 0x1f && chunk[1] === 0x8b;
        if (gz) {
          unzip = zlib.createGunzip({ chunkSize: 64 * 1024 });
          unzip.on("data", safe);
          done = finished(unzip);
        }
      }
      compressed += chunk.length;
      if (!unzip) safe(chunk);
      else if (!unzip.write(chunk)) await Promise.race([once(unzip, "drain"), done]);
    }
    if (unzip && error === undefined) {
      unzip.end();
      try {
        await done;
      } catch {
        if (error === undefined) fail("bad-gzip");
      }
    }
    if (error !== undefined) {
      unzip?.destroy();
      throw error;
    }
    if (gz === undefined) fail("empty");
    if (pendingLen > 0 || status === undefined || cur) fail("truncated");
  } catch (err) {
    endFile();
    close();
    throw err;
  } finally {
    src.destroy();
  }
  return {
    dir,
    root,
    recorded: {
      live: header.live === "1",
      meta: (guest) => meta.get(guest),
    },
    header,
    status: status as string,
    unread,
    refused,
    files,
    bytes: total,
    streamBytes: stream,
    close,
  };
}
