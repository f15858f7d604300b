/**
 * Whether root alone can change what the dynamic loader reads when a binary runs: its program
 * interpreter, the directories its RPATH/RUNPATH name, libraries it names by path, and the same for the
 * libraries found in those directories (a source build's libapr in /usr/local/apr/lib carries its own
 * RPATH). Libraries the loader finds in the system's directories (ld.so.cache, /lib, /usr/lib) are
 * root's, installed by the package manager, and not followed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TrustProblem } from "../../facts/apache.ts";
import { type LoaderNames, readLoaderNames, searchDirs } from "./elf-loader.ts";
import { trustedPath } from "./trust.ts";

/** Objects followed at most (the binary and the libraries found in its own directories). */
const MAX_OBJECTS = 64;
/** Directories and names looked at at most: each look walks a path (an ELF can name thousands). */
const MAX_DIRS = 64;
const MAX_NEEDED = 512;

export type LoaderProblem =
  | { what: "interpreter" | "directory" | "library"; by: string; problem: TrustProblem }
  | { what: "unreadable"; by: string; detail: string };

/** A directory only root can change, or one that does not exist and that only root could create. */
function dirProblem(dir: string): TrustProblem | undefined {
  const r = trustedPath(path.posix.normalize(dir), "dir");
  if (r.ok) return undefined;
  if (r.problem.why !== "missing" || r.problem.path === "/") return r.problem;
  // The first missing component: whoever can write the directory above it could make it.
  const above = trustedPath(path.posix.dirname(r.problem.path), "dir");
  return above.ok ? undefined : above.problem;
}

function namesOf(file: string, fd?: number): { names: LoaderNames } | { detail: string } {
  let own: number | undefined;
  try {
    own = fd === undefined ? fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK) : undefined;
    const r = readLoaderNames(fd ?? (own as number));
    return r.ok ? { names: r.names } : { detail: r.why };
  } catch (err) {
    return { detail: (err as NodeJS.ErrnoException).code ?? String(err) };
  } finally {
    if (own !== undefined) fs.closeSync(own);
  }
}

/**
 * The first thing the loader would read that a user other than root could change, if any, for the binary
 * open as `fd` at `realPath` (itself already checked: its path is root's alone).
 */
export function loaderProblem(fd: number, realPath: string): LoaderProblem | undefined {
  const dirs: string[] = [];
  const seenDirs = new Set<string>();
  const queue: Array<{ file: string; fd?: number }> = [{ file: realPath, fd }];
  const seenFiles = new Set<string>([realPath]);
  while (queue.length > 0) {
    const obj = queue.shift() as { file: string; fd?: number };
    const read = namesOf(obj.file, obj.fd);
    if ("detail" in read) return { what: "unreadable", by: obj.file, detail: read.detail };
    const { names } = read;
    if (names.interp !== undefined) {
      if (!names.interp.startsWith("/"))
        return { what: "unreadable", by: obj.file, detail: `relative interpreter ${names.interp}` };
      const r = trustedPath(names.interp, "file");
      if (!r.ok) return { what: "interpreter", by: obj.file, problem: r.problem };
    }
    const origin = path.posix.dirname(obj.file);
    for (const list of [...names.rpath, ...names.runpath]) {
      const found = searchDirs(list, origin);
      if (!found) return { what: "unreadable", by: obj.file, detail: `library path ${list}` };
      for (const d of found) {
        if (seenDirs.has(d)) continue;
        if (seenDirs.size >= MAX_DIRS)
          return { what: "unreadable", by: obj.file, detail: `more than ${MAX_DIRS} library directories` };
        seenDirs.add(d);
        const problem = dirProblem(d);
        if (problem) return { what: "directory", by: obj.file, problem };
        dirs.push(d);
      }
    }
    if (names.needed.length > MAX_NEEDED)
      return { what: "unreadable", by: obj.file, detail: `${names.needed.length} needed libraries` };
    for (const lib of names.needed) {
      let file: string | undefined;
      if (lib.includes("/")) {
        const r = trustedPath(path.posix.resolve("/", lib), "file");
        if (!r.ok) return { what: "library", by: obj.file, problem: r.problem };
        file = r.real;
      } else {
        // Found in a directory a binary or library named: its own names are read too.
        for (const d of dirs) {
          const r = trustedPath(path.posix.join(d, lib), "file");
          if (r.ok) {
            file = r.real;
            break;
          }
          if (r.problem.why !== "missing") return { what: "library", by: obj.file, problem: r.problem };
        }
      }
      if (file === undefined || seenFiles.has(file)) continue;
      if (seenFiles.size >= MAX_OBJECTS)
        return { what: "unreadable", by: obj.file, detail: `more than ${MAX_OBJECTS} libraries` };
      seenFiles.add(file);
      queue.push({ file });
    }
  }
  return undefined;
}
