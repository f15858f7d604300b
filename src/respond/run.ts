import * as fs from "node:fs";
import { disableCronLine, restoreCron } from "./cron.ts";
import { preserveEvidence, verifyProcess } from "./kill.ts";
import { hostPathOf, markRestored, quarantineFile, RespondError, restoreFile } from "./quarantine.ts";
import { entryStatus, readManifest } from "./store.ts";
import type { Action, ActionResult, RespondOptions } from "./types.ts";
import { disableUnit, restoreUnit, unitName } from "./unit.ts";

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** What the dry run can already tell: a gone pid, a missing file, a line that is not there. */
function precheck(a: Action, opts: RespondOptions): string | undefined {
  switch (a.kind) {
    case "kill":
      return `${verifyProcess(a, opts.root).exe ?? "?"}`;
    case "quarantine": {
      const st = lstat(hostPathOf(opts.root, a.path));
      if (!st) throw new RespondError("missing", a.path);
      if (!st.isFile()) throw new RespondError("not-regular", a.path);
      return hostPathOf(opts.root, a.path);
    }
    case "disable-cron": {
      const host = hostPathOf(opts.root, a.path);
      const lines = fs.readFileSync(host, "latin1").split("\n");
      const line = lines[a.line - 1];
      if (line === undefined) throw new RespondError("no-line", `${a.path}:${a.line}`);
      if (line.startsWith("# mamori-disabled")) throw new RespondError("already", `${a.path}:${a.line}`);
      return line;
    }
    case "disable-unit":
      return unitName(a.name);
  }
}

function execute(a: Action, opts: RespondOptions): ActionResult {
  switch (a.kind) {
    case "kill": {
      verifyProcess(a, opts.root);
      let evidenceId: string | undefined;
      let detail: string | undefined;
      try {
        evidenceId = preserveEvidence(a, opts).id;
      } catch (err) {
        // Stopping the attacker matters more than the copy; the result says it is missing.
        detail = `evidence not kept: ${err instanceof Error ? err.message : String(err)}`;
      }
      // Checked again right before the signal: the copy took time, and the pid must still be the same process.
      verifyProcess(a, opts.root);
      (opts.kill ?? ((pid, sig) => process.kill(pid, sig)))(a.pid, "SIGKILL");
      return { action: a, status: "done", evidenceId, detail };
    }
    case "quarantine": {
      const m = quarantineFile(a.path, opts, { findingId: a.findingId });
      return { action: a, status: "done", entryId: m.id };
    }
    case "disable-cron": {
      const m = disableCronLine(a.path, a.line, opts, a.findingId);
      return { action: a, status: "done", entryId: m.id };
    }
    case "disable-unit": {
      const m = disableUnit(a.name, opts, a.findingId);
      return { action: a, status: "done", entryId: m.id };
    }
  }
}

/** Runs (or, without `apply`, only checks) each action; one refusal never stops the others. */
export function respond(actions: Action[], opts: RespondOptions): ActionResult[] {
  return actions.map((a) => {
    try {
      if (!opts.apply) return { action: a, status: "planned", detail: precheck(a, opts) };
      return execute(a, opts);
    } catch (err) {
      if (err instanceof RespondError)
        return {
          action: a,
          status: ["already"].includes(err.reason) ? "skipped" : "refused",
          reason: err.reason,
          detail: err.message,
        };
      return {
        action: a,
        status: "failed",
        reason: "error",
        detail: err instanceof Error ? err.message : String(err),
      };
    }
  });
}

/** Undoes one entry of the quarantine: file back in place, cron line back, unit unmasked. */
export function restore(id: string, opts: Pick<RespondOptions, "quarantineDir" | "now" | "hooks">): string {
  const m = readManifest(opts.quarantineDir, id);
  const status = entryStatus(opts.quarantineDir, m);
  if (status === "restored") throw new RespondError("already", id);
  if (status === "superseded") throw new RespondError("superseded", id);
  if (status === "evidence") throw new RespondError("evidence", id);
  if (m.kind === "file") {
    if (status === "in-place") throw new RespondError("in-place", m.hostPath);
    restoreFile(m, opts.quarantineDir, opts.hooks);
  } else if (m.kind === "cron") {
    const how = restoreCron(m, opts.quarantineDir);
    markRestored(m, opts.quarantineDir, opts.now());
    return how;
  } else {
    restoreUnit(m, (mm) => restoreFile(mm, opts.quarantineDir, opts.hooks));
  }
  markRestored(m, opts.quarantineDir, opts.now());
  return "identical";
}
