/**
 * The per-area sections of the report (`ReportDocument.sections`), one schema each: what `--format json`
 * writes under `sections`, what renderers read. Every object is strict, so a renamed or added field fails
 * the contract test until its schema says so; every area is optional (a command runs only some areas).
 */
import { z } from "zod";
import { apacheSectionSchema } from "./apache.ts";
import { diffSectionSchema } from "./diff.ts";
import { exposureSectionSchema } from "./exposure.ts";
import { historySectionSchema } from "./history.ts";
import { huntSectionSchema } from "./hunt.ts";
import { inventorySectionSchema } from "./inventory.ts";
import { logsSectionSchema } from "./logs.ts";
import { probeSectionSchema } from "./probe.ts";

export { type ApacheSection, apacheSectionSchema } from "./apache.ts";
export { type DiffSection, diffSectionSchema } from "./diff.ts";
export { type ExposureListener, type ExposureSection, exposureSectionSchema } from "./exposure.ts";
export { type HistorySection, historySectionSchema } from "./history.ts";
export { type HuntSection, huntSectionSchema } from "./hunt.ts";
export { type InventorySection, inventorySectionSchema } from "./inventory.ts";
export { LOG_OUTCOMES, type LogHour, type LogsSection, logsSectionSchema } from "./logs.ts";
export { type ProbeSection, probeSectionSchema } from "./probe.ts";

export const SECTION_SCHEMAS = {
  apache: apacheSectionSchema,
  logs: logsSectionSchema,
  exposure: exposureSectionSchema,
  hunt: huntSectionSchema,
  probe: probeSectionSchema,
  inventory: inventorySectionSchema,
  diff: diffSectionSchema,
  history: historySectionSchema,
} as const;

export type SectionId = keyof typeof SECTION_SCHEMAS;

/** Exactly what mamori writes: known areas only, each as its schema says. */
export const reportSectionsSchema = z.strictObject({
  apache: apacheSectionSchema.optional(),
  logs: logsSectionSchema.optional(),
  exposure: exposureSectionSchema.optional(),
  hunt: huntSectionSchema.optional(),
  probe: probeSectionSchema.optional(),
  inventory: inventorySectionSchema.optional(),
  diff: diffSectionSchema.optional(),
  history: historySectionSchema.optional(),
});

export type ReportSections = z.infer<typeof reportSectionsSchema>;

/**
 * What a reader of a saved report accepts: a section that does not match its schema (a report from
 * another version, a hand-made one) is left out rather than refusing the whole report, and unknown
 * areas are dropped, so a renderer only ever meets sections of the documented shape.
 */
export const readSectionsSchema = z.object({
  apache: apacheSectionSchema.optional().catch(undefined),
  logs: logsSectionSchema.optional().catch(undefined),
  exposure: exposureSectionSchema.optional().catch(undefined),
  hunt: huntSectionSchema.optional().catch(undefined),
  probe: probeSectionSchema.optional().catch(undefined),
  inventory: inventorySectionSchema.optional().catch(undefined),
  diff: diffSectionSchema.optional().catch(undefined),
  history: historySectionSchema.optional().catch(undefined),
});
