/**
 * mamori's data read from a directory someone named (--data-dir, MAMORI_DATA_DIR, --feed-dir,
 * MAMORI_IOC_DIR, `iocs update --from FILE`): the vulnerability data and IOC lists decide what is
 * reported, so as root a directory or file another user could change is refused, never read (a forged
 * vulndb.json would hide CVEs; a planted link would publish a root-only file). Every read is bounded
 * and never waits: a FIFO named vulndb.json is refused, not opened for a writer that never comes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DirFdError, pathForUser, VerifiedDir } from "./dirfd.ts";
import { type Msg, msg } from "./message.ts";
import { readFdLimited } from "./read-limited.ts";

function currentEuid(): number {
  return process.geteuid?.() ?? 0;
}

/**
 * Opens a data directory without following any link. As root every component from `/` down must be
 * root's and not writable by others (a sticky /tmp on the way excepted); the directory itself may be
 * readable by all. A non-root run crosses no privilege boundary: links in the path are resolved first.
 */
export function openDataDir(dir: string, euid = currentEuid()): VerifiedDir {
  return VerifiedDir.open(
    pathForUser(path.resolve(dir), euid),
    euid === 0 ? { privateTo: 0, readableByOthers: true } : {},
  );
}

/**
 * One file of a directory opened by openDataDir: a regular file (no link, FIFO or device), at most
 * `limit` bytes; as root also root's own and writable by no one else.
 */
export function readDataFile(dir: VerifiedDir, name: string, limit: number, euid = currentEuid()): Buffer {
  if (euid === 0) return dir.readTrusted(name, { owner: 0, limit }).data;
  const fd = dir.openRead(name);
  try {
    const buf = readFdLimited(fd, fs.fstatSync(fd).size, limit);
    if (buf === undefined)
      throw new DirFdError("EFBIG", `${path.join(dir.path, name)} is larger than ${limit} bytes`);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** Why data was refused: a short reason code for reports, and the sentence that says which path and why. */
export interface Refusal {
  reason: "untrusted" | "not-regular" | "too-large";
  why: Msg;
}

/**
 * The refusal an error of openDataDir or readDataFile stands for (`file`: the path read, for the
 * errors that do not carry one), or undefined for an ordinary error (ENOENT, EACCES) the caller reports
 * as it did before.
 */
export function refusalOf(err: unknown, file: string, limit: number): Refusal | undefined {
  if (!(err instanceof DirFdError)) return undefined;
  const u = err.untrusted;
  if (u?.kind === "owner")
    return { reason: "untrusted", why: msg("safety.why.owner", { path: u.path, uid: u.uid }) };
  if (u?.kind === "mode")
    return { reason: "untrusted", why: msg("safety.why.mode", { path: u.path, mode: u.mode.toString(8) }) };
  if (u?.kind === "link") return { reason: "untrusted", why: msg("safety.why.link", { path: u.path }) };
  if (u?.kind === "notdir") return { reason: "not-regular", why: msg("safety.why.notdir", { path: u.path }) };
  if (err.code === "ENOTREG" || err.code === "ECHANGED")
    return { reason: "not-regular", why: msg("safety.why.notreg", { path: file }) };
  if (err.code === "EFBIG")
    return {
      reason: "too-large",
      why: msg("safety.why.tooLarge", {
        path: file,
        size: `${Math.round(limit / 1024 / 1024)} MiB`,
      }),
    };
  return undefined;
}

/** Data refused as a whole (`db update` into a directory another user can change): the sentence says why. */
export class RefusedDataError extends Error {
  readonly problem: Msg;
  constructor(problem: Msg) {
    super(`refused: ${problem.key}`);
    this.problem = problem;
  }
}
