import { z } from "zod";
import { SEVERITIES } from "../finding.ts";
import { textSchema } from "../message.ts";

const count = z.number().int().nonnegative();

/** `sections.history` (`mamori history`): stored scans, newest first, and the alert deliveries. */
export const historySectionSchema = z.strictObject({
  /** The database, its password redacted. */
  db: z.string(),
  scans: z.array(
    z.strictObject({
      id: z.string(),
      hostId: z.string(),
      host: z.string(),
      root: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
      toolVersion: z.string(),
      command: z.string(),
      lang: z.string(),
      counts: z.strictObject(
        Object.fromEntries(SEVERITIES.map((s) => [s, count])) as Record<
          (typeof SEVERITIES)[number],
          typeof count
        >,
      ),
      total: count,
      /** As the report's notChecked: `detail` rendered, its keyed form in `message`. */
      notChecked: z.array(
        z.strictObject({
          area: z.string(),
          path: z.string().optional(),
          reason: z.string(),
          detail: textSchema.optional(),
          message: z.strictObject({ detail: textSchema }).optional(),
        }),
      ),
    }),
  ),
  deliveries: z.array(
    z.strictObject({
      id: z.string(),
      host: z.string(),
      scanId: z.string().nullable(),
      createdAt: z.string(),
      channel: z.string(),
      target: z.string(),
      kind: z.enum(["alert", "digest"]),
      status: z.string(),
      attempts: count,
      error: z.string().nullable(),
      findingIds: z.array(z.string()),
    }),
  ),
});

export type HistorySection = z.infer<typeof historySectionSchema>;
