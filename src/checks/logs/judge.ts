/**
 * Judging the log engine's facts: each matched line's outcome (from the file's baseline samples and the
 * error log around it), then the report's logs section. The same for `logs`, `audit` and `watch`, which
 * differ only in what they read. Pure: no I/O.
 */
import { cutText, MAX_SHOWN_CHARS } from "../../core/cut.ts";
import { byCodeUnit } from "../../core/order.ts";
import { percentDecode } from "../../core/percent-decode.ts";
import {
  type FileSummary,
  type LaterRequest,
  type LogEntry,
  type LogFileState,
  laterOf,
  type MatchTally,
  OTHER_CLIENTS,
  type ProbingFact,
} from "../../facts/log-lines.ts";
import type { Rule } from "../../rules/logs.ts";
import { loadScenarios, type Scenario } from "../../rules/logs-behaviour.ts";
import {
  countAttackers,
  type ErrorEvidence,
  indicatorsOf,
  type LogEvent,
  learnBaseline,
  linesOf,
  mergeIndicators,
  type Outcome,
  outcomeOf,
  perAttack,
  perHour,
  SHELL_FAILED,
  summarizeAttackers,
} from "./analyze.ts";
import { markProbing, probingSummary } from "./behaviour.ts";
import { programFor, routesOfLog, type SiteRoutes } from "./routes.ts";
import { type HostRuntimes, NO_HOST_FACTS } from "./runtimes.ts";
import { resolveTarget } from "./target.ts";

/** Why a file probe failed: the configuration sends its path to one program (routes.ts). */
export const PROGRAM_ROUTE = "program-route";

/**
 * Whether a request for a file reached a program instead, by the configuration alone: a path with no
 * query (the file is what it names), spelled once-decoded as Apache routed it, with no dot segment.
 */
function programAnswered(site: SiteRoutes | undefined, e: LogEntry, rule: Rule): boolean {
  if (!site || rule.success !== "file" || e.kind !== "access" || !e.uri || e.uri.includes("?")) return false;
  if (percentDecode(e.uri).includes("%")) return false;
  const t = resolveTarget(e.uri);
  if (t.kind !== "page" || t.traversal || /(?:^|\/)\.\.?(?:\/|$)/.test(e.uri)) return false;
  return programFor(site, t.path) !== undefined;
}

/** Error-log lines are stamped to the microsecond, access-log lines to the second. */
const TIE_BEFORE_MS = 1000;
const TIE_AFTER_MS = 2500;

/** The error line was written while the request(s) stamped [from, to] (epoch ms) were answered. */
function near(err: LogEntry, from: number | undefined, to = from): boolean {
  if (!err.time || from === undefined || to === undefined) return false;
  const t = err.time.getTime();
  return t - from >= -TIE_BEFORE_MS && t - to <= TIE_AFTER_MS;
}

/**
 * Whether a tally's lines all asked for one path: its key (collect/logs/keep.ts) names rule, client,
 * status, method, size and path; a coarser one, past a bound, names fewer.
 */
function samePath(key: string): boolean {
  return key.split("\u0000").length === 6;
}

const msOf = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** The program or file an error line names (`exec of '/etc/passwd' failed`, `... headers: sh`). */
function execPathOf(e: LogEntry): string | undefined {
  return /exec of '([^']+)' failed/.exec(e.message ?? "")?.[1];
}

/**
 * Outcomes need the whole picture: the site's baseline and the error-log lines of the same client
 * around each request. An error-log line that belongs to a matched request is evidence about it, not an
 * event of its own (one attack is not counted twice); one that belongs to none is judged alone.
 */
export function eventsFrom(
  scans: LogFileState[],
  rules: Rule[],
  scenarios: Scenario[] = loadScenarios(),
  host: HostRuntimes = NO_HOST_FACTS,
): LogEvent[] {
  const events = outcomesOf(scans, rules, host);
  events.sort(
    (a, b) => byCodeUnit(a.time ?? "", b.time ?? "") || byCodeUnit(a.file, b.file) || a.line - b.line,
  );
  // Per-client behaviour: low probes of a client that swept many paths become one probing event. The
  // reader's tracker saw every access line (the 4xx ones no rule names too): what it fired decides.
  markProbing(events, scenarios, collectedProbing(scans));
  return events;
}

/**
 * Each client's first success, for the reader's second pass: the events' outcomes only (no order, no
 * probing, which a success's time does not depend on).
 */
export function firstSuccessesOf(scans: LogFileState[], rules: Rule[]): Map<string, string> {
  return firstSuccesses(outcomesOf(scans, rules, NO_HOST_FACTS));
}

/** The events of `scans` with their outcomes, in no particular order. */
function outcomesOf(scans: LogFileState[], rules: Rule[], host: HostRuntimes): LogEvent[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const readsHeaders = new Map(rules.map((r) => [r.id, ruleReads(r, HEADER_FIELDS)]));
  const readsPayload = new Map(rules.map((r) => [r.id, ruleReads(r, PAYLOAD_FIELDS)]));
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
  const shellFailed = tieShellErrors(scans, tied);
  /** The error lines of the request's client around [from, to] (a tally's lines span a while). */
  const evidenceFor = (acc: LogEntry, from = acc.time?.getTime(), to = from): ErrorEvidence => {
    const ev: ErrorEvidence = { ranNoHeader: [], badHeader: [], execFailed: false };
    if (shellFailed.has(acc)) ev.shellFailed = true;
    for (const err of errorsByIp.get(acc.ip ?? "") ?? []) {
      if (!near(err, from, to)) continue;
      tied.add(err);
      const msg = err.message ?? "";
      const ran = /End of script output before headers: (\S+)/.exec(msg);
      if (ran) ev.ranNoHeader.push(ran[1] as string);
      const bad = /malformed header from script '([^']+)'/.exec(msg);
      if (bad) ev.badHeader.push(bad[1] as string);
    }
    const target = resolveTarget(acc.uri).path;
    for (const err of noClient)
      if (near(err, from, to) && execPathOf(err) === target) {
        tied.add(err);
        ev.execFailed = true;
      }
    return ev;
  };
  const events: LogEvent[] = [];
  const routesOf = new Map<LogFileState, SiteRoutes | undefined>();
  const siteOf = (s: LogFileState) => {
    if (!routesOf.has(s)) routesOf.set(s, routesOfLog(host.routes, s.path));
    return routesOf.get(s);
  };
  const push = (
    s: LogFileState,
    entry: LogEntry,
    rule: Rule,
    judged: Outcome,
    because: string,
    tally?: MatchTally,
  ) => {
    // An answer that cannot show success, for an attack nothing on this host could have run: failed.
    // A success the answer shows stands (the host's facts would then be what is wrong).
    const lacking = judged === "unknown" && rule.runtime !== undefined && host.absent.includes(rule.runtime);
    // A probe for a file at a path Apache hands to one program got the program's answer, not the file.
    const routed = !lacking && judged === "unknown" && programAnswered(siteOf(s), entry, rule);
    const outcome: Outcome = lacking || routed ? "failed" : judged;
    const why = lacking ? `no-${rule.runtime}` : routed ? PROGRAM_ROUTE : because;
    // Every field named here, also those set later or absent (undefined): tens of thousands of events
    // then share one shape whose fields sit in the object itself, with no second array of fields each.
    events.push({
      count: tally?.count,
      lastTime: tally?.lastTime,
      hours: tally?.hours,
      time: tally ? tally.firstTime : entry.time?.toISOString(),
      probing: undefined,
      indicators: undefined,
      file: s.path,
      line: entry.line,
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
      runtime: rule.runtime,
    });
  };
  for (const s of scans) {
    const access = s.matches.filter((m) => m.entry.kind === "access");
    const tallies = s.tallies ?? [];
    if (access.length === 0 && tallies.length === 0) continue;
    // In file order, as the lines were read: the baseline's bounded sets fill in that order.
    const probes = [
      ...access.map((m) => ({ entry: m.entry, ruleId: m.ruleId })),
      // A tally of a client's lines to several paths (past a bound) says nothing of one page's answers to
      // different payloads: only one of a single path is `varied` for the baseline.
      // A probe for a file carries no payload: the same request from other clients (user agents) is the
      // same request, and the file's one size is no sign that the page ignores what it is sent.
      ...tallies.map((t) => ({
        entry: t.entry,
        ruleId: t.ruleId,
        // A rule that reads the path alone (PHPUnit's eval-stdin.php: the payload is the POST body) sees
        // no payload in what the lines asked: their other user agents are other bots, not other payloads.
        varied:
          t.varied &&
          samePath(t.key) &&
          byId.get(t.ruleId)?.kind !== "recon" &&
          (readsPayload.get(t.ruleId) ?? true),
      })),
    ].sort((a, b) => a.entry.line - b.entry.line);
    const base = learnBaseline(
      s.samples,
      probes,
      (id) => byId.get(id)?.kind === "recon",
      (id) => readsHeaders.get(id) ?? true,
    );
    for (const { entry, ruleId } of access) {
      const rule = byId.get(ruleId);
      if (!rule) continue; // a rule gone since the facts were collected
      const { outcome, why } = outcomeOf(entry, rule, base, evidenceFor(entry));
      push(s, entry, rule, outcome, why);
    }
    // A tally's lines share its first line's outcome; error lines tie to it across its whole span.
    for (const t of tallies) {
      const rule = byId.get(t.ruleId);
      if (!rule) continue;
      const ev = evidenceFor(t.entry, msOf(t.firstTime), msOf(t.lastTime));
      const { outcome, why } = outcomeOf(t.entry, rule, base, ev);
      push(s, t.entry, rule, outcome, why, t);
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
  return events;
}

const EMPTY_BASELINE = learnBaseline([], []);

/** Fields where a payload can differ from client to client: the request's headers. */
const HEADER_FIELDS = new Set(["referer", "ua", "headers", "any"]);
/** Fields that hold a payload at all (past the path): the query and the headers. */
const PAYLOAD_FIELDS = new Set([...HEADER_FIELDS, "uri", "query", "request"]);

/** Whether any of a rule's conditions reads one of `fields`. */
function ruleReads(r: Rule, fields: Set<string>): boolean {
  return [...r.all, ...r.anyOf].some((c) => c.fields.some((f) => fields.has(f)));
}

/** What the reader's behaviour tracker fired in every file (undefined: facts saved without it). */
export function collectedProbing(
  scans: Array<Pick<LogFileState, "path" | "probing">>,
): Array<ProbingFact & { file: string }> | undefined {
  if (!scans.some((s) => s.probing)) return undefined;
  return scans.flatMap((s) => (s.probing ?? []).map((p) => ({ ...p, file: s.path })));
}

/**
 * A shell's own stderr, written raw into the error log by a CGI child (no timestamp, no client):
 * `/bin/sh: 1: wget: not found`, `/bin/sh: 1: Syntax error: "then" unexpected`. The reader hands such a
 * line over as an error entry with no client, stamped with the time of the timestamped line before it.
 */
const SHELL_STDERR = /^\/(?:usr\/)?bin\/(?:ba|da|z)?sh: (?:line )?\d{1,9}: /;
const SHELL_NO_HEADER = /End of script output before headers: (?:ba|da|z)?sh$/;

/** A request that ran a shell as CGI with nothing to show for it: 500, or 200 with no body. */
function silentShell(e: LogEntry): boolean {
  if (e.kind !== "access" || resolveTarget(e.uri).kind !== "exec") return false;
  return e.status === 500 || (e.status === 200 && !e.size);
}

/**
 * The requests a shell's stderr belongs to (issue 12): the shell ran and the attacker's command failed.
 * Tied when the stderr lines are followed at once by `End of script output before headers: sh` with a
 * client (that client's silent shell request around that time), or else when the stderr's place between
 * timestamped lines brackets the request's second and exactly one silent shell request fits. A silent
 * shell request with no such line stays a success: commands can run without printing anything.
 * The stderr lines tied are evidence, not events.
 */
function tieShellErrors(scans: LogFileState[], tied: Set<LogEntry>): Set<LogEntry> {
  const out = new Set<LogEntry>();
  const candidates: LogEntry[] = [];
  const accessByIp = new Map<string, LogEntry[]>();
  for (const s of scans)
    for (const e of [...s.matches.map((m) => m.entry), ...(s.tallies ?? []).map((t) => t.entry)]) {
      if (e.kind !== "access" || !e.ip) continue;
      if (silentShell(e)) candidates.push(e);
      const list = accessByIp.get(e.ip);
      if (!list) accessByIp.set(e.ip, [e]);
      else if (list.length < 1000) list.push(e);
    }
  if (candidates.length === 0) return out;
  /** The access line of the request an error line with a client was written for (the first near one). */
  const accessOf = (err: LogEntry | undefined) =>
    err?.ip ? accessByIp.get(err.ip)?.find((a) => near(err, a.time?.getTime())) : undefined;
  const isStderr = (e: LogEntry | undefined) => !!e && !e.ip && SHELL_STDERR.test(e.message ?? e.raw ?? "");
  for (const s of scans) {
    const errs = [...s.cgiErrors, ...s.matches.filter((m) => m.entry.kind === "error").map((m) => m.entry)];
    const byLine = new Map<number, LogEntry>();
    for (const e of errs) if (e.kind === "error") byLine.set(e.line, e);
    for (const e of errs) {
      if (e.kind !== "error" || !isStderr(e)) continue;
      const after = byLine.get(e.line + 1);
      let hits: LogEntry[];
      if (after?.ip && SHELL_NO_HEADER.test(after.message ?? "")) {
        // The line right after is the same child's end: its client's shell request.
        hits = candidates.filter((c) => c.ip === after.ip && near(after, c.time?.getTime()));
      } else {
        // Its place in the error log: between the requests of the client lines around it (when their
        // access lines are known), and in time at most a second before it. A 500 would have its own End
        // of script line: the owner printed a header, a 200 with no body.
        let prev: LogEntry | undefined;
        let next: LogEntry | undefined;
        for (let n = e.line - 1; n >= e.line - 20 && !prev; n--) if (byLine.get(n)?.ip) prev = byLine.get(n);
        for (let n = e.line + 1; n <= e.line + 20 && !next; n++) if (byLine.get(n)?.ip) next = byLine.get(n);
        const lo = accessOf(prev)?.line ?? Number.NEGATIVE_INFINITY;
        const hi = accessOf(next)?.line ?? Number.POSITIVE_INFINITY;
        const t = e.time?.getTime();
        hits =
          t === undefined
            ? []
            : candidates.filter((c) => {
                const r = c.time?.getTime();
                return (
                  c.status === 200 && r !== undefined && r <= t && t - r < 2000 && c.line > lo && c.line < hi
                );
              });
      }
      if (hits.length !== 1) continue;
      out.add(hits[0] as LogEntry);
      tied.add(e);
    }
  }
  return out;
}

/** Each attacker's first success (ISO time): whose later requests the engine's second pass collects. */
export function firstSuccesses(events: LogEvent[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const e of events)
    if (
      e.outcome === "succeeded" &&
      e.time &&
      e.ip !== OTHER_CLIENTS &&
      !((first.get(e.ip) ?? "\uffff") <= e.time)
    )
      first.set(e.ip, e.time);
  return first;
}

/**
 * The events the JSON lists: lines, not tallies (a tally is counted in `eventsTotal`, the attackers,
 * attacks and hours); every success up to `max`, then the others in time order.
 */
export function shownEvents(events: LogEvent[], max: number): LogEvent[] {
  const lines = events.filter((e) => e.count === undefined);
  if (lines.length <= max) return lines;
  // Successes, and shells reached whose command failed (both are told in the story), come first.
  const first = (e: LogEvent) => e.outcome === "succeeded" || e.why === SHELL_FAILED;
  const wins = lines.filter(first).slice(0, max);
  const rest = lines.filter((e) => !first(e));
  return [...wins, ...rest.slice(0, Math.max(0, max - wins.length))].sort(
    (a, b) => byCodeUnit(a.time ?? "", b.time ?? "") || a.line - b.line,
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
  /** The files' facts: what their behaviour trackers fired (`probing`). */
  scans?: Array<Pick<LogFileState, "path" | "probing">>;
}

/** The `sections.logs` object of the JSON report, from the facts and the events judged from them. */
export function logsSection(
  facts: LogsSectionFacts,
  events: LogEvent[],
  names: ReadonlyMap<string, { en: string; ja: string }> = new Map(),
) {
  const shown = shownEvents(events, facts.maxEvents);
  const probing = probingSummary(events, undefined, collectedProbing(facts.scans ?? []));
  let total = 0;
  for (const e of events) total += linesOf(e);
  return {
    files: facts.files,
    unreadable: facts.unreadable,
    tailBytes: facts.tailBytes,
    eventsTotal: total,
    eventsTruncated: total > shown.length,
    events: shown.map((e) => ({
      file: e.file,
      line: e.line,
      time: e.time,
      ip: e.ip,
      attack: e.attack,
      cves: e.cves,
      outcome: e.outcome,
      severity: e.severity,
      request: cutText(e.request, MAX_SHOWN_CHARS),
      status: e.status,
      size: e.size,
      why: e.why,
      ...(e.probing ? { probing: e.probing } : {}),
    })),
    attackersTotal: countAttackers(events),
    attackers: summarizeAttackers(events).map((a) => {
      const next = laterOf(facts.next, a.ip);
      let indicators = a.indicators;
      for (const r of next) indicators = mergeIndicators(indicators, indicatorsOf(r.request, a.ip));
      return { ...a, next, indicators };
    }),
    // The rule's name, for the story of an attack that has no CVE to name it by.
    attacks: withOutcomes(perAttack(events), events).map((a) => {
      const name = names.get(a.attack);
      return name ? { ...a, name: { en: name.en, ja: name.ja } } : a;
    }),
    hours: perHour(events),
    probingTotal: probing.total,
    // A client that guessed a password: what it asked for once in, as an attacker's `next`.
    probing: probing.list.map((p) => {
      const since = p.won?.time;
      if (!since) return p;
      return {
        ...p,
        next: laterOf(facts.next, p.ip)
          .filter((r) => !r.time || r.time > since)
          .slice(0, 50),
      };
    }),
    noise: noiseOf(events),
  };
}

/** Each attack's lines by outcome (succeeded is already counted). */
function withOutcomes<T extends { attack: string }>(
  attacks: T[],
  events: LogEvent[],
): Array<T & { failed: number; blocked: number; unknown: number; shellFailed: number }> {
  const m = new Map<string, { failed: number; blocked: number; unknown: number; shellFailed: number }>();
  const zero = () => ({ failed: 0, blocked: 0, unknown: 0, shellFailed: 0 });
  for (const e of events) {
    if (e.outcome === "succeeded") continue;
    let c = m.get(e.attack);
    if (!c) {
      c = zero();
      m.set(e.attack, c);
    }
    c[e.outcome] += linesOf(e);
    if (e.why === SHELL_FAILED) c.shellFailed += linesOf(e);
  }
  return attacks.map((a) => ({ ...a, ...(m.get(a.attack) ?? zero()) }));
}

/**
 * Background noise: the lines of attacks that no line shows working and none leaves in doubt (every
 * one failed or was refused, and none reached a shell), with how many addresses sent them. The story says them in one line.
 */
export function noiseOf(events: LogEvent[]): { requests: number; attackers: number; attacks: number } {
  const loud = new Set<string>();
  for (const e of events)
    if (e.outcome === "succeeded" || e.outcome === "unknown" || e.why === SHELL_FAILED) loud.add(e.attack);
  const ips = new Set<string>();
  const attacks = new Set<string>();
  let requests = 0;
  for (const e of events) {
    if (loud.has(e.attack)) continue;
    requests += linesOf(e);
    ips.add(e.ip);
    attacks.add(e.attack);
  }
  return { requests, attackers: ips.size, attacks: attacks.size };
}

export type LogsSection = ReturnType<typeof logsSection>;
