import { z } from "zod";
import { CONFIDENCES } from "../finding.ts";

const probeEvidence = z.strictObject({
  method: z.string(),
  /** Exactly the bytes sent on the request line. */
  path: z.string(),
  status: z.number().int().optional(),
  bytes: z.number().int().nonnegative(),
  /** In the report language; may quote server-controlled text. */
  note: z.string().optional(),
});

export const probeTargetSchema = z.strictObject({
  url: z.string(),
  finalUrl: z.string().optional(),
  checks: z.array(
    z.strictObject({
      id: z.string(),
      cves: z.array(z.string()),
      verdict: z.enum(["vulnerable", "not-vulnerable", "inconclusive"]),
      confidence: z.enum(CONFIDENCES),
      summary: z.string().optional(),
      evidence: z.array(probeEvidence),
    }),
  ),
  error: z.string().optional(),
});

/**
 * `sections.probe`: the remote self-check's targets. `mamori probe --format json` writes its own document
 * today (probeDocumentSchema); the targets keep this shape when probe moves onto the common report.
 */
export const probeSectionSchema = z.strictObject({
  targets: z.array(probeTargetSchema),
});

/** `mamori probe --format json` (its own contract, schemaVersion 1). */
export const probeDocumentSchema = z.strictObject({
  schemaVersion: z.literal(1),
  tool: z.strictObject({ name: z.literal("mamori"), version: z.string() }),
  command: z.literal("probe"),
  probedAt: z.string(),
  lang: z.string(),
  targets: z.array(probeTargetSchema),
});

export type ProbeSection = z.infer<typeof probeSectionSchema>;
