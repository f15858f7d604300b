import { z } from "zod";

/**
 * Any JSON value, as the area documents are before their own schema types them. Depth is bounded by
 * the reader (src/facts/read.ts) before parsing; here a value is only required to be plain JSON.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const boundedJson: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(boundedJson),
    z.record(z.string(), boundedJson),
  ]),
);
