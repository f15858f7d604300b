/**
 * What the log engine (src/collect/logs/engine) hands to the log checks (src/checks/logs): the lines it
 * matched, before any judgement, and the per-file state outcomes need. Types, and the one name for many clients counted together.
 */
/** One parsed log line, access or error, with every field an attacker controls. */
export interface LogEntry {
  kind: "access" | "error";
  /** 1-based line number in the uncompressed file. */
  line: number;
  time?: Date;
  ip?: string;
  /** The proxy that forwarded the request, when the client came from X-Forwarded-For. */
  proxy?: string;
  method?: string;
  /** Request target as sent (path and query), after undoing the logger's escaping. */
  uri?: string;
  protocol?: string;
  status?: number;
  size?: number;
  referer?: string;
  userAgent?: string;
  vhost?: string;
  /** Other logged request headers (X-Forwarded-For, Cookie...). */
  headers?: Record<string, string>;
  /** Error log: module, level, AH code and message. */
  module?: string;
  level?: string;
  code?: string;
  message?: string;
  /** The raw line (as decoded from the file, UTF-8 with replacement). */
  raw: string;
  /** The request the server received (request line, or the error message), logger escapes undone. */
  request: string;
  /** The request exactly as logged (with the logger's \xHH escapes): what reports quote. */
  logged?: string;
}

/**
 * The client of a tally that counts the lines of many clients (those first seen once the engine's
 * bound on clients kept apart was reached): not an address, and no host name can be spelled so.
 */
export const OTHER_CLIENTS = "(others)";

/** A line a rule matched: an event before judgement (its outcome is decided in checks/logs). */
export interface MatchedEntry {
  entry: LogEntry;
  /** The rule's id: facts name rules, the checks look them up in the rules they judge with. */
  ruleId: string;
}

/**
 * One file's facts for judging its events: what matched, a sample of its ordinary traffic (the
 * site's baseline; one sampling rule for every reader, see engine/sampling.ts), and the error-log lines
 * about CGI execution.
 */
export interface LogFileState {
  /** As given (argument or guest path). */
  path: string;
  matches: MatchedEntry[];
  /** Parsed sample lines for the site baseline (status, size and path of ordinary traffic only). */
  samples: LogEntry[];
  /** Error-log lines about CGI execution (AH01215, AH01241, End of script output), for outcomes. */
  cgiErrors: LogEntry[];
  /**
   * Matched lines not kept in `matches` (memory stays bounded whatever the log): each tally stands for
   * lines that repeat its first line's rule, client, method, path, status and size, so they share its
   * outcome. Absent in facts saved before tallies existed.
   */
  tallies?: MatchTally[];
  /**
   * Behaviour scenarios (issue 15) clients set off in this file, found while reading by a bounded
   * tracker that saw every access line parsed, the 4xx lines no rule names among them. Absent in facts
   * saved before it existed (the checks then track the matched lines only).
   */
  probing?: ProbingFact[];
}

/** A scenario one client set off in one file: counts from the window's start on and a few lines. */
export interface ProbingFact {
  ip: string;
  scenario: string;
  /** The window's first counted line, and the last counted line (ISO). */
  firstSeen?: string;
  lastSeen?: string;
  /** Counted lines and distinct paths from the window's start on (distinct stops counting at 1000). */
  lines: number;
  distinct: number;
  /** Counted lines no rule matched (unremarkable alone). */
  quiet: number;
  /** What the statuses of the quiet lines allow at best: answered (unknown), not there, refused. */
  quietOutcome?: "unknown" | "failed" | "blocked";
  /** A few counted lines (the first ones). */
  examples: Array<{ line: number; time?: string; target: string; status?: number }>;
  /** The first counted line that showed success (a login page's redirect after many tries). */
  won?: { line: number; time?: string; target: string; status?: number; after: number };
}

/** Matched lines counted rather than kept: their first line, how many, when. */
export interface MatchTally {
  /** What groups the lines: rule, client, method, path, status and size (or fewer, past a bound). */
  key: string;
  ruleId: string;
  /** The first tallied line (in file order), with every field its outcome depends on. */
  entry: LogEntry;
  count: number;
  /** First and last time of the tallied lines (ISO). */
  firstTime?: string;
  lastTime?: string;
  /** Tallied lines per hour (saved as "2026-11-20T03" -> count). */
  hours: HourCounts;
  /** A tallied line asked something else (query, user agent or referer) than `entry`. */
  varied: boolean;
}

/** One file as read: its format, size and what could not be parsed. */
export interface FileSummary {
  path: string;
  format: string;
  formatSource: "detected" | "option" | "config" | "none";
  lines: number;
  bytes: number;
  parsed: number;
  skipped: Record<string, number>;
  warnings: Array<{ line?: number; reason: string; detail?: string }>;
  skippedBytes: number;
  /** True when only the end of the file was read: line numbers count from where reading began. */
  lineNumbersRelative: boolean;
  /** Earliest and latest time read from the file (ISO). */
  firstTime?: string;
  lastTime?: string;
}

/** A request an attacker sent after their first success (the engine's second pass). */
export interface LaterRequest {
  file: string;
  line: number;
  time?: string;
  request: string;
  status?: number;
  size?: number;
}

/**
 * A client's later requests. Own entries only: the client field is the log's, and a line whose client
 * is `toString` or `constructor` must not read the object's inherited functions as its requests.
 */
export function laterOf<T>(next: Record<string, T[]>, ip: string): T[] {
  return Object.hasOwn(next, ip) ? (next[ip] ?? []) : [];
}

const HOUR_MS = 3_600_000;

/** An hour's ISO name ("2026-11-20T03"), as `Date.toISOString().slice(0, 13)` names it. */
export function isoHour(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().slice(0, 13);
}

/**
 * A tally's lines per hour, held as numbers, each hour counted from 1970-01-01T00Z, in the order first
 * counted: the first hour and its count in the object itself (most tallies count one hour), the others
 * as [hour, count, hour, count...] in an array of the exact length. An incident log leaves tens of
 * thousands of tallies; an object keyed by ISO hours costs about 200 bytes each without a prototype
 * (a hash table of its own) and as much again in hidden classes with one (one for each sequence of
 * hours), and an array for one hour 64 bytes more. Written to JSON (a saved bundle) as
 * {"2026-11-20T03": count}, and read back from that.
 */
export class HourCounts {
  /** The first hour counted (-1: none yet) and its count. */
  h = -1;
  n = 0;
  /** The hours counted after it: [hour, count...], exact length (a pushed array reserves 16 more). */
  more: number[] | undefined = undefined;
  /** Hours of a saved bundle that name no hour this writes (kept as they were, counted as they were). */
  other?: Record<string, number>;

  constructor(pairs: number[] = []) {
    for (let i = 0; i + 1 < pairs.length; i += 2) this.add(pairs[i] as number, pairs[i + 1] as number);
  }

  /** Counts `n` lines at `ms` (epoch milliseconds). */
  addAt(ms: number, n = 1): void {
    this.add(Math.floor(ms / HOUR_MS), n);
  }

  add(hour: number, n: number): void {
    if (this.h === -1 || this.h === hour) {
      this.h = hour;
      this.n += n;
      return;
    }
    const p = this.more;
    if (p)
      for (let i = 0; i < p.length; i += 2)
        if (p[i] === hour) {
          p[i + 1] = (p[i + 1] as number) + n;
          return;
        }
    // concat, not [...p, hour, n]: V8 gives a spread followed by more elements 17 slots.
    this.more = p ? p.concat([hour, n]) : [hour, n];
  }

  /** Adds another's counts (a tally of another part of the file). */
  addAll(o: HourCounts): void {
    if (o.h !== -1) this.add(o.h, o.n);
    const p = o.more ?? [];
    for (let i = 0; i < p.length; i += 2) this.add(p[i] as number, p[i + 1] as number);
    if (o.other) for (const [k, n] of Object.entries(o.other)) this.addOther(k, n);
  }

  private addOther(k: string, n: number): void {
    this.other ??= Object.create(null) as Record<string, number>;
    this.other[k] = (this.other[k] ?? 0) + n;
  }

  /** Each hour's ISO name and count. */
  forEach(fn: (hour: string, n: number) => void): void {
    if (this.h !== -1) fn(isoHour(this.h), this.n);
    const p = this.more ?? [];
    for (let i = 0; i < p.length; i += 2) fn(isoHour(p[i] as number), p[i + 1] as number);
    if (this.other) for (const [k, n] of Object.entries(this.other)) fn(k, n);
  }

  toJSON(): Record<string, number> {
    const out = Object.create(null) as Record<string, number>;
    this.forEach((h, n) => {
      out[h] = (out[h] ?? 0) + n;
    });
    return out;
  }

  /** Counts as saved (JSON), or as another thread sent them (an object with the same fields). */
  static from(v: unknown): HourCounts {
    if (v instanceof HourCounts) return v;
    const o = v as { h?: unknown; n?: unknown; more?: unknown; other?: unknown } | null | undefined;
    // Sent by another thread: its own fields (a saved record's values are all numbers, `more` none).
    if (
      o &&
      typeof o.h === "number" &&
      typeof o.n === "number" &&
      Object.hasOwn(o, "more") &&
      (o.more === undefined || Array.isArray(o.more))
    ) {
      const h = new HourCounts();
      if (o.h !== -1) h.add(o.h, o.n);
      if (Array.isArray(o.more)) h.addAll(new HourCounts(o.more as number[]));
      if (o.other && typeof o.other === "object")
        h.addAll(HourCounts.fromRecord(o.other as Record<string, number>));
      return h;
    }
    return HourCounts.fromRecord((o ?? {}) as Record<string, number>);
  }

  static fromRecord(r: Record<string, number>): HourCounts {
    const h = new HourCounts();
    for (const [k, n] of Object.entries(r)) {
      const ms = /^\d{4}-\d\d-\d\dT\d\d$/.test(k) ? Date.parse(`${k}:00:00Z`) : Number.NaN;
      if (!Number.isNaN(ms) && isoHour(ms / HOUR_MS) === k) h.add(ms / HOUR_MS, n);
      else h.addOther(k, n);
    }
    return h;
  }
}
