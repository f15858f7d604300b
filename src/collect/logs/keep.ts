/**
 * What the engine keeps of the lines the rules matched, so that memory stays bounded whatever the log
 * (an incident log can be 20% attack lines): every line while a (rule, client, method, path, status,
 * size) group is small, then only counts, times and hours of its further lines (a tally). The lines of
 * a tally repeat what its first line asked and got, so the checks judge them by that line and count
 * them, without holding each one. Past MAX_GROUPS groups, new groups are coarser (rule, client and
 * status, up to MAX_CLIENT_GROUPS in all), so that even the group index is bounded; a coarser group
 * is judged by its first line, so past that bound its outcomes are approximate. Clients first seen
 * past it are counted together as OTHER_CLIENTS (an incident log can name hundreds of thousands of
 * clients: the first ones stay apart), grouped by what they asked and got (their outcomes stay their
 * own lines'), and past MAX_GROUPS more such groups by rule and status alone.
 */

import { cutText } from "../../core/cut.ts";
import { FNV_OFFSET, fnvString, fnvUnit } from "../../core/fnv.ts";
import {
  HourCounts,
  type LogEntry,
  type MatchedEntry,
  type MatchTally,
  OTHER_CLIENTS,
} from "../../facts/log-lines.ts";

/** Lines kept per group, and in all (past this a new group's lines are all tallied). */
export const PER_GROUP = 8;
export const MAX_KEPT = 10_000;
export const MAX_GROUPS = 20_000;
/** Groups in all before new clients' lines are tallied together (OTHER_CLIENTS), not each apart. */
export const MAX_CLIENT_GROUPS = 30_000;
/** Groups in all before each coarser key: full, per client, per request of other clients. */
const LEVEL_BOUNDS = [MAX_GROUPS, MAX_CLIENT_GROUPS, MAX_CLIENT_GROUPS + MAX_GROUPS];
/** Error-log lines kept per file (matched ones and those about CGI execution), the rest counted. */
export const MAX_ERROR_LINES = 20_000;

/**
 * Characters kept of one field of a kept line: Apache itself refuses a request line or a header over
 * 8190 bytes (LimitRequestLine, LimitRequestFieldSize), so only a forged log goes past this.
 */
export const MAX_FIELD_CHARS = 8192;
/**
 * Characters of their own the kept lines and tallies of one file may hold before each new field keeps
 * only its start: with up to 60,000 entries, a forged log of megabyte lines would otherwise keep
 * gigabytes (a realistic incident log keeps about 15 million).
 */
const TEXT_BUDGET = 32 << 20;
const FIELD_PAST_BUDGET = 256;
/** Characters of a path in a group's key: enough to tell paths apart, held once per group. */
const KEY_PATH_CHARS = 1024;

/**
 * The groups of one file's scan, as columns: a group is a number (its place), so that an incident
 * log's tens of thousands of groups cost no object each (48 bytes and a map entry's pointer apiece).
 * Found by its key's hash in an open-addressing table: a line's key is hashed from its fields and
 * compared with a group's key in place, never built as a string (a key string per line, flattened to
 * be hashed by a Map, was 9% of the main thread at 20% attack lines).
 */
class Groups {
  /** Lines kept of each group. */
  kept = new Int32Array(1024);
  /** What each group's first kept line asked (path and query, user agent, referer), hashed. */
  sig = new Int32Array(1024);
  /** Each group's key hashed (keyHash). */
  hash = new Int32Array(1024);
  /** Each group's key: its parts joined by U+0000, as one flat string holding no line alive. */
  keys: string[] = [];
  /** Each group's tally, once its lines are counted rather than kept. */
  tally: Array<MatchTally | undefined> = [];
  /** Group place + 1 by hash (0: empty), at most half full. */
  private slots = new Int32Array(4096);
  size = 0;

  /** The group whose key is `k`'s, or -1. */
  find(k: KeyParts, h: number): number {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = this.slots[i] as number;
      if (at === 0) return -1;
      const g = at - 1;
      if (this.hash[g] === h && keyIs(this.keys[g] as string, k)) return g;
    }
  }

  add(key: string, h: number, sig: number): number {
    const g = this.size++;
    if (g === this.kept.length) {
      const grown = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.kept = grown(this.kept);
      this.sig = grown(this.sig);
      this.hash = grown(this.hash);
    }
    this.kept[g] = 0;
    this.sig[g] = sig;
    this.hash[g] = h;
    this.keys.push(key);
    this.tally.push(undefined);
    if (this.size * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let i = 0; i < this.size; i++) this.place(i);
    } else this.place(g);
    return g;
  }

  private place(g: number): void {
    const mask = this.slots.length - 1;
    let i = (this.hash[g] as number) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = g + 1;
  }
}

/**
 * A group key's parts: rule, client, status, then method, size and path (six parts), or "*" (four), or
 * nothing more (three). The path is `uri` up to `pathEnd`.
 */
interface KeyParts {
  rule: string;
  client: string;
  status: string;
  parts: 3 | 4 | 6;
  method: string;
  size: string;
  uri: string;
  pathEnd: number;
}

/** FNV-1a of the key's characters, as of `keyString(k)`, without making it. */
function keyHash(k: KeyParts): number {
  // fnvUnit(h, 0): the U+0000 between parts.
  let h = fnvString(FNV_OFFSET, k.rule);
  h = fnvString(fnvUnit(h, 0), k.client);
  h = fnvString(fnvUnit(h, 0), k.status);
  if (k.parts === 4) return fnvString(fnvUnit(h, 0), "*") | 0;
  if (k.parts === 6) {
    h = fnvString(fnvUnit(h, 0), k.method);
    h = fnvString(fnvUnit(h, 0), k.size);
    h = fnvString(fnvUnit(h, 0), k.uri, 0, k.pathEnd);
  }
  return h | 0;
}

function keyString(k: KeyParts): string {
  const head = `${k.rule}\u0000${k.client}\u0000${k.status}`;
  if (k.parts === 3) return head;
  if (k.parts === 4) return `${head}\u0000*`;
  return `${head}\u0000${k.method}\u0000${k.size}\u0000${k.uri.slice(0, k.pathEnd)}`;
}

/** Whether `key` is `k`'s key string, compared in place. */
function keyIs(key: string, k: KeyParts): boolean {
  let p = 0;
  const part = (s: string, from = 0, to = s.length): boolean => {
    const n = to - from;
    if (key.length - p < n) return false;
    for (let i = 0; i < n; i++) if (key.charCodeAt(p + i) !== s.charCodeAt(from + i)) return false;
    p += n;
    return true;
  };
  const sep = (): boolean => key.charCodeAt(p++) === 0;
  if (!part(k.rule) || !sep() || !part(k.client) || !sep() || !part(k.status)) return false;
  if (k.parts === 4) return sep() && part("*") && p === key.length;
  if (k.parts === 6)
    return (
      sep() &&
      part(k.method) &&
      sep() &&
      part(k.size) &&
      sep() &&
      part(k.uri, 0, k.pathEnd) &&
      p === key.length
    );
  return p === key.length;
}

/** The group index of one file's scan: in memory only, never in the facts. */
export interface KeepState {
  groups: Groups;
  kept: number;
  errors: number;
  /** Short strings many kept lines repeat (clients, methods, user agents, referers), held once. */
  strings?: Map<string, string>;
  /** Requests of kept lines and tallies, held once (internedRequest). */
  requests?: Map<string, string>;
  /** Times of kept lines and tallies, one Date for each millisecond (internedTime). */
  times?: Map<number, Date>;
  /** Characters copied into kept lines and tallies so far (TEXT_BUDGET). */
  text?: number;
}

interface Keeping {
  matches: MatchedEntry[];
  tallies: MatchTally[];
  keep?: KeepState;
  errorLinesDropped?: number;
}

/**
 * Error-log lines are kept up to a bound per file (an error log is short; a flood of them is counted),
 * each with its text cut to the fields' bound.
 */
export function keepError(s: Keeping, entry: LogEntry, push: (e: LogEntry) => void): void {
  const st = stateOf(s);
  if (st.errors < MAX_ERROR_LINES) {
    st.errors++;
    push(boundedError(st, entry));
  } else s.errorLinesDropped = (s.errorLinesDropped ?? 0) + 1;
}

/** An error entry whose long texts are cut (its raw line only where it is its message). */
function boundedError(st: KeepState, e: LogEntry): LogEntry {
  const long = (v: string | undefined) => v !== undefined && v.length > FIELD_PAST_BUDGET;
  if (!long(e.message) && !long(e.request) && !long(e.logged) && !long(e.raw) && !long(e.uri)) return e;
  const message = e.message === undefined ? undefined : fit(st, e.message);
  const cutOr = (v: string | undefined) => (v === undefined ? v : v === e.message ? message : fit(st, v));
  return {
    ...e,
    message,
    request: cutOr(e.request) ?? "",
    logged: cutOr(e.logged),
    raw: cutOr(e.raw) ?? "",
    uri: cutOr(e.uri),
  };
}

/**
 * `str` as kept: a copy of its own (a slice of a line pins the whole line), cut to MAX_FIELD_CHARS, or
 * to FIELD_PAST_BUDGET once the file's kept text reached TEXT_BUDGET.
 */
function fit(st: KeepState, str: string): string {
  const max = (st.text ?? 0) < TEXT_BUDGET ? MAX_FIELD_CHARS : FIELD_PAST_BUDGET;
  const mine = str.length > max ? own(cutText(str, max)) : own(str);
  st.text = (st.text ?? 0) + mine.length;
  return mine;
}

/** FNV-1a of what a line asked: a number, so that a group holds no part of its line. */
function sigOf(e: LogEntry): number {
  let h = FNV_OFFSET;
  for (const s of [e.uri ?? "", e.userAgent ?? "", e.referer ?? ""]) h = fnvUnit(fnvString(h, s), 0);
  // Signed: a 32-bit integer is held in the group itself, an unsigned one past 2^31 in a number object.
  return h | 0;
}

/** Where a key's path ends in the line's target: before the query, at most KEY_PATH_CHARS. */
function pathEnd(uri: string): number {
  const q = uri.indexOf("?");
  return Math.min(q >= 0 ? q : uri.length, KEY_PATH_CHARS);
}

function groupOf(s: Keeping, e: LogEntry, ruleId: string): [string, number] {
  const st = stateOf(s);
  const groups = st.groups;
  const s0 = e.status ?? 0;
  // A 2xx or 5xx answer is judged by what it reached and how much it sent; any other by its status
  // alone (checks/logs/analyze.ts outcomeOf), but its path still tells the site's 404s apart.
  const full = (s0 >= 200 && s0 < 300) || s0 >= 500;
  const uri = e.uri ?? "";
  const k: KeyParts = {
    rule: ruleId,
    client: e.ip ?? "",
    status: `${s0}`,
    parts: 6,
    method: full ? (e.method ?? "") : "",
    size: full ? `${e.size ?? ""}` : "",
    uri,
    pathEnd: pathEnd(uri),
  };
  // Finest first: nearly every line finds its group by the first.
  for (let level = 0; level < 4; level++) {
    if (level === 1) k.parts = 4;
    else if (level === 2) {
      // Clients past the bound: grouped by what they asked and got, so their outcomes stay those of
      // their own lines; then by rule and status alone.
      k.client = "*";
      k.parts = full ? 6 : 3;
    } else if (level === 3) k.parts = 3;
    const h = keyHash(k);
    const g = groups.find(k, h);
    if (g >= 0) return [groups.keys[g] as string, g];
    // The coarsest key is always allowed: rules times statuses.
    if (level === 3 || groups.size < (LEVEL_BOUNDS[level] ?? 0)) {
      // The key as one string of its own: as built it is a tree of pieces whose leaves are slices of
      // the parsed line, each pinning that whole line (about 6 MB over an incident log's groups).
      const mine = ownKey(keyString(k));
      return [mine, groups.add(mine, h, sigOf(e))];
    }
  }
  throw new Error("unreachable");
}

const MAX_INTERNED = 8192;

/** A group key as one flat string holding no line alive (a key with a lone surrogate stays as it is). */
function ownKey(key: string): string {
  return key.isWellFormed() ? Buffer.from(key, "utf8").toString("utf8") : key;
}

/** A copy of `str` that holds no larger string alive (a slice of a line pins the whole line). */
function own(str: string): string {
  return str.length <= 12 ? str : Buffer.from(str, "utf8").toString("utf8");
}

function interned(st: KeepState, str: string | undefined): string | undefined {
  if (str === undefined || str === "") return str;
  st.strings ??= new Map();
  const hit = st.strings.get(str);
  if (hit !== undefined) return hit;
  const mine = fit(st, str);
  if (st.strings.size < MAX_INTERNED && str.length <= 512) st.strings.set(mine, mine);
  return mine;
}

/**
 * What is kept of a matched access-log line: only the fields judging and the report read (headers,
 * virtual host, proxy and protocol are used by the rules alone), each string its own copy, repeated
 * ones held once. Kept lines and tallies are what a long incident log leaves in memory.
 */
export function compactEntry(st: KeepState, e: LogEntry): LogEntry {
  const request = internedRequest(st, e.request);
  let uri: string | undefined;
  if (e.uri !== undefined) {
    // The path is part of the request line: a slice of the kept request costs a few bytes, not a copy.
    const at = request.indexOf(e.uri);
    uri = at >= 0 ? request.slice(at, at + e.uri.length) : fit(st, e.uri);
  }
  // Every field in one literal (absent ones undefined): tens of thousands of kept lines and tallies
  // then share one shape with the fields in the object itself, with no second array of fields each.
  return entryLiteral(st, e, request, uri);
}

/**
 * A line kept by another scan (a segment's, joined here), as one literal again: one from the worker
 * thread arrives as an object built field by field (fields past the first few in a second array) with
 * fresh copies of the strings it shares with other lines (its kind, client, request...): held once
 * again. Its strings are its own already (no line behind them).
 */
function rebuilt(st: KeepState, e: LogEntry): LogEntry {
  const request = internedRequest(st, e.request);
  // A slice of the request again (one from the worker thread arrives as a copy of its own).
  let uri = e.uri;
  if (uri !== undefined) {
    const at = request.indexOf(uri);
    if (at >= 0) uri = request.slice(at, at + uri.length);
    else if (uri.length > MAX_FIELD_CHARS) uri = fit(st, uri);
  }
  return entryLiteral(st, e, request, uri);
}

/** Requests many kept lines and tallies repeat (a scanner's probe sent from many clients), held once. */
const MAX_REQUESTS = 16384;

function internedRequest(st: KeepState, str: string): string {
  st.requests ??= new Map();
  const hit = st.requests.get(str);
  if (hit !== undefined) return hit;
  const mine = fit(st, str);
  if (st.requests.size < MAX_REQUESTS && str.length <= 1024) st.requests.set(mine, mine);
  return mine;
}

function stateOf(s: Keeping): KeepState {
  s.keep ??= { groups: new Groups(), kept: 0, errors: 0 };
  return s.keep;
}

/** Keeps a matched access-log line, or counts it in its group's tally. */
export function keepMatch(s: Keeping, m: MatchedEntry, keepAll = false, kept = false): void {
  const st = stateOf(s);
  const [key, g] = groupOf(s, m.entry, m.ruleId);
  const groups = st.groups;
  if (keepAll || ((groups.kept[g] as number) < PER_GROUP && st.kept < MAX_KEPT)) {
    // A copy is kept, so that the parser's objects all die young: were many of them kept, V8 would
    // allocate them all in the old generation, which then fills with the ones tallied (pretenuring).
    // A line another scan kept (`kept`: a segment's, joined) is compact already.
    if (kept) s.matches.push({ entry: rebuilt(st, m.entry), ruleId: interned(st, m.ruleId) as string });
    else s.matches.push({ entry: compactEntry(st, m.entry), ruleId: m.ruleId });
    groups.kept[g] = (groups.kept[g] as number) + 1;
    st.kept++;
    return;
  }
  let t = groups.tally[g];
  if (!t) {
    const entry = kept ? rebuilt(st, m.entry) : compactEntry(st, m.entry);
    // The coarsest group holds lines of clients first seen past the bound: none of them stands for all.
    if (key.startsWith(`${m.ruleId}\u0000*\u0000`)) entry.ip = OTHER_CLIENTS;
    t = {
      key,
      ruleId: interned(st, m.ruleId) as string,
      entry,
      count: 0,
      firstTime: undefined,
      lastTime: undefined,
      hours: new HourCounts(),
      varied: false,
    };
    groups.tally[g] = t;
    s.tallies.push(t);
  }
  t.count++;
  const ms = m.entry.time?.getTime();
  if (ms !== undefined && !Number.isNaN(ms)) {
    const iso = (m.entry.time as Date).toISOString();
    if (t.firstTime === undefined || iso < t.firstTime) t.firstTime = iso;
    if (t.lastTime === undefined || iso > t.lastTime) t.lastTime = iso;
    t.hours.addAt(ms);
  }
  if (!t.varied && sigOf(m.entry) !== groups.sig[g]) t.varied = true;
}

/** Adds a tally of another part of the file (its entry's line already placed) to `s`'s. */
export function mergeTally(s: Keeping, t: MatchTally): void {
  const [key, g] = groupOf(s, t.entry, t.ruleId);
  const st = stateOf(s);
  const groups = st.groups;
  const mine = groups.tally[g];
  if (!mine) {
    const ruleId = interned(st, t.ruleId) as string;
    const entry = rebuilt(st, t.entry);
    // Named by the group it joins here (past a bound, a coarser one than the part's), as one pass names it.
    if (key !== t.key && key.startsWith(`${ruleId}\u0000*\u0000`)) entry.ip = OTHER_CLIENTS;
    // One literal again (one from the worker thread was built field by field).
    const made: MatchTally = {
      key: key === t.key ? t.key : key,
      ruleId,
      entry,
      count: t.count,
      firstTime: t.firstTime,
      lastTime: t.lastTime,
      hours: HourCounts.from(t.hours),
      varied: t.varied || (sigOf(entry) !== groups.sig[g] && (groups.kept[g] as number) > 0),
    };
    groups.tally[g] = made;
    s.tallies.push(made);
    return;
  }
  mine.count += t.count;
  if (t.firstTime && (!mine.firstTime || t.firstTime < mine.firstTime)) mine.firstTime = t.firstTime;
  if (t.lastTime && (!mine.lastTime || t.lastTime > mine.lastTime)) mine.lastTime = t.lastTime;
  mine.hours.addAll(HourCounts.from(t.hours));
  mine.varied ||= t.varied || sigOf(t.entry) !== groups.sig[g];
  if (t.entry.line < mine.entry.line) mine.entry = rebuilt(st, t.entry);
}

const MAX_TIMES = 1 << 16;

/**
 * One Date for the lines of one millisecond (a Date costs 96 bytes, and the kept lines and tallies of
 * an incident log share their seconds: attacks come in bursts). Nothing changes a line's Date.
 */
function internedTime(st: KeepState, d: Date | undefined): Date | undefined {
  const ms = d?.getTime();
  if (ms === undefined || Number.isNaN(ms)) return d;
  st.times ??= new Map();
  const hit = st.times.get(ms);
  if (hit !== undefined) return hit;
  if (st.times.size >= MAX_TIMES) st.times.clear();
  st.times.set(ms, d as Date);
  return d;
}

/** A kept line as one object literal, its shared strings interned. */
function entryLiteral(st: KeepState, e: LogEntry, request: string, uri: string | undefined): LogEntry {
  return {
    kind: e.kind === "access" ? "access" : "error",
    line: e.line,
    raw: "",
    request,
    time: internedTime(st, e.time),
    ip: interned(st, e.ip),
    method: interned(st, e.method),
    uri,
    status: e.status,
    size: e.size,
    referer: interned(st, e.referer),
    userAgent: interned(st, e.userAgent),
    logged:
      e.logged === undefined ? undefined : e.logged === e.request ? request : internedRequest(st, e.logged),
  };
}
