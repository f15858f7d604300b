import { z } from "zod";
import { CONFIDENCES, SEVERITIES, TIME_SOURCES } from "../finding.ts";
import { textSchema } from "../message.ts";

const severity = z.enum(SEVERITIES);
const confidence = z.enum(CONFIDENCES);

const evidence = z.strictObject({
  path: z.string().optional(),
  line: z.number().int().optional(),
  pid: z.number().int().optional(),
  value: textSchema.optional(),
  package: z.string().optional(),
  version: z.string().optional(),
  url: z.string().optional(),
  ip: z.string().optional(),
  user: z.string().optional(),
  time: z.string().optional(),
  timeSource: z.enum(TIME_SOURCES).optional(),
  label: textSchema.optional(),
});

/** A finding named in a list: enough to read it; the keyed title beside the rendered one in JSON. */
const row = z.strictObject({
  id: z.string(),
  check: z.string(),
  severity,
  confidence,
  title: textSchema,
  message: z.strictObject({ title: textSchema }).optional(),
});

/**
 * `sections.diff` (`mamori diff`): what changed between two stored scans. The report's `findings` are the
 * newer scan's new and changed findings (what may need action); resolved ones are only listed here.
 */
export const diffSectionSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  /** New in the newer scan: the finding itself is in the report's `findings`. */
  new: z.array(row),
  changed: z.array(
    z.strictObject({
      id: z.string(),
      changes: z.array(z.enum(["severity", "confidence", "evidence"])),
      /** How the finding looked in the older scan. */
      before: z.strictObject({ severity, confidence, evidence: z.array(evidence) }),
    }),
  ),
  /** In the older scan, gone from the newer one. */
  resolved: z.array(row),
  unchanged: z.number().int().nonnegative(),
});

export type DiffSection = z.infer<typeof diffSectionSchema>;
