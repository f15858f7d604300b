import type { NotChecked } from "./diagnostics.ts";
import type { Finding, Severity } from "./finding.ts";

export const SCHEMA_VERSION = 1;

export interface HostInfo {
  hostname: string;
  os?: string;
  osId?: string;
  osVersion?: string;
  root: string;
  live: boolean;
}

export interface TimelineEntry {
  time: string;
  source: string;
  text: string;
  findingId?: string;
}

export interface Incident {
  id: string;
  severity: Severity;
  confidence: Finding["confidence"];
  title: string;
  summary: string;
  findingIds: string[];
  timeline: TimelineEntry[];
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
  /** Per-area extra sections (apache installations, log events, ...). */
  sections: Record<string, unknown>;
}
