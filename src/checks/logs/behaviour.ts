/**
 * Per-client behaviour (issue 15), in the manner of CrowdSec's scenarios but explained: many distinct
 * nonexistent paths, many script names, a sweep of secret files, a burst of refused requests, a known
 * scanner's path set. A line that alone is unremarkable (a low recon probe answered 404, or a 404 no rule
 * names at all) becomes part of a "probing" event when its client's behaviour over a window shows intent.
 * Scenarios are data (rules/logs/behaviour/scenarios.yaml, src/rules/logs-behaviour.ts); the bounded
 * tracker is src/rules/behaviour-track.ts. The log reader runs it over every access line it parses (the
 * 4xx lines no rule names included) and hands over what fired (`LogFileState.probing`); facts saved
 * without that are tracked here over the matched events. Pure: no I/O.
 */
import type { CheckContext } from "../../core/context.ts";
import { type Finding, findingId } from "../../core/finding.ts";
import { byCodeUnit } from "../../core/order.ts";
import {
  type LaterRequest,
  type LogFileState,
  laterOf,
  OTHER_CLIENTS,
  type ProbingFact,
} from "../../facts/log-lines.ts";
import { BehaviourTracker, scenarioPath } from "../../rules/behaviour-track.ts";
import type { Scenario } from "../../rules/logs-behaviour.ts";
import {
  type Indicators,
  indicatorsOf,
  type LogEvent,
  linesOf,
  mergeIndicators,
  OUTCOME_RANK,
  type Outcome,
} from "./analyze.ts";

export {
  BehaviourTracker,
  fits,
  MAX_CLIENTS,
  MAX_FIRED,
  type Observed,
  scenarioPath,
} from "../../rules/behaviour-track.ts";

const MAX_DISTINCT = 1000;

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
 * Marks each event that belongs to a scenario its client set off (`probing`). `collected`: what the log
 * reader's tracker fired, having seen every access line it parsed (absent in facts saved before it
 * existed); the scenarios also run here over the events (in time order, as read), each seen once.
 */
export function markProbing(
  events: LogEvent[],
  scenarios: Scenario[],
  collected?: ProbingFact[],
): BehaviourTracker {
  const tracker = new BehaviourTracker(scenarios);
  if (scenarios.length === 0) return tracker;
  if (collected) for (const p of collected) tracker.seed(p.ip, p.scenario);
  // The events too: a window the reader opened on an earlier line may have split a burst the matched
  // lines alone show (never fewer scenarios than before the reader tracked them).
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
  /** Lines gathered: matched events and lines no rule matched (at least; see `quiet`). */
  requests: number;
  /** Distinct paths among the gathered lines. */
  paths: number;
  /** Gathered lines that no rule matched: alone unremarkable (a 404 for `/hhh.php`). */
  quiet: number;
  outcome: Outcome;
  /** A few gathered lines (file, line, time, target, status). */
  examples: Array<{ file?: string; line: number; time?: string; target: string; status?: number }>;
  /** The line that showed success (a login page's redirect after many tries): outcome `succeeded`. */
  won?: { file?: string; line: number; time?: string; target: string; status?: number; after?: number };
}

/** Probing events listed in the JSON (the worst first); all are counted in `probingTotal`. */
export const MAX_PROBING = 1000;

type Acc = Probing & { seen: Set<string>; evRequests: number; factRequests: number; factPaths: number };

/**
 * The probing events the marked events and the reader's facts make, successes first, then by requests.
 * A scenario a client set off with no matched line at all (only 404s no rule names) is one too: its
 * outcome is what the statuses say (refused or not there: background noise).
 */
export function probingSummary(
  events: LogEvent[],
  max = MAX_PROBING,
  collected: Array<ProbingFact & { file?: string }> = [],
): { total: number; list: Probing[] } {
  const by = new Map<string, Acc>();
  const get = (ip: string, scenario: string, outcome: Outcome) => {
    const k = `${ip}\u0000${scenario}`;
    let p = by.get(k);
    if (!p) {
      p = {
        ip,
        scenario,
        requests: 0,
        paths: 0,
        quiet: 0,
        outcome,
        examples: [],
        seen: new Set(),
        evRequests: 0,
        factRequests: 0,
        factPaths: 0,
      };
      by.set(k, p);
    }
    return p;
  };
  const span = (p: Acc, first: string | undefined, last: string | undefined) => {
    if (first && (!p.firstSeen || first < p.firstSeen)) p.firstSeen = first;
    if (last && (!p.lastSeen || last > p.lastSeen)) p.lastSeen = last;
  };
  for (const e of events) {
    if (!e.probing) continue;
    const p = get(e.ip, e.probing, "blocked");
    p.evRequests += linesOf(e);
    const path = scenarioPath(targetOf(e.request));
    if (p.seen.size < MAX_DISTINCT && !p.seen.has(path)) p.seen.add(path);
    if (OUTCOME_RANK.indexOf(e.outcome) < OUTCOME_RANK.indexOf(p.outcome)) p.outcome = e.outcome;
    span(p, e.time, e.lastTime ?? e.time);
  }
  for (const f of collected) {
    const p = get(f.ip, f.scenario, f.quietOutcome ?? "blocked");
    p.factRequests += f.lines;
    p.factPaths += f.distinct;
    p.quiet += f.quiet;
    if (f.quietOutcome && OUTCOME_RANK.indexOf(f.quietOutcome) < OUTCOME_RANK.indexOf(p.outcome))
      p.outcome = f.quietOutcome;
    span(p, f.firstSeen, f.lastSeen);
    if (f.won && !p.won) {
      p.won = { ...(f.file ? { file: f.file } : {}), ...f.won };
      p.outcome = "succeeded";
    }
    for (const x of f.examples)
      if (p.examples.length < 5) p.examples.push({ ...(f.file ? { file: f.file } : {}), ...x });
  }
  const list = [...by.values()]
    .map(({ seen, evRequests, factRequests, factPaths, ...p }) => ({
      ...p,
      // The reader counted every line from the window's start on, matched ones included; a matched line
      // before that window is counted by the events alone.
      requests: Math.max(evRequests, factRequests),
      paths: Math.max(seen.size, Math.min(factPaths, MAX_DISTINCT)),
    }))
    .sort(
      (a, b) =>
        OUTCOME_RANK.indexOf(a.outcome) - OUTCOME_RANK.indexOf(b.outcome) ||
        b.requests - a.requests ||
        byCodeUnit(a.ip, b.ip) ||
        byCodeUnit(a.scenario, b.scenario),
    );
  return { total: list.length, list: list.slice(0, max) };
}

/** The first success of each client that guessed a password (whose later requests the reader follows). */
export function guessedFirst(scans: Array<Pick<LogFileState, "probing">>): Map<string, string> {
  const first = new Map<string, string>();
  for (const s of scans)
    for (const p of s.probing ?? []) {
      const at = p.won?.time;
      if (at && !((first.get(p.ip) ?? "\uffff") <= at)) first.set(p.ip, at);
    }
  return first;
}

/**
 * A password guessed on a login page: a client that set off a scenario with a `success` (many login
 * tries) and then got the answer a right password gets (a redirect into the admin area). One finding
 * per client and scenario; the guessing that never got in stays a probing line of the story.
 */
export function guessedLogins(
  collected: Array<ProbingFact & { file?: string }>,
  ctx: CheckContext,
  next: Record<string, LaterRequest[]> = {},
): Finding[] {
  const t = ctx.t;
  const out = new Map<string, Finding>();
  for (const p of collected) {
    if (!p.won) continue;
    const k = `${p.ip}\u0000${p.scenario}`;
    const seen = out.get(k);
    if (seen) {
      (seen.data as { requests: number }).requests += p.lines;
      continue;
    }
    const params = {
      ip: p.ip,
      count: p.won.after,
      time: p.won.time ?? "?",
      line: p.won.line,
      file: p.file ?? "?",
    };
    // What they asked for once in (the reader's second pass): a plugin upload, a theme edit, a shell.
    const after = laterOf(next, p.ip).filter((r) => !p.won?.time || !r.time || r.time > p.won.time);
    let indicators: Indicators = { urls: [], ips: [], files: [] };
    for (const r of after) indicators = mergeIndicators(indicators, indicatorsOf(r.request, p.ip));
    out.set(k, {
      id: findingId("logs.login", p.ip, p.scenario),
      check: "logs.login",
      severity: "critical",
      confidence: "likely",
      title: t("logs.finding.login.title", params),
      detail: t("logs.finding.login.detail", params),
      cves: [],
      evidence: [
        ...p.examples.slice(0, 2).map((x) => ({
          path: p.file,
          line: x.line,
          value: x.target,
          time: x.time,
          timeSource: "log" as const,
          ip: p.ip,
          label: [`${x.status ?? "-"} `, t("logs.outcome.failed")],
        })),
        {
          path: p.file,
          line: p.won.line,
          value: p.won.target,
          time: p.won.time,
          timeSource: "log",
          ip: p.ip,
          label: [`${p.won.status ?? "-"} `, t("logs.outcome.succeeded")],
        },
        ...after.slice(0, 5).map((r) => ({
          path: r.file,
          line: r.line,
          value: r.request,
          time: r.time,
          timeSource: "log" as const,
          ip: p.ip,
          label: [`${r.status ?? "-"} `, t("logs.finding.login.after")],
        })),
      ],
      remediation: t("logs.finding.login.fix", params),
      references: ["https://developer.wordpress.org/advanced-administration/security/brute-force/"],
      time: p.won.time,
      timeSource: "log",
      data: {
        ip: p.ip,
        attack: p.scenario,
        outcome: "succeeded",
        firstSeen: p.firstSeen,
        lastSeen: p.lastSeen,
        requests: p.lines,
        successTimes: p.won.time ? [p.won.time] : [],
        indicators,
      },
    });
  }
  return [...out.values()];
}
