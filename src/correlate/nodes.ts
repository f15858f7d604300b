import type { Finding, TimeSource } from "../core/finding.ts";

/** The kinds of event the correlator knows, from the check id prefix (README "Finding conventions"). */
export type NodeKind = "exposure" | "exploit" | "process" | "file" | "persistence" | "network";

/** Independent places evidence comes from: an incident needs two of them. */
export type EvidenceSource = "logs" | "processes" | "files" | "network";

export interface Indicators {
  urls: string[];
  ips: string[];
  files: string[];
}

/** One finding, with the facts the correlator joins on pulled out of `data` once. */
export interface Node {
  finding: Finding;
  kind: NodeKind;
  source?: EvidenceSource;
  /** Epoch milliseconds of the event, when the finding says when it happened. */
  time?: number;
  timeSource?: TimeSource;
  /** File status change time (epoch ms): `touch` can set mtime back, not ctime. */
  ctime?: number;
  user?: string;
  pid?: number;
  exe?: string;
  path?: string;
  line?: number;
  ip?: string;
  /** Remote endpoints "ip:port" this node talked to. */
  remotes: string[];
  /** Lower-cased text to search for indicators in: exe, argv, paths, cron lines, evidence values. */
  haystack: string;
  /** Successful exploit times (epoch ms), sorted. */
  successTimes: number[];
  outcome?: string;
  indicators: Indicators;
}

export function kindOf(check: string): NodeKind | undefined {
  if (check === "apache.cve" || check === "apache.exposure") return "exposure";
  // A guessed password is a way in too: what the login's holder planted afterwards belongs to it.
  if (check === "logs.exploit" || check === "logs.login") return "exploit";
  if (check.startsWith("process.")) return "process";
  if (check.startsWith("file.")) return "file";
  if (check.startsWith("persistence.")) return "persistence";
  if (check.startsWith("network.")) return "network";
  return undefined;
}

const SOURCE: Record<NodeKind, EvidenceSource | undefined> = {
  exposure: undefined,
  exploit: "logs",
  process: "processes",
  file: "files",
  persistence: "files",
  network: "network",
};

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

export function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string" && x !== "");
  const s = str(v);
  return s ? [s] : [];
}

export function parseTime(v: unknown): number | undefined {
  const s = str(v);
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

function indicatorsOf(v: unknown): Indicators {
  const o = v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  return { urls: strings(o.urls), ips: strings(o.ips), files: strings(o.files) };
}

/** Every string inside a value, for indicator search (bounded, so a huge finding cannot stall the join). */
function collectText(v: unknown, out: string[], depth = 0): void {
  if (out.length > 200 || depth > 4) return;
  if (typeof v === "string") out.push(v);
  else if (typeof v === "number") out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) collectText(x, out, depth + 1);
  else if (v && typeof v === "object") for (const x of Object.values(v)) collectText(x, out, depth + 1);
}

export function toNode(f: Finding): Node | undefined {
  const kind = kindOf(f.check);
  if (!kind) return undefined;
  const d = f.data ?? {};
  const ev = f.evidence[0];
  const text: string[] = [];
  if (kind !== "exploit") {
    collectText(d, text);
    for (const e of f.evidence) collectText([e.path, e.value, e.url, e.ip], text);
  }
  const successTimes = strings(d.successTimes)
    .map((s) => parseTime(s))
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  const remotes = strings(d.remotes);
  const remoteAddress = str(d.remoteAddress);
  const remotePort = num(d.remotePort);
  if (remoteAddress)
    remotes.push(remotePort !== undefined ? `${remoteAddress}:${remotePort}` : remoteAddress);
  return {
    finding: f,
    kind,
    source: SOURCE[kind],
    time: parseTime(f.time),
    timeSource: f.timeSource,
    ctime: kind === "file" || kind === "persistence" ? parseTime(d.ctime) : undefined,
    user: str(d.user) ?? ev?.user,
    pid: num(d.pid) ?? ev?.pid,
    exe: str(d.exe),
    path: str(d.path) ?? str(d.installation) ?? ev?.path,
    line: num(d.line) ?? ev?.line,
    ip: str(d.ip) ?? ev?.ip,
    remotes,
    haystack: text.join("\n").toLowerCase(),
    successTimes,
    outcome: str(d.outcome),
    indicators: indicatorsOf(d.indicators),
  };
}

/** An exploit that worked: the log check said so, or it recorded when it succeeded. */
export function succeeded(n: Node): boolean {
  return n.kind === "exploit" && (n.outcome === "succeeded" || n.successTimes.length > 0);
}
