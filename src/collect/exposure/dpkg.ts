import type { Dirent } from "node:fs";
import { cutFrom } from "../../core/cut.ts";
import { type RootFs, RootFsError } from "../rootfs.ts";

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

const DPKG_INFO = "/var/lib/dpkg/info";

/** Bounds on reading dpkg's file lists: a real system's lists are a few MB together, an image's may be anything. */
export const DPKG_LIST_LIMITS = {
  /** One list larger than this is not read (the largest real ones are a few MB). */
  perFile: 32 * 1024 * 1024,
  /** Bytes read from all lists together; the lists not reached are said. */
  total: 256 * 1024 * 1024,
  /** Lists looked at; more are said, not read. */
  files: 20000,
};

/** A file list that was not read, and why: not a regular file, too large, unreadable, or past the budget. */
export interface UnreadList {
  name: string;
  reason: string;
}

export interface DpkgListOwners {
  /** Package name for each asked path that some list names. */
  owners: Map<string, string>;
  /** The first few lists not read (for messages). */
  unread: UnreadList[];
  /** How many lists were not read in all. */
  unreadCount: number;
}

const MAX_UNREAD_KEPT = 5;

/**
 * Which dpkg package lists each of `paths`, from /var/lib/dpkg/info/*.list, read through RootFs: only
 * entries that are regular files (a FIFO, a device or a link named `x.list` is skipped, never opened
 * or followed), each opened non-blocking and checked on its descriptor, each read up to
 * `limits.perFile`, all of them up to `limits.total`. What is not read is counted and named, so the
 * caller can say that the files it lists are not known to be a package's.
 */
export function dpkgListOwners(
  fs: RootFs,
  paths: string[],
  limits: typeof DPKG_LIST_LIMITS = DPKG_LIST_LIMITS,
): DpkgListOwners {
  const out: DpkgListOwners = { owners: new Map(), unread: [], unreadCount: 0 };
  if (paths.length === 0) return out;
  const unread = (name: string, reason: string): void => {
    out.unreadCount++;
    if (out.unread.length < MAX_UNREAD_KEPT) out.unread.push({ name, reason });
  };
  const wanted = new Map<string, string>();
  for (const p of paths) for (const a of pathAliases(p)) wanted.set(a, p);
  let entries: Dirent[];
  try {
    entries = fs.readdirTypes(DPKG_INFO).filter((e) => e.name.endsWith(".list"));
  } catch {
    // No dpkg database: nothing to read, nothing skipped.
    return out;
  }
  let left = limits.total;
  let looked = 0;
  for (const e of entries) {
    if (out.owners.size === paths.length) break;
    if (!e.isFile()) {
      unread(e.name, e.isSymbolicLink() ? "link" : e.isDirectory() ? "EISDIR" : "not-regular");
      continue;
    }
    if (++looked > limits.files || left <= 0) {
      unread(e.name, "budget");
      continue;
    }
    const limit = Math.min(limits.perFile, left);
    let bytes: Buffer;
    try {
      // One byte more than the limit tells a list that fits from one that does not.
      bytes = fs.readBytes(`${DPKG_INFO}/${e.name}`, { maxBytes: limit + 1 });
    } catch (err) {
      unread(e.name, err instanceof RootFsError ? err.code : "EIO");
      continue;
    }
    left -= bytes.length;
    if (bytes.length > limit) {
      unread(e.name, limit < limits.perFile ? "budget" : "too-large");
      continue;
    }
    const pkg = cutFrom(e.name.slice(0, -".list".length), ":");
    for (const line of bytes.toString("utf8").split("\n")) {
      const original = wanted.get(line);
      if (original !== undefined && !out.owners.has(original)) out.owners.set(original, pkg);
    }
  }
  return out;
}

/** Which dpkg package owns each path (from /var/lib/dpkg/info/*.list), with its installed version. */
export function packageOwners(fs: RootFs, paths: string[]): Map<string, PackageOwner> {
  const owners = new Map<string, PackageOwner>();
  for (const [p, pkg] of dpkgListOwners(fs, paths).owners) owners.set(p, { package: pkg });
  if (owners.size === 0) return owners;
  const versions = dpkgVersions(
    fs.tryReadText("/var/lib/dpkg/status") ?? "",
    new Set([...owners.values()].map((o) => o.package)),
  );
  for (const o of owners.values()) o.version = versions.get(o.package);
  return owners;
}
