/**
 * Schema of the logs area of a FactsBundle (log-codec.ts): every line quoted from a log is attacker
 * text, so every string is bounded and every object strict. Loaded only to check a bundle read back.
 */
import { z } from "zod";
import { LOG_FACTS_VERSION, type LogFacts } from "./log-codec.ts";

const MAX_TEXT = 1 << 20;
const str = z.string().max(MAX_TEXT);
const count = z.number().int().nonnegative();
const iso = z.iso.datetime({ offset: true });

const entrySchema = z.strictObject({
  kind: z.enum(["access", "error"]),
  line: count,
  time: iso.optional(),
  ip: str.optional(),
  proxy: str.optional(),
  method: str.optional(),
  uri: str.optional(),
  protocol: str.optional(),
  status: z.number().int().optional(),
  size: z.number().nonnegative().optional(),
  referer: str.optional(),
  userAgent: str.optional(),
  vhost: str.optional(),
  headers: z.record(str, str).optional(),
  module: str.optional(),
  level: str.optional(),
  code: str.optional(),
  message: str.optional(),
  raw: str,
  request: str,
  logged: str.optional(),
});

const fileSummarySchema = z.strictObject({
  path: str,
  format: str,
  formatSource: z.enum(["detected", "option", "config", "none"]),
  lines: count,
  bytes: z.number().nonnegative(),
  parsed: count,
  skipped: z.record(str, count),
  warnings: z
    .array(z.strictObject({ line: z.number().int().optional(), reason: str, detail: str.optional() }))
    .max(100_000),
  skippedBytes: z.number().nonnegative(),
  lineNumbersRelative: z.boolean(),
  firstTime: iso.optional(),
  lastTime: iso.optional(),
});

const laterRequestSchema = z.strictObject({
  file: str,
  line: count,
  time: str.optional(),
  request: str,
  status: z.number().int().optional(),
  size: z.number().nonnegative().optional(),
});

const MAX_LINES = 1_000_000;
/** The engine keeps at most this many baseline samples per file (collect/logs/scan.ts SAMPLE_MAX). */
const MAX_SAMPLES = 20_000;

export const logFactsSchema: z.ZodType<LogFacts> = z.strictObject({
  version: z.literal(LOG_FACTS_VERSION),
  files: z.array(fileSummarySchema).max(100_000),
  scans: z
    .array(
      z.strictObject({
        path: str,
        matches: z.array(z.strictObject({ entry: entrySchema, ruleId: str })).max(MAX_LINES),
        samples: z.array(entrySchema).max(MAX_SAMPLES),
        cgiErrors: z.array(entrySchema).max(MAX_LINES),
        tallies: z
          .array(
            z.strictObject({
              key: str,
              ruleId: str,
              entry: entrySchema,
              count: count,
              firstTime: iso.optional(),
              lastTime: iso.optional(),
              hours: z.record(z.string().max(16), count),
              varied: z.boolean(),
            }),
          )
          .max(MAX_LINES)
          .optional(),
        probing: z
          .array(
            z.strictObject({
              ip: str,
              scenario: str,
              firstSeen: iso.optional(),
              lastSeen: iso.optional(),
              lines: count,
              distinct: count,
              quiet: count,
              quietOutcome: z.enum(["unknown", "failed", "blocked"]).optional(),
              examples: z
                .array(
                  z.strictObject({
                    line: count,
                    time: iso.optional(),
                    target: str,
                    status: z.number().int().optional(),
                  }),
                )
                .max(10),
              won: z
                .strictObject({
                  line: count,
                  time: iso.optional(),
                  target: str,
                  status: z.number().int().optional(),
                  /** Lines counted up to and with it (the tries it took). */
                  after: count,
                })
                .optional(),
            }),
          )
          .max(MAX_LINES)
          .optional(),
      }),
    )
    .max(100_000),
  next: z.record(str, z.array(laterRequestSchema).max(MAX_LINES)),
  maxEvents: count,
  tailBytes: count.optional(),
  unreadable: z.array(z.strictObject({ path: str, reason: str })).max(100_000),
});
