import { z } from "zod";

const n = z.number().int().nonnegative();

/** `sections.inventory`: how many of each thing a baseline remembers were seen (the items are in the facts). */
export const inventorySectionSchema = z.strictObject({
  counts: z.strictObject({ port: n, cron: n, systemd: n, key: n, preload: n, package: n }),
});

export type InventorySection = z.infer<typeof inventorySectionSchema>;
