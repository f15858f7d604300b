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
  firstSeen?: string;
  lastSeen?: string;
  lines: number;
  distinct: number;
  /** Counted lines no rule matched (unremarkable alone). */
  quiet: number;
  /** What the statuses of the quiet lines allow at best: answered (unknown), not there, refused. */
  quietOutcome?: "unknown" | "failed" | "blocked";
  examples: Array<{ line: number; time?: string; target: string; status?: number }>;
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
  /** Tallied lines per hour ("2026-11-20T03" -> count). */
  hours: Record<string, number>;
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
