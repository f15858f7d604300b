import { z } from "zod";
import { SEVERITIES } from "../finding.ts";

import { LOG_OUTCOMES } from "./outcomes.ts";

export { LOG_OUTCOMES };

const outcome = z.enum(LOG_OUTCOMES);

const logFile = z.strictObject({
  path: z.string(),
  format: z.string(),
  formatSource: z.enum(["detected", "option", "config", "none"]),
  lines: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  parsed: z.number().int().nonnegative(),
  /** Lines not read, by reason. */
  skipped: z.record(z.string(), z.number()),
  warnings: z.array(
    z.strictObject({ line: z.number().int().optional(), reason: z.string(), detail: z.string().optional() }),
  ),
  skippedBytes: z.number().nonnegative(),
  /** True when only the end of the file was read: line numbers count from where reading began. */
  lineNumbersRelative: z.boolean(),
  /** Earliest and latest time read from the file (ISO). */
  firstTime: z.string().optional(),
  lastTime: z.string().optional(),
});

export const logEventSchema = z.strictObject({
  file: z.string(),
  line: z.number().int(),
  time: z.string().optional(),
  ip: z.string(),
  attack: z.string(),
  cves: z.array(z.string()),
  outcome,
  severity: z.enum(SEVERITIES),
  request: z.string(),
  status: z.number().int().optional(),
  size: z.number().optional(),
  why: z.string(),
  /** The behaviour scenario (rules/logs/behaviour/) this line belongs to: its client was probing. */
  probing: z.string().optional(),
});

const laterRequest = z.strictObject({
  file: z.string(),
  line: z.number().int(),
  time: z.string().optional(),
  request: z.string(),
  status: z.number().int().optional(),
  size: z.number().optional(),
});

const attacker = z.strictObject({
  ip: z.string(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  requests: z.number().int().nonnegative(),
  attacks: z.array(
    z.strictObject({
      attack: z.string(),
      cves: z.array(z.string()),
      requests: z.number().int().nonnegative(),
      outcome,
      /** The attack's first success (absent in reports written before it was kept). */
      firstSuccess: z.string().optional(),
    }),
  ),
  outcome,
  userAgents: z.array(z.string()),
  successTimes: z.array(z.string()),
  /** Requests after the first success, from the events. */
  after: z.array(
    z.strictObject({ time: z.string().optional(), request: z.string(), attack: z.string(), outcome }),
  ),
  /** Every request sent after the first success (a second pass over the logs). */
  next: z.array(laterRequest),
  indicators: z.strictObject({
    urls: z.array(z.string()),
    ips: z.array(z.string()),
    files: z.array(z.string()),
  }),
});

/** Attempts of one attack with one outcome in one hour: complete even when `events` is truncated. */
export const logHourSchema = z.strictObject({
  /** The hour's start, "2026-11-20T03:00:00Z". */
  hour: z.string(),
  attack: z.string(),
  /** Absent in reports written before outcomes were counted per hour: read as "unknown". */
  outcome: outcome.optional(),
  count: z.number().int().positive(),
});

/** `sections.logs`: the web server logs read, the attack events, attackers and per-hour counts. */
export const logsSectionSchema = z.strictObject({
  files: z.array(logFile),
  unreadable: z.array(z.strictObject({ path: z.string(), reason: z.string() })),
  tailBytes: z.number().optional(),
  /** Matched lines: those listed in `events`, and those the engine counted without keeping them. */
  eventsTotal: z.number().int().nonnegative(),
  /** `events` lists fewer lines than `eventsTotal` ("N more" = eventsTotal - events.length). */
  eventsTruncated: z.boolean(),
  /** Every success, then the others in time order, up to a bound (`eventsTruncated`). */
  events: z.array(logEventSchema),
  /** Attackers the events name; `attackers` summarises the worst of them (successes first), up to a bound. */
  attackersTotal: z.number().int().nonnegative().optional(),
  attackers: z.array(attacker),
  attacks: z.array(
    z.strictObject({
      attack: z.string(),
      cves: z.array(z.string()),
      /** The rule's name in both languages (absent in reports written before it was kept). */
      name: z.strictObject({ en: z.string(), ja: z.string() }).optional(),
      /**
       * The application runtime the attack needs (its rule's `runtime`): the audit judges its unknown
       * outcomes with what the host runs; `mamori logs` alone cannot.
       */
      runtime: z.enum(["java", "php"]).optional(),
      events: z.number().int().nonnegative(),
      attackers: z.number().int().nonnegative(),
      succeeded: z.number().int().nonnegative(),
      /** Lines by the other outcomes (absent in reports written before they were counted). */
      failed: z.number().int().nonnegative().optional(),
      blocked: z.number().int().nonnegative().optional(),
      unknown: z.number().int().nonnegative().optional(),
      /** Failed lines that reached a shell whose command failed (why `shell-ran-command-failed`). */
      shellFailed: z.number().int().nonnegative().optional(),
    }),
  ),
  hours: z.array(logHourSchema),
  /** Probing events (one client, one behaviour scenario): how many, and the worst of them up to a bound. */
  probingTotal: z.number().int().nonnegative().optional(),
  probing: z
    .array(
      z.strictObject({
        ip: z.string(),
        scenario: z.string(),
        firstSeen: z.string().optional(),
        lastSeen: z.string().optional(),
        requests: z.number().int().nonnegative(),
        paths: z.number().int().nonnegative(),
        /** Lines gathered that no rule matched (absent in reports written before they were counted). */
        quiet: z.number().int().nonnegative().optional(),
        outcome,
        /** A few gathered lines. */
        examples: z
          .array(
            z.strictObject({
              file: z.string().optional(),
              line: z.number().int().nonnegative(),
              time: z.string().optional(),
              target: z.string(),
              status: z.number().int().optional(),
            }),
          )
          .max(10)
          .optional(),
        /** The line that showed success (outcome `succeeded` of a scenario that can tell). */
        won: z
          .strictObject({
            file: z.string().optional(),
            line: z.number().int().nonnegative(),
            time: z.string().optional(),
            target: z.string(),
            status: z.number().int().optional(),
            /** Lines gathered up to and with it (the tries it took). */
            after: z.number().int().nonnegative().optional(),
          })
          .optional(),
        /** What a client that got in asked for afterwards (the reader's second pass), as attackers' `next`. */
        next: z.array(laterRequest).optional(),
      }),
    )
    .optional(),
  /** Background noise: lines of attacks none of whose lines worked or left it in doubt. */
  noise: z
    .strictObject({
      requests: z.number().int().nonnegative(),
      attackers: z.number().int().nonnegative(),
      attacks: z.number().int().nonnegative(),
    })
    .optional(),
});

export type LogsSection = z.infer<typeof logsSectionSchema>;
export type LogHour = z.infer<typeof logHourSchema>;
