import { listPids, readProcess } from "../collect/proc/processes.ts";
import { RootFs } from "../collect/rootfs.ts";
import { MARKER, readCronFile } from "./cron.ts";
import { RespondError } from "./errors.ts";
import { withGuestParent } from "./guest.ts";
import { verifyProcess } from "./kill.ts";
import type { LastRespond } from "./last.ts";
import type { Action } from "./types.ts";
import { unitName } from "./unit.ts";

export type CheckState = "ok" | "bad" | "unknown";

/** One re-checked action: its state and the message key + params that say it. */
export interface Check {
  action: Action;
  state: CheckState;
  key:
    | "verify.kill.gone"
    | "verify.kill.alive"
    | "verify.kill.again"
    | "verify.quarantine.away"
    | "verify.quarantine.back"
    | "verify.cron.disabled"
    | "verify.cron.back"
    | "verify.unit.masked"
    | "verify.unit.back";
  params: Record<string, string | number>;
}

/** Re-checks exactly what the last `respond --apply` did, on the same root. Read-only. */
export function verifyLast(last: LastRespond): Check[] {
  return last.done.map(({ action: a }) => checkOne(a, last.root));
}

function checkOne(a: Action, root: string): Check {
  switch (a.kind) {
    case "kill": {
      const base = { pid: a.pid, exe: a.exe ?? "?" };
      if (root !== "/") return { action: a, state: "unknown", key: "verify.kill.gone", params: base };
      try {
        verifyProcess(a, root);
        return { action: a, state: "bad", key: "verify.kill.alive", params: base };
      } catch (err) {
        if (!(err instanceof RespondError)) throw err;
      }
      // The same program started again (by cron, a unit, a watchdog), under a new pid.
      const fs = new RootFs("/");
      for (const pid of listPids(fs)) {
        const p = readProcess(fs, pid);
        if (a.exe && p?.exe === a.exe)
          return { action: a, state: "bad", key: "verify.kill.again", params: { ...base, pid } };
      }
      return { action: a, state: "ok", key: "verify.kill.gone", params: base };
    }
    case "quarantine": {
      let back = false;
      try {
        back = withGuestParent(root, a.path, {}, (dir, name) => dir.lstat(name) !== undefined);
      } catch {
        // The directory is gone or unsafe to open: the file is not at its place either way.
        back = false;
      }
      return {
        action: a,
        state: back ? "bad" : "ok",
        key: back ? "verify.quarantine.back" : "verify.quarantine.away",
        params: { path: a.path },
      };
    }
    case "disable-cron": {
      let disabled = false;
      try {
        const line = readCronFile(root, a.path).toString("latin1").split("\n")[a.line - 1];
        disabled = line?.startsWith(MARKER) === true;
      } catch (err) {
        // The whole file gone is as disabled as the line.
        disabled = err instanceof RespondError && err.reason === "missing";
      }
      return {
        action: a,
        state: disabled ? "ok" : "bad",
        key: disabled ? "verify.cron.disabled" : "verify.cron.back",
        params: { path: a.path, line: a.line },
      };
    }
    case "disable-unit": {
      const name = unitName(a.name);
      let masked = false;
      try {
        masked = withGuestParent(root, `/etc/systemd/system/${name}`, {}, (dir, n) => {
          const st = dir.lstat(n);
          return st?.isSymbolicLink() === true && dir.readlink(n) === "/dev/null";
        });
      } catch {
        masked = false;
      }
      return {
        action: a,
        state: masked ? "ok" : "bad",
        key: masked ? "verify.unit.masked" : "verify.unit.back",
        params: { name },
      };
    }
  }
}
