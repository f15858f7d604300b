import { collectInventory } from "../collect/inventory/index.ts";
import type { InventorySection } from "../core/sections/index.ts";
import { INVENTORY_FACTS_VERSION, INVENTORY_KINDS, type InventoryFacts } from "../facts/inventory-types.ts";
import type { Scanner } from "./scanner.ts";

/**
 * What a baseline remembers (ports, cron, units, SSH keys, ld.so.preload, packages), collected with the
 * other areas so a saved bundle carries it. Findings about it need the stored baseline (watch/baseline.ts),
 * so alone it judges nothing; the report counts what was seen.
 */
export function inventoryScanner(): Scanner<InventoryFacts> {
  return {
    id: "inventory",
    collect: async (ctx) => ({ version: INVENTORY_FACTS_VERSION, items: collectInventory(ctx.fs, ctx.diag) }),
    schema: async () => (await import("../facts/inventory.ts")).inventoryFactsSchema,
    check: () => [],
    summarize: (facts): InventorySection => {
      const counts = Object.fromEntries(INVENTORY_KINDS.map((k) => [k, 0])) as InventorySection["counts"];
      for (const item of facts.items) counts[item.kind]++;
      return { counts };
    },
  };
}
