/**
 * The log engine over a file read in pieces (watch's new bytes since its cursor, chunk by chunk, run
 * after run): each piece is scanned at its place in the file and added to what the file's earlier pieces
 * gave, so the matches and baseline samples are those a whole read of the same bytes gives.
 */
import type { ProbingFact } from "../../facts/log-lines.ts";
import { BehaviourTracker, quietLiteralsOf } from "../../rules/behaviour-track.ts";
import type { Rule } from "../../rules/logs.ts";
import type { Scenario } from "../../rules/logs-behaviour.ts";
import type { DetectedFormat } from "./engine/format.ts";
import { appendScan, type FileScan, feedObserved, scanStream } from "./scan.ts";

/**
 * Kept from run to run, a file's facts grow with its matches (lines an attacker writes): past this many,
 * they begin afresh at the next run, so a long-running watch stays bounded.
 */
export const MAX_KEPT_MATCHES = 100_000;

/**
 * Clients a watched file's behaviour tracker holds from run to run (an audit's holds 20,000): enough for
 * a small site's guessers, small enough that watch's memory returns to its level after each run.
 */
export const WATCH_CLIENTS = 4000;

/**
 * Scenarios set off that a watched file's tracker holds before it begins afresh at the next run: a
 * tracker keeps what fired for good (so a flood cannot erase it), and a watch runs for months.
 */
export const WATCH_FIRED = 2000;

export class ChunkedScan {
  private readonly scans = new Map<string, FileScan>();
  private readonly formats = new Map<string, DetectedFormat>();
  /** Each file's next unread byte: a piece that does not start there begins the file's facts again. */
  private readonly ends = new Map<string, number>();
  /** Error-log time zone (minutes east of UTC), from the first access log that shows one. */
  offsetMinutes: number | undefined;
  /**
   * Behaviour scenarios followed across runs (password guessing spans hours of one-minute runs), one
   * bounded tracker per file; none: watch judges its matched lines alone.
   */
  private readonly scenarios: Scenario[];
  private readonly trackers = new Map<string, BehaviourTracker>();

  constructor(scenarios: Scenario[] = []) {
    this.scenarios = scenarios;
  }

  /**
   * Scans `buf` (whole lines) of `file`, starting at byte `at` of the file. Line numbers count on from the
   * file's earlier pieces (from where this object began reading it: watch's first cursor). A piece at 0
   * (a new or truncated file, read from its start) or anywhere but where the last piece ended (bytes read
   * again or skipped) starts the file's facts afresh.
   */
  async add(rules: Rule[], file: string, buf: Buffer, at: number): Promise<FileScan> {
    if (this.scans.has(file) && (at === 0 || at !== this.ends.get(file))) this.forget(file);
    const before = this.scans.get(file);
    const scan = await scanStream(buf.length > 0 ? [buf] : [], file, {
      rules,
      detected: this.formats.get(file),
      offsetMinutes: this.offsetMinutes,
      startOffset: at,
      onDetected: (d) => this.formats.set(file, d),
      keepAll: true,
      // Lines for the scenarios are fed below to the file's own tracker, which lives from run to run.
      scenarios: this.scenarios.length > 0 ? undefined : [],
      quietLiterals: quietLiteralsOf(this.scenarios),
    });
    if (this.scenarios.length > 0) {
      let tracker = this.trackers.get(file);
      if (!tracker) {
        tracker = new BehaviourTracker(this.scenarios, WATCH_CLIENTS);
        this.trackers.set(file, tracker);
      }
      // Line numbers count on from the file's earlier pieces, as appendScan moves the matches'.
      if (scan.observed) feedObserved(tracker, scan.observed, before?.lines ?? 0);
      scan.observed = undefined;
    }
    if (this.offsetMinutes === undefined && scan.offsetMinutes !== undefined)
      this.offsetMinutes = scan.offsetMinutes;
    this.scans.set(file, before ? appendScan(before, scan, before.lines, true) : scan);
    this.ends.set(file, at + buf.length);
    return scan;
  }

  /**
   * How many matches each file's facts hold now: what a later read added lies past these (a file whose
   * facts began afresh since is another object, all of it new).
   */
  mark(): Map<FileScan, number> {
    for (const [file, s] of this.scans) if (s.matches.length > MAX_KEPT_MATCHES) this.forget(file);
    for (const [file, t] of this.trackers) if (t.firedCount >= WATCH_FIRED) this.trackers.delete(file);
    return new Map([...this.scans.values()].map((s) => [s, s.matches.length]));
  }

  forget(file: string): void {
    this.scans.delete(file);
    this.trackers.delete(file);
    this.formats.delete(file);
    this.ends.delete(file);
  }

  /** Scenarios with a success (a guessed password) that no earlier call returned, with their file. */
  newWins(): Array<ProbingFact & { file: string }> {
    return [...this.trackers].flatMap(([file, t]) => t.newWins().map((w) => ({ ...w, file })));
  }

  /** Each file's facts so far, in the order first read. */
  files(): FileScan[] {
    return [...this.scans.values()];
  }
}
