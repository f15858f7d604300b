import type { Diagnostics } from "../../core/diagnostics.ts";
import type { RootFs } from "../rootfs.ts";
import { collectCron, collectKeys, collectPackages, collectPreload, collectSystemd } from "./files.ts";
import { collectPorts } from "./ports.ts";
import type { InventoryItem } from "./types.ts";

export type { InventoryItem, InventoryKind } from "./types.ts";

/** What a baseline remembers about a host: ports, cron, systemd units, SSH keys, ld.so.preload, packages. */
export function collectInventory(fs: RootFs, diag: Diagnostics): InventoryItem[] {
  return [
    ...collectPorts(fs, diag),
    ...collectCron(fs, diag),
    ...collectSystemd(fs, diag),
    ...collectKeys(fs, diag),
    ...collectPreload(fs, diag),
    ...collectPackages(fs, diag),
  ];
}
