/**
 * Per-client behaviour (issue 15), in the manner of CrowdSec's scenarios but explained: many distinct
 * nonexistent paths, many script names, a sweep of secret files, a burst of refused requests, a known
 * scanner's path set. A line that alone is unremarkable (a low recon probe answered 404) becomes part of a
 * "probing" event when its client's behaviour over a window shows intent. Scenarios are data
 * (rules/logs/behaviour/scenarios.yaml, src/rules/logs-behaviour.ts).
 *
 * Bounded while streaming: the tracker keeps, per client and scenario, a window start, a count and at most
 * `threshold` path hashes (no line is retained), for at most MAX_CLIENTS clients (those not seen for
 * longest are forgotten first, by generations); fired scenarios are kept apart (at most MAX_FIRED) so a flood of new clients cannot
 * erase a finding. Windows are fixed, not sliding: a window opens at a client's first counted line and a
 * line past its end opens the next one (a burst split across two windows can be missed; it is never
 * invented). Pure: no I/O.
 */
import { OTHER_CLIENTS } from "../../facts/log-lines.ts";
import type { Scenario } from "../../rules/logs-behaviour.ts";
import { type LogEvent, linesOf, OUTCOME_RANK, type Outcome } from "./analyze.ts";
import { deepDecode } from "./target.ts";

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
}

/** A scenario one client set off. */
export interface Fired {
  ip: string;
  scenario: string;
  /** The window's first counted line, and the last counted line (ISO). */
  firstSeen?: string;
  lastSeen?: string;
  /** Counted lines and distinct paths from the window's start on (distinct stops counting at 1000). */
  lines: number;
  distinct: number;
}

export const MAX_CLIENTS = 20_000;
export const MAX_FIRED = 20_000;
const MAX_DISTINCT = 1000;
/** Paths longer than this are judged by their first part (a target is at most 8190 bytes anyway). */
const PATH_BUDGET = 2048;

/** The decoded, lower-cased path of a target (query removed): what scenarios test. */
export function scenarioPath(target: string): string {
  const q = target.indexOf("?");
  const raw = (q >= 0 ? target.slice(0, q) : target).slice(0, PATH_BUDGET);
  return (raw.includes("%") ? deepDecode(raw) : raw).toLowerCase();
}

/** Whether a line counts for a scenario. */
export function fits(s: Scenario, path: string, status: number | undefined): boolean {
  if (s.status && (status === undefined || !s.status.includes(status))) return false;
  if (s.pathSet && !s.pathSet.has(path)) return false;
  if (s.regex && !s.regex.test(path)) return false;
  return true;
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

interface Counter {
  /** The window's first counted line (epoch ms; undefined: no time seen yet). */
  start: number | undefined;
  n: number;
  /** Distinct path hashes in the window, at most the scenario's threshold. */
  seen: number[];
}

interface FiredState {
  ip: string;
  scenario: string;
  firstMs?: number;
  lastMs?: number;
  lines: number;
  distinct: number;
  hashes: Set<number>;
}

const isoOf = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export class BehaviourTracker {
  private readonly scenarios: Scenario[];
  private readonly maxClients: number;
  private young = new Map<string, Array<Counter | undefined>>();
  private old = new Map<string, Array<Counter | undefined>>();
  private readonly firedBy = new Map<string, FiredState>();
  private readonly firedIps = new Set<string>();
  /** Scenarios that fired past MAX_FIRED (counted only). */
  firedDropped = 0;

  constructor(scenarios: Scenario[], maxClients = MAX_CLIENTS) {
    this.scenarios = scenarios;
    this.maxClients = maxClients;
  }

  /** Counts one line (or a tally of `lines` identical ones); `path` is scenarioPath(o.target). */
  observe(o: Observed, path = scenarioPath(o.target)): void {
    const lines = o.lines ?? 1;
    let counters: Array<Counter | undefined> | undefined;
    let h: number | undefined;
    for (let i = 0; i < this.scenarios.length; i++) {
      const s = this.scenarios[i] as Scenario;
      if (!fits(s, path, o.status)) continue;
      h ??= hash(path);
      const done = this.firedIps.has(o.ip) ? this.firedBy.get(`${o.ip}\u0000${s.id}`) : undefined;
      if (done) {
        done.lines += lines;
        if (done.hashes.size < MAX_DISTINCT && !done.hashes.has(h)) {
          done.hashes.add(h);
          done.distinct++;
        }
        if (o.timeMs !== undefined && (done.lastMs === undefined || o.timeMs > done.lastMs))
          done.lastMs = o.timeMs;
        continue;
      }
      counters ??= this.countersOf(o.ip);
      let c = counters[i];
      const expired =
        c !== undefined &&
        o.timeMs !== undefined &&
        c.start !== undefined &&
        o.timeMs - c.start > s.windowSeconds * 1000;
      if (!c || expired) {
        c = { start: o.timeMs, n: 0, seen: [] };
        counters[i] = c;
      } else if (c.start === undefined) c.start = o.timeMs;
      if (s.count === "lines") c.n += lines;
      else if (!c.seen.includes(h)) {
        c.seen.push(h);
        c.n++;
      }
      if (c.n < s.threshold) continue;
      counters[i] = undefined;
      if (this.firedBy.size >= MAX_FIRED) {
        this.firedDropped++;
        continue;
      }
      this.firedBy.set(`${o.ip}\u0000${s.id}`, {
        ip: o.ip,
        scenario: s.id,
        firstMs: c.start,
        lastMs: o.timeMs ?? c.start,
        lines: s.count === "lines" ? c.n : c.n + (lines - 1),
        distinct: s.count === "distinct" ? c.n : 1,
        hashes: new Set(c.seen.length > 0 ? c.seen : [h]),
      });
      this.firedIps.add(o.ip);
    }
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
    this.young.set(ip, c);
    return c;
  }

  /** Clients whose counters are held (at most the cap). */
  get clientCount(): number {
    return this.young.size + this.old.size;
  }

  fired(): Fired[] {
    return [...this.firedBy.values()].map((f) => ({
      ip: f.ip,
      scenario: f.scenario,
      firstSeen: isoOf(f.firstMs),
      lastSeen: isoOf(f.lastMs),
      lines: f.lines,
      distinct: f.distinct,
    }));
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

/** The request target of a logged request line (`GET /x HTTP/1.1` -> `/x`). */
export function targetOf(request: string): string {
  const a = request.indexOf(" ");
  if (a < 0) return request;
  const b = request.lastIndexOf(" ");
  return b > a ? request.slice(a + 1, b) : request.slice(a + 1);
}

/** Clients that are no one address (the engine's grouped clients) or none. */
const usable = (e: LogEvent) => e.kind === "access" && e.ip !== OTHER_CLIENTS && e.ip !== "unknown";

/**
 * Runs the scenarios over the events (in time order, as read) and marks each event that belongs to a
 * scenario its client set off (`probing`). The tracker sees each event once and keeps no line.
 */
export function markProbing(events: LogEvent[], scenarios: Scenario[]): BehaviourTracker {
  const tracker = new BehaviourTracker(scenarios);
  if (scenarios.length === 0) return tracker;
  for (const e of events) {
    if (!usable(e)) continue;
    const ms = e.time === undefined ? undefined : Date.parse(e.time);
    tracker.observe({
      ip: e.ip,
      timeMs: ms === undefined || Number.isNaN(ms) ? undefined : ms,
      target: targetOf(e.request),
      status: e.status,
      lines: linesOf(e),
    });
  }
  for (const e of events) {
    if (!usable(e)) continue;
    const s = tracker.scenarioOf(e.ip, targetOf(e.request), e.status);
    if (s) e.probing = s;
  }
  return tracker;
}

/** A probing event: one client's lines that one scenario gathered. */
export interface Probing {
  ip: string;
  scenario: string;
  firstSeen?: string;
  lastSeen?: string;
  requests: number;
  /** Distinct paths among the listed lines (a tally counts once). */
  paths: number;
  outcome: Outcome;
}

/** Probing events listed in the JSON (the worst first); all are counted in `probingTotal`. */
export const MAX_PROBING = 1000;

/** The probing events the marked events make, successes first, then by requests. */
export function probingSummary(events: LogEvent[], max = MAX_PROBING): { total: number; list: Probing[] } {
  const by = new Map<string, Probing & { seen: Set<string> }>();
  for (const e of events) {
    if (!e.probing) continue;
    const k = `${e.ip}\u0000${e.probing}`;
    let p = by.get(k);
    if (!p) {
      p = { ip: e.ip, scenario: e.probing, requests: 0, paths: 0, outcome: "blocked", seen: new Set() };
      by.set(k, p);
    }
    p.requests += linesOf(e);
    const path = scenarioPath(targetOf(e.request));
    if (p.seen.size < MAX_DISTINCT && !p.seen.has(path)) p.seen.add(path);
    if (OUTCOME_RANK.indexOf(e.outcome) < OUTCOME_RANK.indexOf(p.outcome)) p.outcome = e.outcome;
    const last = e.lastTime ?? e.time;
    if (e.time && (!p.firstSeen || e.time < p.firstSeen)) p.firstSeen = e.time;
    if (last && (!p.lastSeen || last > p.lastSeen)) p.lastSeen = last;
  }
  const list = [...by.values()]
    .map(({ seen, ...p }) => ({ ...p, paths: seen.size }))
    .sort(
      (a, b) =>
        OUTCOME_RANK.indexOf(a.outcome) - OUTCOME_RANK.indexOf(b.outcome) ||
        b.requests - a.requests ||
        a.ip.localeCompare(b.ip) ||
        a.scenario.localeCompare(b.scenario),
    );
  return { total: list.length, list: list.slice(0, max) };
}
