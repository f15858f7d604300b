/**
 * What a baseline remembers about a host (src/collect/inventory): one item per listening port, cron
 * line or script, systemd unit, SSH key, ld.so.preload entry and package. Types only: the schema is
 * inventory.ts, loaded to check a bundle read back.
 */

/** Version of the inventory area document inside a bundle. */
export const INVENTORY_FACTS_VERSION = 1;

export type InventoryKind = "port" | "cron" | "systemd" | "key" | "preload" | "package";

export const INVENTORY_KINDS: InventoryKind[] = ["port", "cron", "systemd", "key", "preload", "package"];

/**
 * One thing a baseline remembers. `key` names it (stable across scans), `value` is what it looked like;
 * `detail` carries evidence for a finding (path, line, pid) and is not compared.
 */
export interface InventoryItem {
  kind: InventoryKind;
  key: string;
  value: string;
  detail?: {
    path?: string;
    line?: number;
    user?: string;
    pids?: number[];
    process?: string;
    /** Modification time of the file (ISO), for the finding's time and the correlator's timeline. */
    mtime?: string;
  };
}

/** `bundle.areas.inventory`. */
export interface InventoryFacts {
  version: typeof INVENTORY_FACTS_VERSION;
  items: InventoryItem[];
}
