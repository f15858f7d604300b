import { Cron } from "croner";
import { memoryReleaser } from "./memory.ts";

export interface LoopOptions {
  schedule: string;
  /** One scan; resolves when it is stored (or spooled). */
  runScan: () => Promise<void>;
  /** Where SIGTERM/SIGINT come from (process in production). */
  signals: NodeJS.EventEmitter;
  /** One line; the priority (sd-daemon: 3 error, 4 warning, 6 info) matters when it goes to journald. */
  log: (line: string, priority?: 3 | 4 | 6) => void;
  messages: {
    started: (next: string) => string;
    skipped: (at: string) => string;
    stopping: (signal: string) => string;
    stopped: () => string;
    failed: (reason: string) => string;
  };
  /** Stop after this many scans (tests). */
  maxScans?: number;
  /**
   * Run after each scan, before the loop waits for the next: gives the memory the scan grew into back
   * (memoryReleaser() by default), so that a watch process idles at the same size after every scan.
   */
  afterScan?: () => void;
}

/** Throws with croner's reason when the pattern is not valid cron syntax. */
export function validateSchedule(schedule: string): void {
  const c = new Cron(schedule, { paused: true });
  c.stop();
}

/**
 * Runs scans on a cron schedule until SIGTERM or SIGINT. A scan never overlaps the previous one
 * (croner's protect skips a run while one is in progress), and a signal lets the scan in progress
 * finish and commit before the promise resolves: no scan is left half-written.
 */
export function watchLoop(o: LoopOptions): Promise<void> {
  const afterScan = o.afterScan ?? memoryReleaser();
  return new Promise<void>((resolve) => {
    let running: Promise<void> | undefined;
    let scans = 0;
    let stopping = false;
    const finish = () => {
      o.signals.off("SIGTERM", onSignal);
      o.signals.off("SIGINT", onSignal);
      o.log(o.messages.stopped());
      resolve();
    };
    const stop = () => {
      if (stopping) return;
      stopping = true;
      job.stop();
      if (running) running.then(finish, finish);
      else finish();
    };
    const onSignal = (signal: string) => {
      o.log(o.messages.stopping(signal));
      stop();
    };
    const job = new Cron(
      o.schedule,
      {
        protect: (j) => o.log(o.messages.skipped(j.currentRun()?.toISOString() ?? ""), 4),
      },
      async () => {
        if (stopping) return;
        running = (async () => {
          try {
            await o.runScan();
          } catch (err) {
            o.log(o.messages.failed(err instanceof Error ? err.message : String(err)), 3);
          }
        })();
        await running;
        running = undefined;
        afterScan();
        scans++;
        if (o.maxScans !== undefined && scans >= o.maxScans) stop();
      },
    );
    o.signals.on("SIGTERM", onSignal);
    o.signals.on("SIGINT", onSignal);
    o.log(o.messages.started(job.nextRun()?.toISOString() ?? "-"));
  });
}
