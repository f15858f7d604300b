import { z } from "zod";
/**
 * The unit that is collected once and judged anywhere: what one host looked like at one time, with no
 * verdict in it. A bundle read back is hostile input (it may come from the host being examined), so
 * every key is known, every string is bounded, and nothing in it names a file mamori opens.
 */
import { textSchema } from "../core/message.ts";
import { FACTS_KIND, FACTS_SCHEMA_VERSION } from "./constants.ts";
import { boundedJson } from "./json.ts";

export { FACTS_KIND, FACTS_SCHEMA_VERSION };

const text = z.string().max(1 << 20);
const noNul = text.refine((s) => !s.includes("\0"), "NUL");

export const notCollectedSchema = z
  .object({
    area: text,
    path: text.optional(),
    reason: text,
    /** Keyed text (core/message.ts), rendered in the reader's language; bounded in size and depth. */
    detail: textSchema.optional(),
  })
  .strict();

export const factsHostSchema = z
  .object({
    hostname: text,
    id: text.optional(),
    os: text.optional(),
    osId: text.optional(),
    osVersion: text.optional(),
    root: noNul,
    live: z.boolean(),
  })
  .strict();

/** Per-area facts: each area's document is JSON; its own schema (src/facts/<area>.ts) gives it a type. */
export const areasSchema = z
  .object({
    apache: boundedJson.optional(),
    logs: boundedJson.optional(),
    hunt: boundedJson.optional(),
    exposure: boundedJson.optional(),
    inventory: boundedJson.optional(),
  })
  .strict();

export type AreaId = keyof z.infer<typeof areasSchema>;
export const AREA_IDS: readonly AreaId[] = ["apache", "logs", "hunt", "exposure", "inventory"];

export const factsBundleSchema = z
  .object({
    schemaVersion: z.literal(FACTS_SCHEMA_VERSION),
    kind: z.literal(FACTS_KIND),
    host: factsHostSchema,
    root: noNul,
    collectedAt: z.iso.datetime({ offset: true }),
    /** Language the collector ran in; notes and findings are keyed text, rendered in the reader's language. */
    lang: z.enum(["ja", "en"]),
    collector: z.object({ name: z.literal("mamori"), version: text }).strict(),
    areas: areasSchema,
    /** What could not be read while collecting, and why (carried into the report's "not checked"). */
    notCollected: z.array(notCollectedSchema).max(100_000),
    warnings: z.array(notCollectedSchema).max(100_000),
  })
  .strict();

export type FactsBundle = z.infer<typeof factsBundleSchema>;
export type NotCollected = z.infer<typeof notCollectedSchema>;
