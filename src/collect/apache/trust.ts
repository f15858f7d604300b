/**
 * Which paths on the live machine only root can change, so mamori (running as root) may read their
 * configuration as authoritative or execute a binary from them.
 *
 * A path is trusted when every component from "/" is owned by root and cannot be written by group or
 * others. A root-owned sticky directory such as /tmp may sit on the way (others cannot rename or remove
 * root's entries in it), but never as the directory that holds the file or as the directory asked
 * about. A symbolic link is followed only when root owns it (its directory was already checked); a link
 * anyone else owns is refused, as is anything missing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { VerifiedDir } from "../../core/dirfd.ts";
import type { TrustProblem, TrustWhy } from "../../facts/apache.ts";

export type { TrustProblem, TrustWhy };

const MAX_LINKS = 40;

export type TrustResult = { ok: true; real: string } | { ok: false; problem: TrustProblem };

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with one component, if anything. `holder` is the directory that holds the file or the
 * directory asked about: a sticky directory is accepted only further up.
 */
export function componentProblem(st: fs.Stats, p: string, holder: boolean): TrustProblem | undefined {
  const mode = st.mode & 0o7777;
  if (st.uid !== 0) return { path: p, why: "owner", uid: st.uid, mode };
  const sticky = (st.mode & 0o1000) !== 0;
  if ((st.mode & 0o022) !== 0 && (holder || !st.isDirectory() || !sticky))
    return { path: p, why: "writable", uid: st.uid, mode };
  return undefined;
}

/**
 * Resolves an absolute path on the live machine, following only root-owned links, and checks that root
 * alone can change every component. `kind` says what the last component must be.
 */
export function trustedPath(absPath: string, kind: "file" | "dir"): TrustResult {
  if (!path.posix.isAbsolute(absPath)) return { ok: false, problem: { path: absPath, why: "missing" } };
  const rootSt = lstat("/");
  if (!rootSt) return { ok: false, problem: { path: "/", why: "missing" } };
  const bad = componentProblem(rootSt, "/", false);
  if (bad) return { ok: false, problem: bad };
  const pending = absPath.split("/").filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    const p = `/${[...done, part].join("/")}`;
    const st = lstat(p);
    if (!st) return { ok: false, problem: { path: p, why: "missing" } };
    if (st.isSymbolicLink()) {
      // Its directory is trusted (checked on the way here), so only its owner could have made it.
      if (st.uid !== 0) return { ok: false, problem: { path: p, why: "link-owner", uid: st.uid } };
      if (++links > MAX_LINKS) return { ok: false, problem: { path: p, why: "loop" } };
      let target: string;
      try {
        target = fs.readlinkSync(p);
      } catch {
        return { ok: false, problem: { path: p, why: "missing" } };
      }
      if (target.startsWith("/")) done.length = 0;
      pending.unshift(...target.split("/").filter(Boolean));
      continue;
    }
    if (pending.length > 0 && !st.isDirectory()) return { ok: false, problem: { path: p, why: "type" } };
    const problem = componentProblem(st, p, false);
    if (problem) return { ok: false, problem };
    done.push(part);
  }
  const real = `/${done.join("/")}`;
  // The real path's last component, and for a file its directory, must not be writable by others at all.
  const last = lstat(real);
  if (!last) return { ok: false, problem: { path: real, why: "missing" } };
  if (kind === "dir" ? !last.isDirectory() : !last.isFile())
    return { ok: false, problem: { path: real, why: "type" } };
  const holderPath = kind === "dir" ? real : path.posix.dirname(real);
  const holder = kind === "dir" ? last : lstat(holderPath);
  if (!holder) return { ok: false, problem: { path: holderPath, why: "missing" } };
  const problem = componentProblem(holder, holderPath, true) ?? componentProblem(last, real, true);
  if (problem) return { ok: false, problem };
  return { ok: true, real };
}

/**
 * Opens a binary for execution through directory descriptors, no link followed, checking every
 * component as it is opened; the caller executes `/proc/self/fd/N`, so the file checked is the file
 * that runs even if a path is swapped afterwards. `realPath` must already be link-free.
 */
export function openTrustedBinary(
  realPath: string,
): { fd: number; stat: fs.Stats } | { problem: TrustProblem } {
  const parts = realPath.split("/").filter(Boolean);
  const name = parts.pop();
  if (!name || !path.posix.isAbsolute(realPath)) return { problem: { path: realPath, why: "missing" } };
  let dir: VerifiedDir;
  try {
    dir = VerifiedDir.open("/");
  } catch {
    return { problem: { path: "/", why: "missing" } };
  }
  try {
    const rootBad = componentProblem(dir.stat, "/", parts.length === 0);
    if (rootBad) return { problem: rootBad };
    for (let i = 0; i < parts.length; i++) {
      const next = dir.openDir(parts[i] as string);
      dir.close();
      dir = next;
      const bad = componentProblem(dir.stat, dir.path, i === parts.length - 1);
      if (bad) return { problem: bad };
    }
    const fd = dir.openRead(name);
    const stat = fs.fstatSync(fd);
    const bad = componentProblem(stat, realPath, true);
    if (bad) {
      fs.closeSync(fd);
      return { problem: bad };
    }
    return { fd, stat };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      problem: {
        path: realPath,
        why: code === "ELOOP" ? "link-owner" : code === "ENOENT" ? "missing" : "type",
      },
    };
  } finally {
    dir.close();
  }
}
