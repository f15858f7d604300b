import { z } from "zod";

/** The marker a live-only measurement carries when the scan read a copied root. */
const notLive = z.literal("not-live");

/** `sections.hunt`: what the compromise hunt looked at and with which data, so a clean result can be judged. */
export const huntSectionSchema = z.strictObject({
  processes: z.number().int().nonnegative(),
  persistenceLines: z.number().int().nonnegative(),
  sshKeys: z.number().int().nonnegative(),
  fileScan: z.strictObject({
    roots: z.array(z.string()),
    maxDepth: z.number().int().nonnegative(),
    maxEntries: z.number().int().nonnegative(),
    maxFileBytes: z.number().nonnegative(),
    maxTotalBytes: z.number().nonnegative(),
    bytesRead: z.number().nonnegative(),
    entriesSeen: z.number().int().nonnegative(),
    truncated: z.boolean(),
    skippedLarge: z.array(z.string()),
    filesExamined: z.number().int().nonnegative(),
  }),
  hiddenPidProbe: z.union([
    notLive,
    z.strictObject({ range: z.number().int().optional(), found: z.number().int().nonnegative() }),
  ]),
  /** The live CPU sample ("not-live" also when a live scan did not sample, --sample-ms 0). */
  cpuSample: z.union([
    notLive,
    z.strictObject({
      seconds: z.number().nonnegative(),
      cpus: z.number().int().nonnegative(),
      busyCores: z.number().nonnegative(),
      accountedCores: z.number().nonnegative(),
    }),
  ]),
  /** The processes that used the most CPU time since they started, most first (bounded; absent in older reports). */
  topCpu: z
    .array(
      z.strictObject({
        pid: z.number().int(),
        comm: z.string(),
        exe: z.string().optional(),
        cpuSeconds: z.number().nonnegative(),
      }),
    )
    .optional(),
  iocLists: z.array(
    z.strictObject({
      name: z.string(),
      source: z.string(),
      updated: z.string(),
      entries: z.number().int().nonnegative(),
    }),
  ),
  costModel: z.strictObject({
    wattsPerCore: z.number(),
    pricePerKwh: z.number(),
    currency: z.string(),
  }),
  /** Entries in the allowlist given. */
  allowlist: z.number().int().nonnegative(),
});

export type HuntSection = z.infer<typeof huntSectionSchema>;
