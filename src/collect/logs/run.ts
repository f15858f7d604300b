/**
 * Log forensics over a set of inputs: files, directories, standard input, or the audit's default
 * locations and the Apache configuration's LogSources. Collects facts; analysis is in checks/logs.
 */

import type { Readable } from "node:stream";
import { cutText } from "../../core/cut.ts";
import type { LogSource } from "../../core/log-source.ts";
import type { FileSummary, LaterRequest } from "../../facts/log-lines.ts";
import type { Rule } from "../../rules/logs.ts";
import { loadScenarios, type Scenario } from "../../rules/logs-behaviour.ts";
import type { RootFs } from "../rootfs.ts";
import { type AccessFormat, compileFormat } from "./engine/format.ts";
import { PARALLEL_MIN_BYTES, ScanWorker, scanFileParallel } from "./parallel.ts";
import { STREAM_SEGMENT_BYTES, STREAM_WORKER_AFTER, scanStreamParallel } from "./parallel-stream.ts";

/** A gzip file this large (compressed) is scanned in the worker thread, which keeps memory low. */
const GZIP_WORKER_MIN_BYTES = 4 << 20;

import { closeSync } from "node:fs";
import { type LogFile, logFilesIn, logStream, openLogFile, sortRotations } from "./read.ts";
import { type FileScan, finishBehaviour, scanStream } from "./scan.ts";

export type { FileSummary, LaterRequest };

export interface LogInput {
  /** Guest path, or "-" for standard input. */
  path: string;
  /** As the user gave it (shown in the report). */
  display: string;
  format?: AccessFormat;
  formatSource?: FileScan["formatSource"];
  kind?: "access" | "error";
}

export interface LogsFacts {
  files: FileSummary[];
  /** For each attacker who succeeded: every request they sent after the first success (a second pass). */
  next: Record<string, LaterRequest[]>;
  /** Each file's matched lines and baseline samples: the events before judgement (checks/logs/judge.ts). */
  scans: FileScan[];
  /** How many events the JSON lists (all are counted in attackers, hours and findings). */
  maxEvents: number;
  tailBytes?: number;
  unreadable: Array<{ path: string; reason: string }>;
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
  /**
   * Whose later requests the second pass collects: each attacker's first success (ISO time), judged by
   * the caller from the first pass (checks/logs/judge.ts). Without it there is no second pass.
   */
  firstSuccesses?: (scans: FileScan[]) => Map<string, string>;
  /** Test hook: called once a file is open, before any of it is read (a test rotates the file here). */
  onOpened?: (path: string) => void;
  /** Behaviour scenarios tracked while reading (default: the shipped ones; [] for none). */
  scenarios?: Scenario[];
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
      const matches = sortRotations(fs.glob(inp.path));
      for (const p of matches) {
        const st = fs.tryStat(p);
        if (st && !st.isDirectory()) out.push({ ...inp, path: p, display: p });
      }
      // Debian's /var/log/apache2 is root:adm 0750: run as another user, its logs are there but not
      // listable, which is not "no logs".
      if (matches.length === 0) {
        const reason = unlistable(fs, inp.path);
        // A default place's pattern once per directory: it repeats the configuration's names there.
        const dir = inp.path.slice(0, inp.path.lastIndexOf("/") + 1);
        const repeat =
          /[*?[]/.test(inp.display) &&
          unreadable.some((u) => u.path.startsWith(dir) && !u.path.slice(dir.length).includes("/"));
        if (reason && !repeat) unreadable.push({ path: inp.display, reason });
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
  return onceEach(fs, out);
}

/** Why the directory of a glob's last component cannot be listed (EACCES...), if it exists and cannot. */
function unlistable(fs: RootFs, pattern: string): string | undefined {
  const dir = pattern.slice(0, pattern.lastIndexOf("/")) || "/";
  if (/[*?[]/.test(dir)) return undefined;
  try {
    fs.readdir(dir);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return code === "ENOENT" || code === "ENOTDIR" ? undefined : code;
  }
}

/**
 * One file reached by two names is read once, under the first (the configuration's: RHEL's
 * /etc/httpd/logs is a link to /var/log/httpd, one of the default places): read twice, every attack in
 * it was counted twice.
 */
function onceEach(fs: RootFs, inputs: LogInput[]): LogInput[] {
  const seen = new Set<string>();
  return inputs.filter((inp) => {
    if (inp.path === "-") return true;
    const st = fs.tryStat(inp.path);
    if (!st) return true;
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
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
  // The second thread: started now for a large file, or when standard input proves longer than a segment.
  const threads = new SecondThread(opts.parallel !== false);
  if (files.some(big)) threads.get();
  try {
    return await readAll(fs, files, opts, unreadable, threads);
  } finally {
    threads.close();
  }
}

/** The reading thread, started at most once, when first wanted; closed once the reading is done. */
class SecondThread {
  private worker: ScanWorker | undefined;
  private closed: boolean;
  constructor(allowed: boolean) {
    this.closed = !allowed;
  }

  get(): ScanWorker | undefined {
    if (this.closed) return undefined;
    try {
      this.worker ??= new ScanWorker();
    } catch {
      this.closed = true;
    }
    // One that has ended (a failed job ends it) is not handed out again: its answers would never come.
    return this.worker?.usable ? this.worker : undefined;
  }

  /** The one started, if any and still usable (a file read here does not start one). */
  get started(): ScanWorker | undefined {
    return this.worker?.usable ? this.worker : undefined;
  }

  close(): void {
    this.closed = true;
    this.worker?.close();
  }
}

async function readAll(
  fs: RootFs,
  files: LogInput[],
  opts: RunOptions,
  unreadable: LogsFacts["unreadable"],
  threads: SecondThread,
): Promise<LogsFacts> {
  const seen = new Set<string>();
  const scans: FileScan[] = [];
  const scenarios = opts.scenarios ?? loadScenarios();
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
        const scan = await readOne(f, file, { ...opts, scenarios }, offset, threads);
        finishBehaviour(scan, scenarios);
        scan.keep = undefined; // the group index is needed only while the file is read
        if (scan.errorLinesDropped && scan.warnings.length < 50)
          scan.warnings.push({ reason: "error-lines-bound", detail: String(scan.errorLinesDropped) });
        if (offset === undefined && scan.offsetMinutes !== undefined) offset = scan.offsetMinutes;
        scans.push(scan);
      } catch (err) {
        unreadable.push({ path: f.display, reason: (err as NodeJS.ErrnoException).code ?? String(err) });
      } finally {
        if (file && !opened.has(f)) closeSync(file.fd);
      }
    }
    // The second thread's part is done: its heap goes back now, not after the follow-up pass and the
    // judging (runLogs closes it again, which does nothing then).
    threads.close();
    const next = opts.firstSuccesses ? await followUp(opened, opts.firstSuccesses(scans), opts) : {};
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
        ...(s.firstTime ? { firstTime: s.firstTime, lastTime: s.lastTime } : {}),
      })),
      scans,
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
  threads: SecondThread,
): Promise<FileScan> {
  const format = opts.format ?? f.format;
  const formatSource = opts.format ? "option" : f.formatSource;
  const streamOpts = {
    rules: opts.rules,
    scenarios: opts.scenarios,
    format,
    formatSource,
    offsetMinutes: offset,
  };
  // One thread, one pass (tests compare the two).
  if (!file && opts.parallel === false) return scanStream(opts.stdin as Readable, f.display, streamOpts);
  if (!file)
    return scanStreamParallel(
      opts.stdin as Readable,
      f.display,
      streamOpts,
      () => threads.get(),
      opts.segmentBytes ?? STREAM_SEGMENT_BYTES,
      Math.min(opts.parallelMinBytes ?? STREAM_WORKER_AFTER, STREAM_WORKER_AFTER),
    );
  const worker = threads.started;
  if (!file.gzip && opts.parallel !== false) {
    const skip = opts.tailBytes !== undefined && file.size > opts.tailBytes ? file.size - opts.tailBytes : 0;
    if (file.size - skip >= (opts.parallelMinBytes ?? PARALLEL_MIN_BYTES))
      return scanFileParallel(
        file.fd,
        f.display,
        skip,
        file.size,
        {
          rules: opts.rules,
          scenarios: opts.scenarios,
          format,
          formatSource,
          offsetMinutes: offset,
          skippedBytes: skip,
        },
        worker,
        opts.segmentBytes,
      );
  }
  // A large gzip file: inflated on libuv's thread pool and read as standard input is, by both threads
  // (256 MB genlog: 3.1-3.2 s against 4.4 s when the worker alone scanned it).
  if (file.gzip && opts.parallel !== false && file.size >= (opts.gzipWorkerMinBytes ?? GZIP_WORKER_MIN_BYTES))
    return scanStreamParallel(
      logStream(file).stream,
      f.display,
      streamOpts,
      () => threads.get(),
      opts.segmentBytes ?? STREAM_SEGMENT_BYTES,
      0,
    );
  const o = logStream(file, opts.tailBytes);
  return scanStream(o.stream, f.display, {
    rules: opts.rules,
    scenarios: opts.scenarios,
    format,
    formatSource,
    offsetMinutes: offset,
    skippedBytes: o.skippedBytes,
  });
}

/** Clients whose later requests are read again, and requests kept for each. */
export const MAX_FOLLOWED = 50;
const MAX_LATER = 200;
const MAX_LATER_CHARS = 2048;

function cut(request: string): string {
  return Buffer.from(cutText(request, MAX_LATER_CHARS), "utf8").toString("utf8");
}

/**
 * What an attacker did after succeeding: a second pass over the files (not standard input) for the
 * lines that hold their address, kept when they are later than the first success.
 */
async function followUp(
  files: Map<LogInput, LogFile>,
  firstSuccess: Map<string, string>,
  opts: RunOptions,
): Promise<Record<string, LaterRequest[]>> {
  // No prototype: the keys are the log's client fields, which may be `__proto__` or `toString`.
  const out: Record<string, LaterRequest[]> = Object.create(null);
  if (firstSuccess.size === 0) return out;
  // The earliest to succeed, when many did: each client followed is one more literal of the pass, and
  // the story tells a few (an attacker with many addresses must not switch the pass off for all).
  const followed = new Map(
    [...firstSuccess].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).slice(0, MAX_FOLLOWED),
  );
  for (const [f, file] of files) {
    await scanStream(logStream(file, opts.tailBytes).stream, f.display, {
      rules: opts.rules,
      format: opts.format ?? f.format,
      literals: [...followed.keys()],
      clients: new Set(followed.keys()),
      collect: (e) => {
        const since = e.ip ? followed.get(e.ip) : undefined;
        const time = e.time?.toISOString();
        if (!since || !time || time <= since || !e.ip) return;
        const list = out[e.ip] ?? [];
        out[e.ip] = list;
        if (list.length < MAX_LATER)
          list.push({
            file: f.display,
            line: e.line,
            time,
            // A copy of its start: the line may be up to 1 MB, and 200 such per client add up.
            request: cut(e.logged ?? e.request),
            status: e.status,
            size: e.size,
          });
      },
    });
  }
  return out;
}
