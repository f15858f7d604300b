import * as fs from "node:fs";
import * as path from "node:path";
import { findRpmDb, readRpmDb } from "../collect/packages/rpmdb.ts";
import { RootFs } from "../collect/rootfs.ts";
import { normGuest } from "./guest.ts";

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

/**
 * Which package lists each file: the root's dpkg database (`*.list`, read once per run), and its rpm
 * database (EL, SUSE, Fedora; read once for the paths about to be judged, see `prefetch`).
 */
export class PackageFiles {
  private owners: Map<string, string> | undefined;
  private readonly rpmOwners = new Map<string, string>();
  private readonly asked = new Set<string>();
  private readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  /**
   * Looks up the owners of `guests` in the rpm database, in one read (it holds every package's file
   * list: reading it for each path would read it many times). Like the dpkg lists, a database that
   * cannot be read protects nothing, and a forged one can only stop a move, never cause one.
   */
  prefetch(guests: string[]): void {
    const want = [...new Set(guests.map(normGuest))].filter((p) => !this.asked.has(p));
    if (want.length === 0) return;
    for (const p of want) this.asked.add(p);
    const rootFs = new RootFs(this.root);
    const where = findRpmDb(rootFs);
    if (!where) return;
    for (const [p, pkg] of readRpmDb(rootFs, where, want).owners) this.rpmOwners.set(p, pkg.name);
  }

  ownerOf(guest: string): string | undefined {
    this.owners ??= this.load();
    return this.owners.get(guest) ?? this.rpmOwners.get(guest);
  }

  private load(): Map<string, string> {
    const out = new Map<string, string>();
    const dir = path.join(this.root, "var/lib/dpkg/info");
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith(".list"));
    } catch {
      return out;
    }
    for (const n of names) {
      let text: string;
      try {
        // Read-only and only ever used to refuse: a forged list can stop a move, never cause one.
        text = fs.readFileSync(path.join(dir, n), "utf8");
      } catch {
        continue;
      }
      // "libc6:amd64.list" names the package libc6.
      const base = n.slice(0, -".list".length);
      const colon = base.indexOf(":");
      const pkg = colon < 0 ? base : base.slice(0, colon);
      for (const line of text.split("\n")) if (line.startsWith("/")) out.set(line, pkg);
    }
    return out;
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
