import { createHash } from "node:crypto";
import type { HostInfo } from "../core/document.ts";
import type { RootFs } from "./rootfs.ts";

export interface OsRelease {
  id?: string;
  idLike?: string[];
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
}

export function parseOsRelease(text: string): OsRelease {
  const kv: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1]) kv[m[1]] = (m[2] ?? "").replace(/^["']|["']$/g, "");
  }
  return {
    id: kv.ID,
    idLike: kv.ID_LIKE?.split(/\s+/).filter(Boolean),
    versionId: kv.VERSION_ID,
    versionCodename: kv.VERSION_CODENAME,
    prettyName: kv.PRETTY_NAME,
  };
}

export function readOsRelease(fs: RootFs): OsRelease {
  const text = fs.tryReadText("/etc/os-release") ?? fs.tryReadText("/usr/lib/os-release");
  return text ? parseOsRelease(text) : {};
}

/** systemd's format: 32 lowercase hex digits ("uninitialized" on a first boot is not an id). */
const MACHINE_ID = /^[0-9a-f]{32}$/;

/**
 * The host's stable id from its machine-id. Hashed, so the raw machine-id (meant to stay private: it keys
 * other secrets) never reaches a report or the history; the prefix keeps this hash ours alone.
 */
export function hostIdFromMachineId(machineId: string): string {
  return createHash("sha256").update(`mamori:${machineId}`).digest("hex").slice(0, 32);
}

/** The machine-id under the root (systemd's, else D-Bus's), when one is there and well formed. */
export function readMachineId(fs: RootFs): string | undefined {
  for (const p of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) {
    const id = fs.tryReadText(p, { maxBytes: 4096 })?.trim().toLowerCase();
    if (id && MACHINE_ID.test(id)) return id;
  }
  return undefined;
}

/**
 * `id` is absent when the root has no machine-id: the caller may supply one it keeps itself (watch keeps a
 * generated id in its state directory for the live root), else history falls back to the hostname.
 */
export function collectHost(fs: RootFs, liveHostname: () => string): HostInfo {
  const os = readOsRelease(fs);
  const hostname = fs.tryReadText("/etc/hostname")?.trim() || (fs.isLive ? liveHostname() : "") || "unknown";
  const machineId = readMachineId(fs);
  return {
    ...(machineId ? { id: hostIdFromMachineId(machineId) } : {}),
    hostname,
    os: os.prettyName,
    osId: os.id,
    osVersion: os.versionId,
    root: fs.root,
    live: fs.hasLiveFacts,
  };
}
