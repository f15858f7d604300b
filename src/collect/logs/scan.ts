/**
 * One pass over one log stream: split into lines without decoding them all, send only the lines
 * that hold a rule literal (and a thin sample for the site's baseline) to the parser and the rules.
 */

import type { Readable } from "node:stream";
import { FNV_OFFSET, fnvBytes, fnvUnit } from "../../core/fnv.ts";
import type { LogEntry, LogFileState, MatchedEntry, MatchTally } from "../../facts/log-lines.ts";
import { BehaviourTracker, quietLiteralsOf } from "../../rules/behaviour-track.ts";
import type { Rule } from "../../rules/logs.ts";
import type { Scenario } from "../../rules/logs-behaviour.ts";
import {
  type AccessFormat,
  clientField,
  type DetectedFormat,
  detectFormat,
  headHoldsNoRuleField,
  parseAccessLine,
  parseAccessTime,
  parseLine,
} from "./engine/format.ts";
import { matchEntry } from "./engine/match.ts";
import {
  type Anchored,
  buildPrefilter,
  type Candidates,
  holdsLiteralIn,
  type Prefilter,
  pairCounts,
  quadCounts,
  scanRegion,
} from "./engine/prefilter.ts";
import { fieldLiteralsOf, worthMatching } from "./engine/worth.ts";
import { type KeepState, keepError, keepMatch, mergeTally } from "./keep.ts";

export type { MatchedEntry };

export interface FileScan extends LogFileState {
  format: string;
  formatSource: "detected" | "option" | "config" | "none";
  lines: number;
  bytes: number;
  parsed: number;
  /** Reason -> count: binary (NUL bytes), too-long, unparsed, truncated-gzip, truncated-while-reading, read-error. */
  skipped: Record<string, number>;
  warnings: Array<{ line?: number; reason: string; detail?: string }>;
  /** Bytes not read at the start (audit reads only the end of large files). */
  skippedBytes: number;
  /** UTC offset (minutes) seen in access-log times, to place error-log times. */
  offsetMinutes?: number;
  /** Earliest and latest time read (ISO): the lines parsed, and the stream's first and last lines. */
  firstTime?: string;
  lastTime?: string;
  /**
   * A part's first and last lines' times (ISO; "" when the line has none), kept out of its range: only
   * the file's first and last lines bound the file's range, as in one pass (SegmentJoin adds them).
   */
  edgeFirstTime?: string;
  edgeLastTime?: string;
  tallies: MatchTally[];
  /** The group index behind `matches` and `tallies` (keep.ts): in memory only. */
  keep?: KeepState;
  /** Error-log lines past MAX_ERROR_LINES, counted only. */
  errorLinesDropped?: number;
  /**
   * Behaviour (issue 15), in memory only: the tracker fed on the thread that joins the file's parts, or,
   * in a part read elsewhere, the access lines it parsed, for that thread to feed in file order.
   */
  behaviour?: BehaviourTracker;
  observed?: ObservedLines;
  /** Observed lines past MAX_PENDING_OBSERVED in a part not tracked where it was read. */
  observedDropped?: number;
}

/** Access lines as the behaviour tracker needs them, column by column (cheap to send between threads). */
export interface ObservedLines {
  line: number[];
  /** Epoch ms, NaN when the line had no time. */
  ms: number[];
  ip: string[];
  target: string[];
  /** 0 when the line had no status. */
  status: number[];
  /** Bit 1: no rule matched the line; bit 2: the answer had a body (bytes sent). */
  quiet: number[];
}

/** Lines a part read on another thread holds for the tracker (a 4 MB segment holds far fewer). */
export const MAX_PENDING_OBSERVED = 1 << 19;

/**
 * The 4xx statuses whose lines the reader parses although no rule literal is in them, as the combined
 * and common formats write them after the request's closing quote: the behaviour scenarios count them
 * (rules/logs/behaviour/scenarios.yaml). Only the client, time, target and status of such a line are
 * used; the rules do not run on it unless it holds one of their literals.
 */
export const STATUS_TRIGGERS = [400, 401, 403, 404, 405, 406, 410, 414, 444];
const STATUS_LITERALS = STATUS_TRIGGERS.map((n) => `" ${n} `);
const STATUS_SET = new Set(STATUS_TRIGGERS);

/** A status literal (`" 404 `): six bytes, `"`, space, a digit. No rule literal has that shape. */
const isStatusLiteral = (w: Uint8Array) => w.length === 6 && w[0] === 0x22 && w[1] === 0x20 && w[2] === 0x34;

/**
 * Does buf[s, e) hold one of the prefilter's literals other than the status ones (ASCII
 * case-insensitive)? The file's own prefilter, anchored on the pairs rare in it: one lookup a byte.
 */
function holdsRuleLiteral(buf: Buffer, s: number, e: number, pf: Prefilter): boolean {
  const { table, lists } = pf;
  const last = Math.min(e, buf.length - 1); // the pair ending just past the line holds a 1-byte literal
  for (let i = s + 1; i <= last; i++) {
    const v = table[((buf[i - 1] as number) << 8) | (buf[i] as number)] as number;
    if (v === 0) continue;
    const list = lists[v - 1] as Anchored[];
    for (let j = 0; j < list.length; j++) {
      const a = list[j] as Anchored;
      const at = i - 1 - a.k;
      if (at < s || at + a.lit.length > e || isStatusLiteral(a.lit)) continue;
      let ok = true;
      for (let q = 0; q < a.lit.length && ok; q++) {
        let b = buf[at + q] as number;
        if (b >= 65 && b <= 90) b |= 0x20;
        ok = b === a.lit[q];
      }
      if (ok) return true;
    }
  }
  return false;
}

/**
 * The status of a common or combined line in buf[s, e) when it is one the behaviour scenarios count
 * (STATUS_TRIGGERS), with the request's opening and closing quotes; undefined for anything else (a backslash: the
 * logger escaped something, the full parser undoes it).
 */
function triggerStatus(
  buf: Buffer,
  s: number,
  e: number,
): { status: number; open: number; close: number } | undefined {
  const q1 = buf.indexOf(0x22, s);
  if (q1 < 0 || q1 >= e) return undefined;
  // The request's closing quote: the first `" ` past the opening one (no backslash: none is escaped).
  let close = -1;
  for (let i = q1 + 1; i + 1 < e; i++) {
    const c = buf[i] as number;
    if (c === 0x5c) return undefined;
    if (c === 0x22 && buf[i + 1] === 0x20) {
      close = i;
      break;
    }
  }
  if (close < 0 || close + 6 > e) return undefined;
  // A backslash anywhere in the line: the full parser undoes the logger's escapes.
  for (let i = close; i < e; i++) if (buf[i] === 0x5c) return undefined;
  const d0 = (buf[close + 2] as number) - 48;
  const d1 = (buf[close + 3] as number) - 48;
  const d2 = (buf[close + 4] as number) - 48;
  if (d0 !== 4 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || buf[close + 5] !== 0x20) return undefined;
  const status = 400 + d1 * 10 + d2;
  return STATUS_SET.has(status) ? { status, open: q1, close } : undefined;
}

const noObserved = (): ObservedLines => ({ line: [], ms: [], ip: [], target: [], status: [], quiet: [] });

/**
 * Hands a parsed access line to the behaviour tracker: a line a rule matched, or one no rule matched
 * that was refused or not found (4xx). A line no rule matched and answered otherwise (most lines with a
 * rule literal are ordinary pages) is left out: no scenario needs it, and it would cost the most.
 */
function observeInto(res: FileScan, e: LogEntry, quiet: boolean, quietLiterals: string[]): void {
  if (e.kind !== "access" || !e.ip) return;
  if (quiet && (e.status === undefined || e.status < 400 || e.status >= 500) && !asked(e, quietLiterals))
    return;
  observeLine(res, e.ip, e.time?.getTime(), e.uri ?? e.request, e.status, e.line, quiet, (e.size ?? 0) > 0);
}

/** Whether a scenario asked for this line by a literal (login pages answer 200 to failed tries). */
function asked(e: LogEntry, quietLiterals: string[]): boolean {
  if (quietLiterals.length === 0) return false;
  const target = (e.uri ?? e.request).slice(0, 2048).toLowerCase();
  return quietLiterals.some((l) => target.includes(l));
}

function observeLine(
  res: FileScan,
  ip: string,
  ms: number | undefined,
  target: string,
  status: number | undefined,
  line: number,
  quiet: boolean,
  body = false,
): void {
  if (res.behaviour) {
    res.behaviour.observe({
      ip,
      timeMs: ms === undefined || Number.isNaN(ms) ? undefined : ms,
      target,
      status,
      line,
      quiet,
      body,
    });
    return;
  }
  res.observed ??= noObserved();
  const o = res.observed;
  if (o.line.length >= MAX_PENDING_OBSERVED) {
    res.observedDropped = (res.observedDropped ?? 0) + 1;
    return;
  }
  o.line.push(line);
  o.ms.push(ms ?? Number.NaN);
  o.ip.push(ip);
  o.target.push(target);
  o.status.push(status ?? 0);
  o.quiet.push((quiet ? 1 : 0) | (body ? 2 : 0));
}

/** Feeds a part's observed lines (line numbers moved by `shift`) to a tracker, in order. */
export function feedObserved(t: BehaviourTracker, o: ObservedLines, shift = 0): void {
  for (let i = 0; i < o.line.length; i++) {
    const ms = o.ms[i] as number;
    const status = o.status[i] as number;
    t.observe({
      ip: o.ip[i] as string,
      timeMs: Number.isNaN(ms) ? undefined : ms,
      target: o.target[i] as string,
      status: status === 0 ? undefined : status,
      line: (o.line[i] as number) + shift,
      quiet: ((o.quiet[i] as number) & 1) === 1,
      body: ((o.quiet[i] as number) & 2) === 2,
    });
  }
}

/**
 * A file's scan done: what its tracker fired becomes facts (`probing`), the tracker and any lines still
 * waiting for it (a part read on another thread whole, a gzip file) are dropped.
 */
export function finishBehaviour(scan: FileScan, scenarios: Scenario[]): void {
  if (!scan.behaviour && scan.observed && scenarios.length > 0) {
    scan.behaviour = new BehaviourTracker(scenarios);
    feedObserved(scan.behaviour, scan.observed);
  }
  if (scan.behaviour) scan.probing = scan.behaviour.fired();
  if (scan.observedDropped && scan.warnings.length < 50)
    scan.warnings.push({ reason: "behaviour-lines-bound", detail: String(scan.observedDropped) });
  scan.behaviour = undefined;
  scan.observed = undefined;
}

export interface ScanOptions {
  rules: Rule[];
  format?: AccessFormat;
  /** A format already detected (by the thread that split the file). */
  detected?: DetectedFormat;
  formatSource?: FileScan["formatSource"];
  /** Error-log time zone (minutes east of UTC). */
  offsetMinutes?: number;
  /**
   * Where the stream starts in the file (bytes; decompressed bytes for gzip): baseline samples sit at
   * fixed offsets of the file, so a file read whole, in segments, from its end or in appended chunks
   * gets the same samples. Defaults to `skippedBytes`.
   */
  startOffset?: number;
  maxLine?: number;
  skippedBytes?: number;
  /** A follow-up pass: these literals instead of the rules', and every parsed candidate line goes here. */
  literals?: string[];
  /**
   * The follow-up pass's clients: where the format writes the client first (and no X-Forwarded-For
   * can replace it), a line is picked by its first field, not by looking for the literals everywhere
   * (addresses are digits and dots, whose byte pairs fill every line: the look cost more than the
   * first pass's 808 literals).
   */
  clients?: ReadonlySet<string>;
  collect?: (e: LogEntry) => void;
  /** Told the format detected from the first lines (a file read in pieces scans the next ones with it). */
  onDetected?: (d: DetectedFormat) => void;
  /** A part of a file (a segment): its first and last lines' times are kept apart (see FileScan). */
  part?: boolean;
  /**
   * An error log's lines just before and just after this part (whole lines): a shell's stderr line
   * at the part's edge takes its time from the lines before it and its client line from those after,
   * as in one pass.
   */
  before?: Buffer;
  after?: Buffer;
  /**
   * The format was decided from the file's first lines by the thread that cut it into parts
   * (`decideFormat`): this part neither detects one nor second-guesses the one given, even none.
   */
  formatDecided?: boolean;
  /** A prefilter already built for this file (each segment of a parallel scan reuses its thread's). */
  prefilter?: Prefilter;
  /** Keep every matched line (watch, which bounds its state by starting afresh). */
  keepAll?: boolean;
  /**
   * Behaviour scenarios to track on this thread as the lines are read; absent: the access lines are
   * kept (`observed`) for the thread that joins the parts; `[]`: none observed.
   */
  scenarios?: Scenario[];
  /**
   * The scenarios' literals (`quietLiteralsOf`), for a part read where no scenario is tracked (a
   * segment, the gzip worker); defaults to those of `scenarios`.
   */
  quietLiterals?: string[];
}

export const MAX_LINE = 1 << 20;

/** Characters of a sample's target: the baseline keys pages by their path. */
const SAMPLE_URI_CHARS = 2048;

function sampleUri(uri: string): string {
  return Buffer.from(uri.length > SAMPLE_URI_CHARS ? uri.slice(0, SAMPLE_URI_CHARS) : uri, "utf8").toString(
    "utf8",
  );
}

/**
 * The one sampling rule for the site's baseline, whoever reads: the line holding each file offset
 * SAMPLE_EVERY / 2 + k * SAMPLE_EVERY is sampled (unless a rule matched it), the first SAMPLE_MAX of a
 * file in file order are kept.
 */
export const SAMPLE_EVERY = 64 << 10;
export const SAMPLE_MAX = 20_000;
const CGI_LITERALS = [
  "ah01215",
  "ah01241",
  "end of script output",
  "malformed header from script",
  // A CGI shell's own stderr, written raw into the error log: `/bin/sh: 1: wget: not found`.
  "sh: ",
];
const CGI_RE = /AH01215|AH01241|End of script output|malformed header from script/;
/** The raw stderr line of a shell run as CGI (no timestamp, no client): the checks tie it to its request. */
const SHELL_STDERR = /^\/(?:usr\/)?bin\/(?:ba|da|z)?sh: (?:line )?\d{1,9}: /;
/** How many lines back a raw stderr line looks for the timestamped line it follows. */
const STDERR_LOOKBACK = 8;

/**
 * Is a line the prefilter sent worth parsing, in a format whose fields before the first `"` hold
 * nothing the rules read (client, ident, user, time)? Only if it holds a literal from its first `"`
 * on, or a backslash (escaped bytes: the rules then see every line, worth.ts), or no `"` at all:
 * exactly the lines `worthMatching` would send to the rules. An IPv6 client's `::` (the SQL-cast
 * literal) sent 6% of a realistic log's lines, 44% of the candidates, to the parser for nothing.
 */
function worthParsing(buf: Buffer, ls: number, le: number, at: number, pf: Prefilter): boolean {
  const q = buf.indexOf(34, ls);
  if (q < 0 || q >= le) return true;
  // The literal the prefilter found starts at `at - 1 - k` or later: past the quote, no walk.
  if (at - 1 - pf.maxK >= q) return true;
  if (holdsLiteralIn(buf, q, le, pf)) return true;
  const bs = buf.indexOf(92, ls);
  return bs >= 0 && bs < le;
}

/** The prefilter for a file, anchored on the byte pairs that are rare in a sample of that file. */
/**
 * Below this many bytes a file's start says too little to anchor the literals by, and building the
 * tables (about 10 ms) costs more than scanning the file: such files share one prefilter anchored by
 * the estimate of typical logs (a directory of 3,000 one-line logs took 35 s). Anchors change no answer.
 */
const SMALL_SAMPLE = 256 << 10;
const typical = new WeakMap<Rule[], Map<string, Prefilter>>();

export function prefilterFor(rules: Rule[], sample?: Uint8Array, quietLiterals: string[] = []): Prefilter {
  const literals = () => [
    ...rules.flatMap((r) => r.prefilter),
    ...CGI_LITERALS,
    ...STATUS_LITERALS,
    ...quietLiterals,
  ];
  if (!sample || sample.length < SMALL_SAMPLE) {
    let byQuiet = typical.get(rules);
    if (!byQuiet) {
      byQuiet = new Map();
      typical.set(rules, byQuiet);
    }
    const key = quietLiterals.join("\u0000");
    let pf = byQuiet.get(key);
    if (!pf) {
      pf = buildPrefilter(literals());
      byQuiet.set(key, pf);
    }
    return pf;
  }
  return buildPrefilter(
    literals(),
    pairCounts(sample, 0, sample.length),
    quadCounts(sample, 0, sample.length),
  );
}

/** The format writes the client as a line's first field, and no logged header replaces it. */
function clientFirst(f: AccessFormat): boolean {
  return /^%[ha] /.test(f.format) && !/%\{x-forwarded-for\}i/i.test(f.format);
}

/** The lines of buf[start, end) whose first field (up to a space) names one of `clients`. */
export function linesOfClients(
  buf: Buffer,
  start: number,
  end: number,
  clients: ReadonlySet<string>,
): Candidates {
  const starts: number[] = [];
  const lines: number[] = [];
  let longest = 0;
  // A field is made a string only when its bytes hash like a followed client's as logged (a client
  // kept as `'(others)'` was logged without quotes): a million lines, a handful of strings. A client
  // that was not valid UTF-8 as logged has no bytes to hash: then every field is compared.
  const hashes = new Set<number>();
  let everyField = false;
  for (const c of clients) {
    if (c.includes("\ufffd")) everyField = true;
    for (const raw of c.startsWith("'") && c.endsWith("'") ? [c, c.slice(1, -1)] : [c]) {
      const bytes = Buffer.from(raw, "utf8");
      longest = Math.max(longest, bytes.length);
      hashes.add(fnvBytes(FNV_OFFSET, bytes));
    }
  }
  let n = 0;
  for (let ls = start; ls < end; ) {
    let le = buf.indexOf(10, ls);
    if (le < 0 || le > end) le = end;
    let sp = ls;
    let h = FNV_OFFSET;
    while (sp < le && buf[sp] !== 32 && sp - ls <= longest) h = fnvUnit(h, buf[sp++] as number);
    if (
      sp > ls &&
      sp < le &&
      buf[sp] === 32 &&
      (everyField || hashes.has(h)) &&
      clients.has(clientField(buf.toString("utf8", ls, sp)))
    ) {
      starts.push(ls);
      lines.push(n);
    }
    if (le >= end) break;
    n++;
    ls = le + 1;
  }
  return { starts, lines, at: starts.slice(), newlines: n };
}

/** Why a read stopped, as a skipped-line reason and its detail (the error's code). */
export function readFailure(err: unknown): { reason: string; detail: string } {
  const code = String((err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? err);
  const reason =
    code === "Z_BUF_ERROR" || /unexpected end/i.test(code)
      ? "truncated-gzip"
      : code === "ESHRUNK"
        ? "truncated-while-reading"
        : "read-error";
  return { reason, detail: code };
}

/** A stream's first lines as format detection reads them: up to 50, each under 64 KB. */
export function headLines(buf: Buffer, start = 0, end = buf.length): string[] {
  const head: string[] = [];
  let p = start;
  while (head.length < 50 && p < end) {
    let q = buf.indexOf(10, p);
    if (q < 0 || q > end) q = end;
    if (q - p < 65536) head.push(buf.toString("utf8", p, q).replace(/\r$/, ""));
    p = q + 1;
  }
  return head;
}

/** The format the options give (one detected already, or `--log-format`, the configuration's), and how. */
export function givenFormat(
  opts: Pick<ScanOptions, "detected" | "format" | "formatSource">,
): [DetectedFormat | undefined, FileScan["formatSource"]] {
  if (opts.detected) return [opts.detected, opts.formatSource ?? "detected"];
  if (opts.format) return [{ kind: "access", format: opts.format }, opts.formatSource ?? "option"];
  return [undefined, "none"];
}

/**
 * The format a stream's first lines decide, once for the whole stream: the one given (`--log-format`,
 * the configuration) unless it reads none of them where a known one does (the lines are then read
 * with that one, and the file says "detected", not "custom (--log-format)" over lines its format never
 * read); with none given, the one detected, or none.
 */
export function decideFormat(
  head: string[],
  given: DetectedFormat | undefined,
  givenSource: FileScan["formatSource"],
): { detected: DetectedFormat | undefined; source: FileScan["formatSource"] } {
  if (given?.kind === "access" && givenSource !== "detected") {
    const tried = head.filter((l) => l.trim() !== "");
    if (tried.length >= 3 && !tried.some((l) => parseAccessLine(given.format, l, 0))) {
      const other = detectFormat(head);
      if (other?.kind === "access") return { detected: other, source: "detected" };
    }
  }
  if (given) return { detected: given, source: givenSource };
  const found = detectFormat(head);
  return { detected: found, source: found ? "detected" : "none" };
}

export async function scanStream(
  stream: AsyncIterable<Buffer> | Iterable<Buffer> | Readable,
  path: string,
  opts: ScanOptions,
): Promise<FileScan> {
  let pf: Prefilter | undefined = opts.prefilter;
  const maxLine = opts.maxLine ?? MAX_LINE;
  const sampleEvery = SAMPLE_EVERY;
  const res: FileScan = {
    path,
    format: opts.format?.name ?? "unknown",
    formatSource: opts.format ? (opts.formatSource ?? "option") : "none",
    lines: 0,
    bytes: 0,
    parsed: 0,
    skipped: {},
    warnings: [],
    skippedBytes: opts.skippedBytes ?? 0,
    matches: [],
    samples: [],
    cgiErrors: [],
    tallies: [],
  };
  if (opts.scenarios && opts.scenarios.length > 0 && !opts.collect)
    res.behaviour = new BehaviourTracker(opts.scenarios);
  // No scenarios at all (`[]`: watch, which judges its matched lines alone): nothing is observed.
  const observing = !(opts.scenarios && opts.scenarios.length === 0);
  const quietLiterals = observing ? (opts.quietLiterals ?? quietLiteralsOf(opts.scenarios ?? [])) : [];
  let detected: DetectedFormat | undefined =
    opts.detected ?? (opts.format ? { kind: "access", format: opts.format } : undefined);
  if (opts.detected) {
    res.format = opts.detected.kind === "access" ? opts.detected.format.name : opts.detected.name;
    res.formatSource = opts.formatSource ?? "detected";
  }
  let offset = opts.offsetMinutes ?? 0;
  const skip = (reason: string, line?: number, detail?: string) => {
    res.skipped[reason] = (res.skipped[reason] ?? 0) + 1;
    if (res.warnings.length < 50) res.warnings.push({ line, reason, detail });
  };
  let firstRegion = true;
  let headOnly: boolean | undefined;
  let firstLineTimed = false;
  // File offset of the stream's byte 0: sample points are fixed offsets of the file.
  const origin = opts.startOffset ?? opts.skippedBytes ?? 0;

  // The earliest and latest times as numbers: an ISO string is made only when one moves (about one
  // line in twenty of a busy log; making one for every parsed line was 3% of the scan).
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  const seeTime = (d: Date | undefined) => {
    const ms = d?.getTime();
    if (ms === undefined || Number.isNaN(ms)) return;
    if (ms < firstMs) {
      firstMs = ms;
      res.firstTime = (d as Date).toISOString();
    }
    if (ms > lastMs) {
      lastMs = ms;
      res.lastTime = (d as Date).toISOString();
    }
  };
  /** A first or last line's time: in the range, or, for a part of a file, kept apart for the join. */
  const edge = (d: Date | undefined, which: "edgeFirstTime" | "edgeLastTime") => {
    if (!opts.part) seeTime(d);
    // "": the line was read but has no time (the join must not take another part's instead).
    else res[which] = d && !Number.isNaN(d.getTime()) ? d.toISOString() : "";
  };
  /** The time of the line at buf[s, e) (a line no rule matched: only its time is read). */
  const timeOf = (buf: Buffer, s: number, e: number): Date | undefined => {
    if (!detected || e - s > maxLine || e <= s) return undefined;
    return parseLine(buf.toString("utf8", s, e).replace(/\r$/, ""), 0, detected, offset)?.time;
  };
  // The stream's first and last lines bound its time range besides the lines parsed (logs are written in
  // time order, nearly): the last block's last line is known only at the end, so each block's is kept.
  let lastLine: Buffer | undefined;
  const addSample = (entry: LogEntry) => {
    // The baseline reads only these fields of a sample: keep no user agent, referer or headers.
    if (res.samples.length < SAMPLE_MAX && !opts.collect)
      res.samples.push({
        kind: entry.kind,
        line: 0,
        status: entry.status,
        size: entry.size,
        // Its own copy, cut: a slice would keep the whole line (up to 1 MB) for the file's length.
        uri: entry.uri === undefined ? undefined : sampleUri(entry.uri),
        raw: "",
        request: "",
      });
  };
  // Lines handed to handleLine: with no known format, every other line counts as unparsed too.
  let examined = 0;

  // The block being read ([regionStart, regionEnd) of its buffer), and the last lines of the blocks
  // before it (copies, error logs only): a shell's stderr looks a few lines back and forth, and the
  // lines it looks for may lie across a block's edge.
  let regionStart = 0;
  let regionEnd = 0;
  let recent: Buffer[] = opts.before ? linesOf(opts.before).slice(-STDERR_LOOKBACK) : [];
  /** After a stderr line at a block's end: the line numbers still to look at for its client line. */
  let pendingNext: { lineNo: number; k: number } | undefined;

  /** The time of the first timestamped line among the STDERR_LOOKBACK lines before buf[s]. */
  const timeBefore = (buf: Buffer, s: number): Date | undefined => {
    const at = (line: Buffer, from: number, to: number) =>
      to - from <= maxLine && line[from] === 0x5b /* "[" */
        ? parseLine(line.toString("utf8", from, to).replace(/\r$/, ""), 0, detected, offset)?.time
        : undefined;
    let k = 0;
    // end: the newline ending the line before (an empty line is a line too, as in one pass).
    for (let end = s - 1; k < STDERR_LOOKBACK && end >= regionStart; k++) {
      const start = end > regionStart ? Math.max(buf.lastIndexOf(10, end - 1) + 1, regionStart) : regionStart;
      const time = at(buf, start, end);
      if (time) return time;
      end = start - 1;
    }
    for (let i = recent.length - 1; i >= 0 && k < STDERR_LOOKBACK; i--, k++) {
      const line = recent[i] as Buffer;
      const time = at(line, 0, line.length);
      if (time) return time;
    }
    return undefined;
  };

  /**
   * Keeps copies of the last lines of buf[start, end) (error logs only), for the next block's stderr:
   * a line longer than a segment's context (CONTEXT_BYTES) is kept empty, as a segment would see it.
   */
  const remember = (buf: Buffer, start: number, end: number) => {
    if (detected?.kind !== "error") return;
    const lines: Buffer[] = [];
    let e = buf[end - 1] === 10 ? end - 1 : end; // the end of the last line
    while (lines.length < STDERR_LOOKBACK) {
      const b = e > start ? Math.max(buf.lastIndexOf(10, e - 1) + 1, start) : start;
      lines.unshift(e - b <= CONTEXT_BYTES ? Buffer.from(buf.subarray(b, e)) : Buffer.alloc(0));
      if (b <= start) break;
      e = b - 1;
    }
    recent = [...recent, ...lines].slice(-STDERR_LOOKBACK);
  };

  /**
   * A line too long to read, skipped as it comes (its first byte): to the look-ahead for a stderr's
   * client line and to the time range it is still a line, as when a block holds it whole.
   */
  const skippedLine = (first: number | undefined) => {
    if (pendingNext && (first === 0x5b /* "[" */ || ++pendingNext.k > STDERR_LOOKBACK))
      pendingNext = undefined;
    if (!firstLineTimed) {
      firstLineTimed = true;
      edge(undefined, "edgeFirstTime");
    }
    lastLine = undefined;
    if (detected?.kind === "error") recent = [...recent, Buffer.alloc(0)].slice(-STDERR_LOOKBACK);
  };

  /**
   * A shell's raw stderr line becomes an error entry with no client, stamped with the time of the
   * timestamped line before it (looked for a few lines back), as the checks expect.
   */
  const shellStderr = (buf: Buffer, s: number, text: string, lineNo: number) => {
    const time = timeBefore(buf, s);
    res.parsed++;
    const entry: LogEntry = { kind: "error", line: lineNo, time, message: text, raw: text, request: "" };
    if (opts.collect) {
      opts.collect(entry);
      return;
    }
    const into = res;
    keepError(into, entry, (e) => into.cgiErrors.push(e));
    const nl = buf.indexOf(10, s);
    if (nl >= 0 && nl < regionEnd) keepNextClientLine(buf, nl + 1, lineNo, 1);
  };

  /**
   * The first client line after a shell's stderr, whatever it says (`AH01264: script not found` passes
   * no literal): the judge places the stderr between the requests of the client lines around it, and
   * without this one a stderr could belong to any silent shell request up to the next kept line. Lines
   * the CGI pattern keeps anyway are left to the ordinary path (one entry a line). Bounded: a few lines
   * (from buf[from] on, the k-th after the stderr's), one kept line per stderr run; the block's end
   * leaves the rest to the next block.
   */
  let neighbourKept = -1;
  const keepNextClientLine = (buf: Buffer, from: number, lineNo: number, k0: number, beyond = false) => {
    let start = from;
    for (let k = k0; k <= STDERR_LOOKBACK && lineNo > 0; k++) {
      const end = buf.indexOf(10, start); // a whole line only
      if (start >= regionEnd || end < 0 || end >= regionEnd) {
        if (start >= regionEnd) pendingNext = { lineNo, k };
        return;
      }
      // Past this part's end (`after`): a stderr line there looks ahead from the next part, which
      // keeps the client line then (one pass keeps it once).
      if (
        beyond &&
        SHELL_STDERR.test(buf.toString("utf8", start, Math.min(end, start + 64))) &&
        buf.subarray(start, end).indexOf(0) < 0 // one with a NUL byte is skipped as binary, not read as stderr
      )
        return;
      if (buf[start] === 0x5b /* "[" */) {
        if (end - start > maxLine || lineNo + k === neighbourKept) return;
        const next = parseLine(
          buf.toString("utf8", start, end).replace(/\r$/, ""),
          lineNo + k,
          detected,
          offset,
        );
        if (next?.kind !== "error" || !next.ip || CGI_RE.test(next.message ?? "")) return;
        next.raw = "";
        neighbourKept = lineNo + k;
        keepError(res, next, (e) => res.cgiErrors.push(e));
        return;
      }
      start = end + 1;
    }
  };

  /**
   * A line the status literals let through, in the common or combined format, that holds no rule
   * literal: the behaviour tracker needs only its client, time, target and status, read here without
   * the full parser or the rules (a realistic log has a few percent of such lines). False: not such a
   * line (or not read so), for handleLine.
   */
  const cheapFormat = !opts.collect && !opts.literals;
  const quietLine = (buf: Buffer, s: number, e: number, lineNo: number): boolean => {
    if (
      !cheapFormat ||
      detected?.kind !== "access" ||
      (detected.format.name !== "combined" && detected.format.name !== "common") ||
      res.offsetMinutes === undefined ||
      e - s > maxLine
    )
      return false;
    const st = triggerStatus(buf, s, e);
    // From the request on: a literal only in the client or time sends no line to the rules (worth.ts).
    if (!st || !pf || holdsRuleLiteral(buf, st.open, e, pf)) return false;
    if (buf.subarray(s, e).indexOf(0) >= 0) return false;
    const head = buf.toString("utf8", s, st.close);
    const sp = head.indexOf(" ");
    const lb = head.indexOf(" [", sp);
    const rb = head.indexOf("] ", lb);
    if (sp <= 0 || lb < 0 || rb < 0 || head.charCodeAt(rb + 2) !== 0x22) return false;
    const time = parseAccessTime(head.slice(lb + 2, rb));
    if (!time) return false;
    const request = head.slice(rb + 3);
    const a = request.indexOf(" ");
    if (a <= 0) return false;
    const b = request.lastIndexOf(" ");
    const target = b > a ? request.slice(a + 1, b) : request.slice(a + 1);
    examined++;
    res.parsed++;
    seeTime(time);
    if (observing)
      observeLine(res, clientField(head.slice(0, sp)), time.getTime(), target, st.status, lineNo, true);
    return true;
  };

  /**
   * Starts of the lines of the block being read that a rule matched: a sample point on one of them takes
   * no sample (an attack's answer is not what the page answers ordinary visitors; at 20% attack lines
   * one sample in five was one, and a sampled 32-byte PHPUnit output made every other one "normal").
   */
  const ruleLines = new Set<number>();
  /** `again`: a line already counted (a sample point on a literal line): only its sample is taken. */
  const handleLine = (buf: Buffer, s: number, e: number, lineNo: number, matched: boolean, again = false) => {
    if (again) {
      if (e - s > maxLine || buf.subarray(s, e).indexOf(0) >= 0) return;
      const entry = parseLine(buf.toString("utf8", s, e).replace(/\r$/, ""), 0, detected, offset);
      if (entry) addSample(entry);
      return;
    }
    examined++;
    let end = e;
    if (end > s && buf[end - 1] === 13) end--;
    if (end - s > maxLine) {
      skip("too-long", lineNo || undefined);
      return;
    }
    if (buf.subarray(s, end).indexOf(0) >= 0) {
      skip("binary", lineNo || undefined);
      return;
    }
    const text = buf.toString("utf8", s, end);
    if (text.trim() === "") return;
    const entry = parseLine(text, lineNo, detected, offset);
    if (!entry) {
      if (detected?.kind === "error" && matched && SHELL_STDERR.test(text)) {
        shellStderr(buf, s, text, lineNo);
        return;
      }
      skip("unparsed", lineNo || undefined);
      return;
    }
    res.parsed++;
    seeTime(entry.time);
    if (entry.kind === "access" && entry.time && res.offsetMinutes === undefined) {
      const m = /([+-])(\d{2})(\d{2})\]/.exec(text);
      if (m) res.offsetMinutes = (Number(m[2]) * 60 + Number(m[3])) * (m[1] === "-" ? -1 : 1);
    }
    if (!matched) {
      addSample(entry);
      return;
    }
    if (opts.collect) {
      opts.collect(entry);
      return;
    }
    const into = res;
    if (entry.kind === "error" && entry.message && CGI_RE.test(entry.message))
      keepError(into, entry, (e) => into.cgiErrors.push(e));
    // A literal only in the client or time (an IPv6 address's "::") is no reason to run the rules.
    const rule = worthMatching(opts.rules, entry) ? matchEntry(opts.rules, entry) : undefined;
    entry.raw = ""; // the request is kept; the whole line is not needed past matching
    if (observing) observeInto(into, entry, !rule, quietLiterals);
    if (!rule) return;
    ruleLines.add(s);
    if (entry.kind === "error")
      keepError(into, entry, (e) => into.matches.push({ entry: e, ruleId: rule.id }));
    else keepMatch(into, { entry, ruleId: rule.id }, opts.keepAll);
  };

  /** buf[start, end) holds whole lines (end just past "\n", or the final line) from file offset `at`. */
  const region = (buf: Buffer, start: number, end: number, at: number) => {
    regionStart = start;
    regionEnd = end;
    if (firstRegion && !opts.formatDecided) {
      firstRegion = false;
      const had = detected;
      const d = decideFormat(headLines(buf, start, end), detected, res.formatSource);
      if (d.detected !== had) {
        detected = d.detected;
        if (!had && detected) opts.onDetected?.(detected);
        if (detected) {
          res.format = detected.kind === "access" ? detected.format.name : detected.name;
          res.formatSource = "detected";
        }
        if (detected?.kind === "error" && opts.offsetMinutes !== undefined) offset = opts.offsetMinutes;
      }
    }
    // A stderr line at the last block's end: its client line may be among this block's first.
    if (pendingNext) {
      const p = pendingNext;
      pendingNext = undefined;
      keepNextClientLine(buf, start, p.lineNo, p.k);
    }
    pf ??= opts.literals
      ? buildPrefilter(opts.literals)
      : prefilterFor(opts.rules, buf.subarray(start, Math.min(end, start + (1 << 20))), quietLiterals);
    const found =
      opts.clients && detected?.kind === "access" && clientFirst(detected.format)
        ? linesOfClients(buf, start, end, opts.clients)
        : scanRegion(buf, start, end, pf);
    const base = res.lines; // lines before `start`
    const examinedBefore = examined;
    // Once the format is known: does a literal only before a line's first `"` count (see worthParsing)?
    headOnly ??= detected
      ? !opts.literals &&
        !opts.collect &&
        detected.kind === "access" &&
        headHoldsNoRuleField(detected.format) &&
        !fieldLiteralsOf(opts.rules).off
      : undefined;
    // The lines handled as holding a literal (a sample point on any other line is a sample line).
    const handled: number[] = headOnly ? [] : found.starts;
    for (let k = 0; k < found.starts.length; k++) {
      const ls = found.starts[k] as number;
      let le = buf.indexOf(10, ls);
      if (le < 0 || le > end) le = end;
      if (headOnly) {
        if (!worthParsing(buf, ls, le, found.at[k] as number, pf)) continue;
        handled.push(ls);
      }
      const lineNo = base + (found.lines[k] as number) + 1;
      if (!quietLine(buf, ls, le > ls && buf[le - 1] === 13 ? le - 1 : le, lineNo))
        handleLine(buf, ls, le, lineNo, true);
    }
    // A thin sample of lines for the site baseline (their line numbers are not needed). A sample point
    // on a line a rule literal already sent to handleLine is sampled without being counted again,
    // unless a rule matched it.
    const phase = ((((sampleEvery >> 1) - at) % sampleEvery) + sampleEvery) % sampleEvery;
    let k = 0;
    let sampled = -1;
    for (let p = start + phase; p < end; p += sampleEvery) {
      // At the region's first byte, its first line (lastIndexOf(10, -1) would search from the buffer's end).
      const ls = p > start ? buf.lastIndexOf(10, p - 1) + 1 : start;
      // A line longer than the sample spacing is sampled (and counted) once, as when it is read in pieces.
      if (ls === sampled) continue;
      sampled = ls;
      let le = buf.indexOf(10, p);
      if (le < 0 || le > end) le = end;
      while (k < handled.length && (handled[k] as number) < ls) k++;
      if (ls < start || ruleLines.has(ls)) continue;
      // A sample needs no line number, but a line too long to read is told with its own, as when the
      // line is read in pieces (rare: counting this block's newlines up to it is cheap enough).
      let lineNo = 0;
      if ((buf[le - 1] === 13 ? le - 1 : le) - ls > maxLine) {
        lineNo = base + 1;
        for (let i = buf.indexOf(10, start); i >= 0 && i < ls; i = buf.indexOf(10, i + 1)) lineNo++;
      }
      handleLine(buf, ls, le, lineNo, false, handled[k] === ls);
    }
    ruleLines.clear();
    remember(buf, start, end);
    let lineNo = base + found.newlines;
    if (end > start && buf[end - 1] !== 10) lineNo++; // final line without newline
    res.lines = lineNo;
    if (!detected) {
      // No format: the lines no literal or sample point reached cannot be parsed either.
      const rest = lineNo - base - (examined - examinedBefore);
      if (rest > 0) res.skipped.unparsed = (res.skipped.unparsed ?? 0) + rest;
      if (rest > 0 && res.warnings.length < 50) res.warnings.push({ line: base + 1, reason: "unparsed" });
    } else if (end > start) {
      if (!firstLineTimed) {
        let fe = buf.indexOf(10, start);
        if (fe < 0 || fe > end) fe = end;
        edge(timeOf(buf, start, fe), "edgeFirstTime");
      }
      firstLineTimed = true;
      const lastEnd = buf[end - 1] === 10 ? end - 1 : end;
      const ls = Math.max(buf.lastIndexOf(10, lastEnd - 1) + 1, start);
      // A copy (the buffer is read into again), of a line short enough to be worth one.
      lastLine = lastEnd - ls <= 8192 ? Buffer.from(buf.subarray(ls, lastEnd)) : undefined;
    }
  };

  let carry: Buffer | undefined;
  let carryAt = 0;
  let skipping = false;
  // Reading from an offset (the audit's tail bound) starts inside a line: drop that fragment.
  let fragment = (opts.skippedBytes ?? 0) > 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer> | Iterable<Buffer>) {
      const at = origin + res.bytes; // file offset of chunk[0]
      res.bytes += chunk.length;
      let from = 0;
      if (fragment) {
        const nl = chunk.indexOf(10);
        if (nl < 0) continue;
        fragment = false;
        from = nl + 1;
      }
      if (skipping) {
        const nl = chunk.indexOf(10, from);
        if (nl < 0) continue;
        skipping = false;
        res.lines++;
        from = nl + 1;
      }
      if (carry) {
        const nl = chunk.indexOf(10, from);
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk.subarray(from)]);
          // One byte more than the bound may still be a line's CR, which handleLine does not count.
          if (carry.length > maxLine + 1) {
            skip("too-long", res.lines + 1, `${carry.length}+ bytes`);
            skippedLine(carry[0]);
            carry = undefined;
            skipping = true;
          }
          continue;
        }
        const line = Buffer.concat([carry, chunk.subarray(from, nl + 1)]);
        carry = undefined;
        region(line, 0, line.length, carryAt);
        from = nl + 1;
      }
      const last = chunk.lastIndexOf(10);
      if (last >= from) {
        region(chunk, from, last + 1, at + from);
        from = last + 1;
      }
      if (from < chunk.length) {
        if (chunk.length - from > maxLine + 1) {
          skip("too-long", res.lines + 1, `${chunk.length - from}+ bytes`);
          skippedLine(chunk[from]);
          skipping = true;
        } else {
          carry = Buffer.from(chunk.subarray(from));
          carryAt = at + from;
        }
      }
    }
  } catch (err) {
    const f = readFailure(err);
    skip(f.reason, res.lines + 1, f.detail);
  }
  if (carry && carry.length > 0) region(carry, 0, carry.length, carryAt);
  // A stderr line among this part's last lines: its client line may be among the next part's first.
  if (pendingNext && opts.after && !opts.collect) {
    const p = pendingNext;
    pendingNext = undefined;
    regionStart = 0;
    regionEnd = opts.after.lastIndexOf(10) + 1;
    keepNextClientLine(opts.after, 0, p.lineNo, p.k, true);
  }
  if (firstLineTimed) edge(lastLine && timeOf(lastLine, 0, lastLine.length), "edgeLastTime");
  // In line order: a look-ahead keeps a stderr's client line before the stderr lines between them, and
  // where blocks or segments fall would otherwise change the order.
  res.cgiErrors.sort((a, b) => a.line - b.line);
  return res;
}

/** The lines of `buf` (whole lines), each without its newline. */
function linesOf(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let s = 0; s < buf.length; ) {
    let e = buf.indexOf(10, s);
    if (e < 0) e = buf.length;
    out.push(buf.subarray(s, e));
    s = e + 1;
  }
  return out;
}

/** Bytes of context a part of an error log is given on each side (about 8 lines, a few long ones). */
export const CONTEXT_BYTES = 16 << 10;

/** The whole lines within the last CONTEXT_BYTES of `buf`, which starts at a line's start: a copy. */
export function contextTail(buf: Uint8Array): Buffer {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let start = 0;
  if (b.length > CONTEXT_BYTES) {
    const nl = b.indexOf(10, b.length - CONTEXT_BYTES - 1);
    start = nl < 0 ? b.length : nl + 1;
  }
  return Buffer.from(b.subarray(start));
}

/** The whole lines within the first CONTEXT_BYTES of `buf`: a copy. */
export function contextHead(buf: Uint8Array): Buffer {
  const b = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, CONTEXT_BYTES));
  return Buffer.from(b.subarray(0, b.lastIndexOf(10) + 1));
}

/**
 * Adds the scan of the next part of a file (read after `into`, from where it ended) to `into`: how two
 * threads' segments and watch's appended chunks become one file's facts, with the samples a whole read
 * keeps. `shift` moves the part's line numbers past the earlier parts' (0 when they already count on).
 */
export function appendScan(into: FileScan, part: FileScan, shift: number, keepAll = false): FileScan {
  into.lines += part.lines;
  into.bytes += part.bytes;
  into.parsed += part.parsed;
  if (into.formatSource === "none") {
    into.format = part.format;
    into.formatSource = part.formatSource;
  }
  for (const [k, v] of Object.entries(part.skipped)) into.skipped[k] = (into.skipped[k] ?? 0) + v;
  for (const w of part.warnings)
    if (into.warnings.length < 50)
      into.warnings.push({ ...w, line: w.line === undefined ? undefined : w.line + shift });
  // One entry can be both a match and a CGI error line (`End of script output before headers: sh`):
  // it is moved once.
  const placed = new Set<LogEntry>();
  const place = (e: LogEntry) => {
    if (placed.has(e)) return;
    placed.add(e);
    e.line += shift;
  };
  for (const m of part.matches) {
    place(m.entry);
    if (m.entry.kind === "error") keepError(into, m.entry, (e) => into.matches.push({ ...m, entry: e }));
    else keepMatch(into, m, keepAll, true);
  }
  for (const t of part.tallies) {
    place(t.entry);
    mergeTally(into, t);
  }
  for (const e of part.cgiErrors) {
    place(e);
    keepError(into, e, (b) => into.cgiErrors.push(b));
  }
  if (part.errorLinesDropped) into.errorLinesDropped = (into.errorLinesDropped ?? 0) + part.errorLinesDropped;
  for (const e of part.samples) if (into.samples.length < SAMPLE_MAX) into.samples.push(e);
  if (part.observed) {
    if (into.behaviour) feedObserved(into.behaviour, part.observed, shift);
    else {
      into.observed ??= noObserved();
      const o = into.observed;
      const p = part.observed;
      for (let i = 0; i < p.line.length; i++) {
        if (o.line.length >= MAX_PENDING_OBSERVED) {
          into.observedDropped = (into.observedDropped ?? 0) + 1;
          continue;
        }
        o.line.push((p.line[i] as number) + shift);
        o.ms.push(p.ms[i] as number);
        o.ip.push(p.ip[i] as string);
        o.target.push(p.target[i] as string);
        o.status.push(p.status[i] as number);
        o.quiet.push(p.quiet[i] as number);
      }
    }
    part.observed = undefined;
  }
  if (part.observedDropped) into.observedDropped = (into.observedDropped ?? 0) + part.observedDropped;
  into.offsetMinutes ??= part.offsetMinutes;
  if (part.firstTime && (!into.firstTime || part.firstTime < into.firstTime)) into.firstTime = part.firstTime;
  if (part.lastTime && (!into.lastTime || part.lastTime > into.lastTime)) into.lastTime = part.lastTime;
  return into;
}
