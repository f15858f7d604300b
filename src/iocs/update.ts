import * as fs from "node:fs";
import * as path from "node:path";
import { cutFrom } from "../core/cut.ts";
import { VerifiedDir } from "../core/dirfd.ts";
import { msg } from "../core/message.ts";
import { openDataDir, RefusedDataError, readDataFile, refusalOf } from "../core/trusted-data.ts";
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
  // As `db update --from` reads its files: through the verified directory, no link followed anywhere; as
  // root the directory (and every parent) and the file must be root's alone. A list planted in /tmp, or a
  // link there to a root-only file, would otherwise be stored in the 0644 feed file for anyone to read.
  let dir: VerifiedDir | undefined;
  try {
    dir = openDataDir(path.dirname(file));
    return readDataFile(dir, path.basename(file), maxBytes).toString("utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTREG" || code === "ECHANGED")
      throw new Error("not a regular file (a device, FIFO or socket is not read)");
    if (code === "EFBIG") throw tooLarge(maxBytes);
    const refused = refusalOf(err, file, maxBytes);
    if (refused) throw new RefusedDataError(msg("hunt.iocs.fromRefused", { source: file, why: refused.why }));
    throw new Error(
      code === "ENOENT" ? "no such file" : (code ?? (err instanceof Error ? err.message : String(err))),
    );
  } finally {
    dir?.close();
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
  const file = path.join(opts.feedDir, `${name}.json`);
  const content = `${JSON.stringify({ lists: [list] }, null, 1)}\n`;
  if ((process.geteuid?.() ?? 0) !== 0) {
    fs.mkdirSync(opts.feedDir, { recursive: true });
    writeFileAtomic(file, content, { mode: 0o644 });
    return { name, source, file, entries, skipped };
  }
  // As root, into a directory root alone can change (hunting refuses to read any other): made 0755 when
  // missing, refused when another user could change it or anything above it.
  let dir: VerifiedDir;
  try {
    dir = VerifiedDir.open(path.resolve(opts.feedDir), {
      create: true,
      mode: 0o755,
      privateTo: 0,
      readableByOthers: true,
    });
  } catch (err) {
    const refused = refusalOf(err, opts.feedDir, MAX_FEED_BYTES);
    if (refused)
      throw new RefusedDataError(msg("hunt.iocs.refused", { path: opts.feedDir, why: refused.why }));
    throw err;
  }
  try {
    dir.writeFileDurable(`${name}.json`, content, 0o644);
  } finally {
    dir.close();
  }
  return { name, source, file, entries, skipped };
}
