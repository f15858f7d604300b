/**
 * Log forensics over lines already read (watch's new lines since its cursor): the same prefilter,
 * parser and rules as a file scan, over one chunk built from the lines.
 */
import type { AccessFormat } from "../../checks/logs/format.ts";
import type { Rule } from "../../rules/logs.ts";
import { type FileScan, scanStream } from "./scan.ts";

export interface LinesOptions {
  rules: Rule[];
  /** The file's format when known; otherwise detected from these lines. */
  format?: AccessFormat;
  formatSource?: FileScan["formatSource"];
  /** Lines of the file before the first of these (reported line numbers are shifted by it). */
  lineOffset?: number;
  /** Error-log time zone (minutes east of UTC), from an access log read before. */
  offsetMinutes?: number;
  /** One baseline sample line per this many bytes (default 4 KB: new lines are few, each counts). */
  sampleEvery?: number;
}

/**
 * Scans `lines` (without their newlines, or a Buffer of whole lines) of the file `path` as if they were
 * the file: a FileScan for eventsFrom. Its baseline is learnt from these lines only, so outcomes of a
 * few new lines are less sure than over a whole file ("unknown" rather than a guess).
 */
export async function scanLines(
  path: string,
  lines: Buffer | string[],
  opts: LinesOptions,
): Promise<FileScan> {
  const buf = Buffer.isBuffer(lines) ? lines : Buffer.from(lines.length > 0 ? `${lines.join("\n")}\n` : "");
  const scan = await scanStream(buf.length > 0 ? [buf] : [], path, {
    rules: opts.rules,
    format: opts.format,
    formatSource: opts.formatSource,
    offsetMinutes: opts.offsetMinutes,
    sampleEvery: opts.sampleEvery ?? 4096,
  });
  const shift = opts.lineOffset ?? 0;
  if (shift > 0) {
    for (const m of scan.matches) m.entry.line += shift;
    for (const w of scan.warnings) if (w.line !== undefined) w.line += shift;
  }
  return scan;
}
