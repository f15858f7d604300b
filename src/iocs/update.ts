import * as fs from "node:fs";
import * as path from "node:path";
import { cutFrom } from "../core/cut.ts";
import { readFdLimited } from "../core/read-limited.ts";
import { writeFileAtomic } from "../core/write-file.ts";
import { emptyList, type IocList, parseIocText } from "./list.ts";

/** The official sources `mamori iocs update` refreshes when no --from is given (maltrail, MIT). */
export const DEFAULT_FEEDS = [
  "https://raw.githubusercontent.com/stamparm/maltrail/master/trails/static/suspicious/crypto_mining.txt",
  "https://raw.githubusercontent.com/stamparm/maltrail/master/trails/static/malware/elf_h2miner.txt",
  "https://raw.githubusercontent.com/stamparm/maltrail/master/trails/static/malware/elf_perfctl.txt",
  "https://raw.githubusercontent.com/stamparm/maltrail/master/trails/static/malware/elf_teamtnt.txt",
  "https://raw.githubusercontent.com/stamparm/maltrail/master/trails/static/malware/m8220_miner.txt",
];

const MAX_FEED_BYTES = 32 * 1024 * 1024;

export interface UpdateResult {
  name: string;
  source: string;
  file: string;
  entries: number;
  skipped: number;
}

export function feedName(source: string): string {
  const base = cutFrom(source, "?#").split("/").filter(Boolean).pop() ?? "feed";
  return (
    base
      .replace(/\.(txt|csv|list)$/i, "")
      .replace(/[^\w.-]+/g, "_")
      .slice(0, 80) || "feed"
  );
}

/**
 * The list's text, never more than `maxBytes` held: an HTTP body is counted chunk by chunk as it
 * arrives and the download is cancelled at the limit (a hostile or broken server cannot make mamori
 * buffer an endless answer); a file is opened without blocking (a FIFO would wait for a writer
 * forever) and must be a regular file, read up to the limit.
 */
export async function fetchText(
  source: string,
  cwd: string,
  timeoutMs: number,
  maxBytes = MAX_FEED_BYTES,
): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get("content-length") ?? Number.NaN);
    if (declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    return Buffer.concat(chunks).toString("utf8");
  }
  const file = path.resolve(cwd, source.replace(/^file:\/\//, ""));
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error("not a regular file (a device, FIFO or socket is not read)");
    const buf = readFdLimited(fd, st.size, maxBytes);
    if (buf === undefined) throw tooLarge(maxBytes);
    return buf.toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

function tooLarge(maxBytes: number): Error {
  return new Error(`larger than ${Math.round(maxBytes / 1024 / 1024)} MiB: stopped reading, nothing stored`);
}

/** Downloads (or reads) one list and stores it as an IOC list file in feedDir. */
export async function updateFeed(
  source: string,
  opts: { feedDir: string; cwd: string; now: Date; kind?: IocList["kind"]; timeoutMs?: number },
): Promise<UpdateResult> {
  const text = await fetchText(source, opts.cwd, opts.timeoutMs ?? 30_000);
  const name = feedName(source);
  const list = emptyList(name, source, opts.now.toISOString());
  list.kind =
    opts.kind ??
    (/crypto_mining|pool/i.test(source)
      ? "pool"
      : /malware|miner|elf_/i.test(source)
        ? "malware"
        : "generic");
  const { skipped } = parseIocText(text, list);
  const entries =
    list.domains.length + list.ips.length + list.ipPorts.length + list.sha256.length + list.sshKeys.length;
  if (entries === 0) throw new Error("no indicator found (not a list of domains, IPs or hashes?)");
  fs.mkdirSync(opts.feedDir, { recursive: true });
  const file = path.join(opts.feedDir, `${name}.json`);
  writeFileAtomic(file, `${JSON.stringify({ lists: [list] }, null, 1)}\n`, { mode: 0o644 });
  return { name, source, file, entries, skipped };
}
