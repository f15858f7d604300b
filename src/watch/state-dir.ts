/**
 * Where the state that decides what is reported lives (the history database, its spool, the log lock),
 * and the checks that make sure no other user could have written it: a scan another user inserted could
 * carry a baseline that already holds their cron line, and `diff` would never report it.
 *
 * As root: /var/lib/mamori. Otherwise $XDG_STATE_HOME/mamori (default ~/.local/state/mamori).
 * MAMORI_STATE_DIR and MAMORI_SPOOL_DIR override them and get the same checks.
 */
import * as path from "node:path";
import { DirFdError, pathForUser, type Untrusted, VerifiedDir } from "../core/dirfd.ts";
import type { Translator } from "../i18n/index.ts";

export function defaultStateDir(env: NodeJS.ProcessEnv, euid: number, home: string): string {
  if (env.MAMORI_STATE_DIR && path.isAbsolute(env.MAMORI_STATE_DIR)) return env.MAMORI_STATE_DIR;
  if (euid === 0) return "/var/lib/mamori";
  const base =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : path.join(home, ".local/state");
  return path.join(base, "mamori");
}

/** The spool for when the database's own disk is full: `spool/` in the state directory, or MAMORI_SPOOL_DIR. */
export function spoolFallbackDir(env: NodeJS.ProcessEnv, stateDir: string): string {
  const own = env.MAMORI_SPOOL_DIR;
  return own && path.isAbsolute(own) ? own : path.join(stateDir, "spool");
}

/** A state directory another user could write (or a link, or not a directory): refused, with why. */
export class UnsafeStateError extends Error {
  readonly untrusted: Untrusted;
  constructor(untrusted: Untrusted) {
    super(`unsafe state location ${untrusted.path} (${untrusted.kind})`);
    this.untrusted = untrusted;
  }
}

/** Runs a dirfd operation, turning a trust refusal into UnsafeStateError (other errors pass through). */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    // A plain file where a directory should be is an ordinary error (the open that follows says so), not a forgery.
    if (err instanceof DirFdError && err.untrusted && err.untrusted.kind !== "notdir")
      throw new UnsafeStateError(err.untrusted);
    throw err;
  }
}

/** Opens (creating it 0700 if missing) a directory only root and `euid` can have written. */
export function openPrivateDir(dir: string, euid: number, create = true): VerifiedDir {
  // Created 0700; an existing one is refused when others could write it (an admin's 0755 is not a forgery path).
  return guarded(() =>
    VerifiedDir.open(pathForUser(dir, euid), {
      create,
      mode: 0o700,
      parentMode: 0o700,
      privateTo: euid,
      readableByOthers: true,
    }),
  );
}

/**
 * Checks where a SQLite history file lives (the default location, or any location as root): the directory
 * and every parent must be root's or ours and not writable by others (created 0700 when missing), and the
 * file and its WAL, if present, regular files of root's or ours that others cannot write.
 */
export function checkDbLocation(file: string, euid: number): void {
  const dir = guarded(() =>
    VerifiedDir.open(pathForUser(path.dirname(file), euid), {
      create: true,
      mode: 0o700,
      privateTo: euid,
      readableByOthers: true,
    }),
  );
  try {
    for (const name of [path.basename(file), `${path.basename(file)}-wal`, `${path.basename(file)}-shm`]) {
      const st = dir.lstat(name);
      if (!st) continue;
      const p = path.join(dir.path, name);
      if (st.isSymbolicLink()) throw new UnsafeStateError({ kind: "link", path: p });
      if (!st.isFile()) throw new UnsafeStateError({ kind: "notdir", path: p });
      if (st.uid !== 0 && st.uid !== euid)
        throw new UnsafeStateError({ kind: "owner", path: p, uid: st.uid });
      if ((st.mode & 0o022) !== 0)
        throw new UnsafeStateError({ kind: "mode", path: p, mode: st.mode & 0o7777 });
    }
  } finally {
    dir.close();
  }
}

/** One line saying why a state location was refused, in the user's language. */
export function untrustedText(u: Untrusted, t: Translator): string {
  switch (u.kind) {
    case "owner":
      return t("watch.state.owner", { path: u.path, uid: u.uid });
    case "mode":
      return t("watch.state.mode", { path: u.path, mode: u.mode.toString(8) });
    case "link":
      return t("watch.state.link", { path: u.path });
    case "notdir":
      return t("watch.state.notdir", { path: u.path });
  }
}
