import type { UnreadPackageLists } from "./rails.ts";

/** One containment step. Targets are guest paths (inside --root); nothing here has run yet. */
export type Action =
  | {
      kind: "kill";
      pid: number;
      /** Executable and start time the report recorded: the pid is killed only if both still match. */
      exe?: string;
      startTime?: string;
      startTicks?: number;
      findingId?: string;
      lowConfidence?: boolean;
    }
  | {
      kind: "quarantine";
      path: string;
      findingId?: string;
      /** From a finding that is only "possible": applied only when named with --finding, or with --force. */
      lowConfidence?: boolean;
      /**
       * The program of a process (uid: the process's, when the report has it): moved only when it is that
       * user's, or in a directory someone other than root can write; see `programOfOthers`.
       */
      runBy?: { uid?: number };
    }
  | { kind: "disable-cron"; path: string; line: number; findingId?: string }
  | { kind: "disable-unit"; name: string; findingId?: string };

export type ResultStatus = "planned" | "done" | "skipped" | "refused" | "failed";

export interface ActionResult {
  action: Action;
  status: ResultStatus;
  /** Machine reason for skipped/refused/failed: pid-gone, pid-reused, not-live, not-regular, ... */
  reason?: string;
  detail?: string;
  /** Quarantine entry that holds the backup (restore with `mamori restore ID`). */
  entryId?: string;
  /** Quarantine entry holding evidence (the program of a killed process). */
  evidenceId?: string;
}

/** Test hook: called before each step of a change; throwing simulates a crash at that point. */
export interface StepHooks {
  step?(name: string): void;
}

export interface RespondOptions {
  /** Host directory of the scanned root ("/" for this machine). */
  root: string;
  /** Host directory holding quarantine entries. */
  quarantineDir: string;
  apply: boolean;
  now: () => Date;
  hooks?: StepHooks;
  /** Move protected files (system, package-owned, Apache) and act on low-confidence findings too. */
  force?: boolean;
  /** Signals a process; tests may pass their own. */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  /** Told once when package file lists of the root were not read while judging (to be said). */
  onUnreadPackageLists?: (unread: UnreadPackageLists) => void;
}
