/**
 * Node's compile cache keeps each module's type-stripped and compiled form on disk, keyed by a hash
 * of its source: a later run loads no TypeScript stripper (compiling its WebAssembly took about
 * 100 ms and 20 MB in each thread) and parses nothing again. `mamori logs` on a small file starts in
 * a third of the time.
 * The cache is kept in .cache/ at the repository's root, with the code and owned like it, never in a
 * shared temporary directory, where another user could plant compiled code. It is used only when no
 * other user could have written it (as root, planted code would run as root): the directory and every
 * parent root's or ours, no link on the way, none writable by others, and the same for the directories
 * Node keeps in it. bin/mamori checks the same before it sets NODE_COMPILE_CACHE. Where it cannot be
 * trusted or written, Node runs without it.
 */
import { enableCompileCache } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { VerifiedDir } from "./dirfd.ts";

export const COMPILE_CACHE_DIR = fileURLToPath(new URL("../../.cache/node-compile", import.meta.url));

/** Whether a compile cache directory (missing counts as fine: it is created as ours) can be trusted. */
export function compileCacheTrusted(dir: string, euid = process.geteuid?.() ?? 0): boolean {
  if (!path.isAbsolute(dir)) return false;
  let d: VerifiedDir;
  try {
    d = VerifiedDir.open(dir, { privateTo: euid, readableByOthers: true });
  } catch (err) {
    // Missing: trusted if its nearest existing parent is (the cache is then created by us).
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && path.dirname(dir) !== dir)
      return compileCacheTrusted(path.dirname(dir), euid);
    return false;
  }
  try {
    for (const name of d.readdir()) {
      const st = d.lstat(name);
      if (!st) continue;
      if (!st.isDirectory() || (st.uid !== 0 && st.uid !== euid) || (st.mode & 0o022) !== 0) return false;
    }
    return true;
  } finally {
    d.close();
  }
}

/** Turns the cache on for the modules this thread loads from now on, when it can be trusted. */
export function useCompileCache(): void {
  const dir = process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE_DIR;
  try {
    if (compileCacheTrusted(dir)) enableCompileCache(dir);
  } catch {
    // Older Node or an unusable directory: modules are compiled as usual.
  }
}

/** The environment for a worker thread, which turns the cache on as it starts (only a trusted one). */
export function workerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const dir = env.NODE_COMPILE_CACHE ?? COMPILE_CACHE_DIR;
  if (compileCacheTrusted(dir)) env.NODE_COMPILE_CACHE = dir;
  else delete env.NODE_COMPILE_CACHE;
  return env;
}
