/**
 * Log forensics over a set of inputs: files, directories, standard input, or the audit's default
 * locations and the Apache configuration's LogSources. Collects facts; analysis is in checks/logs.
 */
import type { Readable } from "node:stream";
import {
  indicatorsOf,
  type LogEvent,
  learnBaseline,
  mergeIndicators,
  type Outcome,
  outcomeOf,
  perAttack,
  perHour,
  summarizeAttackers,
} from "../../checks/logs/analyze.ts";
import type { LogEntry } from "../../checks/logs/entry.ts";
import { type AccessFormat, compileFormat } from "../../checks/logs/format.ts";
import type { LogSource } from "../../core/log-source.ts";
import type { LogsSection } from "../../core/sections/index.ts";
import type { Rule } from "../../rules/logs.ts";
import type { RootFs } from "../rootfs.ts";
import { PARALLEL_MIN_BYTES, ScanWorker, scanFileParallel, scanGzipInWorker } from "./parallel.ts";

/** A gzip file this large (compressed) is scanned in the worker thread, which keeps memory low. */
const GZIP_WORKER_MIN_BYTES = 4 << 20;

import { closeSync } from "node:fs";
import { type LogFile, logFilesIn, logStream, openLogFile, sortRotations } from "./read.ts";
import { type FileScan, scanStream } from "./scan.ts";

export interface LogInput {
  /** Guest path, or "-" for standard input. */
  path: string;
  /** As the user gave it (shown in the report). */
  display: string;
  format?: AccessFormat;
  formatSource?: FileScan["formatSource"];
  kind?: "access" | "error";
}

export interface LaterRequest {
  file: string;
  line: number;
  time?: string;
  request: string;
  status?: number;
  size?: number;
}

export interface LogsFacts {
  files: FileSummary[];
  /** For each attacker who succeeded: every request they sent after the first success (a second pass). */
  next: Record<string, LaterRequest[]>;
  events: LogEvent[];
  eventsTotal: number;
  /** How many events the JSON lists (all are counted in attackers, hours and findings). */
  maxEvents: number;
  tailBytes?: number;
  unreadable: Array<{ path: string; reason: string }>;
}

export interface FileSummary {
  path: string;
  format: string;
  formatSource: FileScan["formatSource"];
  lines: number;
  bytes: number;
  parsed: number;
  skipped: Record<string, number>;
  warnings: FileScan["warnings"];
  skippedBytes: number;
  /** True when only the end of the file was read: line numbers count from where reading began. */
  lineNumbersRelative: boolean;
}

export interface RunOptions {
  rules: Rule[];
  format?: AccessFormat;
  tailBytes?: number;
  stdin?: Readable;
  maxEvents?: number;
  /** Two threads for large plain files (default on). */
  parallel?: boolean;
  parallelMinBytes?: number;
  /** Size of the pieces two threads share out (tests make it small). */
  segmentBytes?: number;
  /** Compressed size from which a gzip file is scanned in the worker thread. */
  gzipWorkerMinBytes?: number;
  /** Test hook: called once a file is open, before any of it is read (a test rotates the file here). */
  onOpened?: (path: string) => void;
}

/** Expands directories and globs into files, rotations oldest first. */
export function expandInputs(
  fs: RootFs,
  inputs: LogInput[],
  unreadable: LogsFacts["unreadable"],
): LogInput[] {
  const out: LogInput[] = [];
  for (const inp of inputs) {
    if (inp.path === "-") {
      out.push(inp);
      continue;
    }
    if (/[*?[]/.test(inp.path)) {
      // Anything but a directory is kept: a FIFO or a device among the matches is refused when opened
      // and listed as not checked, rather than silently left out.
      for (const p of sortRotations(fs.glob(inp.path))) {
        const st = fs.tryStat(p);
        if (st && !st.isDirectory()) out.push({ ...inp, path: p, display: p });
      }
      continue;
    }
    const st = fs.tryStat(inp.path);
    if (st?.isDirectory()) {
      try {
        for (const p of logFilesIn(fs, inp.path))
          out.push({ ...inp, path: p, display: `${inp.display.replace(/\/$/, "")}/${p.split("/").pop()}` });
      } catch (err) {
        unreadable.push({ path: inp.display, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
      }
      continue;
    }
    out.push(inp);
  }
  return out;
}

/** LogSources (from the Apache configuration or default places) as inputs; globs cover rotations. */
export function inputsFromSources(sources: LogSource[]): LogInput[] {
  return sources
    .filter((s) => !s.path.startsWith("|"))
    .map((s) => ({
      path: s.kind === "access" || s.kind === "error" ? `${s.path}*` : s.path,
      display: s.path,
      format: s.format ? compileFormat(s.format, "configured") : undefined,
      formatSource: s.format ? ("config" as const) : undefined,
      kind: s.kind,
    }));
}

export async function runLogs(fs: RootFs, inputs: LogInput[], opts: RunOptions): Promise<LogsFacts> {
  const unreadable: LogsFacts["unreadable"] = [];
  const files = expandInputs(fs, inputs, unreadable);
  // Start the second thread now if a large plain file is coming: it loads while this one detects formats.
  const minParallel = opts.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  const big = (f: LogInput) => {
    if (f.path === "-") return false;
    const size = fs.tryStat(f.path)?.size ?? 0;
    return f.path.endsWith(".gz")
      ? size >= (opts.gzipWorkerMinBytes ?? GZIP_WORKER_MIN_BYTES)
      : size >= minParallel;
  };
  let worker: ScanWorker | undefined;
  if (opts.parallel !== false && files.some(big)) {
    try {
      worker = new ScanWorker();
    } catch {
      worker = undefined;
    }
  }
  try {
    return await readAll(fs, files, opts, unreadable, worker);
  } finally {
    worker?.close();
  }
}

async function readAll(
  fs: RootFs,
  files: LogInput[],
  opts: RunOptions,
  unreadable: LogsFacts["unreadable"],
  worker: ScanWorker | undefined,
): Promise<LogsFacts> {
  const seen = new Set<string>();
  const scans: FileScan[] = [];
  // Each file's descriptor, open from its first pass to the end of the follow-up pass.
  const opened = new Map<LogInput, LogFile>();
  let offset: number | undefined;
  // Access logs first, so error-log times can take the server's UTC offset from them.
  const ordered = [...files].sort((a, b) => Number(/error/i.test(a.path)) - Number(/error/i.test(b.path)));
  try {
    for (const f of ordered) {
      if (f.path !== "-" && seen.has(f.path)) continue;
      seen.add(f.path);
      let file: LogFile | undefined;
      if (f.path === "-") {
        if (!opts.stdin) continue;
      } else {
        try {
          file = openLogFile(fs, f.path);
        } catch (err) {
          unreadable.push({ path: f.display, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
          continue;
        }
        // Only access logs get a second pass: an error log's descriptor is not kept past its scan.
        if (isFollowed(f)) opened.set(f, file);
        opts.onOpened?.(f.path);
      }
      try {
        const scan = await readOne(f, file, opts, offset, worker);
        if (offset === undefined && scan.offsetMinutes !== undefined) offset = scan.offsetMinutes;
        scans.push(scan);
      } catch (err) {
        unreadable.push({ path: f.display, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
      } finally {
        if (file && !opened.has(f)) closeSync(file.fd);
      }
    }
    const events = eventsFrom(scans);
    const next = await followUp(opened, events, opts);
    return {
      files: scans.map((s) => ({
        path: s.path,
        format: s.format,
        formatSource: s.formatSource,
        lines: s.lines,
        bytes: s.bytes,
        parsed: s.parsed,
        skipped: s.skipped,
        warnings: s.warnings,
        skippedBytes: s.skippedBytes,
        lineNumbersRelative: s.skippedBytes > 0,
      })),
      events,
      eventsTotal: events.length,
      maxEvents: opts.maxEvents ?? 5000,
      next,
      tailBytes: opts.tailBytes,
      unreadable,
    };
  } finally {
    for (const file of opened.values()) closeSync(file.fd);
  }
}

function isFollowed(f: LogInput): boolean {
  return f.path !== "-" && !/error/i.test(f.path);
}

/** One file's (or standard input's) scan: on two threads when it is large, else on this one. */
async function readOne(
  f: LogInput,
  file: LogFile | undefined,
  opts: RunOptions,
  offset: number | undefined,
  worker: ScanWorker | undefined,
): Promise<FileScan> {
  const format = opts.format ?? f.format;
  const formatSource = opts.format ? "option" : f.formatSource;
  if (!file)
    return scanStream(opts.stdin as Readable, f.display, {
      rules: opts.rules,
      format,
      formatSource,
      offsetMinutes: offset,
    });
  if (!file.gzip && opts.parallel !== false) {
    const skip = opts.tailBytes !== undefined && file.size > opts.tailBytes ? file.size - opts.tailBytes : 0;
    if (file.size - skip >= (opts.parallelMinBytes ?? PARALLEL_MIN_BYTES))
      return scanFileParallel(
        file.fd,
        f.display,
        skip,
        file.size,
        { rules: opts.rules, format, formatSource, offsetMinutes: offset, skippedBytes: skip },
        worker,
        opts.segmentBytes,
      );
  }
  if (worker && file.gzip && file.size >= (opts.gzipWorkerMinBytes ?? GZIP_WORKER_MIN_BYTES)) {
    try {
      return await scanGzipInWorker(
        file.fd,
        f.display,
        { rules: opts.rules, format, formatSource, offsetMinutes: offset },
        worker,
      );
    } catch {
      // fall through: read it on this thread
    }
  }
  const o = logStream(file, opts.tailBytes);
  return scanStream(o.stream, f.display, {
    rules: opts.rules,
    format,
    formatSource,
    offsetMinutes: offset,
    skippedBytes: o.skippedBytes,
  });
}

/**
 * What an attacker did after succeeding: a second pass over the files (not standard input) for the
 * lines that hold their address, kept when they are later than the first success.
 */
async function followUp(
  files: Map<LogInput, LogFile>,
  events: LogEvent[],
  opts: RunOptions,
): Promise<Record<string, LaterRequest[]>> {
  const firstSuccess = new Map<string, string>();
  for (const e of events)
    if (
      e.outcome === "succeeded" &&
      e.time &&
      !(firstSuccess.get(e.ip) && (firstSuccess.get(e.ip) as string) <= e.time)
    )
      firstSuccess.set(e.ip, e.time);
  const out: Record<string, LaterRequest[]> = {};
  if (firstSuccess.size === 0 || firstSuccess.size > 50) return out;
  for (const [f, file] of files) {
    await scanStream(logStream(file, opts.tailBytes).stream, f.display, {
      rules: opts.rules,
      format: opts.format ?? f.format,
      literals: [...firstSuccess.keys()],
      collect: (e) => {
        const since = e.ip ? firstSuccess.get(e.ip) : undefined;
        const time = e.time?.toISOString();
        if (!since || !time || time <= since || !e.ip) return;
        const list = out[e.ip] ?? [];
        out[e.ip] = list;
        if (list.length < 200)
          list.push({
            file: f.display,
            line: e.line,
            time,
            request: e.logged ?? e.request,
            status: e.status,
            size: e.size,
          });
      },
    });
  }
  return out;
}

/** Outcomes need the whole picture: the site's baseline and the error log around each request. */
export function eventsFrom(scans: FileScan[]): LogEvent[] {
  const cgi = scans.flatMap((s) => s.cgiErrors);
  const cgiNear = (e: LogEntry) =>
    cgi.some(
      (c) =>
        c.ip === e.ip &&
        c.time !== undefined &&
        e.time !== undefined &&
        Math.abs(c.time.getTime() - e.time.getTime()) <= 2000 &&
        /End of script output before headers: (?:ba)?sh\b|AH01215/.test(c.message ?? ""),
    );
  const events: LogEvent[] = [];
  for (const s of scans) {
    const base = learnBaseline(
      s.samples,
      s.matches.map((m) => m.entry),
    );
    for (const { entry, rule } of s.matches) {
      const { outcome, why } = outcomeOf(entry, rule, base, cgiNear);
      events.push({
        file: s.path,
        line: entry.line,
        time: entry.time?.toISOString(),
        ip: entry.ip ?? "unknown",
        attack: rule.id,
        cves: rule.cves,
        outcome: outcome as Outcome,
        severity: rule.severity,
        request: entry.logged ?? entry.request,
        status: entry.status,
        size: entry.size,
        userAgent: entry.userAgent,
        kind: entry.kind,
        why,
      });
    }
  }
  return events.sort(
    (a, b) => (a.time ?? "").localeCompare(b.time ?? "") || a.file.localeCompare(b.file) || a.line - b.line,
  );
}

/** The events the JSON lists: every success, then the others in time order, up to `maxEvents`. */
export function shownEvents(facts: Pick<LogsFacts, "events" | "maxEvents">): LogEvent[] {
  if (facts.events.length <= facts.maxEvents) return facts.events;
  const wins = facts.events.filter((e) => e.outcome === "succeeded");
  const rest = facts.events.filter((e) => e.outcome !== "succeeded");
  return [...wins, ...rest.slice(0, Math.max(0, facts.maxEvents - wins.length))].sort(
    (a, b) => (a.time ?? "").localeCompare(b.time ?? "") || a.line - b.line,
  );
}

/** The `sections.logs` object of the JSON report. */
export function logsSection(facts: LogsFacts): LogsSection {
  return {
    files: facts.files,
    unreadable: facts.unreadable,
    tailBytes: facts.tailBytes,
    eventsTotal: facts.eventsTotal,
    eventsTruncated: facts.eventsTotal > facts.maxEvents,
    events: shownEvents(facts).map((e) => ({
      file: e.file,
      line: e.line,
      time: e.time,
      ip: e.ip,
      attack: e.attack,
      cves: e.cves,
      outcome: e.outcome,
      severity: e.severity,
      request: e.request,
      status: e.status,
      size: e.size,
      why: e.why,
    })),
    attackers: summarizeAttackers(facts.events).map((a) => {
      const next = facts.next[a.ip] ?? [];
      let indicators = a.indicators;
      for (const r of next) indicators = mergeIndicators(indicators, indicatorsOf(r.request, a.ip));
      return { ...a, next, indicators };
    }),
    attacks: perAttack(facts.events),
    hours: perHour(facts.events),
  };
}
