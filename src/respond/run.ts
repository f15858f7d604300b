import * as path from "node:path";
import { disableCronLine, MARKER, readCronFile, restoreCron } from "./cron.ts";
import { RespondError } from "./errors.ts";
import { MAX_QUARANTINE_BYTES } from "./fdio.ts";
import { withGuestParent } from "./guest.ts";
import { preserveEvidence, verifyProcess } from "./kill.ts";
import { hostPathOf, markRestored, quarantineFile, restoreFile, SETID } from "./quarantine.ts";
import { PackageFiles, programOfOthers, protectionOf } from "./rails.ts";
import { QuarantineStore } from "./store.ts";
import type { Action, ActionResult, RespondOptions, StepHooks } from "./types.ts";
import { disableUnit, restoreUnit, unitName } from "./unit.ts";

/** What the dry run can already tell: a gone pid, a missing file, a line that is not there. */
function precheck(a: Action, opts: RespondOptions): string | undefined {
  switch (a.kind) {
    case "kill":
      return `${verifyProcess(a, opts.root).exe ?? "?"}`;
    case "quarantine": {
      const st = withGuestParent(opts.root, a.path, {}, (dir, name) => dir.lstat(name));
      if (!st) throw new RespondError("missing", a.path);
      if (!st.isFile()) throw new RespondError("not-regular", a.path);
      if (st.size > MAX_QUARANTINE_BYTES) throw new RespondError("quarantine-too-large", a.path);
      return hostPathOf(opts.root, a.path);
    }
    case "disable-cron": {
      const lines = readCronFile(opts.root, a.path).toString("latin1").split("\n");
      const line = lines[a.line - 1];
      if (line === undefined) throw new RespondError("no-line", `${a.path}:${a.line}`);
      if (line.startsWith(MARKER)) throw new RespondError("already", `${a.path}:${a.line}`);
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

/** The rails, checked in the dry run as in --apply: the dry run shows what --apply would refuse. */
function rails(a: Action, opts: RespondOptions, packages: PackageFiles): void {
  if (opts.force) return;
  if ((a.kind === "kill" || a.kind === "quarantine") && a.lowConfidence)
    throw new RespondError("low-confidence", a.findingId ?? "");
  if (a.kind !== "quarantine") return;
  const p = protectionOf(a.path, packages);
  if (p) throw new RespondError(p.reason, p.reason === "protected-package" ? `${a.path}: ${p.pkg}` : a.path);
  if (a.runBy) {
    const o = programOfOthers(opts.root, a.path, a.runBy);
    if (o) throw new RespondError(o.reason, `${a.path}: uid ${o.owner}`);
  }
}

/** Runs (or, without `apply`, only checks) each action; one refusal never stops the others. */
export function respond(actions: Action[], opts: RespondOptions): ActionResult[] {
  const packages = new PackageFiles(opts.root);
  if (!opts.force) {
    packages.prefetch(actions.flatMap((a) => (a.kind === "quarantine" ? [a.path] : [])));
    if (packages.unread) opts.onUnreadPackageLists?.(packages.unread);
  }
  return actions.map((a) => {
    try {
      rails(a, opts, packages);
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

export interface RestoreOptions {
  quarantineDir: string;
  now: () => Date;
  hooks?: StepHooks;
  /** The root the command was given: an entry made for another root is refused (never restored elsewhere). */
  root?: string;
  /** Put set-user-id/set-group-id bits back too (otherwise they are cleared and the outcome says so). */
  keepSetid?: boolean;
}

export interface RestoreOutcome {
  how: "identical" | "marker-removed";
  /** Path inside the root that was restored. */
  path: string;
  /** Set-id bits of the recorded mode that were not restored (0 when none). */
  setidDropped: number;
  /** Set-id bits restored because keepSetid asked for them (0 when none). */
  setidKept: number;
}

/** Undoes one entry of the quarantine: file back in place, cron line back, unit unmasked. */
export function restore(id: string, opts: RestoreOptions): RestoreOutcome {
  const { m, status } = QuarantineStore.with(opts.quarantineDir, false, (store) => {
    const m = store.readManifest(id);
    return { m, status: store.status(m) };
  });
  if (opts.root !== undefined && path.resolve(opts.root) !== path.resolve(m.root))
    throw new RespondError("other-root", m.root);
  if (status === "restored") throw new RespondError("already", id);
  if (status === "superseded") throw new RespondError("superseded", id);
  if (status === "evidence") throw new RespondError("evidence", id);
  const fileOpts = { hooks: opts.hooks, keepSetid: opts.keepSetid };
  let how: RestoreOutcome["how"] = "identical";
  let setidDropped: number;
  if (m.kind === "file") {
    if (status === "in-place") throw new RespondError("in-place", m.originalPath);
    if (status !== "quarantined") throw new RespondError("incomplete", id);
    setidDropped = restoreFile(m, opts.quarantineDir, fileOpts);
  } else if (m.kind === "cron") {
    const r = restoreCron(m, opts.quarantineDir, fileOpts);
    how = r.how;
    setidDropped = r.dropped;
  } else {
    setidDropped = restoreUnit(m, (mm) => restoreFile(mm, opts.quarantineDir, fileOpts));
  }
  markRestored(m, opts.quarantineDir, opts.now());
  const setidKept = opts.keepSetid && how === "identical" ? (m.mode ?? 0) & SETID : 0;
  return { how, path: m.originalPath, setidDropped, setidKept };
}
