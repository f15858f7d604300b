/**
 * The log engine over a file read in pieces (watch's new bytes since its cursor, chunk by chunk, run
 * after run): each piece is scanned at its place in the file and added to what the file's earlier pieces
 * gave, so the matches and baseline samples are those a whole read of the same bytes gives.
 */
import type { Rule } from "../../rules/logs.ts";
import type { DetectedFormat } from "./engine/format.ts";
import { appendScan, type FileScan, scanStream } from "./scan.ts";

export class ChunkedScan {
  private readonly scans = new Map<string, FileScan>();
  private readonly formats = new Map<string, DetectedFormat>();
  /** Error-log time zone (minutes east of UTC), from the first access log that shows one. */
  offsetMinutes: number | undefined;

  private readonly rules: Rule[];

  constructor(rules: Rule[]) {
    this.rules = rules;
  }

  /**
   * Scans `buf` (whole lines) of `file`, starting at byte `at` of the file. Line numbers count on from the
   * file's earlier pieces (watch's from its cursor: the first new line is line 1).
   */
  async add(file: string, buf: Buffer, at: number): Promise<FileScan> {
    const before = this.scans.get(file);
    const scan = await scanStream(buf.length > 0 ? [buf] : [], file, {
      rules: this.rules,
      detected: this.formats.get(file),
      offsetMinutes: this.offsetMinutes,
      startOffset: at,
      onDetected: (d) => this.formats.set(file, d),
    });
    if (this.offsetMinutes === undefined && scan.offsetMinutes !== undefined)
      this.offsetMinutes = scan.offsetMinutes;
    this.scans.set(file, before ? appendScan(before, scan, before.lines) : scan);
    return scan;
  }

  /** Each file's facts so far, in the order first read. */
  files(): FileScan[] {
    return [...this.scans.values()];
  }
}
