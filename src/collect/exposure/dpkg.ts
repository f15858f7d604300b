import { cutFrom } from "../../core/cut.ts";
import type { RootFs } from "../rootfs.ts";

export interface PackageOwner {
  package: string;
  version?: string;
}

/** The names a file may have in dpkg's lists on a merged-/usr system (/bin/x is /usr/bin/x). */
export function pathAliases(p: string): string[] {
  const out = new Set([p]);
  const m = /^\/usr\/(bin|sbin|lib|lib32|lib64|libx32)\/(.*)$/.exec(p);
  if (m) out.add(`/${m[1]}/${m[2]}`);
  const n = /^\/(bin|sbin|lib|lib32|lib64|libx32)\/(.*)$/.exec(p);
  if (n) out.add(`/usr/${n[1]}/${n[2]}`);
  return [...out];
}

/** Version of each installed package from /var/lib/dpkg/status. */
export function dpkgVersions(statusText: string, wanted: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const stanza of statusText.split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1]?.trim();
    if (!name || !wanted.has(name)) continue;
    const version = /^Version: (.+)$/m.exec(stanza)?.[1]?.trim();
    if (version && /^Status: .* installed$/m.test(stanza)) out.set(name, version);
  }
  return out;
}

/** Which dpkg package owns each path (from /var/lib/dpkg/info/*.list), with its installed version. */
export function packageOwners(fs: RootFs, paths: string[]): Map<string, PackageOwner> {
  const owners = new Map<string, PackageOwner>();
  if (paths.length === 0) return owners;
  const wanted = new Map<string, string>();
  for (const p of paths) for (const a of pathAliases(p)) wanted.set(a, p);
  let lists: string[];
  try {
    lists = fs.readdir("/var/lib/dpkg/info").filter((n) => n.endsWith(".list"));
  } catch {
    return owners;
  }
  for (const name of lists) {
    const text = fs.tryReadText(`/var/lib/dpkg/info/${name}`);
    if (!text) continue;
    const pkg = cutFrom(name.slice(0, -".list".length), ":");
    for (const line of text.split("\n")) {
      const original = wanted.get(line);
      if (original !== undefined && !owners.has(original)) owners.set(original, { package: pkg });
    }
    if (owners.size === paths.length) break;
  }
  const versions = dpkgVersions(
    fs.tryReadText("/var/lib/dpkg/status") ?? "",
    new Set([...owners.values()].map((o) => o.package)),
  );
  for (const o of owners.values()) o.version = versions.get(o.package);
  return owners;
}
