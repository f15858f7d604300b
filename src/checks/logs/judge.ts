/**
 * Judging the log engine's facts: each matched line's outcome (from the file's baseline samples and the
 * error log around it), then the report's logs section. The same for `logs`, `audit` and `watch`, which
 * differ only in what they read. Pure: no I/O.
 */
import type { FileSummary, LaterRequest, LogEntry, LogFileState } from "../../facts/log-lines.ts";
import type { Rule } from "../../rules/logs.ts";
import {
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

/** Outcomes need the whole picture: the site's baseline and the error log around each request. */
export function eventsFrom(scans: LogFileState[], rules: Rule[]): LogEvent[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const cgi = scans.flatMap((s) => s.cgiErrors);
  const cgiNear = (e: LogEntry) =>
    cgi.some(
      (c) =>
        c.ip === e.ip &&
        c.time !== undefined &&
        e.time !== undefined &&
        Math.abs(c.time.getTime() - e.time.getTime()) <= 2000 &&
        /End of script output before headers: (?:ba)?sh\b|AH01215/.test(c.message ?? ""),
    );
  const events: LogEvent[] = [];
  for (const s of scans) {
    const base = learnBaseline(
      s.samples,
      s.matches.map((m) => m.entry),
    );
    for (const { entry, ruleId } of s.matches) {
      const rule = byId.get(ruleId);
      if (!rule) continue; // a rule gone since the facts were collected
      const { outcome, why } = outcomeOf(entry, rule, base, cgiNear);
      events.push({
        file: s.path,
        line: entry.line,
        time: entry.time?.toISOString(),
        ip: entry.ip ?? "unknown",
        attack: rule.id,
        cves: rule.cves,
        outcome: outcome as Outcome,
        severity: rule.severity,
        request: entry.logged ?? entry.request,
        status: entry.status,
        size: entry.size,
        userAgent: entry.userAgent,
        kind: entry.kind,
        why,
      });
    }
  }
  return events.sort(
    (a, b) => (a.time ?? "").localeCompare(b.time ?? "") || a.file.localeCompare(b.file) || a.line - b.line,
  );
}

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
