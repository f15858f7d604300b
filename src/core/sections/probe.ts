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

/** `sections.probe`: the remote self-check's targets, each check's verdict and the requests behind it. */
export const probeSectionSchema = z.strictObject({
  targets: z.array(probeTargetSchema),
});

export type ProbeSection = z.infer<typeof probeSectionSchema>;
