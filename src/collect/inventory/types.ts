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

export type InventoryKind = "port" | "cron" | "systemd" | "key" | "preload" | "package";

export const INVENTORY_KINDS: InventoryKind[] = ["port", "cron", "systemd", "key", "preload", "package"];
