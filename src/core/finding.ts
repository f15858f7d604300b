import { createHash } from "node:crypto";
import type { Text } from "./message.ts";
import { byCodeUnit } from "./order.ts";

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ["confirmed", "likely", "possible"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Where a time came from, so a timeline can say how it knows. */
export const TIME_SOURCES = ["log", "proc", "mtime", "ctime", "package", "scan"] as const;
export type TimeSource = (typeof TIME_SOURCES)[number];

/**
 * One piece of evidence. `path`/`line`/`pid`/`value` are the contract in DESIGN.md;
 * the other keys are optional detail that reports and the correlator use.
 */
export interface Evidence {
  path?: string;
  line?: number;
  pid?: number;
  /** Mostly literal data (a request, a command line); keyed when mamori says it ("no directive"). */
  value?: Text;
  package?: string;
  version?: string;
  url?: string;
  ip?: string;
  user?: string;
  time?: string;
  timeSource?: TimeSource;
  /** What the value is, shown before it (keyed: translated when rendered). */
  label?: Text;
}

export interface Finding {
  id: string;
  check: string;
  severity: Severity;
  confidence: Confidence;
  /** Keyed text (see message.ts): rendered in the reader's language, compared by key. */
  title: Text;
  detail: Text;
  cves: string[];
  evidence: Evidence[];
  remediation: Text;
  /** Exact commands for the next step, in the order to run them. */
  commands?: Text[];
  references?: string[];
  /** When the thing this finding describes happened (exploit time, process start, file write). */
  time?: string;
  timeSource?: TimeSource;
  /** Structured, check-specific facts (for correlation and machine readers). */
  data?: Record<string, unknown>;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** A stable id: the same check on the same thing gives the same id across scans (history diffs rely on it). */
export function findingId(check: string, ...key: Array<string | number | undefined>): string {
  const h = createHash("sha256");
  h.update(check);
  for (const k of key) h.update(`\0${k ?? ""}`);
  return `${check}:${h.digest("hex").slice(0, 16)}`;
}

/**
 * Within one severity, what happened (an exploit, a running miner) and whether the hole is open
 * come before the list of CVEs that merely apply: the reader acts on the first lines.
 */
const CHECK_ORDER = [
  "logs.exploit",
  "logs.login",
  "process.",
  "network.",
  "apache.exposure",
  "persistence.",
  "file.",
  "hunt.",
];

function checkOrder(check: string): number {
  const i = CHECK_ORDER.findIndex(
    (prefix) => check === prefix || (prefix.endsWith(".") && check.startsWith(prefix)),
  );
  return i < 0 ? CHECK_ORDER.length : i;
}

export function sortFindings(findings: Finding[]): Finding[] {
  const conf = (c: Confidence) => CONFIDENCES.indexOf(c);
  // Of one severity, what worked comes before what was tried: a break-in is the first thing to read
  // and act on, before a shell whose command failed (sure, but not yet a success).
  const worked = (f: Finding) => (f.data?.outcome === "succeeded" ? 0 : 1);
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      worked(a) - worked(b) ||
      conf(a.confidence) - conf(b.confidence) ||
      checkOrder(a.check) - checkOrder(b.check) ||
      byCodeUnit(a.check, b.check) ||
      byCodeUnit(a.id, b.id),
  );
}
