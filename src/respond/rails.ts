import * as path from "node:path";
import { dpkgListOwners, type UnreadList } from "../collect/exposure/dpkg.ts";
import { findRpmDb, readRpmDb } from "../collect/packages/rpmdb.ts";
import { RootFs } from "../collect/rootfs.ts";
import { normGuest, withGuestParent } from "./guest.ts";

/**
 * Files `respond` will not move without --force: what the system needs to boot and log in, programs and
 * libraries in the system's own directories, the Apache program itself, and anything a package installed
 * (reinstalling the package repairs those; moving them can leave the host unbootable or the site down).
 */
const SYSTEM_FILES = new Set([
  "/etc/passwd",
  "/etc/shadow",
  "/etc/group",
  "/etc/gshadow",
  "/etc/sudoers",
  "/etc/fstab",
  "/etc/hosts",
  "/etc/resolv.conf",
  "/etc/nsswitch.conf",
  "/etc/login.defs",
  "/etc/crontab",
  "/etc/ld.so.conf",
  "/etc/ld.so.cache",
  "/etc/os-release",
  "/etc/ssh/sshd_config",
]);
const SYSTEM_DIRS =
  /^\/(bin|sbin|boot|lib|lib32|lib64|libx32|usr\/(bin|sbin|lib|lib32|lib64|libx32|libexec)|etc\/(pam\.d|security|sudoers\.d))\//;
const APACHE_PROGRAMS = new Set([
  "httpd",
  "apache2",
  "apachectl",
  "apache2ctl",
  "httpd.worker",
  "httpd.event",
]);

export type Protection =
  | { reason: "protected-system" | "protected-apache" }
  | { reason: "protected-package"; pkg: string };

/** dpkg file lists that were not read while judging (the files they name are not known to be a package's). */
export interface UnreadPackageLists {
  /** The directory the lists are in, inside the root. */
  dir: string;
  /** The first few, with the reason each was not read. */
  lists: UnreadList[];
  count: number;
}

/**
 * Which package lists each file: the root's dpkg file lists (`*.list`) and its rpm database (EL, SUSE,
 * Fedora), both read once for the paths about to be judged (see `prefetch`). Both are the scanned root's
 * and so may be an attacker's: the lists are read through RootFs by the bounded reader the audit uses
 * (regular files only, non-blocking, no link followed out of the root, a byte budget), and what it does
 * not read is kept in `unread` to be said.
 */
export class PackageFiles {
  private readonly owners = new Map<string, string>();
  private readonly asked = new Set<string>();
  private readonly root: string;
  private unreadLists: UnreadPackageLists | undefined;
  constructor(root: string) {
    this.root = root;
  }

  /** The dpkg lists not read so far, or undefined when every list was read. */
  get unread(): UnreadPackageLists | undefined {
    return this.unreadLists;
  }

  /**
   * Looks up the owners of `guests` in the dpkg lists and the rpm database, in one read (each holds every
   * package's file list: reading it for each path would read it many times). A database that cannot be
   * read protects nothing, and a forged one can only stop a move, never cause one.
   */
  prefetch(guests: string[]): void {
    const want = [...new Set(guests.map(normGuest))].filter((p) => !this.asked.has(p));
    if (want.length === 0) return;
    for (const p of want) this.asked.add(p);
    const rootFs = new RootFs(this.root);
    const dpkg = dpkgListOwners(rootFs, want);
    for (const [p, pkg] of dpkg.owners) this.owners.set(p, pkg);
    if (dpkg.unreadCount > 0) {
      // The same lists for every lookup: keep the largest account.
      if (!this.unreadLists || dpkg.unreadCount > this.unreadLists.count)
        this.unreadLists = { dir: "/var/lib/dpkg/info", lists: dpkg.unread, count: dpkg.unreadCount };
    }
    const where = findRpmDb(rootFs);
    if (!where) return;
    for (const [p, pkg] of readRpmDb(rootFs, where, want).owners)
      if (!this.owners.has(p)) this.owners.set(p, pkg.name);
  }

  ownerOf(guest: string): string | undefined {
    const p = normGuest(guest);
    this.prefetch([p]);
    return this.owners.get(p);
  }
}

/** Why `guestPath` must not be moved without --force, or undefined when it may be. */
export function protectionOf(guestPath: string, packages: PackageFiles): Protection | undefined {
  const p = normGuest(guestPath);
  if (p === "/" || SYSTEM_FILES.has(p) || SYSTEM_DIRS.test(p)) return { reason: "protected-system" };
  if (APACHE_PROGRAMS.has(path.posix.basename(p)) || /^\/usr\/local\/apache2?\/(s?bin|modules)\//.test(p))
    return { reason: "protected-apache" };
  const pkg = packages.ownerOf(p);
  if (pkg) return { reason: "protected-package", pkg };
  return undefined;
}

/**
 * Why the program a process runs must not be moved without --force, or undefined when it may be.
 * Killing a process an attacker started is right; moving the program it ran is right only when that
 * program is theirs. A file owned by root (or by another uid than the process's) in a directory root
 * alone can write was not put there by the process's user: it is root's perl or node, run by someone
 * else, and moving it breaks the host. A file the process's user owns, or one in a directory others can
 * write, is moved as any other.
 */
export function programOfOthers(
  root: string,
  guestPath: string,
  runBy: { uid?: number },
): { reason: "program-of-others"; owner: number } | undefined {
  return withGuestParent(root, guestPath, {}, (dir, name) => {
    const st = dir.lstat(name);
    if (!st?.isFile()) return undefined;
    // An old report has no uid: then only root's own programs are kept.
    const others = st.uid === 0 || (runBy.uid !== undefined && st.uid !== runBy.uid);
    const rootAlone = dir.stat.uid === 0 && (dir.stat.mode & 0o022) === 0;
    return others && rootAlone ? { reason: "program-of-others", owner: st.uid } : undefined;
  });
}
