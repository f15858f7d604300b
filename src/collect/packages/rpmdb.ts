import * as fs from "node:fs";
import type { RootFs } from "../rootfs.ts";
import { readBdbHash } from "./bdb.ts";
import { type ByteSource, fdSource } from "./bytes.ts";
import { readNdb } from "./ndb.ts";
import { parseRpmHeader, type RpmPackage } from "./rpm-header.ts";
import { readRpmSqlite } from "./sqlite.ts";

/** Where rpm keeps its database: /var/lib/rpm (EL), /usr/lib/sysimage/rpm (SUSE, newer Fedora). */
export const RPM_DIRS = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];

export type RpmBackend = "sqlite" | "ndb" | "bdb";

/** The file each backend keeps its packages in; the newest format first, as one directory may hold an old one too. */
const FILES: Array<[string, RpmBackend]> = [
  ["rpmdb.sqlite", "sqlite"],
  ["Packages.db", "ndb"],
  ["Packages", "bdb"],
];

const LIMITS = {
  // rpm refuses headers with more than 256 MB of data; no real one comes near 64 MB.
  maxValue: 64 * 1024 * 1024,
  maxValues: 200_000,
  maxTotal: 2 * 1024 * 1024 * 1024,
};

export interface RpmDbLocation {
  /** The directory, for notes about the database as a whole. */
  dir: string;
  /** The packages file, when one of a known format is there. */
  file?: string;
  backend?: RpmBackend;
}

export function findRpmDb(rootFs: RootFs): RpmDbLocation | undefined {
  for (const dir of RPM_DIRS) {
    if (!rootFs.tryStat(dir)?.isDirectory()) continue;
    for (const [name, backend] of FILES) {
      const file = `${dir}/${name}`;
      // Anything there counts (a FIFO too): the open below refuses what is not a regular file, with a note.
      const st = rootFs.tryStat(file);
      if (st && !st.isDirectory()) return { dir, file, backend };
    }
    return { dir };
  }
  return undefined;
}

export interface RpmDbRead {
  packages: RpmPackage[];
  /** For each path asked about, the package whose file list has it. */
  owners: Map<string, RpmPackage>;
  /** Why nothing could be read (the database as a whole). */
  problem?: string;
  /** The file itself was refused (not a regular file, a link loop): no other reader should be pointed at it. */
  refused?: boolean;
  /** Records passed over as broken, and why (the first few). */
  skipped: string[];
  skippedCount: number;
}

/**
 * Every package in the database, and the owners of `paths` (each with its merged-/usr alias). Never throws:
 * an unreadable or hostile database comes back as `problem`, broken records as `skipped`.
 */
export function readRpmDb(rootFs: RootFs, where: RpmDbLocation, paths: string[] = []): RpmDbRead {
  const out: RpmDbRead = { packages: [], owners: new Map(), skipped: [], skippedCount: 0 };
  if (!where.file || !where.backend) return { ...out, problem: "no-known-database" };
  let opened: { fd: number; stat: fs.Stats };
  try {
    opened = rootFs.openFile(where.file);
  } catch (err) {
    return { ...out, problem: (err as { code?: string }).code ?? "unreadable", refused: true };
  }
  try {
    const src: ByteSource = fdSource(opened.fd, opened.stat.size);
    const res =
      where.backend === "sqlite"
        ? readRpmSqlite(opened.fd, LIMITS)
        : where.backend === "ndb"
          ? readNdb(src, LIMITS)
          : readBdbHash(src, LIMITS);
    out.skipped.push(...res.skipped);
    out.skippedCount = res.skippedCount;
    if (res.problem && res.values.length === 0) return { ...out, problem: res.problem };
    if (res.problem) {
      out.skippedCount++;
      out.skipped.push(res.problem);
    }
    const wanted = new Map<string, string[]>();
    for (const p of paths) for (const a of aliases(p)) wanted.set(a, [...(wanted.get(a) ?? []), p]);
    for (const { value } of res.values) {
      const h = parseRpmHeader(value);
      if (!h.ok) {
        out.skippedCount++;
        if (out.skipped.length < 5) out.skipped.push(h.problem);
        continue;
      }
      out.packages.push(h.pkg);
      if (wanted.size === 0) continue;
      for (const f of h.header.files() ?? []) {
        for (const asked of wanted.get(f) ?? []) if (!out.owners.has(asked)) out.owners.set(asked, h.pkg);
      }
    }
    if (out.packages.length === 0 && out.skippedCount > 0) return { ...out, problem: out.skipped[0] };
    return out;
  } finally {
    fs.closeSync(opened.fd);
  }
}

/** A file's names on a merged-/usr system (/sbin/httpd is /usr/sbin/httpd). */
export function aliases(p: string): string[] {
  const m = /^\/usr\/(bin|sbin|lib|lib64)\/(.*)$/.exec(p);
  if (m) return [p, `/${m[1]}/${m[2]}`];
  const n = /^\/(bin|sbin|lib|lib64)\/(.*)$/.exec(p);
  if (n) return [p, `/usr/${n[1]}/${n[2]}`];
  return [p];
}
