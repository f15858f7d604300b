/**
 * The logs area as it is saved in a FactsBundle: the engine's facts with every time an ISO string, so
 * what `collect` writes is what `check` reads back and what `audit` judges (all three go through
 * `decodeLogFacts`). Free of zod: the audit uses this on every run, the schema (logs.ts) only for files.
 */
import {
  type FileSummary,
  HourCounts,
  type LaterRequest,
  type LogEntry,
  type LogFileState,
  type MatchTally,
  type ProbingFact,
} from "./log-lines.ts";

/** Version of the logs area document inside a bundle; a new shape is a new number. */
export const LOG_FACTS_VERSION = 1;

/** A parsed line as JSON: its time an ISO string (absent when the line had none or an impossible one). */
export type SavedLogEntry = Omit<LogEntry, "time"> & { time?: string };

/** Its hours as JSON has them ({"2026-11-20T03": n}; HourCounts writes itself so). */
export type SavedTally = Omit<MatchTally, "entry" | "hours"> & {
  entry: SavedLogEntry;
  hours: Record<string, number> | HourCounts;
};

export interface SavedLogFile {
  path: string;
  matches: Array<{ entry: SavedLogEntry; ruleId: string }>;
  samples: SavedLogEntry[];
  cgiErrors: SavedLogEntry[];
  /** Matched lines counted, not kept (absent in bundles written before they existed). */
  tallies?: SavedTally[];
  /** Behaviour scenarios set off (absent in bundles written before they existed). */
  probing?: ProbingFact[];
}

/** `bundle.areas.logs`. */
export interface LogFacts {
  version: typeof LOG_FACTS_VERSION;
  files: FileSummary[];
  /** Each file's matched lines, baseline samples and CGI error lines: judged at check time, not here. */
  scans: SavedLogFile[];
  /** For each attacker who succeeded (judged while collecting, to know whose requests to follow). */
  next: Record<string, LaterRequest[]>;
  maxEvents: number;
  tailBytes?: number;
  unreadable: Array<{ path: string; reason: string }>;
}

/** What the engine returns, reduced to what judging needs. */
export interface EngineLogFacts {
  files: FileSummary[];
  scans: LogFileState[];
  next: Record<string, LaterRequest[]>;
  maxEvents: number;
  tailBytes?: number;
  unreadable: Array<{ path: string; reason: string }>;
}

/** The in-memory form the log checks read: times as Dates again. */
export interface DecodedLogFacts extends Omit<LogFacts, "scans" | "version"> {
  scans: LogFileState[];
}

/**
 * A line as saved. Kept as it is when its time is valid (a Date is written as its ISO string), so that
 * facts collected and judged in one run are not copied twice; a line with an impossible time loses it.
 */
function encodeEntry(e: LogEntry): SavedLogEntry {
  const ms = e.time?.getTime();
  if (ms === undefined || !Number.isNaN(ms)) return e as unknown as SavedLogEntry;
  const { time: _t, ...rest } = e;
  return rest;
}

/** A saved line with its time a Date again (one judged in the run that collected it is used as it is). */
function decodeEntry(e: SavedLogEntry): LogEntry {
  const time: unknown = e.time;
  if (time === undefined || time instanceof Date) return e as unknown as LogEntry;
  const { time: _t, ...rest } = e;
  const d = new Date(time as string);
  return Number.isNaN(d.getTime()) ? rest : { ...rest, time: d };
}

/** `x` itself when its entry is unchanged, else a copy with the new entry. */
function sameEntry<T extends { entry: unknown }, R>(x: T, entry: unknown): R {
  return ((x.entry as unknown) === entry ? x : { ...x, entry }) as unknown as R;
}

export function encodeLogFacts(f: EngineLogFacts): LogFacts {
  return {
    version: LOG_FACTS_VERSION,
    files: f.files,
    scans: f.scans.map((s) => ({
      path: s.path,
      matches: s.matches.map((m) =>
        sameEntry<typeof m, SavedLogFile["matches"][number]>(m, encodeEntry(m.entry)),
      ),
      samples: s.samples.map(encodeEntry),
      cgiErrors: s.cgiErrors.map(encodeEntry),
      tallies: (s.tallies ?? []).map((t) => sameEntry<typeof t, SavedTally>(t, encodeEntry(t.entry))),
      ...(s.probing ? { probing: s.probing } : {}),
    })),
    next: f.next,
    maxEvents: f.maxEvents,
    ...(f.tailBytes === undefined ? {} : { tailBytes: f.tailBytes }),
    unreadable: f.unreadable,
  };
}

export function decodeLogFacts(f: LogFacts): DecodedLogFacts {
  const { version: _v, ...rest } = f;
  return {
    ...rest,
    scans: f.scans.map((s) => ({
      path: s.path,
      matches: s.matches.map((m) =>
        sameEntry<typeof m, LogFileState["matches"][number]>(m, decodeEntry(m.entry)),
      ),
      samples: s.samples.map(decodeEntry),
      cgiErrors: s.cgiErrors.map(decodeEntry),
      tallies: (s.tallies ?? []).map((t) =>
        t.hours instanceof HourCounts
          ? sameEntry<typeof t, MatchTally>(t, decodeEntry(t.entry))
          : { ...t, entry: decodeEntry(t.entry), hours: HourCounts.fromRecord(t.hours) },
      ),
      ...(s.probing ? { probing: s.probing } : {}),
    })),
  };
}
