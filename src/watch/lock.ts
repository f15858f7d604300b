import { closeSync, fstatSync, writeSync } from "node:fs";
import { pathForUser, VerifiedDir } from "../core/dirfd.ts";

/**
 * A lock file holding the owner's pid: one reader of the logs at a time (a timer's `watch --once` and a
 * running `watch` would otherwise both read the same new lines before either stores its cursor).
 * A lock left by a process that no longer exists is taken over.
 * The file is created with O_EXCL|O_NOFOLLOW in the database's directory (checked before: see
 * state-dir.ts), read only if it is a small regular file of ours, and removed only if it is still the one
 * we created.
 */
export function tryLock(dirPath: string, name: string): { release: () => void } | { heldBy: number } {
  const euid = process.geteuid?.() ?? 0;
  dirPath = pathForUser(dirPath, euid);
  const dir = VerifiedDir.open(dirPath);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = dir.createExclusive(name, 0o600);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const pid = heldBy(dir, name, euid);
        if (pid === undefined) return { heldBy: -1 }; // not a lock of ours: leave it alone
        if (pid > 0 && alive(pid)) return { heldBy: pid };
        dir.unlink(name, dir.lstat(name)); // stale: its owner is gone
        continue;
      }
      const mine = VerifiedDir.open(dirPath);
      writeSync(fd, String(process.pid));
      const identity = fstatSync(fd);
      closeSync(fd);
      return {
        release: () => {
          try {
            if (heldBy(mine, name, euid) === process.pid) mine.unlink(name, identity);
          } catch {
            // already gone, or replaced: not ours to remove
          } finally {
            mine.close();
          }
        },
      };
    }
    return { heldBy: -1 };
  } finally {
    dir.close();
  }
}

/** The pid in a lock file of ours (0 when unreadable as a pid), undefined when it is not ours to judge. */
function heldBy(dir: VerifiedDir, name: string, euid: number): number | undefined {
  let text: string;
  try {
    text = dir.readTrusted(name, { owner: euid, limit: 64 }).data.toString("utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    return undefined;
  }
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
