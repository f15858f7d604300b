/**
 * A large plain file is read by two threads at once: this thread reads the first half, a worker
 * the second (split at a newline), and the halves are joined with line numbers made continuous.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { type DetectedFormat, detectFormat, formatFromOption } from "../../checks/logs/format.ts";
import { workerEnv } from "../../core/compile-cache.ts";
import type { RuleSpec } from "../../rules/logs.ts";
import { type Rule, specOf } from "../../rules/logs-compile.ts";
import { plainChunks } from "./read.ts";
import { type FileScan, type ScanOptions, scanStream } from "./scan.ts";

/** Below this size one thread is faster than starting a worker. */
export const PARALLEL_MIN_BYTES = 48 << 20;

export interface WorkerJob {
  /** The rules as plain data (compiled again in the worker, which then needs neither YAML nor zod). */
  rules: Array<RuleSpec & { file: string }>;
  host: string;
  display: string;
  start: number;
  end: number;
  /** A gzip file, read whole (inflated on the thread pool, scanned in the worker). */
  gzip?: boolean;
  detected?:
    | { kind: "access"; format: string; name: string }
    | { kind: "error"; name: "apache-error" | "nginx-error" };
  formatSource?: FileScan["formatSource"];
  offsetMinutes?: number;
}

export type WireScan = Omit<FileScan, "matches"> & {
  matches: Array<{ entry: FileScan["matches"][number]["entry"]; ruleId: string }>;
};

export function toWire(d: DetectedFormat | undefined): WorkerJob["detected"] {
  if (!d) return undefined;
  return d.kind === "access" ? { kind: "access", format: d.format.format, name: d.format.name } : d;
}

export function fromWire(d: WorkerJob["detected"]): DetectedFormat | undefined {
  if (!d) return undefined;
  if (d.kind === "error") return d;
  const f = formatFromOption(d.format);
  return { kind: "access", format: { ...f, name: d.name } };
}

function readAt(host: string, pos: number, len: number): Buffer {
  const fd = openSync(host, "r");
  try {
    const b = Buffer.alloc(len);
    const n = readSync(fd, b, 0, len, pos);
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * The second reading thread. Started early (its module loading takes a few hundred milliseconds),
 * it then scans the byte ranges it is sent, one at a time.
 */
export class ScanWorker {
  private worker: Worker;
  constructor() {
    // A small young generation keeps the second thread light (its work allocates little); the
    // compile cache spares it the TypeScript stripper.
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      env: workerEnv(),
    });
    // A thread that fails while idle must not take the process down; run() reports errors of a job.
    this.worker.on("error", () => {});
  }

  run(job: WorkerJob): Promise<WireScan> {
    return new Promise<WireScan>((resolve, reject) => {
      const done = () => {
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
      };
      const onMessage = (m: WireScan) => {
        done();
        resolve(m);
      };
      const onError = (e: Error) => {
        done();
        reject(e);
      };
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.postMessage(job);
    });
  }

  close(): void {
    void this.worker.terminate();
  }
}

/** Scans [skip, size) of a plain file on two threads (with `worker` when one is already running). */
export async function scanFileParallel(
  host: string,
  display: string,
  skip: number,
  size: number,
  opts: ScanOptions,
  worker?: ScanWorker,
): Promise<FileScan> {
  let detected =
    opts.detected ?? (opts.format ? { kind: "access" as const, format: opts.format } : undefined);
  if (!detected) {
    const head = readAt(host, skip, 65536).toString("utf8").split("\n").slice(0, 50);
    detected = detectFormat(head);
  }
  // Split at the first newline after the split point: both parts hold whole lines.
  // A worker started just now is a few hundred milliseconds late (module loading): give it a bit less.
  const mid = skip + Math.floor((size - skip) * (worker ? 0.5 : 0.55));
  const probe = readAt(host, mid, 1 << 20);
  const nl = probe.indexOf(10);
  if (nl < 0) {
    return scanStream(plainChunks(host, skip, size), display, {
      ...opts,
      detected,
    });
  }
  const split = mid + nl + 1;
  const job: WorkerJob = {
    rules: opts.rules.map(specOf),
    host,
    display,
    start: split,
    end: size,
    detected: toWire(detected),
    formatSource: opts.format ? (opts.formatSource ?? "option") : (opts.formatSource ?? "detected"),
    offsetMinutes: opts.offsetMinutes,
  };
  const own = worker ?? new ScanWorker();
  const second = own.run(job);
  const first = await scanStream(plainChunks(host, skip, split), display, {
    ...opts,
    detected,
    formatSource: job.formatSource,
  });
  let w: WireScan;
  try {
    w = await second;
  } catch {
    // The second thread could not run: read its part here.
    const res = await scanStream(plainChunks(host, split, size), display, {
      ...opts,
      detected,
      skippedBytes: 0,
    });
    w = { ...res, matches: res.matches.map((m) => ({ entry: m.entry, ruleId: m.rule.id })) };
  } finally {
    if (!worker) own.close();
  }
  return joinScans(first, w, opts.rules);
}

/** A worker's scan with its rules attached again. */
export function fromWireScan(w: WireScan, rules: Rule[]): FileScan {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return {
    ...w,
    matches: w.matches.flatMap((m) => {
      const rule = byId.get(m.ruleId);
      return rule ? [{ entry: m.entry, rule }] : [];
    }),
  };
}

/**
 * A gzip file scanned in the worker: the main thread stays idle (and small) while the worker, with
 * its small young generation, scans what the thread pool inflates.
 */
export async function scanGzipInWorker(
  host: string,
  display: string,
  opts: ScanOptions,
  worker: ScanWorker,
): Promise<FileScan> {
  const job: WorkerJob = {
    rules: opts.rules.map(specOf),
    host,
    display,
    start: 0,
    end: 0,
    gzip: true,
    detected: toWire(opts.detected ?? (opts.format ? { kind: "access", format: opts.format } : undefined)),
    formatSource: opts.format ? (opts.formatSource ?? "option") : opts.formatSource,
    offsetMinutes: opts.offsetMinutes,
  };
  return fromWireScan(await worker.run(job), opts.rules);
}

export function joinScans(a: FileScan, b: WireScan, rules: Rule[]): FileScan {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const shift = a.lines;
  const skipped = { ...a.skipped };
  for (const [k, v] of Object.entries(b.skipped)) skipped[k] = (skipped[k] ?? 0) + v;
  return {
    ...a,
    lines: a.lines + b.lines,
    bytes: a.bytes + b.bytes,
    parsed: a.parsed + b.parsed,
    skipped,
    warnings: [
      ...a.warnings,
      ...b.warnings.map((w) => ({ ...w, line: w.line === undefined ? undefined : w.line + shift })),
    ].slice(0, 50),
    matches: [
      ...a.matches,
      ...b.matches.flatMap((m) => {
        const rule = byId.get(m.ruleId);
        return rule ? [{ entry: { ...m.entry, line: m.entry.line + shift }, rule }] : [];
      }),
    ],
    samples: [...a.samples, ...b.samples].slice(0, 20_000),
    cgiErrors: [...a.cgiErrors, ...b.cgiErrors.map((e) => ({ ...e, line: e.line + shift }))],
    offsetMinutes: a.offsetMinutes ?? b.offsetMinutes,
  };
}
