import { z } from "zod";
import { SCHEMA_VERSION } from "./document.ts";
import { CONFIDENCES, SEVERITIES, TIME_SOURCES } from "./finding.ts";
import { textSchema } from "./message.ts";
import { readSectionsSchema, reportSectionsSchema } from "./sections/index.ts";

/**
 * The JSON contract of DESIGN.md (schemaVersion 1) as a schema: what `--format json` writes, what
 * `mamori report` and `mamori respond` accept back, and what the contract test checks every fixture
 * against. Objects are loose: keys added later do not break older readers.
 */

const text = z.string();

/**
 * The keyed form of a record's text fields (core/message.ts), beside the rendered strings: message keys
 * with their parameters, so a reader renders the record again in any language. Only fields that are
 * more than literal data are present; a report without `message` (older mamori) is rendered as written.
 */
const keyed = <K extends string>(fields: readonly K[]) =>
  z.strictObject(
    Object.fromEntries(fields.map((f) => [f, textSchema.optional()])) as Record<
      K,
      z.ZodOptional<typeof textSchema>
    >,
  );

export const evidenceSchema = z.looseObject({
  path: text.optional(),
  line: z.number().int().positive().optional(),
  pid: z.number().int().nonnegative().optional(),
  value: text.optional(),
  package: text.optional(),
  version: text.optional(),
  url: text.optional(),
  ip: text.optional(),
  user: text.optional(),
  time: text.optional(),
  timeSource: z.enum(TIME_SOURCES).optional(),
  label: text.optional(),
  message: keyed(["label", "value"]).optional(),
});

export const findingSchema = z.looseObject({
  id: text.min(1),
  /** `area.thing`, lower case. */
  check: text.regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/),
  severity: z.enum(SEVERITIES),
  confidence: z.enum(CONFIDENCES),
  title: text.min(1),
  detail: text,
  cves: z.array(text.regex(/^CVE-\d{4}-\d{4,}$/)),
  evidence: z.array(evidenceSchema),
  remediation: text,
  commands: z.array(text).optional(),
  references: z.array(text).optional(),
  time: text.optional(),
  timeSource: z.enum(TIME_SOURCES).optional(),
  data: z.record(text, z.unknown()).optional(),
  message: keyed(["title", "detail", "remediation"])
    .extend({ commands: z.array(textSchema).max(1000).optional() })
    .optional(),
});

const notCheckedSchema = z.looseObject({
  area: text,
  path: text.optional(),
  reason: text,
  detail: text.optional(),
  message: keyed(["detail"]).optional(),
});

export const incidentSchema = z.looseObject({
  id: text,
  severity: z.enum(SEVERITIES),
  confidence: z.enum(CONFIDENCES),
  title: text,
  summary: text,
  findingIds: z.array(text),
  timeline: z.array(
    z.looseObject({ time: text, source: text, text, message: keyed(["source", "text"]).optional() }),
  ),
  message: keyed(["title", "summary"]).optional(),
});

export const reportSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.looseObject({ name: z.literal("mamori"), version: text }),
  command: text,
  host: z.looseObject({
    id: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    hostname: text,
    os: text.optional(),
    root: text,
    live: z.boolean(),
  }),
  scannedAt: text,
  lang: text,
  findings: z.array(findingSchema),
  incidents: z.array(incidentSchema),
  notChecked: z.array(notCheckedSchema),
  warnings: z.array(notCheckedSchema),
  sections: readSectionsSchema,
});

/**
 * What mamori itself must write: the same report with every section exactly as its schema says (no
 * unknown area, no unknown or renamed field). The contract test holds every command's output to it.
 */
export const reportContractSchema = reportSchema.extend({ sections: reportSectionsSchema });
