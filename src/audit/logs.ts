/**
 * Log forensics put together: the one log engine (src/collect/logs) reads and matches, the log checks
 * (src/checks/logs) judge. `logs`, the audit's logs area and `watch` all go through here.
 */
import type { LogEvent } from "../checks/logs/analyze.ts";
import { findingsFor } from "../checks/logs/analyze.ts";
import { guessedFirst, guessedLogins } from "../checks/logs/behaviour.ts";
import { collectedProbing, eventsFrom, firstSuccessesOf, logsSection } from "../checks/logs/judge.ts";
import { hostRuntimes, NO_HOST_FACTS } from "../checks/logs/runtimes.ts";
import type { ScanContext } from "../collect/context.ts";
import type { LogInput, LogsFacts, RunOptions } from "../collect/logs/run.ts";
import { inputsFromSources, runLogs } from "../collect/logs/run.ts";
import type { RootFs } from "../collect/rootfs.ts";
import type { LogSource } from "../core/log-source.ts";
import { msg, type Text } from "../core/message.ts";
import { type DecodedLogFacts, decodeLogFacts, encodeLogFacts, type LogFacts } from "../facts/log-codec.ts";
import { isMessageKey, type MessageKey } from "../i18n/index.ts";
import type { Rule } from "../rules/logs.ts";
import { loadRules } from "../rules/logs.ts";
import type { Scanner } from "./scanner.ts";

/** The engine's facts and the events judged from them. */
export interface JudgedLogs extends LogsFacts {
  events: LogEvent[];
}

/** Reads `inputs` with the log engine and judges every matched line (the second pass follows the successes). */
export async function readLogs(
  fs: RootFs,
  inputs: LogInput[],
  opts: Omit<RunOptions, "firstSuccesses">,
): Promise<JudgedLogs> {
  const facts = await collectLogs(fs, inputs, opts);
  return { ...facts, events: eventsFrom(facts.scans, opts.rules) };
}

/**
 * Reads `inputs` with the log engine, judging only what the second pass needs (whose later requests
 * to follow): the events are judged from the saved facts, once, by the logs area.
 */
export function collectLogs(
  fs: RootFs,
  inputs: LogInput[],
  opts: Omit<RunOptions, "firstSuccesses">,
): Promise<LogsFacts> {
  return runLogs(fs, inputs, {
    ...opts,
    firstSuccesses: (scans) => {
      const first = firstSuccessesOf(scans, opts.rules);
      for (const [ip, at] of guessedFirst(scans)) if (!((first.get(ip) ?? "\uffff") <= at)) first.set(ip, at);
      return first;
    },
  });
}

/** The report's logs section of judged logs. */
export function judgedSection(j: JudgedLogs) {
  return logsSection(j, j.events);
}

export const DEFAULT_LOG_SOURCES: LogSource[] = [
  { path: "/var/log/apache2/*access*.log", kind: "access" },
  { path: "/var/log/apache2/*error*.log", kind: "error" },
  { path: "/var/log/httpd/*access*log", kind: "access" },
  { path: "/var/log/httpd/*error*log", kind: "error" },
  { path: "/usr/local/apache2/logs/*access*log", kind: "access" },
  { path: "/usr/local/apache2/logs/*error*log", kind: "error" },
  { path: "/var/log/nginx/access.log", kind: "access" },
];

/** Each file: at most its last 64 MB in the audit (gzip rotations are read whole: they are small). */
export const AUDIT_TAIL_BYTES = 64 << 20;

/** The logs area judged: the facts with Dates again and the events judged from them with the current rules. */
export interface LogJudgement {
  facts: DecodedLogFacts;
  events: LogEvent[];
}

export function judgeLogFacts(saved: LogFacts, rules: Rule[], host = NO_HOST_FACTS): LogJudgement {
  const facts = decodeLogFacts(saved);
  return { facts, events: eventsFrom(facts.scans, rules, undefined, host) };
}

/** What the logs area collects: the engine's facts as JSON (log-codec.ts), nothing judged in them. */
type LogCollector = (ctx: ScanContext, rules: Rule[]) => Promise<LogsFacts>;

/**
 * The logs area over any collection: the audit's (configured and default places) or `mamori logs`'s
 * (the files named on the command line). Both are judged the same way, from the saved form.
 */
export function logsArea(
  collectLogs: LogCollector,
  rules: Rule[] = loadRules(),
): Scanner<LogFacts, LogJudgement | undefined> {
  return {
    id: "logs",
    async collect(ctx) {
      return encodeLogFacts(await collectLogs(ctx, rules));
    },
    schema: async () => (await import("../facts/logs.ts")).logFactsSchema,
    load: (facts, ctx) => judgeLogFacts(facts, rules, hostRuntimes(ctx.areas ?? {})),
    check(facts, ctx, judged = judgeLogFacts(facts, rules)) {
      return [
        ...findingsFor(judged.events, rules, ctx, judged.facts.next),
        ...guessedLogins(collectedProbing(judged.facts.scans) ?? [], ctx, judged.facts.next),
      ];
    },
    summarize(facts, judged = judgeLogFacts(facts, rules)) {
      return logsSection(judged.facts, judged.events, new Map(rules.map((r) => [r.id, r.name])));
    },
  };
}

/**
 * `sources` gives the Apache configuration's logs, e.g. `(ctx) => apacheLogSources(config)` from
 * src/collect/apache/log-sources.ts; they are read first, then the default places above (each file once).
 */
export function logsScanner(
  sources?: (ctx: ScanContext) => LogSource[] | Promise<LogSource[]>,
): Scanner<LogFacts, LogJudgement | undefined> {
  return logsArea(async (ctx, rules) => {
    let configured: LogSource[] = [];
    try {
      configured = (await sources?.(ctx)) ?? [];
    } catch (err) {
      ctx.diag.couldNotCheck({ area: "logs", reason: "parse", detail: String(err) });
    }
    const facts = await collectLogs(ctx.fs, inputsFromSources([...configured, ...DEFAULT_LOG_SOURCES]), {
      rules,
      tailBytes: AUDIT_TAIL_BYTES,
    });
    noteProblems(ctx, facts, 5);
    if (facts.files.some((f) => f.skippedBytes > 0))
      ctx.diag.warn({
        area: "logs",
        reason: "too-large",
        detail: msg("logs.audit.bound", { mb: AUDIT_TAIL_BYTES >> 20 }),
      });
    return facts;
  });
}

/** A reason code as keyed text: a known one translated when shown, anything else (an errno name) as it is. */
export function logReason(reason: string): Text {
  return isMessageKey(`logs.reason.${reason}`) ? msg(`logs.reason.${reason}` as MessageKey) : reason;
}

/** Unreadable files and skipped lines as keyed "could not check" notes, rendered in the reader's language. */
export function noteProblems(ctx: ScanContext, facts: LogsFacts, perFile: number): void {
  // An errno name is left to the renderer's own words for it (report/verdict.ts reasonText).
  for (const u of facts.unreadable) {
    const known = isMessageKey(`logs.reason.${u.reason}`);
    ctx.diag.couldNotCheck({
      area: "logs",
      path: u.path,
      reason: u.reason,
      ...(known ? { detail: msg(`logs.reason.${u.reason}` as MessageKey) } : {}),
    });
  }
  if (perFile > 0)
    for (const f of facts.files)
      for (const w of f.warnings.slice(0, perFile))
        ctx.diag.warn({
          area: "logs",
          path: f.path,
          reason: w.reason,
          detail: msg("logs.warn.skipped", {
            path: f.path,
            line: w.line ?? "?",
            reason: logReason(w.reason),
          }),
        });
}
