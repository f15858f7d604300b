/** Schema of the inventory area of a FactsBundle (inventory-types.ts); loaded only to check a bundle read back. */
import { z } from "zod";
import { INVENTORY_FACTS_VERSION, INVENTORY_KINDS, type InventoryFacts } from "./inventory-types.ts";

const str = z.string().max(1 << 20);

export const inventoryItemSchema = z.strictObject({
  kind: z.enum(INVENTORY_KINDS),
  key: str,
  value: str,
  detail: z
    .strictObject({
      path: str.optional(),
      line: z.number().int().nonnegative().optional(),
      user: str.optional(),
      pids: z.array(z.number().int().nonnegative()).max(1_000_000).optional(),
      process: str.optional(),
      mtime: z.iso.datetime({ offset: true }).optional(),
    })
    .optional(),
});

export const inventoryFactsSchema: z.ZodType<InventoryFacts> = z.strictObject({
  version: z.literal(INVENTORY_FACTS_VERSION),
  items: z.array(inventoryItemSchema).max(10_000_000),
});
