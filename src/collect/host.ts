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

export function collectHost(fs: RootFs, liveHostname: () => string): HostInfo {
  const os = readOsRelease(fs);
  const hostname = fs.tryReadText("/etc/hostname")?.trim() || (fs.isLive ? liveHostname() : "") || "unknown";
  return {
    hostname,
    os: os.prettyName,
    osId: os.id,
    osVersion: os.versionId,
    root: fs.root,
    live: fs.isLive,
  };
}
