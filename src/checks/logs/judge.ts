/**
 * Judging the log engine's facts: each matched line's outcome (from the file's baseline samples and the
 * error log around it), then the report's logs section. The same for `logs`, `audit` and `watch`, which
 * differ only in what they read. Pure: no I/O.
 */
import type { FileSummary, LaterRequest, LogEntry, LogFileState } from "../../facts/log-lines.ts";
import type { Rule } from "../../rules/logs.ts";
import {
  type ErrorEvidence,
  indicatorsOf,
  type LogEvent,
  learnBaseline,
  mergeIndicators,
  type Outcome,
  outcomeOf,
  perAttack,
  perHour,
  summarizeAttackers,
} from "./analyze.ts";
import { resolveTarget } from "./target.ts";

/** Error-log lines are stamped to the microsecond, access-log lines to the second. */
const TIE_BEFORE_MS = 1000;
const TIE_AFTER_MS = 2500;

function near(err: LogEntry, acc: LogEntry): boolean {
  if (!err.time || !acc.time) return false;
  const d = err.time.getTime() - acc.time.getTime();
  return d >= -TIE_BEFORE_MS && d <= TIE_AFTER_MS;
}

/** The program or file an error line names (`exec of '/etc/passwd' failed`, `... headers: sh`). */
function execPathOf(e: LogEntry): string | undefined {
  return /exec of '([^']+)' failed/.exec(e.message ?? "")?.[1];
}

/**
 * Outcomes need the whole picture: the site's baseline and the error-log lines of the same client
 * around each request. An error-log line that belongs to a matched request is evidence about it, not an
 * event of its own (one attack is not counted twice); one that belongs to none is judged alone.
 */
export function eventsFrom(scans: LogFileState[], rules: Rule[]): LogEvent[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const errorsByIp = new Map<string, LogEntry[]>();
  const noClient: LogEntry[] = [];
  const addError = (e: LogEntry) => {
    if (!e.ip) {
      if (noClient.length < 10_000) noClient.push(e);
      return;
    }
    const list = errorsByIp.get(e.ip);
    if (list) {
      if (list.length < 1000) list.push(e);
    } else errorsByIp.set(e.ip, [e]);
  };
  const seenError = new Set<LogEntry>();
  for (const s of scans) {
    const errs = [...s.cgiErrors, ...s.matches.filter((m) => m.entry.kind === "error").map((m) => m.entry)];
    for (const e of errs) {
      if (seenError.has(e)) continue;
      seenError.add(e);
      addError(e);
    }
  }
  const tied = new Set<LogEntry>();
  const evidenceFor = (acc: LogEntry): ErrorEvidence => {
    const ev: ErrorEvidence = { ranNoHeader: [], badHeader: [], execFailed: false };
    for (const err of errorsByIp.get(acc.ip ?? "") ?? []) {
      if (!near(err, acc)) continue;
      tied.add(err);
      const msg = err.message ?? "";
      const ran = /End of script output before headers: (\S+)/.exec(msg);
      if (ran) ev.ranNoHeader.push(ran[1] as string);
      const bad = /malformed header from script '([^']+)'/.exec(msg);
      if (bad) ev.badHeader.push(bad[1] as string);
    }
    const target = resolveTarget(acc.uri).path;
    for (const err of noClient)
      if (near(err, acc) && execPathOf(err) === target) {
        tied.add(err);
        ev.execFailed = true;
      }
    return ev;
  };
  const events: LogEvent[] = [];
  const push = (s: LogFileState, entry: LogEntry, rule: Rule, outcome: Outcome, why: string) =>
    events.push({
      file: s.path,
      line: entry.line,
      time: entry.time?.toISOString(),
      ip: entry.ip ?? "unknown",
      attack: rule.id,
      cves: rule.cves,
      outcome,
      severity: rule.severity,
      request: entry.logged ?? entry.request,
      status: entry.status,
      size: entry.size,
      userAgent: entry.userAgent,
      kind: entry.kind,
      why,
    });
  for (const s of scans) {
    const access = s.matches.filter((m) => m.entry.kind === "access");
    if (access.length === 0) continue;
    const base = learnBaseline(
      s.samples,
      access.map((m) => ({ entry: m.entry, ruleId: m.ruleId })),
    );
    for (const { entry, ruleId } of access) {
      const rule = byId.get(ruleId);
      if (!rule) continue; // a rule gone since the facts were collected
      const { outcome, why } = outcomeOf(entry, rule, base, evidenceFor(entry));
      push(s, entry, rule, outcome, why);
    }
  }
  for (const s of scans)
    for (const { entry, ruleId } of s.matches) {
      if (entry.kind !== "error" || tied.has(entry)) continue;
      const rule = byId.get(ruleId);
      if (!rule) continue;
      const { outcome, why } = outcomeOf(entry, rule, EMPTY_BASELINE);
      push(s, entry, rule, outcome, why);
    }
  return events.sort(
    (a, b) => (a.time ?? "").localeCompare(b.time ?? "") || a.file.localeCompare(b.file) || a.line - b.line,
  );
}

const EMPTY_BASELINE = learnBaseline([], []);

/** Each attacker's first success (ISO time): whose later requests the engine's second pass collects. */
export function firstSuccesses(events: LogEvent[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const e of events)
    if (e.outcome === "succeeded" && e.time && !((first.get(e.ip) ?? "\uffff") <= e.time))
      first.set(e.ip, e.time);
  return first;
}

/** The events the JSON lists: every success, then the others in time order, up to `max`. */
export function shownEvents(events: LogEvent[], max: number): LogEvent[] {
  if (events.length <= max) return events;
  const wins = events.filter((e) => e.outcome === "succeeded");
  const rest = events.filter((e) => e.outcome !== "succeeded");
  return [...wins, ...rest.slice(0, Math.max(0, max - wins.length))].sort(
    (a, b) => (a.time ?? "").localeCompare(b.time ?? "") || a.line - b.line,
  );
}

/** What the logs section shows of the engine's facts besides the events. */
export interface LogsSectionFacts {
  files: FileSummary[];
  unreadable: Array<{ path: string; reason: string }>;
  tailBytes?: number;
  /** How many events the JSON lists (all are counted in attackers, hours and findings). */
  maxEvents: number;
  /** For each attacker who succeeded: their later requests (the engine's second pass). */
  next: Record<string, LaterRequest[]>;
}

/** The `sections.logs` object of the JSON report, from the facts and the events judged from them. */
export function logsSection(facts: LogsSectionFacts, events: LogEvent[]) {
  return {
    files: facts.files,
    unreadable: facts.unreadable,
    tailBytes: facts.tailBytes,
    eventsTotal: events.length,
    eventsTruncated: events.length > facts.maxEvents,
    events: shownEvents(events, facts.maxEvents).map((e) => ({
      file: e.file,
      line: e.line,
      time: e.time,
      ip: e.ip,
      attack: e.attack,
      cves: e.cves,
      outcome: e.outcome,
      severity: e.severity,
      request: e.request,
      status: e.status,
      size: e.size,
      why: e.why,
    })),
    attackers: summarizeAttackers(events).map((a) => {
      const next = facts.next[a.ip] ?? [];
      let indicators = a.indicators;
      for (const r of next) indicators = mergeIndicators(indicators, indicatorsOf(r.request, a.ip));
      return { ...a, next, indicators };
    }),
    attacks: perAttack(events),
    hours: perHour(events),
  };
}

export type LogsSection = ReturnType<typeof logsSection>;
