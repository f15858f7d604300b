import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cutFrom } from "../../core/cut.ts";
import { errorCode } from "../../core/diagnostics.ts";
import { msg } from "../../core/message.ts";
import type { OwnerFact, OwnerLookup } from "../../facts/apache.ts";
import type { ScanContext } from "../context.ts";
import { readOsRelease } from "../host.ts";
import { readApkInstalled } from "../packages/apk.ts";
import { evr, type RpmPackage, sourceName } from "../packages/rpm-header.ts";
import { findRpmDb, readRpmDb } from "../packages/rpmdb.ts";
import { CLEAN_ENV } from "./live.ts";
import { readBounded } from "./read.ts";
import { trustedPath } from "./trust.ts";
import { isThirdPartyVersion } from "./version.ts";

export type { OwnerFact, OwnerLookup };

const run = promisify(execFile);

interface Stanza {
  fields: Record<string, string>;
  line: number;
}

/** Parses RFC-822 style stanzas (dpkg status); continuation lines are folded into the previous field. */
export function parseStanzas(text: string): { stanzas: Stanza[]; bad: number } {
  const stanzas: Stanza[] = [];
  let bad = 0;
  let cur: Stanza | undefined;
  let last: string | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.trim() === "") {
      if (cur) stanzas.push(cur);
      cur = undefined;
      last = undefined;
      continue;
    }
    if (/^\s/.test(l)) {
      if (cur && last) cur.fields[last] += `\n${l.trim()}`;
      else bad++;
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(l);
    if (!m) {
      bad++;
      continue;
    }
    cur ??= { fields: {}, line: i + 1 };
    last = m[1] as string;
    cur.fields[last] = m[2] as string;
  }
  if (cur) stanzas.push(cur);
  return { stanzas, bad };
}

function altPaths(p: string): string[] {
  const out = [p];
  if (p.startsWith("/usr/")) out.push(p.slice(4));
  else out.push(`/usr${p}`);
  return out;
}

function distroOf(ctx: ScanContext): { distro?: string; release?: string; versionId?: string } {
  const os = readOsRelease(ctx.fs);
  return { distro: os.id, release: os.versionCodename || os.versionId, versionId: os.versionId };
}

const DPKG_STATUS = "/var/lib/dpkg/status";
const DPKG_INFO = "/var/lib/dpkg/info";

export function dpkgOwner(ctx: ScanContext, binary: string): OwnerLookup {
  if (!ctx.fs.exists(DPKG_STATUS)) return {};
  let text: string;
  try {
    text = readBounded(ctx.fs, DPKG_STATUS, 256 * 1024 * 1024).text;
  } catch (err) {
    ctx.diag.couldNotCheck({
      area: "apache.packages",
      path: DPKG_STATUS,
      reason: errorCode(err),
      detail: msg("apache.diag.dpkgUnreadable", { path: DPKG_STATUS, reason: errorCode(err), binary }),
    });
    return { dbUnreadable: DPKG_STATUS };
  }
  const { stanzas, bad } = parseStanzas(text);
  const installed = stanzas.filter((s) => s.fields.Package && / installed$/.test(s.fields.Status ?? ""));
  if (bad > 0 || stanzas.some((s) => !s.fields.Package)) {
    ctx.diag.couldNotCheck({
      area: "apache.packages",
      path: DPKG_STATUS,
      reason: "parse",
      detail: msg("apache.diag.dpkgMalformed", {
        path: DPKG_STATUS,
        count: bad + stanzas.filter((s) => !s.fields.Package).length,
      }),
    });
    if (installed.length === 0) return { dbUnreadable: DPKG_STATUS };
  }
  const wanted = new Set(altPaths(binary));
  const ownsBinary = (pkg: string): boolean => {
    for (const name of [`${pkg}.list`, ...safeList(ctx, pkg)]) {
      const t = ctx.fs.tryReadText(`${DPKG_INFO}/${name}`);
      if (t?.split("\n").some((l) => wanted.has(l.trim()))) return true;
    }
    return false;
  };
  const likely = installed.filter((s) => /apache|httpd/i.test(s.fields.Package as string));
  let owner = likely.find((s) => ownsBinary(s.fields.Package as string));
  // Packages must not install under /usr/local (Debian policy 9.1.2), so such binaries skip the full scan.
  if (!owner && !binary.startsWith("/usr/local/")) {
    // Not one of the usual names: look through every file list (bounded), as `dpkg -S` would.
    let names: string[] = [];
    try {
      names = ctx.fs.readdir(DPKG_INFO).filter((n) => n.endsWith(".list"));
    } catch {
      names = [];
    }
    for (const n of names.slice(0, 20000)) {
      const t = ctx.fs.tryReadText(`${DPKG_INFO}/${n}`);
      if (t?.split("\n").some((l) => wanted.has(l.trim()))) {
        const pkg = cutFrom(n.replace(/\.list$/, ""), ":");
        owner = installed.find((s) => s.fields.Package === pkg);
        if (owner) break;
      }
    }
  }
  if (!owner) return {};
  const f = owner.fields;
  const version = (f.Version ?? "").trim();
  const d = distroOf(ctx);
  return {
    found: {
      owner: {
        manager: "dpkg",
        name: f.Package as string,
        source: (f.Source ?? f.Package ?? "").split(/\s/)[0],
        version,
        distro: d.distro,
        release: d.release,
        origin: isThirdPartyVersion(version) ? "third-party" : version ? "distro" : "unknown",
      },
      source: DPKG_STATUS,
      line: owner.line,
    },
  };
}

function safeList(ctx: ScanContext, pkg: string): string[] {
  try {
    return ctx.fs.readdir(DPKG_INFO).filter((n) => n.startsWith(`${pkg}:`) && n.endsWith(".list"));
  } catch {
    return [];
  }
}

const APK_DB = "/lib/apk/db/installed";

export function apkOwner(ctx: ScanContext, binary: string): OwnerLookup {
  if (!ctx.fs.exists(APK_DB)) return {};
  let text: string | undefined;
  try {
    text = readBounded(ctx.fs, APK_DB, 256 * 1024 * 1024).text;
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    ctx.diag.couldNotCheck({ area: "apache.packages", path: APK_DB, reason: "other" });
    return { dbUnreadable: APK_DB };
  }
  const pkg = readApkInstalled(text, [binary]).owners.get(binary);
  if (!pkg) return {};
  const d = distroOf(ctx);
  return {
    found: {
      owner: {
        manager: "apk",
        name: pkg.name,
        source: pkg.origin,
        version: pkg.version,
        distro: d.distro,
        release: d.versionId?.split(".").slice(0, 2).join("."),
        origin: "distro",
      },
      source: APK_DB,
      line: pkg.line,
    },
  };
}

/**
 * The rpm command root may run: a fixed place, never mamori's PATH, and only when root alone can change
 * the binary and every directory above it.
 */
function trustedRpm(): string | undefined {
  for (const p of ["/usr/bin/rpm", "/bin/rpm"]) {
    const r = trustedPath(p, "file");
    if (r.ok) return r.real;
  }
  return undefined;
}

function rpmFact(ctx: ScanContext, p: RpmPackage, source: string): OwnerLookup {
  const d = distroOf(ctx);
  const distroVendor = /Red Hat|CentOS|Rocky|AlmaLinux|Fedora|Oracle|SUSE|openSUSE|Amazon/i.test(
    p.vendor ?? "",
  );
  return {
    found: {
      owner: {
        manager: "rpm",
        name: p.name,
        source: sourceName(p) ?? p.name,
        version: evr(p),
        distro: d.distro,
        release: d.versionId?.split(".")[0],
        origin: distroVendor ? "distro" : "unknown",
      },
      source,
    },
  };
}

/**
 * Reads the rpm database itself (SQLite, Berkeley DB hash or ndb), as Trivy does, so an EL or SUSE root is
 * judged on any host. The rpm command is only the fallback for this machine's own database, when this
 * reader cannot read it.
 */
export async function rpmOwner(ctx: ScanContext, binary: string): Promise<OwnerLookup> {
  const where = findRpmDb(ctx.fs);
  if (!where) return {};
  const db = where.file ?? where.dir;
  const read = readRpmDb(ctx.fs, where, [binary]);
  if (!read.problem) {
    if (read.skippedCount > 0)
      ctx.diag.couldNotCheck({
        area: "apache.packages",
        path: db,
        reason: "rpmdb-records-skipped",
        detail: msg("apache.diag.rpmdbSkipped", {
          db,
          count: read.skippedCount,
          why: read.skipped.join(", "),
        }),
      });
    const owner = read.owners.get(binary);
    return owner ? rpmFact(ctx, owner, db) : {};
  }
  // The rpm command is C code that parses the database as root: it is handed only this machine's own
  // database, which root alone can change. An image's or a recorded bundle's was written by whoever made
  // it, and one this reader refuses is exactly what such an author would make to reach that code.
  const own = !read.refused && ctx.fs.isLive && rootOnly(where.dir, where.file);
  ctx.diag.couldNotCheck({
    area: "apache.packages",
    path: db,
    reason: "rpmdb-unreadable",
    detail: msg(own ? "apache.diag.rpmdbUnreadable" : "apache.diag.rpmdbUnreadableNotRun", {
      db,
      problem: read.problem,
      binary,
    }),
  });
  const rpm = own ? trustedRpm() : undefined;
  if (!rpm) return { dbUnreadable: db };
  return rpmCommandOwner(ctx, rpm, where.dir, binary);
}

/** The database's directory and file can be changed by root alone (owned by root, written by no one else). */
function rootOnly(dir: string, file: string | undefined): boolean {
  return trustedPath(dir, "dir").ok && (file === undefined || trustedPath(file, "file").ok);
}

async function rpmCommandOwner(
  ctx: ScanContext,
  rpm: string,
  dir: string,
  binary: string,
): Promise<OwnerLookup> {
  try {
    const args = [
      "--root",
      ctx.fs.root,
      "--dbpath",
      dir,
      "-qf",
      "--qf",
      "%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}\t%{SOURCERPM}\t%{VENDOR}\n",
      binary,
    ];
    const { stdout } = await run(rpm, args, {
      timeout: 15000,
      maxBuffer: 1024 * 1024,
      env: { ...CLEAN_ENV },
      cwd: "/",
    });
    const [name, ver, srpm, vendor] = (stdout.split("\n")[0] ?? "").split("\t");
    if (!name || !ver || / is not owned /.test(stdout)) return {};
    const m = /^(?:\(none\)|(\d+)):([^-]*)-(.*)$/.exec(ver);
    if (!m) return {};
    const p: RpmPackage = { name, version: m[2] as string, release: m[3] as string };
    if (m[1] !== undefined) p.epoch = Number(m[1]);
    if (srpm && srpm !== "(none)") p.sourceRpm = srpm;
    if (vendor && vendor !== "(none)") p.vendor = vendor;
    return rpmFact(ctx, p, dir);
  } catch (err) {
    ctx.diag.couldNotCheck({
      area: "apache.packages",
      path: dir,
      reason: "rpm-failed",
      detail: msg("apache.diag.rpmFailed", { binary, reason: rpmFailure(err) }),
    });
    return { dbUnreadable: dir };
  }
}

/** Why the rpm command failed, in a word: its message repeats the whole command line and the host's paths. */
function rpmFailure(err: unknown): string {
  const e = err as { killed?: boolean; code?: unknown; signal?: unknown };
  if (e.killed) return "timeout";
  if (typeof e.code === "number") return `exit status ${e.code}`;
  if (typeof e.signal === "string") return e.signal;
  return errorCode(err);
}

export async function packageOwner(ctx: ScanContext, binary: string): Promise<OwnerLookup> {
  const lookups = [dpkgOwner(ctx, binary), apkOwner(ctx, binary), await rpmOwner(ctx, binary)];
  const found = lookups.find((l) => l.found);
  if (found) return found;
  return { dbUnreadable: lookups.find((l) => l.dbUnreadable)?.dbUnreadable };
}
