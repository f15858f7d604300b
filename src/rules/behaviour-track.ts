/**
 * The behaviour scenarios' bounded tracker (issue 15), shared by the log reader, which feeds it every
 * access line it parses in file order (rule matches and the 4xx lines no rule names) on the thread that
 * joins a file's parts, and by the log checks, which run it over the matched events of facts saved
 * without it. Pure: no I/O.
 *
 * Bounded while streaming: per client and scenario, a window start, a count, at most `threshold` path
 * hashes and the window's first line (no other line is retained; a fired scenario keeps a few), for at most MAX_CLIENTS clients (those not
 * seen for longest are forgotten first, by generations); fired scenarios are kept apart (at most
 * MAX_FIRED) so a flood of new clients cannot erase a finding. Windows are fixed, not sliding: a window
 * opens at a client's first counted line and a line past its end opens the next one (a burst split
 * across two windows can be missed; it is never invented).
 */
import { FNV_OFFSET, fnvString } from "../core/fnv.ts";
import { decodeRounds } from "../core/percent-decode.ts";
import type { ProbingFact } from "../facts/log-lines.ts";
import type { Scenario } from "./logs-behaviour.ts";

/** One access line (or a tally of identical ones) as the tracker sees it. */
export interface Observed {
  ip: string;
  /** Epoch ms; absent: counted in the current window. */
  timeMs?: number;
  /** The request target as sent (path and query). */
  target: string;
  status?: number;
  /** Lines this stands for (a tally); default 1. */
  lines?: number;
  /** Line number in its file (for examples). */
  line?: number;
  /** No rule matched the line: alone it is unremarkable. */
  quiet?: boolean;
  /** The answer had a body (bytes sent): a redirect a server writes has one, WordPress's login redirect none. */
  body?: boolean;
}

/**
 * A scenario one client set off: the reader's fact as it is (`ProbingFact`), one shape from the tracker
 * to the saved bundle and the judging.
 */
export type Fired = ProbingFact;
/** A line a probing event shows as an example. */
export type ProbeExample = ProbingFact["examples"][number];

export const MAX_CLIENTS = 20_000;
export const MAX_FIRED = 20_000;
export const MAX_EXAMPLES = 5;
const MAX_DISTINCT = 1000;
/** Paths longer than this are judged by their first part (a target is at most 8190 bytes anyway). */
const PATH_BUDGET = 2048;

/** The decoded, lower-cased path of a target (query removed): what scenarios test. */
export function scenarioPath(target: string): string {
  const q = target.indexOf("?");
  const raw = (q >= 0 ? target.slice(0, q) : target).slice(0, PATH_BUDGET);
  return (raw.includes("%") ? decodeRounds(raw) : raw).toLowerCase();
}

/** The literals of every scenario (lines holding one are read although no rule needs them). */
export function quietLiteralsOf(scenarios: Scenario[]): string[] {
  return [...new Set(scenarios.flatMap((s) => s.literals ?? []))];
}

/** Whether a line counts for a scenario. */
export function fits(s: Scenario, path: string, status: number | undefined): boolean {
  if (s.status && (status === undefined || !s.status.includes(status))) return false;
  if (s.pathSet && !s.pathSet.has(path)) return false;
  if (s.regex && !s.regex.test(path)) return false;
  return true;
}

/**
 * What a status alone says of a request no rule matched: refused (blocked), not there (failed), or
 * answered (unknown: a 200 or a 500 may have done something).
 */
export function statusOutcome(status: number | undefined): "unknown" | "failed" | "blocked" {
  if (status === undefined) return "unknown";
  if (
    status === 400 ||
    status === 401 ||
    status === 403 ||
    status === 405 ||
    status === 406 ||
    status === 444
  )
    return "blocked";
  if (status >= 300 && status < 500) return "failed";
  return "unknown";
}

/** Whether a counted line shows the client got what the scenario says it was after. */
function succeeded(success: NonNullable<Scenario["success"]>, path: string, o: Observed): boolean {
  if (o.status === undefined || !success.status.includes(o.status) || !success.regex.test(path)) return false;
  if (success.empty && o.body) return false;
  if (success.queryNot === undefined) return true;
  const q = o.target.indexOf("?");
  return (
    q < 0 ||
    !o.target
      .slice(q + 1, q + 1 + PATH_BUDGET)
      .toLowerCase()
      .includes(success.queryNot)
  );
}

const QUIET_RANK = ["unknown", "failed", "blocked"] as const;

function hash(s: string): number {
  const h = fnvString(FNV_OFFSET, s);
  // Signed: held in place in arrays and sets, where one past 2^31 would be a number object.
  return h | 0;
}

/** An example as held until asked for (its time as a number: no string for lines that never fire). */
interface Held {
  line: number;
  /** From the tracker's first time, as the counters' (a small integer held in place, not a number object). */
  ms?: number;
  target: string;
  status?: number;
}

/** A window whose client was let in before its tries added up (see `observe`): no success to report. */
const LOGS_IN: Held = Object.freeze({ line: 0, target: "" });

const shown = (x: Held, base: number): ProbeExample => ({
  line: x.line,
  ...(x.ms === undefined ? {} : { time: new Date(x.ms + base).toISOString() }),
  target: x.target,
  ...(x.status === undefined ? {} : { status: x.status }),
});

/**
 * A string of its own: a slice of a log line (a client, a target) keeps the whole line alive, and a
 * tracker holds one for each of up to MAX_CLIENTS clients and each of their windows.
 */
function own(s: string): string {
  return s.length <= 12 || !s.isWellFormed() ? s : Buffer.from(s, "utf8").toString("utf8");
}

/** `n` itself, as an integer V8 holds in place when it is one (a difference of doubles is a double). */
function small(n: number): number {
  return n === (n | 0) ? n | 0 : n;
}

interface Counter {
  /**
   * The window's first counted line (ms from the tracker's first time: a small integer, held in the
   * object itself, where an epoch time would be a number object of its own; undefined: no time yet).
   */
  start: number | undefined;
  n: number;
  /** Lines counted (a tally counts its lines) and quiet lines among them. */
  lines: number;
  quiet: number;
  quietOutcome?: Fired["quietOutcome"];
  /**
   * Distinct path hashes in the window, at most the scenario's threshold (count "distinct" only), in
   * an array of the exact length (a pushed one reserves 16 more slots).
   */
  seen: number[] | undefined;
  /** The window's first counted line (an example if it fires): held in place, no object of its own. */
  line: number;
  /** As `start`: from the tracker's first time. */
  ms: number | undefined;
  target: string;
  status: number | undefined;
  /** The window's first line that showed success (the scenario's `success`), if any. */
  won: Held | undefined;
  /** Lines counted up to and with it. */
  wonAfter: number;
}

interface FiredState {
  ip: string;
  scenario: string;
  /** As the examples' times: from the tracker's first time. */
  firstMs?: number;
  lastMs?: number;
  lines: number;
  distinct: number;
  quiet: number;
  quietOutcome?: Fired["quietOutcome"];
  /**
   * Distinct path hashes seen (at most MAX_DISTINCT): an array of the exact length while short (a fired
   * client has asked for a few dozen paths; a Set of 22 numbers is 664 bytes, the array 192), then a table.
   */
  hashes: number[] | HashTable;
  examples: Held[];
  won?: Held;
  wonAfter?: number;
  /** Its success was handed out by `newWins`. */
  told?: boolean;
}

/** Hashes held in an array before the table: past this, `includes` would cost more than the table saves. */
const HASHES_IN_ARRAY = 64;

/**
 * A set of 32-bit path hashes in one typed array (open addressing, at most half full): 4-8 bytes a
 * hash where a Set takes about 20. A 10 GB incident log's scanners held 3,394 Sets of 140 hashes on
 * average, 9.8 MB.
 */
class HashTable {
  private slots = new Int32Array(256);
  size = 0;

  /** Adds `h`; whether it was new. */
  add(h: number): boolean {
    // 0 marks an empty slot: the one hash that is 0 is held as another constant.
    const v = h === 0 ? 0x5bd1e995 : h;
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    for (let i = Math.imul(v, 0x9e3779b1) >>> 0; ; i++) {
      const at = i & mask;
      const held = this.slots[at];
      if (held === v) return false;
      if (held === 0) {
        this.slots[at] = v;
        this.size++;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.size = 0;
    for (const v of old) if (v !== 0) this.add(v);
  }
}

/** Adds path hash `h` to a fired scenario's; whether it was new (and held: at most MAX_DISTINCT). */
function addHash(f: FiredState, h: number): boolean {
  const held = f.hashes;
  if (Array.isArray(held)) {
    if (held.includes(h)) return false;
    if (held.length < HASHES_IN_ARRAY) {
      f.hashes = held.concat([h]);
      return true;
    }
    const table = new HashTable();
    for (const x of held) table.add(x);
    f.hashes = table;
  }
  const table = f.hashes as HashTable;
  if (table.size >= MAX_DISTINCT) return false;
  return table.add(h);
}

const isoOf = (ms: number | undefined, base: number) =>
  ms === undefined ? undefined : new Date(ms + base).toISOString();

/** A fired scenario as the reader's fact (`base`: the tracker's first time, which its times count from). */
function factOf(f: FiredState, base: number): Fired {
  const show = (x: Held) => shown(x, base);
  return {
    ip: f.ip,
    scenario: f.scenario,
    firstSeen: isoOf(f.firstMs, base),
    lastSeen: isoOf(f.lastMs, base),
    lines: f.lines,
    distinct: f.distinct,
    quiet: f.quiet,
    ...(f.quietOutcome ? { quietOutcome: f.quietOutcome } : {}),
    examples: f.examples.map(show),
    ...(f.won && f.won !== LOGS_IN ? { won: { ...show(f.won), after: f.wonAfter ?? f.lines } } : {}),
  };
}

function better(a: Fired["quietOutcome"], b: Fired["quietOutcome"]): Fired["quietOutcome"] {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return QUIET_RANK.indexOf(a) <= QUIET_RANK.indexOf(b) ? a : b;
}

export class BehaviourTracker {
  private readonly scenarios: Scenario[];
  private readonly maxClients: number;
  private young = new Map<string, Array<Counter | undefined>>();
  private old = new Map<string, Array<Counter | undefined>>();
  private readonly firedBy = new Map<string, FiredState>();
  private readonly firedIps = new Set<string>();
  /** Scenarios that fired past MAX_FIRED (counted only). */
  firedDropped = 0;
  /** The first time observed (epoch ms): counters hold times from it. */
  private base: number | undefined;

  constructor(scenarios: Scenario[], maxClients = MAX_CLIENTS) {
    this.scenarios = scenarios;
    this.maxClients = maxClients;
  }

  /** Counts one line (or a tally of `lines` identical ones); `path` is scenarioPath(o.target). */
  observe(o: Observed, path = scenarioPath(o.target)): void {
    const lines = o.lines ?? 1;
    const quiet = o.quiet ? lines : 0;
    if (o.timeMs !== undefined) this.base ??= o.timeMs;
    const base = this.base as number;
    const at = o.timeMs === undefined ? undefined : small(o.timeMs - base);
    const qo = o.quiet ? statusOutcome(o.status) : undefined;
    let counters: Array<Counter | undefined> | undefined;
    let h: number | undefined;
    // A line no rule named that was answered (not 4xx) counts only for scenarios that asked for it.
    const answered = o.quiet && (o.status === undefined || o.status < 400 || o.status >= 500);
    for (let i = 0; i < this.scenarios.length; i++) {
      const s = this.scenarios[i] as Scenario;
      if (answered && !s.literals) continue;
      if (!fits(s, path, o.status)) continue;
      h ??= hash(path);
      const won = s.success !== undefined && succeeded(s.success, path, o);
      const done = this.firedIps.has(o.ip) ? this.firedBy.get(`${o.ip}\u0000${s.id}`) : undefined;
      if (done) {
        done.lines += lines;
        done.quiet += quiet;
        done.quietOutcome = better(done.quietOutcome, qo);
        if (addHash(done, h)) done.distinct++;
        if (at !== undefined && (done.lastMs === undefined || at > done.lastMs)) done.lastMs = at;
        if (done.examples.length < MAX_EXAMPLES) done.examples.push(this.example(o));
        if (won && !done.won) {
          done.won = this.example(o);
          done.wonAfter = done.lines;
        }
        continue;
      }
      counters ??= this.countersOf(o.ip);
      let c = counters[i];
      const expired =
        c !== undefined && at !== undefined && c.start !== undefined && at - c.start > s.windowSeconds * 1000;
      if (!c || expired) {
        c = {
          start: at,
          n: 0,
          lines: 0,
          quiet: 0,
          quietOutcome: undefined,
          seen: undefined,
          line: o.line ?? 0,
          ms: at,
          target: own(o.target.slice(0, 512)),
          status: o.status,
          won: undefined,
          wonAfter: 0,
        };
        counters[i] = c;
      } else if (c.start === undefined) c.start = at;
      c.lines += lines;
      c.quiet += quiet;
      if (qo !== undefined) c.quietOutcome = better(c.quietOutcome, qo);
      if (s.count === "lines") c.n += lines;
      else if (c.seen === undefined) {
        c.seen = [h];
        c.n++;
      } else if (!c.seen.includes(h)) {
        c.seen = c.seen.concat([h]);
        c.n++;
      }
      if (won && !c.won) {
        // Let in before the tries add up: a client that logs in (an office behind one address), whose
        // later redirects in this window say nothing about guessing.
        c.won = c.n < s.threshold ? LOGS_IN : this.example(o);
        c.wonAfter = c.lines;
      }
      if (c.n < s.threshold) continue;
      counters[i] = undefined;
      if (this.firedBy.size >= MAX_FIRED) {
        this.firedDropped++;
        continue;
      }
      const firstMs = c.start;
      const ip = own(o.ip);
      this.firedBy.set(`${ip}\u0000${s.id}`, {
        ip,
        scenario: s.id,
        firstMs,
        lastMs: at ?? firstMs,
        lines: c.lines,
        distinct: s.count === "distinct" ? c.n : 1,
        quiet: c.quiet,
        quietOutcome: c.quietOutcome,
        hashes: c.seen ?? [h],
        // The window's first line and the one that set it off; the next lines fill up to MAX_EXAMPLES.
        examples:
          c.line === (o.line ?? 0) && c.ms === at && c.target === o.target.slice(0, 512)
            ? [this.example(o)]
            : [{ line: c.line, ms: c.ms, target: c.target, status: c.status }, this.example(o)],
        ...(c.won ? { won: c.won, wonAfter: c.wonAfter } : {}),
      });
      this.firedIps.add(ip);
    }
  }

  private example(o: Observed): Held {
    const ms = o.timeMs === undefined ? undefined : small(o.timeMs - (this.base as number));
    return { line: o.line ?? 0, ms, target: own(o.target.slice(0, 512)), status: o.status };
  }

  /**
   * The counters of a client. Two generations stand for least-recently-used order at O(1) per line
   * (a Map's oldest key found by iteration walks every deleted entry first): clients seen since the
   * young generation began live in it; when it holds half the cap it becomes the old one and the
   * previous old generation, clients not seen for that long, is forgotten.
   */
  private countersOf(ip: string): Array<Counter | undefined> {
    let c = this.young.get(ip);
    if (c) return c;
    c = this.old.get(ip);
    if (c) this.old.delete(ip);
    else c = new Array<Counter | undefined>(this.scenarios.length).fill(undefined);
    if (this.young.size >= this.maxClients >> 1) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(own(ip), c);
    return c;
  }

  /** Scenarios set off and held (at most MAX_FIRED). */
  get firedCount(): number {
    return this.firedBy.size;
  }

  /** Clients whose counters are held (at most the cap). */
  get clientCount(): number {
    return this.young.size + this.old.size;
  }

  /** Marks a scenario as set off by a client (fired elsewhere: the log reader's facts). */
  seed(ip: string, scenario: string): void {
    const k = `${ip}\u0000${scenario}`;
    if (this.firedBy.has(k)) return;
    this.firedBy.set(k, {
      ip,
      scenario,
      lines: 0,
      distinct: 0,
      quiet: 0,
      hashes: [],
      examples: [],
    });
    this.firedIps.add(ip);
  }

  fired(): Fired[] {
    return [...this.firedBy.values()].map((f) => factOf(f, this.base ?? 0));
  }

  /**
   * Fired scenarios whose success line came since the last call (watch asks after each run, so a
   * guessed password is told once, in the run that read it).
   */
  newWins(): Fired[] {
    const out: Fired[] = [];
    for (const f of this.firedBy.values()) {
      if (!f.won || f.won === LOGS_IN || f.told) continue;
      f.told = true;
      out.push(factOf(f, this.base ?? 0));
    }
    return out;
  }

  /** The scenario (first in file order) this client set off that the line fits, if any. */
  scenarioOf(ip: string, target: string, status: number | undefined, path?: string): string | undefined {
    if (!this.firedIps.has(ip)) return undefined;
    for (const s of this.scenarios) {
      if (!this.firedBy.has(`${ip}\u0000${s.id}`)) continue;
      path ??= scenarioPath(target);
      if (fits(s, path, status)) return s.id;
    }
    return undefined;
  }
}
