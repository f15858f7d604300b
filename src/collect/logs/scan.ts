/**
 * One pass over one log stream: split into lines without decoding them all, send only the lines
 * that hold a rule literal (and a thin sample for the site's baseline) to the parser and the rules.
 */
import type { Readable } from "node:stream";
import type { LogEntry } from "../../checks/logs/entry.ts";
import { type AccessFormat, type DetectedFormat, detectFormat, parseLine } from "../../checks/logs/format.ts";
import { matchEntry } from "../../checks/logs/match.ts";
import { buildPrefilter, type Prefilter, pairCounts, scanRegion } from "../../checks/logs/prefilter.ts";
import type { Rule } from "../../rules/logs.ts";

export interface MatchedEntry {
  entry: LogEntry;
  rule: Rule;
}

export interface FileScan {
  /** As given (argument or guest path). */
  path: string;
  format: string;
  formatSource: "detected" | "option" | "config" | "none";
  lines: number;
  bytes: number;
  parsed: number;
  /** Reason -> count: binary (NUL bytes), too-long, unparsed, truncated-gzip, truncated-while-reading, read-error. */
  skipped: Record<string, number>;
  warnings: Array<{ line?: number; reason: string; detail?: string }>;
  /** Bytes not read at the start (audit reads only the end of large files). */
  skippedBytes: number;
  matches: MatchedEntry[];
  /** Parsed sample lines for the site baseline (status and size of ordinary traffic). */
  samples: LogEntry[];
  /** Error-log lines about CGI execution (AH01215, AH01241, End of script output), for outcomes. */
  cgiErrors: LogEntry[];
  /** UTC offset (minutes) seen in access-log times, to place error-log times. */
  offsetMinutes?: number;
}

export interface ScanOptions {
  rules: Rule[];
  format?: AccessFormat;
  /** A format already detected (by the thread that split the file). */
  detected?: DetectedFormat;
  formatSource?: FileScan["formatSource"];
  /** Error-log time zone (minutes east of UTC). */
  offsetMinutes?: number;
  /** Take one baseline sample line per this many bytes. */
  sampleEvery?: number;
  maxLine?: number;
  skippedBytes?: number;
  /** A follow-up pass: these literals instead of the rules', and every parsed candidate line goes here. */
  literals?: string[];
  collect?: (e: LogEntry) => void;
  /** A prefilter already built for this file (each segment of a parallel scan reuses its thread's). */
  prefilter?: Prefilter;
}

const MAX_LINE = 1 << 20;
const CGI_LITERALS = ["ah01215", "ah01241", "end of script output"];
const CGI_RE = /AH01215|AH01241|End of script output/;

/** The prefilter for a file, anchored on the byte pairs that are rare in a sample of that file. */
export function prefilterFor(rules: Rule[], sample?: Uint8Array): Prefilter {
  const counts = sample ? pairCounts(sample, 0, sample.length) : undefined;
  return buildPrefilter([...rules.flatMap((r) => r.prefilter), ...CGI_LITERALS], counts);
}

export async function scanStream(
  stream: AsyncIterable<Buffer> | Iterable<Buffer> | Readable,
  path: string,
  opts: ScanOptions,
): Promise<FileScan> {
  let pf: Prefilter | undefined = opts.prefilter;
  const maxLine = opts.maxLine ?? MAX_LINE;
  const sampleEvery = opts.sampleEvery ?? 256 << 10;
  const res: FileScan = {
    path,
    format: opts.format?.name ?? "unknown",
    formatSource: opts.format ? (opts.formatSource ?? "option") : "none",
    lines: 0,
    bytes: 0,
    parsed: 0,
    skipped: {},
    warnings: [],
    skippedBytes: opts.skippedBytes ?? 0,
    matches: [],
    samples: [],
    cgiErrors: [],
  };
  let detected: DetectedFormat | undefined =
    opts.detected ?? (opts.format ? { kind: "access", format: opts.format } : undefined);
  if (opts.detected) {
    res.format = opts.detected.kind === "access" ? opts.detected.format.name : opts.detected.name;
    res.formatSource = opts.formatSource ?? "detected";
  }
  let offset = opts.offsetMinutes ?? 0;
  const skip = (reason: string, line?: number, detail?: string) => {
    res.skipped[reason] = (res.skipped[reason] ?? 0) + 1;
    if (res.warnings.length < 50) res.warnings.push({ line, reason, detail });
  };
  let firstRegion = true;
  let consumed = 0; // bytes handed to region() so far: sample points are fixed offsets in the stream

  const handleLine = (buf: Buffer, s: number, e: number, lineNo: number, matched: boolean) => {
    let end = e;
    if (end > s && buf[end - 1] === 13) end--;
    if (end - s > maxLine) {
      skip("too-long", lineNo || undefined);
      return;
    }
    if (buf.subarray(s, end).indexOf(0) >= 0) {
      skip("binary", lineNo || undefined);
      return;
    }
    const text = buf.toString("utf8", s, end);
    if (text.trim() === "") return;
    const entry = parseLine(text, lineNo, detected, offset);
    if (!entry) {
      skip("unparsed", lineNo || undefined);
      return;
    }
    res.parsed++;
    if (entry.kind === "access" && entry.time && res.offsetMinutes === undefined) {
      const m = /([+-])(\d{2})(\d{2})\]/.exec(text);
      if (m) res.offsetMinutes = (Number(m[2]) * 60 + Number(m[3])) * (m[1] === "-" ? -1 : 1);
    }
    if (!matched) {
      // The baseline reads only these fields of a sample: keep no user agent, referer or headers.
      if (res.samples.length < 2000 && !opts.collect)
        res.samples.push({
          kind: entry.kind,
          line: 0,
          status: entry.status,
          size: entry.size,
          uri: entry.uri,
          raw: "",
          request: "",
        });
      return;
    }
    if (opts.collect) {
      opts.collect(entry);
      return;
    }
    if (entry.kind === "error" && entry.message && CGI_RE.test(entry.message)) res.cgiErrors.push(entry);
    const rule = matchEntry(opts.rules, entry);
    entry.raw = ""; // the request is kept; the whole line is not needed past matching
    if (rule) res.matches.push({ entry, rule });
  };

  /** buf[start, end) holds whole lines (end just past "\n", or the final line). */
  const region = (buf: Buffer, start: number, end: number) => {
    if (firstRegion) {
      firstRegion = false;
      if (!detected) {
        const head: string[] = [];
        let p = start;
        while (head.length < 50 && p < end) {
          let q = buf.indexOf(10, p);
          if (q < 0 || q > end) q = end;
          if (q - p < 65536) head.push(buf.toString("utf8", p, q).replace(/\r$/, ""));
          p = q + 1;
        }
        detected = detectFormat(head);
        if (detected) {
          res.format = detected.kind === "access" ? detected.format.name : detected.name;
          res.formatSource = "detected";
        }
        if (detected?.kind === "error" && opts.offsetMinutes !== undefined) offset = opts.offsetMinutes;
      }
    }
    pf ??= opts.literals
      ? buildPrefilter(opts.literals)
      : prefilterFor(opts.rules, buf.subarray(start, Math.min(end, start + (1 << 20))));
    const found = scanRegion(buf, start, end, pf);
    const base = res.lines; // lines before `start`
    for (let k = 0; k < found.starts.length; k++) {
      const ls = found.starts[k] as number;
      let le = buf.indexOf(10, ls);
      if (le < 0 || le > end) le = end;
      handleLine(buf, ls, le, base + (found.lines[k] as number) + 1, true);
    }
    // A thin sample of ordinary lines for the site baseline (their line numbers are not needed).
    const phase = ((((sampleEvery >> 1) - consumed) % sampleEvery) + sampleEvery) % sampleEvery;
    for (let p = start + phase; p < end; p += sampleEvery) {
      const ls = buf.lastIndexOf(10, p - 1) + 1;
      let le = buf.indexOf(10, p);
      if (le < 0 || le > end) le = end;
      if (ls >= start) handleLine(buf, ls, le, 0, false);
    }
    let lineNo = base + found.newlines;
    if (end > start && buf[end - 1] !== 10) lineNo++; // final line without newline
    res.lines = lineNo;
    consumed += end - start;
  };

  let carry: Buffer | undefined;
  let skipping = false;
  // Reading from an offset (the audit's tail bound) starts inside a line: drop that fragment.
  let fragment = (opts.skippedBytes ?? 0) > 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer> | Iterable<Buffer>) {
      res.bytes += chunk.length;
      let from = 0;
      if (fragment) {
        const nl = chunk.indexOf(10);
        if (nl < 0) continue;
        fragment = false;
        from = nl + 1;
      }
      if (skipping) {
        const nl = chunk.indexOf(10, from);
        if (nl < 0) continue;
        skipping = false;
        res.lines++;
        from = nl + 1;
      }
      if (carry) {
        const nl = chunk.indexOf(10, from);
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk.subarray(from)]);
          if (carry.length > maxLine) {
            skip("too-long", res.lines + 1, `${carry.length}+ bytes`);
            carry = undefined;
            skipping = true;
          }
          continue;
        }
        const line = Buffer.concat([carry, chunk.subarray(from, nl + 1)]);
        carry = undefined;
        region(line, 0, line.length);
        from = nl + 1;
      }
      const last = chunk.lastIndexOf(10);
      if (last >= from) {
        region(chunk, from, last + 1);
        from = last + 1;
      }
      if (from < chunk.length) {
        if (chunk.length - from > maxLine) {
          skip("too-long", res.lines + 1, `${chunk.length - from}+ bytes`);
          skipping = true;
        } else carry = Buffer.from(chunk.subarray(from));
      }
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const reason =
      code === "Z_BUF_ERROR" || /unexpected end/i.test(String(code))
        ? "truncated-gzip"
        : code === "ESHRUNK"
          ? "truncated-while-reading"
          : "read-error";
    skip(reason, res.lines + 1, String(code));
  }
  if (carry && carry.length > 0) region(carry, 0, carry.length);
  return res;
}
