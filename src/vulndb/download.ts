import { SourceError } from "./sources/common.ts";

export interface DownloadLimits {
  /** The whole download, headers to last byte. */
  timeoutMs: number;
  maxBytes: number;
}

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
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: "follow", headers: { accept: "application/json" } });
  } catch (err) {
    throw new SourceError(source, "vulndb.fail.fetch", { reason: describe(err, limits) });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new SourceError(source, "vulndb.fail.http", {
      status: `${res.status}${res.statusText ? ` ${res.statusText}` : ""}`,
    });
  }
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > limits.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new SourceError(source, "vulndb.fail.tooLarge", { limit: mib(limits.maxBytes) });
  }
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

export function parseJsonBody(source: string, body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new SourceError(source, "vulndb.fail.notJson", {
      reason: err instanceof Error ? err.message : String(err),
    });
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
