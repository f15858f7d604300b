import type { NotChecked } from "./diagnostics.ts";
import type { Finding, Severity, TimeSource } from "./finding.ts";
import type { IgnoredFinding } from "./ignore.ts";
import type { Text } from "./message.ts";
import type { ReportSections } from "./sections/index.ts";

export const SCHEMA_VERSION = 1;

export interface HostInfo {
  /**
   * Stable id of the host (32 hex: a hash of its machine-id, or an id mamori generated and kept), the key of
   * its history. Absent in reports written before it existed and for roots without one.
   */
  id?: string;
  hostname: string;
  os?: string;
  osId?: string;
  osVersion?: string;
  root: string;
  live: boolean;
}

export interface TimelineEntry {
  time: string;
  /** Where the time came from, in words a reader knows ("access_log:18842", "/proc start time", "mtime"). */
  source: Text;
  text: Text;
  findingId?: string;
  /** Machine form of `source` (log, proc, mtime, ctime, scan). */
  timeSource?: TimeSource;
  /** What happened at this time: exploit, process, file, persistence, network. */
  kind?: string;
}

/** Why two findings were joined, so a reader can judge the link. */
export interface IncidentLink {
  from: string;
  to: string;
  /** indicator, pid, path, time-window, user */
  reasons: string[];
  strength: "strong" | "medium" | "weak";
}

export interface Incident {
  /** Stable across scans while the first event of the incident stays the same. */
  id: string;
  severity: Severity;
  confidence: Finding["confidence"];
  title: Text;
  summary: Text;
  findingIds: string[];
  timeline: TimelineEntry[];
  /** Attacker addresses from the exploit requests, when the logs show them; the one who got in first. */
  attackers?: string[];
  /**
   * Each attacker's part: planted (ran commands that left what was found), ran (commands), exploited
   * (another working exploit), read (files only: cannot run or write anything), tried (no success).
   */
  attackerRoles?: Array<{ ip: string; role: "planted" | "ran" | "exploited" | "read" | "tried" }>;
  /** The vulnerable installation the attacker came through. */
  entryPoint?: { installation?: string; version?: string; cves: string[]; findingId?: string };
  /** Time of the first event and its source. */
  startedAt?: string;
  /** Independent sources that agree (logs, processes, files, network). */
  sources?: string[];
  links?: IncidentLink[];
  /** Links left out of `links` when an incident has more than the correlator lists (a hostile report). */
  linksOmitted?: number;
}

/** The machine-readable report (the JSON contract in DESIGN.md, schemaVersion 1). */
export interface ReportDocument {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: "mamori"; version: string };
  command: string;
  host: HostInfo;
  scannedAt: string;
  lang: string;
  findings: Finding[];
  incidents: Incident[];
  notChecked: NotChecked[];
  warnings: NotChecked[];
  /** Findings the ignore file accepted (each with its entry's reason and expiry); absent when none. */
  ignored?: IgnoredFinding[];
  /** Per-area data (apache installations, log events, ...), each as its schema in core/sections says. */
  sections: ReportSections;
}
