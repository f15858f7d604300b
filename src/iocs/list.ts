import * as path from "node:path";
import { cutFrom } from "../core/cut.ts";
import type { VerifiedDir } from "../core/dirfd.ts";
import { msg, type Text } from "../core/message.ts";
import { openDataDir, readDataFile, refusalOf } from "../core/trusted-data.ts";

/** One IOC list as mamori stores it (data/iocs/*.json and feeds written by `mamori iocs update`). Facts only. */
export interface IocList {
  name: string;
  /** Where it came from: a URL, a file, or the upstream repository and path. */
  source: string;
  licence?: string;
  /** "pool" lists name mining pools; "malware" lists name a family's servers and files. */
  kind: "pool" | "malware" | "generic";
  family?: string;
  updated: string;
  domains: string[];
  ips: string[];
  /** "ip:port" pairs (pools are often listed with their stratum port). */
  ipPorts: string[];
  sha256: string[];
  /** OpenSSH key fingerprints ("SHA256:..."). */
  sshKeys: string[];
  ports: number[];
}

export interface IocFile {
  lists: IocList[];
}

export interface IocHit {
  list: string;
  kind: IocList["kind"];
  family?: string;
}

/** All loaded lists as lookup tables; a value names the list(s) it came from. */
export interface IocSet {
  domains: Map<string, IocHit>;
  ips: Map<string, IocHit>;
  ipPorts: Map<string, IocHit>;
  sha256: Map<string, IocHit>;
  sshKeys: Map<string, IocHit>;
  minerPorts: Set<number>;
  lists: Array<{ name: string; source: string; updated: string; entries: number; file: string }>;
}

/** Ports that carry ordinary traffic too: never evidence on their own even if a pool list names them. */
export const AMBIGUOUS_PORTS = new Set([22, 25, 53, 80, 443, 8000, 8001, 8008, 8080, 8443, 8888]);

const DOMAIN = /^(?=.{4,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const SHA256 = /^[a-f0-9]{64}$/;
const SSH_FP = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const VT_HASH = /virustotal\.com\/gui\/file\/([a-fA-F0-9]{64})/g;

export function emptyList(name: string, source: string, updated: string): IocList {
  return {
    name,
    source,
    kind: "generic",
    updated,
    domains: [],
    ips: [],
    ipPorts: [],
    sha256: [],
    sshKeys: [],
    ports: [],
  };
}

/**
 * Parses maltrail trail files and plain lists: one domain, IP, IP:port, URL, SHA-256 or SSH key
 * fingerprint per line; `#` starts a comment (maltrail's VirusTotal references give sample hashes).
 * Anything else is skipped and counted.
 */
export function parseIocText(text: string, list: IocList): { skipped: number } {
  let skipped = 0;
  const add = (arr: string[], v: string) => {
    if (!arr.includes(v)) arr.push(v);
  };
  for (const raw of text.split(/\r?\n/)) {
    for (const m of raw.matchAll(VT_HASH)) add(list.sha256, (m[1] as string).toLowerCase());
    const line =
      cutFrom(raw, "#")
        .trim()
        .split(/[\s,;]+/)[0] ?? "";
    if (!line) continue;
    if (SSH_FP.test(line)) {
      add(list.sshKeys, line);
      continue;
    }
    const lower = line.toLowerCase();
    if (SHA256.test(lower)) {
      add(list.sha256, lower);
      continue;
    }
    let host = lower.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
    host = cutFrom(host, "/?").replace(/^[^@]*@/, "");
    const m = /^(.+?)(?::(\d{1,5}))?$/.exec(host);
    const name = m?.[1] ?? "";
    const port = m?.[2];
    if (IPV4.test(name)) {
      add(list.ips, name);
      if (port) add(list.ipPorts, `${name}:${port}`);
    } else if (DOMAIN.test(name)) add(list.domains, name);
    else skipped++;
  }
  return { skipped };
}

export function emptySet(): IocSet {
  return {
    domains: new Map(),
    ips: new Map(),
    ipPorts: new Map(),
    sha256: new Map(),
    sshKeys: new Map(),
    minerPorts: new Set(),
    lists: [],
  };
}

export function addList(set: IocSet, l: IocList, file: string): void {
  const hit: IocHit = { list: l.name, kind: l.kind, family: l.family };
  const put = (m: Map<string, IocHit>, k: string) => {
    // A pool or malware list is more specific than a generic one: keep the more specific hit.
    const prev = m.get(k);
    if (!prev || prev.kind === "generic") m.set(k, hit);
  };
  for (const d of l.domains) put(set.domains, d.toLowerCase());
  for (const i of l.ips) put(set.ips, i);
  for (const i of l.ipPorts) put(set.ipPorts, i);
  for (const h of l.sha256) put(set.sha256, h.toLowerCase());
  for (const k of l.sshKeys) put(set.sshKeys, k);
  for (const p of l.ports) if (!AMBIGUOUS_PORTS.has(p)) set.minerPorts.add(p);
  set.lists.push({
    name: l.name,
    source: l.source,
    updated: l.updated,
    entries:
      l.domains.length +
      l.ips.length +
      l.ipPorts.length +
      l.sha256.length +
      l.sshKeys.length +
      l.ports.length,
    file,
  });
}

/** Larger IOC files are refused, not parsed (the shipped ones are about 100 KB). */
export const MAX_IOC_FILE = 64 * 1024 * 1024;

/** An IOC file or directory that was not read: why, as a reason code and a sentence (text or a message). */
export interface IocProblem {
  path: string;
  /** "parse" for a file that is not an IOC list; a Refusal's reason when refused; else an errno code. */
  reason: string;
  detail: Text;
}

/**
 * Reads every *.json IOC file in the given directories; unreadable ones are returned as problems. Each
 * directory is opened without following links and each file read through it (openDataDir, readDataFile):
 * as root, a directory or file another user could change is refused with which one and why, and the
 * other lists are still read. A directory that does not exist is no problem (the feed directory is made
 * by the first `iocs update`).
 */
export function loadIocDirs(dirs: string[]): { set: IocSet; problems: IocProblem[] } {
  const set = emptySet();
  const problems: IocProblem[] = [];
  const refused = (p: string, err: unknown): boolean => {
    const r = refusalOf(err, p, MAX_IOC_FILE);
    if (r)
      problems.push({ path: p, reason: r.reason, detail: msg("hunt.iocs.refused", { path: p, why: r.why }) });
    return r !== undefined;
  };
  for (const dir of dirs) {
    let d: VerifiedDir;
    try {
      d = openDataDir(dir);
    } catch (err) {
      refused(dir, err);
      continue;
    }
    try {
      const names = d
        .readdir()
        .filter((n) => n.endsWith(".json"))
        .sort();
      for (const n of names) {
        const file = path.join(dir, n);
        try {
          const doc = JSON.parse(readDataFile(d, n, MAX_IOC_FILE).toString("utf8")) as IocFile;
          for (const l of doc.lists ?? []) addList(set, l, file);
        } catch (err) {
          if (refused(file, err)) continue;
          const reason = err instanceof Error ? err.message : String(err);
          problems.push({
            path: file,
            reason: (err as NodeJS.ErrnoException).code ?? "parse",
            detail: reason,
          });
        }
      }
    } finally {
      d.close();
    }
  }
  return { set, problems };
}

/** The IOC hit for a host name or one of its parent domains (pool.example.com matches example.com). */
export function domainHit(set: IocSet, host: string): { domain: string; hit: IocHit } | undefined {
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  for (let i = 0; i <= labels.length - 2; i++) {
    const d = labels.slice(i).join(".");
    const hit = set.domains.get(d);
    if (hit) return { domain: d, hit };
  }
  return undefined;
}

export function iocDirs(dataDir: string, feedDir: string): string[] {
  return [path.join(dataDir, "iocs"), feedDir];
}

export function defaultFeedDir(dataDir: string, env: NodeJS.ProcessEnv): string {
  return env.MAMORI_IOC_DIR ?? path.join(dataDir, "iocs", "feeds");
}
