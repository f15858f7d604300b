/**
 * From matched lines to the story: the outcome of each event, who attacked, with what, when,
 * whether it worked and what they did next. Pure: no I/O, clock and language passed in.
 */

import type { CheckContext } from "../../core/context.ts";
import { type Evidence, type Finding, findingId, type Severity } from "../../core/finding.ts";
import type { MsgBuilder } from "../../core/message.ts";
import { byCodeUnit } from "../../core/order.ts";
import { percentDecode } from "../../core/percent-decode.ts";
import { type HourCounts, type LogEntry, laterOf } from "../../facts/log-lines.ts";
import type { Rule } from "../../rules/logs.ts";
import { base64Runs } from "./base64-runs.ts";
import { resolveTarget, sizeFits } from "./target.ts";

export type Outcome = "succeeded" | "blocked" | "failed" | "unknown";
/** Best first, from the attacker's side: a success outranks anything. */
export const OUTCOME_RANK: Outcome[] = ["succeeded", "unknown", "failed", "blocked"];

export interface LogEvent {
  file: string;
  line: number;
  time?: string;
  ip: string;
  attack: string;
  cves: string[];
  outcome: Outcome;
  severity: Severity;
  request: string;
  status?: number;
  size?: number;
  userAgent?: string;
  kind: "access" | "error";
  why: string;
  /**
   * Lines this event stands for (absent: 1). More than one for a tally: lines that repeat this one's
   * rule, client, method, path, status and size, counted rather than kept by the engine.
   */
  count?: number;
  /** A tally's last time, and its lines per hour. */
  lastTime?: string;
  hours?: HourCounts;
  /** The behaviour scenario (behaviour.ts) this line is part of: its client was probing. */
  probing?: string;
  /** The indicators in its request and user agent, once found (eventIndicators): not reported as such. */
  indicators?: Indicators;
  /** The application runtime the rule's attack needs (`runtime` in its file). */
  runtime?: "java" | "php";
}

/** Lines an event stands for. */
export const linesOf = (e: LogEvent): number => e.count ?? 1;
const lastOf = (e: LogEvent): string | undefined => e.lastTime ?? e.time;

/**
 * What the site normally answers, learned from ordinary traffic (the engine's samples) and from the
 * matched requests themselves, keyed by what each request reached (target.ts), never by its spelling:
 * 23 spellings of one read of /etc/passwd are one target. Bounded: a few thousand keys whatever the log.
 */
export interface SiteBaseline {
  /** Sizes that many *different* targets answered 200 with: the site's catch-all page. */
  catchAllSizes: number[];
  /** Page -> sizes it answers whatever the request carries (seen in ordinary traffic, or to different requests). */
  normalSizes: Map<string, Set<number>>;
  /** Share of probed pages (distinct targets, no traversal) answered 200. */
  probe200Share: number;
  answersEverything: boolean;
  /**
   * Page -> the smallest and largest size ordinary traffic got from it (the engine's samples), and how
   * many samples: a page whose size changes from one answer to the next (a dynamic page) answering an
   * exploit with a size inside that spread answered as it always does.
   */
  spread: Map<string, Spread>;
}

/** Samples of a page before its spread counts (fewer could be one visitor's few pages). */
const MIN_SPREAD_SAMPLES = 5;

/** A matched request for the baseline: the entry and who matched it (distinct payloads tell normal sizes). */
export interface Probe {
  entry: LogEntry;
  ruleId: string;
  /** Lines counted with this one asked something else (another payload to the same page). */
  varied?: boolean;
}

const MAX_KEYS = 5000;
const MAX_PER_KEY = 64;

function addCapped<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let set = m.get(k);
  if (!set) {
    if (m.size >= MAX_KEYS) return;
    set = new Set();
    m.set(k, set);
  }
  if (set.size < MAX_PER_KEY) set.add(v);
}

/**
 * `noPayload`: rules whose requests carry no payload (a probe for a file): only their path tells two
 * of them apart, not who sent them.
 */
export function learnBaseline(
  samples: LogEntry[],
  probes: Probe[],
  noPayload: (ruleId: string) => boolean = () => false,
  payloadInHeaders: (ruleId: string) => boolean = () => true,
): SiteBaseline {
  const targetsBySize = new Map<number, Set<string>>();
  const requestsByPageSize = new Map<string, Set<string>>();
  const normalSizes = new Map<string, Set<number>>();
  const notFound = new Set<string>();
  const probed = new Set<string>();
  const probed200 = new Set<string>();
  const see = (e: LogEntry, request?: string) => {
    if (e.kind !== "access" || e.status === undefined || e.uri === undefined) return;
    const t = resolveTarget(e.uri);
    const key = `${t.kind}:${t.path}`;
    // Whether the site answers every probe is asked of its pages (climbing out is judged by its target).
    if (request !== undefined && t.kind === "page" && probed.size < MAX_KEYS) {
      probed.add(key);
      if (e.status === 200) probed200.add(key);
    }
    if (e.status === 404 && notFound.size < MAX_KEYS) notFound.add(key);
    if (e.status !== 200 || e.size === undefined) return;
    addCapped(targetsBySize, e.size, key);
    if (t.kind !== "page") return;
    if (request === undefined) addCapped(normalSizes, t.path, e.size);
    else addCapped(requestsByPageSize, `${t.path}\u0000${e.size}`, request);
  };
  const spread = new Map<string, Spread>();
  for (const e of samples) {
    see(e);
    if (e.status !== 200 || !e.size || e.uri === undefined) continue;
    const t = resolveTarget(e.uri);
    if (t.kind !== "page") continue;
    const sp = spread.get(t.path);
    if (sp) {
      sp.lo = Math.min(sp.lo, e.size);
      sp.hi = Math.max(sp.hi, e.size);
      sp.n++;
    } else if (spread.size < MAX_KEYS) spread.set(t.path, { lo: e.size, hi: e.size, n: 1 });
  }
  for (const p of probes) {
    // Two clients' user agents are two payloads only for a rule that reads the headers: PHPUnit's
    // payload is the POST body, which no log holds, and ten bots sending it one URL send one request.
    const sig =
      noPayload(p.ruleId) || !payloadInHeaders(p.ruleId)
        ? `${p.ruleId}\u0000${p.entry.uri}`
        : `${p.ruleId}\u0000${p.entry.uri}\u0000${p.entry.userAgent ?? ""}\u0000${p.entry.referer ?? ""}`;
    see(p.entry, sig);
    if (p.varied) see(p.entry, `${sig}\u0001other`);
  }
  // A page that gave one size to different payloads ignores them: that size is what it always answers.
  // Not a size far from what visitors get from the page: two commands' few bytes of output that happen
  // to match (31 bytes of `id`, 31 of a dropper's echo) are no page.
  for (const [k, reqs] of requestsByPageSize) {
    if (reqs.size < 2) continue;
    const [page, size] = k.split("\u0000") as [string, string];
    const sp = spreadOf(spread, page);
    const n = Number(size);
    if (sp && sp.n >= MIN_SPREAD_SAMPLES && (n < sp.lo || n > sp.hi)) continue;
    addCapped(normalSizes, page, n);
  }
  const catchAllSizes: number[] = [];
  for (const [size, targets] of targetsBySize) {
    // Different targets with one size, unless the site answers 404 to more unknown targets than that.
    if (targets.size >= 5 && notFound.size < targets.size * 3) catchAllSizes.push(size);
  }
  const share = probed.size ? probed200.size / probed.size : 0;
  return {
    catchAllSizes: catchAllSizes.sort((a, b) => a - b),
    normalSizes,
    probe200Share: share,
    answersEverything: probed.size >= 5 && share >= 0.8,
    spread,
  };
}

const ERROR_OUTCOME: Record<string, Outcome> = {
  AH10244: "blocked",
  AH00126: "blocked",
  AH01630: "blocked",
  AH01215: "blocked",
  AH00132: "blocked",
  AH00127: "failed",
  AH01241: "failed",
  AH02811: "failed",
  AH01264: "failed",
};

/** Error-log lines of the same client around a request: what the server did with it. */
export interface ErrorEvidence {
  /** `End of script output before headers: NAME` (the program ran as CGI and printed no header). */
  ranNoHeader: string[];
  /** `malformed header from script 'NAME'`: it ran, and its output went to the error log. */
  badHeader: string[];
  /** AH01241 exec of '...' failed: the target could not be run. */
  execFailed: boolean;
  /**
   * The shell's own stderr tied to this request (`/bin/sh: 1: X: not found`, `Syntax error`): the shell
   * ran and the attacker's command failed. Absent: no such line was tied.
   */
  shellFailed?: boolean;
}

export const NO_EVIDENCE: ErrorEvidence = { ranNoHeader: [], badHeader: [], execFailed: false };

/**
 * Why an outcome is "failed" although the attacker reached a shell: still a critical exposure (the
 * next command may work), so its finding keeps the rule's severity and says so.
 */
export const SHELL_FAILED = "shell-ran-command-failed";

/** Outcome of an error-log line judged alone (when no access-log line it belongs to was read). */
function errorOutcome(e: LogEntry): { outcome: Outcome; why: string } {
  const code = e.code ?? "";
  if (ERROR_OUTCOME[code]) return { outcome: ERROR_OUTCOME[code] as Outcome, why: code };
  // /bin/sh run as a CGI script: the attacker's commands ran (the missing headers are their output).
  if (/End of script output before headers: (?:ba)?sh$/.test(e.message ?? ""))
    return { outcome: "succeeded", why: "cgi-ran" };
  if (/ignoring function definition|error importing function/.test(e.message ?? ""))
    return { outcome: "blocked", why: "bash-patched" };
  if (/client denied|invalid URI|Invalid URI/.test(e.message ?? ""))
    return { outcome: "blocked", why: "denied" };
  if (/not found|does not exist|Cannot map/.test(e.message ?? ""))
    return { outcome: "failed", why: "not-found" };
  return { outcome: "unknown", why: "error-log" };
}

/**
 * Outcome of one event, with the reason in a few words (for the report): what the request reached
 * (target.ts) and what the server's answer says about that target.
 */
/** A query string with no "=": mod_cgi passes its words to the program as command-line arguments. */
function cgiArgv(uri: string | undefined): boolean {
  if (!uri) return false;
  const q = uri.indexOf("?");
  return q >= 0 && q < uri.length - 1 && !uri.includes("=", q);
}

export function outcomeOf(
  e: LogEntry,
  rule: Rule,
  base: SiteBaseline,
  evidence: ErrorEvidence = NO_EVIDENCE,
): { outcome: Outcome; why: string } {
  if (e.kind === "error") return errorOutcome(e);
  const s = e.status;
  if (s === undefined) return { outcome: "unknown", why: "no-status" };
  if (s === 400 || s === 401 || s === 403 || s === 405 || s === 406 || s === 444 || s === 495 || s === 496)
    return { outcome: "blocked", why: `status-${s}` };
  if (s >= 300 && s < 500) return { outcome: "failed", why: `status-${s}` };
  const t = resolveTarget(e.uri);
  const catchAll = e.size !== undefined && base.catchAllSizes.includes(e.size);
  if (s >= 500) {
    if (t.kind === "exec") {
      const prog = t.path.split("/").pop() as string;
      if (evidence.shellFailed) return { outcome: "failed", why: SHELL_FAILED };
      if (evidence.badHeader.includes(prog)) return { outcome: "failed", why: "cgi-bad-header" };
      // A shell run with no body has nothing to run; with a body and no header, the body ran. A query
      // without "=" is no exception: mod_cgi hands its "+"-separated words to the program as arguments
      // (`/bin/sh?-c+wget...` runs `sh -c "wget..."`).
      if (evidence.ranNoHeader.includes(prog))
        return e.method === "POST" || cgiArgv(e.uri)
          ? { outcome: "succeeded", why: "cgi-ran" }
          : { outcome: "failed", why: "cgi-no-body" };
      return { outcome: "unknown", why: `status-${s}` };
    }
    // A data file executed as CGI: it cannot run, and a 500 carries no content.
    if (t.kind === "file")
      return { outcome: "failed", why: evidence.execFailed ? "exec-failed" : `status-${s}` };
    return { outcome: "unknown", why: `status-${s}` };
  }
  if (s < 200 || s >= 300) return { outcome: "unknown", why: `status-${s}` };
  if (t.traversal) {
    if (catchAll) return { outcome: "failed", why: "catch-all" };
    // A shell that printed nothing and whose stderr shows the command failing did not do the
    // attacker's work; a silent one with no such line may have (commands can run without output).
    if (t.kind === "exec" && evidence.shellFailed && !e.size) return { outcome: "failed", why: SHELL_FAILED };
    if (t.kind === "exec")
      return e.method === "POST" || (e.size ?? 0) > 0 || cgiArgv(e.uri)
        ? { outcome: "succeeded", why: "exec-200" }
        : { outcome: "unknown", why: "empty-200" };
    if (sizeFits(t.path, e.size)) return { outcome: "succeeded", why: "file-200" };
    return e.size === undefined || e.size === 0
      ? { outcome: "failed", why: "empty-200" }
      : { outcome: "unknown", why: "size-mismatch" };
  }
  // The request reached a page of the site: did that page answer as it always does?
  const normal = e.size !== undefined && base.normalSizes.get(t.path)?.has(e.size);
  if (normal || catchAll) {
    // Attacks whose success shows in the answer failed when the answer is the usual one; a probe for
    // something that is not there got the catch-all. A payload whose effect never shows in the answer
    // (a JNDI lookup) stays unknown.
    if (rule.success === "none" && rule.kind !== "recon" && !catchAll)
      return { outcome: "unknown", why: "normal-page" };
    return { outcome: "failed", why: normal ? "normal-page" : "catch-all" };
  }
  if (base.answersEverything) return { outcome: "unknown", why: "answers-everything" };
  // A dynamic page differs in size from one answer to the next: an answer inside the spread ordinary
  // visitors got from it is no sign that a command ran or a file was read.
  const sp = spreadOf(base.spread, t.path);
  if (
    rule.success !== "none" &&
    sp &&
    sp.n >= MIN_SPREAD_SAMPLES &&
    e.size !== undefined &&
    e.size >= sp.lo &&
    e.size <= sp.hi
  )
    return { outcome: "unknown", why: "page-sized" };
  if (rule.success === "file")
    return (e.size ?? 0) >= 20
      ? { outcome: "succeeded", why: "file-200" }
      : { outcome: "unknown", why: "empty-200" };
  // A command run through a page (ThinkPHP carrying a miner's dropper) shows as that page's 200 with an
  // answer unlike the page: the same as a rule whose success is the status.
  if (rule.success === "status" || rule.success === "exec")
    return { outcome: "succeeded", why: "status-200" };
  return { outcome: "unknown", why: `status-${s}` };
}

type Spread = { lo: number; hi: number; n: number };

/**
 * The size spread of the page a request reached: its own, else (a directory's index page, which
 * visitors ask for as the directory: DirectoryIndex) its directory's, else, for a PHP front controller
 * in a folder no visitor asked for (`/public/index.php` of a framework's layout), the site's front page.
 */
function spreadOf(spread: Map<string, Spread>, path: string): Spread | undefined {
  const own = spread.get(path);
  if (own) return own;
  const dir = path.replace(/(^|\/)index\.(?:php|html?)$/, "$1");
  if (dir === path) return undefined;
  return spread.get(dir) ?? (path.endsWith("/index.php") ? spread.get("/") : undefined);
}

export interface AttackerSummary {
  ip: string;
  firstSeen?: string;
  lastSeen?: string;
  requests: number;
  /** `firstSuccess`: the first success of that attack (ISO), also when its line is not among the events shown. */
  attacks: Array<{
    attack: string;
    cves: string[];
    requests: number;
    outcome: Outcome;
    firstSuccess?: string;
  }>;
  outcome: Outcome;
  userAgents: string[];
  successTimes: string[];
  /** Requests after the first success (what they did next), other spellings of a request already seen left out. */
  after: Array<{ time?: string; request: string; attack: string; outcome: Outcome }>;
  indicators: Indicators;
}

export interface Indicators {
  urls: string[];
  ips: string[];
  files: string[];
}

function best(a: Outcome, b: Outcome): Outcome {
  return OUTCOME_RANK.indexOf(a) <= OUTCOME_RANK.indexOf(b) ? a : b;
}

/** URLs, IPs and file names named in a payload, also inside base64 blobs. */
export function indicatorsOf(text: string, attackerIp?: string): Indicators {
  // Scanners repeat the same request thousands of times, from many addresses: remember the last
  // answers by the text alone (the attacker's own address is taken out per call).
  let ind = memo.get(text);
  if (!ind) {
    ind = indicatorsOfText(text);
    if (memo.size > 5000) memo.clear();
    memo.set(text, ind);
  }
  if (attackerIp === undefined || !ind.ips.includes(attackerIp)) {
    return ind.ips.length > MAX_INDICATORS ? { ...ind, ips: ind.ips.slice(0, MAX_INDICATORS) } : ind;
  }
  return { ...ind, ips: ind.ips.filter((ip) => ip !== attackerIp).slice(0, MAX_INDICATORS) };
}

const memo = new Map<string, Indicators>();
const MAX_INDICATORS = 50;

/** The indicators of `text`; its IP addresses one more than kept, so one may be taken out. */
function indicatorsOfText(text: string): Indicators {
  const once = percentDecode(text);
  const twice = percentDecode(once).replace(/\+/g, " ");
  // Most requests decode to themselves: each distinct text is searched once.
  const texts = [...new Set([text, once, twice])];
  for (const t of [...texts]) {
    for (const run of base64Runs(t)) {
      const d = Buffer.from(run, "base64").toString("latin1");
      if (/^[\x20-\x7e\t\n\r]+$/.test(d) && /[a-z]{3}/.test(d)) texts.push(d);
    }
  }
  const urls = new Set<string>();
  const ips = new Set<string>();
  const files = new Set<string>();
  for (const t of texts) {
    // Each search only where its fixed part appears: most payloads hold none of them.
    if (t.includes("://"))
      for (const m of t.matchAll(/\b(?:https?|ftp|ldap|rmi|dns):\/\/[^\s"'`|;&<>(){}\\]+/gi)) urls.add(m[0]);
    for (const m of t.matchAll(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g)) ips.add(m[0]);
    if (t.includes("/tmp/") || t.includes("/dev/shm/") || t.includes("/run/"))
      for (const m of t.matchAll(/(?:\/tmp|\/var\/tmp|\/dev\/shm|\/run)\/[\w.-]+/g))
        files.add(m[0].split("/").pop() as string);
    if (t.includes("-O"))
      for (const m of t.matchAll(/-O\s*([\w./-]+)/g)) files.add((m[1] as string).split("/").pop() as string);
  }
  // A form's "+" is a space: `wget+http://x/a.sh+-O+/tmp/a` names http://x/a.sh (found in the text with
  // spaces), not "http://x/a.sh+-O+/tmp/a".
  for (const u of urls) {
    const plus = u.indexOf("+");
    if (plus > 0 && urls.has(u.slice(0, plus))) urls.delete(u);
  }
  for (const u of urls) {
    const last = u.split(/[?#]/)[0]?.split("/").pop() ?? "";
    if (/^[\w.-]{2,64}$/.test(last) && !/^\d+$/.test(last) && !/^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(last))
      files.add(last);
  }
  files.delete("");
  files.delete("-");
  // Most payloads name nothing: one shared empty answer, not three arrays for each of tens of thousands
  // of events (eventIndicators keeps each event's).
  if (urls.size === 0 && ips.size === 0 && files.size === 0) return NO_INDICATORS;
  return {
    urls: [...urls].slice(0, MAX_INDICATORS),
    ips: [...ips].slice(0, MAX_INDICATORS + 1),
    files: [...files].slice(0, MAX_INDICATORS),
  };
}

const NO_INDICATORS: Indicators = Object.freeze({
  urls: Object.freeze([]) as unknown as string[],
  ips: Object.freeze([]) as unknown as string[],
  files: Object.freeze([]) as unknown as string[],
});

/** Collects indicators from many payloads (sets, so adding costs little). */
export class IndicatorSet {
  private urls = new Set<string>();
  private ips = new Set<string>();
  private files = new Set<string>();
  add(i: Indicators): void {
    if (i.urls.length + i.ips.length + i.files.length === 0) return;
    for (const u of i.urls) if (this.urls.size < 50) this.urls.add(u);
    for (const u of i.ips) if (this.ips.size < 50) this.ips.add(u);
    for (const u of i.files) if (this.files.size < 50) this.files.add(u);
  }
  value(): Indicators {
    return { urls: [...this.urls], ips: [...this.ips], files: [...this.files] };
  }
}

export function mergeIndicators(a: Indicators, b: Indicators): Indicators {
  const m = (x: string[], y: string[]) => [...new Set([...x, ...y])].slice(0, 50);
  return { urls: m(a.urls, b.urls), ips: m(a.ips, b.ips), files: m(a.files, b.files) };
}

/** Attackers summarised in detail (the worst first); the others are counted (`attackersTotal`). */
export const MAX_ATTACKERS = 1000;

export function summarizeAttackers(events: LogEvent[], max = MAX_ATTACKERS): AttackerSummary[] {
  const by = new Map<string, { evs: LogEvent[]; outcome: Outcome; requests: number; shell: boolean }>();
  for (const e of events) {
    const a = by.get(e.ip);
    if (a) {
      a.evs.push(e);
      a.outcome = best(a.outcome, e.outcome);
      a.requests += linesOf(e);
      a.shell ||= e.why === SHELL_FAILED;
    } else
      by.set(e.ip, { evs: [e], outcome: e.outcome, requests: linesOf(e), shell: e.why === SHELL_FAILED });
  }
  // A client that reached a shell (its command failed) ranks right after those who got in: before the
  // unknowns, whose tables would otherwise take the few shown (a report shows the first ones only).
  const rank = (a: { outcome: Outcome; shell: boolean }) =>
    a.outcome === "succeeded" ? 0 : a.shell ? 0.5 : OUTCOME_RANK.indexOf(a.outcome);
  const order = [...by].sort(
    ([ipa, a], [ipb, b]) => rank(a) - rank(b) || b.requests - a.requests || byCodeUnit(ipa, ipb),
  );
  by.clear();
  return order.slice(0, max).map(([ip, { evs, outcome, requests }]) => {
    evs.sort((a, b) => byCodeUnit(a.time ?? "", b.time ?? ""));
    const attacks = new Map<string, AttackerSummary["attacks"][number]>();
    const ind = new IndicatorSet();
    let lastSeen: string | undefined;
    for (const e of evs) {
      const a = attacks.get(e.attack) ?? { attack: e.attack, cves: e.cves, requests: 0, outcome: "blocked" };
      a.requests += linesOf(e);
      const last = lastOf(e);
      if (last && (!lastSeen || last > lastSeen)) lastSeen = last;
      a.outcome = best(a.outcome, e.outcome);
      // Events are in time order here: the first success seen is the attack's first.
      if (e.outcome === "succeeded" && e.time && a.firstSuccess === undefined) a.firstSuccess = e.time;
      attacks.set(e.attack, a);
      ind.add(eventIndicators(e));
    }
    const successTimes = evs
      .filter((e) => e.outcome === "succeeded" && e.time)
      .flatMap((e) =>
        e.lastTime && e.lastTime !== e.time ? [e.time as string, e.lastTime] : [e.time as string],
      )
      .sort()
      .slice(0, 1000);
    const firstSuccess = evs.findIndex((e) => e.outcome === "succeeded");
    const userAgents = new Set<string>();
    for (const e of evs) if (e.userAgent && userAgents.size < 10) userAgents.add(e.userAgent);
    return {
      ip,
      firstSeen: evs[0]?.time,
      lastSeen,
      requests,
      attacks: [...attacks.values()].sort((x, y) => y.requests - x.requests),
      outcome,
      userAgents: [...userAgents],
      successTimes,
      after: firstSuccess >= 0 ? stepsAfter(evs, firstSuccess) : [],
      indicators: ind.value(),
    };
  });
}

/** Requests listed after a client's first success (what they did next). */
const MAX_AFTER = 50;

/**
 * What a client did after its first success: each later request, but not another spelling of one already
 * seen (a scanner tries every encoding of the same /etc/passwd read: that is not a next step, and a
 * campaign of such readers filled the story with repeats). Error-log lines are each their own step.
 */
function stepsAfter(evs: LogEvent[], first: number): AttackerSummary["after"] {
  // A file read again in another spelling folds into the first; a page asked again with another query,
  // or a shell run again (its body, the command, is not logged), is a step of its own.
  const stepOf = (e: LogEvent) => {
    if (e.kind !== "access") return undefined;
    const uri = e.request.split(" ")[1] ?? "";
    const t = resolveTarget(uri);
    if (t.kind === "exec") return undefined;
    return `${e.attack}\u0000${t.kind === "file" ? t.path : uri}`;
  };
  const seen = new Set<string>();
  for (const e of evs.slice(0, first + 1)) {
    const k = stepOf(e);
    if (k !== undefined) seen.add(k);
  }
  const out: AttackerSummary["after"] = [];
  for (const e of evs.slice(first + 1)) {
    if (out.length >= MAX_AFTER) break;
    const k = stepOf(e);
    if (k !== undefined) {
      if (seen.has(k)) continue;
      seen.add(k);
    }
    out.push({ time: e.time, request: e.request, attack: e.attack, outcome: e.outcome });
  }
  return out;
}

/** How many attackers the events name (the summaries list at most MAX_ATTACKERS). */
export function countAttackers(events: LogEvent[]): number {
  const ips = new Set<string>();
  for (const e of events) ips.add(e.ip);
  return ips.size;
}

/** Events per hour (UTC), attack and outcome: complete even when the JSON lists only some of the events. */
export function perHour(
  events: LogEvent[],
): Array<{ hour: string; attack: string; outcome: Outcome; count: number }> {
  const m = new Map<string, number>();
  const add = (hour: string, e: LogEvent, n: number) => {
    const k = `${hour}:00:00Z\u0000${e.attack}\u0000${e.outcome}`;
    m.set(k, (m.get(k) ?? 0) + n);
  };
  for (const e of events) {
    if (e.hours)
      e.hours.forEach((h, n) => {
        add(h, e, n);
      });
    else if (e.time) add(e.time.slice(0, 13), e, 1);
  }
  return [...m]
    .map(([k, count]) => {
      const [hour, attack, outcome] = k.split("\u0000") as [string, string, Outcome];
      return { hour, attack, outcome, count };
    })
    .sort(
      (a, b) =>
        byCodeUnit(a.hour, b.hour) ||
        byCodeUnit(a.attack, b.attack) ||
        OUTCOME_RANK.indexOf(a.outcome) - OUTCOME_RANK.indexOf(b.outcome),
    );
}

export function perAttack(events: LogEvent[]): Array<{
  attack: string;
  cves: string[];
  runtime?: "java" | "php";
  events: number;
  attackers: number;
  succeeded: number;
}> {
  const m = new Map<
    string,
    {
      attack: string;
      cves: string[];
      runtime?: "java" | "php";
      events: number;
      ips: Set<string>;
      succeeded: number;
    }
  >();
  for (const e of events) {
    const a = m.get(e.attack) ?? {
      attack: e.attack,
      cves: e.cves,
      ...(e.runtime ? { runtime: e.runtime } : {}),
      events: 0,
      ips: new Set(),
      succeeded: 0,
    };
    a.events += linesOf(e);
    a.ips.add(e.ip);
    if (e.outcome === "succeeded") a.succeeded += linesOf(e);
    m.set(e.attack, a);
  }
  return [...m.values()]
    .map(({ ips, ...rest }) => ({ ...rest, attackers: ips.size }))
    .sort((a, b) => b.events - a.events);
}

/**
 * Findings past this many (attacker, attack) pairs are folded into one finding per attack and outcome
 * (how many attackers, how many requests, their addresses): an incident log with tens of thousands of
 * attackers gives a report that can be read, and memory stays bounded. The worst come first in detail:
 * successes, then by outcome, severity and requests.
 */
export const MAX_DETAILED_FINDINGS = 1000;
/** Addresses listed in a folded finding's data. */
const MAX_FOLDED_IPS = 1000;

const SEVERITY_ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];

/** Why-codes of lines failed for a runtime the host lacks (judge.ts), and the finding's text for each. */
const LACKING: Record<string, LackingKey | undefined> = {
  "no-java": "logs.finding.detail.noJava",
  "no-php": "logs.finding.detail.noPhp",
  "program-route": "logs.finding.detail.programRoute",
};
type LackingKey =
  | "logs.finding.detail.noJava"
  | "logs.finding.detail.noPhp"
  | "logs.finding.detail.programRoute";

/** One (attacker, attack) pair's events judged together. */
interface Pair {
  evs: LogEvent[];
  first: LogEvent;
  rule?: Rule;
  outcome: Outcome;
  severity: Severity;
  confidence: Finding["confidence"];
  recon: boolean;
  lines: number;
  /** A line reached a shell whose command failed (SHELL_FAILED). */
  shell?: boolean;
  /** Every line failed because nothing on the host runs what the attack needs (judge.ts, `no-java`). */
  lacking?: LackingKey;
}

function pairOf(evs: LogEvent[], ruleById: Map<string, Rule>): Pair {
  evs.sort((a, b) => byCodeUnit(a.time ?? "", b.time ?? ""));
  const first = evs[0] as LogEvent;
  const rule = ruleById.get(first.attack);
  let outcome: Outcome = "blocked";
  let lines = 0;
  let shell = false;
  let lacking: LackingKey | undefined = LACKING[first.why];
  for (const e of evs) {
    outcome = best(outcome, e.outcome);
    lines += linesOf(e);
    shell ||= e.why === SHELL_FAILED;
    if (LACKING[e.why] !== lacking) lacking = undefined;
  }
  const base = rule?.severity ?? first.severity;
  // A shell reached is a critical exposure even when the command sent through it failed.
  const { severity, confidence } =
    shell && outcome !== "succeeded"
      ? { severity: base, confidence: "confirmed" as const }
      : judged(base, rule?.kind === "recon", outcome);
  const recon = rule?.kind === "recon";
  return { evs, first, rule, outcome, severity, confidence, recon, lines, shell, lacking };
}

function judged(
  base: Severity,
  recon: boolean,
  outcome: Outcome,
): { severity: Severity; confidence: Finding["confidence"] } {
  // A probe for secrets that got the file: what it holds is out (an .env's database password).
  if (recon)
    return outcome === "succeeded"
      ? { severity: "high", confidence: "likely" }
      : { severity: "low", confidence: "likely" };
  if (outcome === "unknown") return { severity: lowerSeverity(base, 1, "low"), confidence: "possible" };
  // Severity by evidence (issue 15): an attempt that failed or was refused is background noise, low
  // whatever it tried; the finding's data keeps what it tried (`attempt`) for the blocklist.
  if (outcome === "blocked" || outcome === "failed") return { severity: "low", confidence: "confirmed" };
  return { severity: base, confidence: "likely" };
}

/** The indicators of an event's request and user agent, found once however many summaries ask. */
export function eventIndicators(e: LogEvent): Indicators {
  e.indicators ??= indicatorsOf(e.request + (e.userAgent ? ` ${e.userAgent}` : ""), e.ip);
  return e.indicators;
}

function evidenceOf(evs: LogEvent[], t: MsgBuilder): Evidence[] {
  const shown: LogEvent[] = [];
  for (const e of evs) if (e.outcome === "succeeded" && shown.length < 10) shown.push(e);
  for (const e of evs) if (e.outcome !== "succeeded" && shown.length < 10) shown.push(e);
  return shown.map((e) => ({
    path: e.file,
    line: e.line,
    value: e.request,
    time: e.time,
    timeSource: "log",
    ip: e.ip,
    label: [`${e.status ?? e.kind} `, t(`logs.outcome.${e.outcome}`)],
  }));
}

/** One finding per attacker IP and attack (past MAX_DETAILED_FINDINGS, folded per attack and outcome). */
export function findingsFor(
  events: LogEvent[],
  rules: Rule[],
  ctx: CheckContext,
  next: Record<string, Array<{ request: string }>> = {},
  maxDetailed = MAX_DETAILED_FINDINGS,
): Finding[] {
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  const groups = new Map<string, LogEvent[]>();
  for (const e of events) {
    const k = `${e.ip}\u0000${e.attack}`;
    const list = groups.get(k);
    if (list) list.push(e);
    else groups.set(k, [e]);
  }
  const pairs: Pair[] = [];
  for (const evs of groups.values()) pairs.push(pairOf(evs, ruleById));
  groups.clear();
  if (pairs.length <= maxDetailed) return pairs.map((p) => pairFinding(p, ctx, next));
  pairs.sort(
    (a, b) =>
      OUTCOME_RANK.indexOf(a.outcome) - OUTCOME_RANK.indexOf(b.outcome) ||
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      b.lines - a.lines ||
      byCodeUnit(a.first.ip, b.first.ip) ||
      byCodeUnit(a.first.attack, b.first.attack),
  );
  const findings = pairs.slice(0, maxDetailed).map((p) => pairFinding(p, ctx, next));
  const folded = new Map<string, Pair[]>();
  for (const p of pairs.slice(maxDetailed)) {
    const k = `${p.first.attack}\u0000${p.outcome}`;
    const list = folded.get(k);
    if (list) list.push(p);
    else folded.set(k, [p]);
  }
  for (const list of folded.values()) findings.push(foldedFinding(list, ctx));
  return findings;
}

function pairFinding(p: Pair, ctx: CheckContext, next: Record<string, Array<{ request: string }>>): Finding {
  const t = ctx.t;
  const { evs, first, rule, outcome, severity, confidence, recon, lines, shell, lacking } = p;
  let firstSuccess: LogEvent | undefined;
  const acc = new IndicatorSet();
  let lastSeen: string | undefined;
  const successTimes: string[] = [];
  for (const e of evs) {
    if (e.outcome === "succeeded") {
      firstSuccess ??= e;
      if (successTimes.length < 1000) {
        if (e.time) successTimes.push(e.time);
        if (e.lastTime && e.lastTime !== e.time) successTimes.push(e.lastTime);
      }
    }
    acc.add(eventIndicators(e));
    const last = lastOf(e);
    if (last && (!lastSeen || last > lastSeen)) lastSeen = last;
  }
  if (firstSuccess) for (const r of laterOf(next, first.ip)) acc.add(indicatorsOf(r.request, first.ip));
  const name = rule?.name ?? first.attack;
  // A probe for secrets that got the file is an exposure, not a break-in: said so, with its own fix.
  const exposed = recon && outcome === "succeeded";
  const params = {
    ip: first.ip,
    attack: name,
    count: lines,
    outcome: t(`logs.outcome.${outcome}`),
    time: (firstSuccess ?? first).time ?? "?",
  };
  return {
    id: findingId("logs.exploit", first.ip, first.attack),
    check: "logs.exploit",
    severity,
    confidence,
    title: t(
      exposed
        ? "logs.finding.titleExposed"
        : outcome === "succeeded"
          ? "logs.finding.titleSucceeded"
          : "logs.finding.title",
      params,
    ),
    detail: t(
      exposed
        ? "logs.finding.detail.exposed"
        : shell && outcome !== "succeeded"
          ? "logs.finding.detail.shellFailed"
          : lacking
            ? lacking
            : `logs.finding.detail.${outcome}`,
      params,
    ),
    cves: first.cves,
    evidence: evidenceOf(evs, t),
    remediation: t(
      exposed
        ? "logs.finding.fixExposed"
        : outcome === "succeeded"
          ? "logs.finding.fixSucceeded"
          : recon
            ? "logs.finding.fixRecon"
            : "logs.finding.fix",
      params,
    ),
    references: rule?.references,
    time: (firstSuccess ?? first).time,
    timeSource: "log",
    data: {
      ip: first.ip,
      attack: first.attack,
      outcome,
      attempt: rule?.severity ?? first.severity,
      firstSeen: first.time,
      lastSeen,
      requests: lines,
      successTimes: successTimes.slice(0, 1000),
      indicators: acc.value(),
    },
  };
}

/** The pairs of one attack and outcome past the detailed ones, as one finding. */
function foldedFinding(list: Pair[], ctx: CheckContext): Finding {
  const t = ctx.t;
  const head = list[0] as Pair;
  const { first, rule, outcome, severity, confidence, recon } = head;
  let lines = 0;
  let firstSeen: string | undefined;
  let lastSeen: string | undefined;
  let firstSuccess: string | undefined;
  const acc = new IndicatorSet();
  const ips: string[] = [];
  const shown: LogEvent[] = [];
  for (const p of list) {
    lines += p.lines;
    if (ips.length < MAX_FOLDED_IPS) ips.push(p.first.ip);
    if (p.first.time && (!firstSeen || p.first.time < firstSeen)) firstSeen = p.first.time;
    for (const e of p.evs) {
      const last = lastOf(e);
      if (last && (!lastSeen || last > lastSeen)) lastSeen = last;
      if (e.outcome === "succeeded" && e.time && (!firstSuccess || e.time < firstSuccess))
        firstSuccess = e.time;
      if (shown.length < 10) shown.push(e);
      acc.add(eventIndicators(e));
    }
  }
  const others = t("logs.finding.others", { count: list.length });
  const name = rule?.name ?? first.attack;
  const params = {
    ip: others,
    attack: name,
    count: lines,
    outcome: t(`logs.outcome.${outcome}`),
    time: firstSuccess ?? firstSeen ?? "?",
  };
  return {
    id: findingId("logs.exploit", "others", first.attack, outcome),
    check: "logs.exploit",
    severity,
    confidence,
    title: t(outcome === "succeeded" ? "logs.finding.titleSucceeded" : "logs.finding.title", params),
    detail: t(
      head.lacking && list.every((p) => p.lacking === head.lacking)
        ? head.lacking
        : `logs.finding.detail.${outcome}`,
      params,
    ),
    cves: first.cves,
    evidence: evidenceOf(shown, t),
    remediation: t(
      outcome === "succeeded"
        ? "logs.finding.fixSucceeded"
        : recon
          ? "logs.finding.fixRecon"
          : "logs.finding.fix",
      params,
    ),
    references: rule?.references,
    time: firstSuccess ?? firstSeen,
    timeSource: "log",
    data: {
      attack: first.attack,
      outcome,
      attempt: rule?.severity ?? first.severity,
      firstSeen,
      lastSeen,
      requests: lines,
      attackers: list.length,
      ips,
      indicators: acc.value(),
    },
  };
}

export function lowerSeverity(s: Severity, steps: number, floor: Severity = "info"): Severity {
  const order: Severity[] = ["critical", "high", "medium", "low", "info"];
  const i = Math.min(order.indexOf(s) + steps, order.indexOf(floor));
  return order[Math.max(i, order.indexOf(s))] as Severity;
}
