import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { DirFdError, VerifiedDir } from "../core/dirfd.ts";
import { SourceError } from "./sources/common.ts";
import type { RandomAccess } from "./zip.ts";

export interface DownloadLimits {
  /** The whole download, headers to last byte. */
  timeoutMs: number;
  maxBytes: number;
  /** Content types the body may be labelled with (none given: any); an HTML error page is never data. */
  types?: readonly string[];
}

/** Redirects followed, each only within the same origin: a feed moved elsewhere is configured, not followed. */
const MAX_REDIRECTS = 5;

/**
 * Downloads one feed into memory. Anything short of a complete 2xx body within the limits is a
 * SourceError naming the source: a slow, oversized, truncated or failed download must never reach the parser.
 */
export async function download(
  source: string,
  url: string,
  limits: DownloadLimits,
  cancel?: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // A view, not a copy: each chunk fetch hands over is its own, so holding it costs nothing more.
  const keep = (chunk: Uint8Array) =>
    void chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  await downloadTo(source, url, limits, keep, cancel);
  return Buffer.concat(chunks);
}

/**
 * Downloads one feed, handing each chunk to `sink` as it arrives: the limit is checked before a chunk
 * is passed on, so memory is whatever the sink keeps (a hostile server's endless body is cut at
 * `maxBytes` and never held). A sink that returns false has seen enough (a broken document): the
 * download stops there without an error of its own, and the caller asks the sink why.
 */
export async function downloadTo(
  source: string,
  url: string,
  limits: DownloadLimits,
  sink: (chunk: Uint8Array) => boolean | undefined,
  cancel?: AbortSignal,
): Promise<number> {
  if (url.startsWith("file:")) return readLocalTo(source, url, limits, sink);
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  const res = await fetchSameOrigin(source, url, limits, signal);
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new SourceError(source, "vulndb.fail.http", {
      status: `${res.status}${res.statusText ? ` ${printable(res.statusText)}` : ""}`,
    });
  }
  const type = (res.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (limits.types && type && !limits.types.includes(type) && !type.endsWith("+json")) {
    await res.body?.cancel().catch(() => undefined);
    throw new SourceError(source, "vulndb.fail.contentType", { type: printable(type).slice(0, 60) });
  }
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > limits.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new SourceError(source, "vulndb.fail.tooLarge", { limit: mib(limits.maxBytes) });
  }
  // fetch decodes gzip: `size` counts decoded bytes, so a small compressed bomb is cut at maxBytes too.
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > limits.maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw new SourceError(source, "vulndb.fail.tooLarge", { limit: mib(limits.maxBytes) });
      }
      if (sink(chunk) === false) {
        await res.body?.cancel().catch(() => undefined);
        return size;
      }
    }
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(source, "vulndb.fail.interrupted", { bytes: size, reason: describe(err, limits) });
  }
  // fetch decodes gzip, so the declared length is only comparable for an uncompressed body.
  const encoded = (res.headers.get("content-encoding") ?? "identity") !== "identity";
  if (!encoded && Number.isFinite(declared) && size < declared)
    throw new SourceError(source, "vulndb.fail.truncated", { size, declared });
  return size;
}

async function fetchSameOrigin(
  source: string,
  url: string,
  limits: DownloadLimits,
  signal: AbortSignal,
): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(current, {
        signal,
        redirect: "manual",
        headers: { accept: "application/json, */*" },
      });
    } catch (err) {
      throw new SourceError(source, "vulndb.fail.fetch", { reason: describe(err, limits) });
    }
    if (res.status < 300 || res.status > 399 || !res.headers.has("location")) return res;
    await res.body?.cancel().catch(() => undefined);
    let next: URL | undefined;
    try {
      next = new URL(res.headers.get("location") ?? "", current);
    } catch {
      next = undefined;
    }
    // Another host (or a downgrade to plain http) could be anyone's data: the URL to use is configured.
    if (!next || next.origin !== current.origin)
      throw new SourceError(source, "vulndb.fail.redirect", {
        to: next ? printable(next.origin).slice(0, 100) : "?",
      });
    if (hop >= MAX_REDIRECTS)
      throw new SourceError(source, "vulndb.fail.redirectLoop", { max: MAX_REDIRECTS });
    current = next;
  }
}

const CHUNK = 1024 * 1024;

/**
 * A file:// URL (or a --from directory): the same limits as a download. As root, a file another user
 * could have written (or a directory on its path they could change) is refused: it would decide what
 * mamori calls fixed. No link is followed at the last component, a FIFO or device is never opened for a read.
 */
function readLocalTo(
  source: string,
  url: string,
  limits: DownloadLimits,
  sink: (chunk: Uint8Array) => boolean | undefined,
): number {
  const { fd, size: total } = openLocal(source, url, limits);
  try {
    const buf = Buffer.alloc(Math.min(CHUNK, Math.max(1, total)));
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      size += n;
      if (size > limits.maxBytes)
        throw new SourceError(source, "vulndb.fail.tooLarge", { limit: mib(limits.maxBytes) });
      // The sink may keep the chunk: hand it a copy, the buffer is reused.
      if (sink(Buffer.from(buf.subarray(0, n))) === false) break;
    }
    return size;
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens a file:// URL with the checks of readLocalTo; the caller closes the descriptor. */
function openLocal(source: string, url: string, limits: DownloadLimits): { fd: number; size: number } {
  let file: string;
  try {
    file = fileURLToPath(url);
  } catch (err) {
    throw new SourceError(source, "vulndb.fail.local", { path: url, reason: describe(err, limits) });
  }
  const euid = process.geteuid?.() ?? 0;
  let fd: number;
  let dir: VerifiedDir | undefined;
  try {
    dir = VerifiedDir.open(path.dirname(file), euid === 0 ? { privateTo: 0, readableByOthers: true } : {});
    fd = dir.openRead(path.basename(file));
  } catch (err) {
    throw new SourceError(source, "vulndb.fail.local", { path: file, reason: localReason(err) });
  } finally {
    dir?.close();
  }
  try {
    const st = fs.fstatSync(fd);
    if (euid === 0 && st.uid !== 0)
      throw new SourceError(source, "vulndb.fail.local", { path: file, reason: `owned by uid ${st.uid}` });
    if (euid === 0 && (st.mode & 0o022) !== 0)
      throw new SourceError(source, "vulndb.fail.local", { path: file, reason: "writable by others" });
    if (!st.isFile())
      throw new SourceError(source, "vulndb.fail.local", { path: file, reason: "not a file" });
    if (st.size > limits.maxBytes)
      throw new SourceError(source, "vulndb.fail.tooLarge", { limit: mib(limits.maxBytes) });
    return { fd, size: st.size };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Positional reads on a descriptor, always the whole length asked for (a file that shrank is an error). */
function fdAccess(source: string, fd: number, size: number): RandomAccess {
  return {
    size,
    read(position, length) {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = fs.readSync(fd, buf, got, length - got, position + got);
        if (n === 0)
          throw new SourceError(source, "vulndb.fail.truncated", { size: position + got, declared: size });
        got += n;
      }
      return buf;
    },
  };
}

/**
 * An archive read by position (a zip's directory is at its end): a file:// URL is read in place, a
 * download is spooled to a file only this process can reach (unlinked as soon as it is opened), so
 * memory holds what `use` keeps, never the archive. Same limits as any download.
 */
export async function withArchive<T>(
  source: string,
  url: string,
  limits: DownloadLimits,
  use: (archive: RandomAccess) => T,
  cancel?: AbortSignal,
): Promise<T> {
  if (url.startsWith("file:")) {
    const { fd, size } = openLocal(source, url, limits);
    try {
      return use(fdAccess(source, fd, size));
    } finally {
      fs.closeSync(fd);
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-feed-"));
  let fd: number;
  try {
    const file = path.join(dir, "archive");
    const c = fs.constants;
    fd = fs.openSync(file, c.O_RDWR | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o600);
    fs.unlinkSync(file);
  } finally {
    // Empty by now (the file is unlinked, or was never made): rmdir removes nothing else.
    fs.rmdirSync(dir);
  }
  try {
    let size = 0;
    await downloadTo(
      source,
      url,
      limits,
      (chunk) => {
        fs.writeSync(fd, chunk, 0, chunk.byteLength, size);
        size += chunk.byteLength;
        return undefined;
      },
      cancel,
    );
    return use(fdAccess(source, fd, size));
  } finally {
    fs.closeSync(fd);
  }
}

function localReason(err: unknown): string {
  if (err instanceof DirFdError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "ELOOP") return "a symbolic link (not followed)";
  return code ?? (err instanceof Error ? err.message : String(err));
}

/** Server-chosen text (status text, a Location) shown in a message: printable and short. */
function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?");
}

export function parseJsonBody(source: string, body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    // V8 quotes the text around the error: from a local file (read as root) or a hostile server that
    // is nothing to echo. The position is enough.
    let reason = (err instanceof Error ? err.message : String(err)).split('"')[0]?.trimEnd() ?? "";
    if (reason.endsWith(",")) reason = reason.slice(0, -1);
    throw new SourceError(source, "vulndb.fail.notJson", { reason: printable(reason).slice(0, 120) });
  }
}

function describe(err: unknown, limits: DownloadLimits): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError" || err.name === "AbortError")
      return `no answer within ${limits.timeoutMs / 1000} s`;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error)
      return `${err.message}: ${(cause as NodeJS.ErrnoException).code ?? cause.message}`;
    return err.message;
  }
  return String(err);
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}
