import type { Confidence } from "../core/finding.ts";

export type ProbeVerdict = "vulnerable" | "not-vulnerable" | "inconclusive";

/** One request the probe sent and what came back; `path` is exactly the bytes sent on the request line. */
export interface ProbeEvidence {
  method: string;
  path: string;
  status?: number;
  bytes: number;
  /** Human note, in the report language; may quote server-controlled text (renderers escape it). */
  note?: string;
}

export interface ProbeCheck {
  id: string;
  cves: string[];
  verdict: ProbeVerdict;
  confidence: Confidence;
  /** One-line summary, in the report language. */
  summary?: string;
  evidence: ProbeEvidence[];
}

export interface ProbeTarget {
  url: string;
  /** Where the probe ended up after redirects it was allowed to follow. */
  finalUrl?: string;
  checks: ProbeCheck[];
  error?: string;
}

/** `mamori probe --format json`: its own contract, schemaVersion 1. */
export interface ProbeDocument {
  schemaVersion: 1;
  tool: { name: "mamori"; version: string };
  command: "probe";
  probedAt: string;
  lang: string;
  targets: ProbeTarget[];
}

export interface ProbeOptions {
  /** Extra Alias/ScriptAlias prefixes to send traversal requests through ("/static/"). */
  paths: string[];
  timeoutMs: number;
  maxBytes: number;
  /** Requests per second per host. */
  rate: number;
  concurrency: number;
  maxRedirects: number;
  crossHostRedirects: boolean;
  insecure: boolean;
  /** Read a harmless file through a traversal that looks vulnerable, to confirm it. */
  confirmRead: boolean;
  /** The file to read with confirmRead (default /usr/share/common-licenses/Apache-2.0). */
  readFile?: string;
  /** Traversal depth: `../` segments, enough to reach / from a deep install prefix. */
  depth: number;
}

export const DEFAULT_READ_FILE = "/usr/share/common-licenses/Apache-2.0";
