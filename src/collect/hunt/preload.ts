/**
 * What each library named in /etc/ld.so.preload is: whether it exists, whether it is an ELF file, and
 * which package owns it (dpkg file lists, the rpm database). Kinsing and perfctl preload a library of
 * their own from an odd place that no package installed; a package's library in a system directory
 * (jemalloc, a vendor's agent) is an administrator's choice. The checks weigh these facts.
 */
import { errorCode } from "../../core/diagnostics.ts";
import { type PreloadLibrary, preloadPaths } from "../../facts/hunt.ts";
import { rpmOwner } from "../apache/packages.ts";
import type { ScanContext } from "../context.ts";
import { packageOwners } from "../exposure/dpkg.ts";
import { RootFsError } from "../rootfs.ts";
import { notAfter, type PersistLine } from "./facts.ts";

const MAX_LIBRARIES = 32;

const RPM_DBS = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];

/** Which package database this root has (the first one found), or none. */
function packageDb(ctx: ScanContext): PreloadLibrary["packageDb"] {
  if (ctx.fs.exists("/var/lib/dpkg/status")) return "dpkg";
  if (RPM_DBS.some((d) => ctx.fs.tryStat(d)?.isDirectory() ?? false)) return "rpm";
  return "none";
}

export async function collectPreloadLibraries(
  ctx: ScanContext,
  lines: PersistLine[],
): Promise<PreloadLibrary[]> {
  const paths = [...new Set(lines.filter((l) => l.kind === "preload").flatMap((l) => preloadPaths(l.text)))];
  if (paths.length === 0) return [];
  const db = packageDb(ctx);
  const dpkg = db === "dpkg" ? packageOwners(ctx.fs, paths) : new Map();
  const out: PreloadLibrary[] = [];
  for (const p of paths.slice(0, MAX_LIBRARIES)) {
    const lib: PreloadLibrary = { path: p, exists: false, packageDb: db };
    try {
      const st = ctx.fs.stat(p);
      lib.exists = st.isFile();
      lib.size = st.size;
      lib.uid = st.uid;
      lib.mtime = st.mtime.toISOString();
      lib.ctime = notAfter(st.ctime, ctx.now());
      if (lib.exists) lib.elf = ctx.fs.readBytes(p, { maxBytes: 4 }).toString("latin1") === "\x7fELF";
    } catch (err) {
      const code = err instanceof RootFsError ? err.code : errorCode(err);
      if (code !== "ENOENT" && code !== "ENOTDIR")
        ctx.diag.couldNotCheck({ area: "hunt.persistence", path: p, reason: code });
    }
    if (db === "dpkg") lib.owner = dpkg.get(p)?.package;
    else if (db === "rpm") {
      const r = await rpmOwner(ctx, p);
      if (r.found) lib.owner = r.found.owner.name;
      else if (r.dbUnreadable) lib.packageDb = "unreadable";
    }
    out.push(lib);
  }
  return out;
}
