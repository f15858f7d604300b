import * as fs from "node:fs";

/**
 * A lock file holding the owner's pid: one reader of the logs at a time (a timer's `watch --once` and a
 * running `watch` would otherwise both read the same new lines before either stores its cursor).
 * A lock left by a process that no longer exists is taken over.
 */
export function tryLock(file: string): { release: () => void } | { heldBy: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return {
        release: () => {
          try {
            if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.rmSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) return { heldBy: pid };
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  return { heldBy: -1 };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
