import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cutFrom } from "../../core/cut.ts";
import { errorCode } from "../../core/diagnostics.ts";
import { msg } from "../../core/message.ts";
import type { OwnerFact, OwnerLookup } from "../../facts/apache.ts";
import type { ScanContext } from "../context.ts";
import { readOsRelease } from "../host.ts";
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
  const wanted = new Set(altPaths(binary).map((p) => p.replace(/^\//, "")));
  // apk stanzas repeat their F:/R: keys, so each block is scanned line by line.
  const blocks = text.split(/\n\s*\n/);
  let lineNo = 1;
  for (const block of blocks) {
    let dir = "";
    let name: string | undefined;
    let version: string | undefined;
    let origin: string | undefined;
    let hit = false;
    for (const l of block.split("\n")) {
      const k = l.slice(0, 2);
      const v = l.slice(2);
      if (k === "P:") name = v;
      else if (k === "V:") version = v;
      else if (k === "o:") origin = v;
      else if (k === "F:") dir = v;
      else if (k === "R:" && wanted.has(dir ? `${dir}/${v}` : v)) hit = true;
    }
    if (hit && name && version) {
      const d = distroOf(ctx);
      return {
        found: {
          owner: {
            manager: "apk",
            name,
            source: origin ?? name,
            version,
            distro: d.distro,
            release: d.versionId?.split(".").slice(0, 2).join("."),
            origin: "distro",
          },
          source: APK_DB,
          line: lineNo,
        },
      };
    }
    lineNo += block.split("\n").length + 1;
  }
  return {};
}

const RPM_DBS = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];

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

/** The rpm database is a Berkeley DB or SQLite file only the rpm command reads reliably; without it we say so. */
export async function rpmOwner(ctx: ScanContext, binary: string): Promise<OwnerLookup> {
  const db = RPM_DBS.find((d) => ctx.fs.exists(d) && (ctx.fs.tryStat(d)?.isDirectory() ?? false));
  if (!db) return {};
  const rpm = trustedRpm();
  if (!rpm) {
    ctx.diag.couldNotCheck({
      area: "apache.packages",
      path: db,
      reason: "rpm-unavailable",
      detail: msg("apache.diag.rpmUnavailable", { db, binary }),
    });
    return { dbUnreadable: db };
  }
  try {
    const args = [
      "--root",
      ctx.fs.root,
      "--dbpath",
      db,
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
    const version = ver.replace(/^\(none\):/, "");
    const d = distroOf(ctx);
    const distroVendor = /Red Hat|CentOS|Rocky|AlmaLinux|Fedora|Oracle|SUSE|Amazon/i.test(vendor ?? "");
    return {
      found: {
        owner: {
          manager: "rpm",
          name,
          source: srpm?.replace(/-[^-]+-[^-]+\.src\.rpm$/, ""),
          version,
          distro: d.distro,
          release: d.versionId?.split(".")[0],
          origin: distroVendor ? "distro" : "unknown",
        },
        source: db,
      },
    };
  } catch (err) {
    ctx.diag.couldNotCheck({
      area: "apache.packages",
      path: db,
      reason: "rpm-failed",
      detail: msg("apache.diag.rpmFailed", { binary, reason: errorCode(err) }),
    });
    return { dbUnreadable: db };
  }
}

export async function packageOwner(ctx: ScanContext, binary: string): Promise<OwnerLookup> {
  const lookups = [dpkgOwner(ctx, binary), apkOwner(ctx, binary), await rpmOwner(ctx, binary)];
  const found = lookups.find((l) => l.found);
  if (found) return found;
  return { dbUnreadable: lookups.find((l) => l.dbUnreadable)?.dbUnreadable };
}
