import * as fs from "node:fs";
import * as path from "node:path";
import { scanContext } from "../audit/context.ts";
import { runScanners } from "../audit/run.ts";
import { auditScanners } from "../audit/scanners.ts";
import type { LogEvent } from "../checks/logs/analyze.ts";
import { findingsFor } from "../checks/logs/analyze.ts";
import { guessedLogins } from "../checks/logs/behaviour.ts";
import { eventsFrom } from "../checks/logs/judge.ts";
import type { ScanContext } from "../collect/context.ts";
import { collectInventory, type InventoryItem } from "../collect/inventory/index.ts";
import { ChunkedScan } from "../collect/logs/chunks.ts";
import type { FileScan } from "../collect/logs/scan.ts";
import { type CheckContext, checkContext } from "../core/context.ts";
import { errorCode } from "../core/diagnostics.ts";
import type { ReportDocument } from "../core/document.ts";
import { type Finding, sortFindings } from "../core/finding.ts";
import type { IgnoreRules } from "../core/ignore.ts";
import { msg } from "../core/message.ts";
import { correlate } from "../correlate/index.ts";
import type { FactsBundle } from "../facts/bundle.ts";
import type { InventoryFacts } from "../facts/inventory-types.ts";
import type { Lang, Translator } from "../i18n/index.ts";
import { reasonText } from "../report/verdict.ts";
import { loadRules, type Rule } from "../rules/logs.ts";
import { loadScenarios } from "../rules/logs-behaviour.ts";
import { openStore, type Store, writeTx } from "../store/db.ts";
import { hostKey, newScanId } from "../store/scans.ts";
import {
  adoptLegacyHost,
  type CursorRecord,
  getBaseline,
  getCursors,
  hasLegacyRows,
} from "../store/state.ts";
import { baselineFindings, toEntries } from "./baseline.ts";
import { withHostId } from "./host-id.ts";
import { tryLock } from "./lock.ts";
import { type LogLine, linesOf, readNewChunks } from "./log-cursor.ts";
import {
  commitScan,
  importSpool,
  type PendingScan,
  readSpool,
  type SpoolRefusal,
  writeSpool,
} from "./pending.ts";
import { UnsafeStateError, untrustedText } from "./state-dir.ts";

export interface StoreTarget {
  /** SQLite file or postgres:// URL. */
  target: string;
  busyTimeoutMs: number;
  /** Spool directory for when the database's own disk is full too (see spoolDirs). */
  spoolFallback?: string;
  /** mamori's state directory: where the live root's generated host id is kept when it has no machine-id. */
  stateDir?: string;
}

export interface LogSpec {
  path: string;
  kind: "access" | "error";
}

export interface RecordOutcome {
  scanId: string;
  doc: ReportDocument;
  stored: "db" | "spool";
  spoolFile?: string;
  /** Why the database could not take it (when spooled). */
  reason?: string;
  baselineRecorded?: number;
  imported: number;
  /** Spooled files not imported because someone else could have written them, or they are not scans. */
  refusedSpool: SpoolRefusal[];
  logLines: number;
  /** Findings whose id was not in this host's previous stored scan (all of them for the first). */
  newFindings: number;
}

export class HistoryWriteError extends Error {
  readonly dbReason: string;
  readonly spoolReason: string;
  constructor(dbReason: string, spoolReason: string) {
    super(`${dbReason}; ${spoolReason}`);
    this.dbReason = dbReason;
    this.spoolReason = spoolReason;
  }
}

function isFull(dir: string): boolean {
  try {
    const st = fs.statfsSync(dir);
    return st.bavail * st.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

function isSqliteFile(target: string): boolean {
  return !/^postgres(ql)?:\/\//.test(target);
}

/** "database is locked" / "disk is full" in the user's language, else the raw code. */
export function storeErrorReason(err: unknown, t: Translator, dbFile?: string): string {
  // node:sqlite errors carry the SQLite result code in `errcode` (5 BUSY, 6 LOCKED, 13 FULL).
  const sqlite = (err as { errcode?: number; errstr?: string } | undefined) ?? {};
  const primary = typeof sqlite.errcode === "number" ? sqlite.errcode & 0xff : undefined;
  if (primary === 5 || primary === 6) return t("watch.dbLocked");
  if (primary === 13) return t("watch.diskFull");
  // SQLite says "disk I/O error" when a write hits ENOSPC: ask the filesystem whether it is full.
  if (primary === 10 && dbFile && isFull(path.dirname(dbFile))) return t("watch.diskFull");
  if (err instanceof UnsafeStateError) return untrustedText(err.untrusted, t);
  const code = errorCode(err);
  if (/ENOSPC/.test(code)) return t("watch.diskFull");
  if (sqlite.errstr) return sqlite.errstr;
  return reasonText(code, t);
}

/**
 * Stores a finished audit with its baseline comparison: the scan, its findings (baseline.* added),
 * log cursors and, the first time, the baseline, in one transaction. When the database cannot take it
 * (locked past busy_timeout, disk full, unreadable), the scan goes to a spool file beside the database
 * and is imported by the next run. Returns the document as stored (with the baseline findings).
 */
export async function recordScan(input: {
  store: StoreTarget;
  doc: ReportDocument;
  startedAt: Date;
  inventory: InventoryItem[];
  ctx: Pick<ScanContext, "now" | "lang" | "t">;
  /** Where "could not check" goes (logs busy); the document's own notChecked list. */
  diag?: ScanContext["diag"];
  acceptBaseline?: boolean;
  /** Reads logs with the stored cursors (watch); returns the new cursors. */
  readLogs?: (prev: Map<string, CursorRecord>) => Promise<WatchedLogs>;
}): Promise<RecordOutcome> {
  const { ctx } = input;
  let doc = input.doc;
  try {
    doc = { ...doc, host: withHostId(doc.host, input.store.stateDir, process.geteuid?.() ?? 0) };
  } catch (err) {
    // No id could be kept: the scan is stored under the hostname, as before ids, and says why.
    input.diag?.couldNotCheck({ area: "watch.hostId", reason: storeErrorReason(err, ctx.t) });
  }
  const host = hostKey(doc.host);
  const scanId = newScanId(input.startedAt);
  const entries = toEntries(input.inventory);
  let store: Store | undefined;
  let imported = 0;
  let refusedSpool: SpoolRefusal[] = [];
  let baselineRecorded: number | undefined;
  let pending: PendingScan | undefined;
  let logLines = 0;
  // Outside the try: lines handed to the consumer must have their cursors kept, in the spool if need be.
  let logs: WatchedLogs = { cursors: [], lines: 0 };
  try {
    store = await openStore(input.store.target, { busyTimeoutMs: input.store.busyTimeoutMs });
    if (isSqliteFile(input.store.target)) {
      try {
        const r = await importSpool(store, input.store.target, input.store.spoolFallback);
        imported = r.imported;
        refusedSpool = r.refused;
      } catch {
        // still locked: the spool stays, and its cursors are used below so no line is read twice
        refusedSpool = readSpool(input.store.target, input.store.spoolFallback).refused;
      }
    }
    // This machine's history from before host ids, kept under its hostname: its own from now on.
    if (doc.host.id && doc.host.live && (await hasLegacyRows(store.db, doc.host.hostname))) {
      const id = doc.host.id;
      const hostname = doc.host.hostname;
      await writeTx(store, (trx) => adoptLegacyHost(trx, id, hostname));
    }
    const prevCursors = await getCursors(store.db, host);
    if (isSqliteFile(input.store.target))
      for (const s of readSpool(input.store.target, input.store.spoolFallback).scans)
        for (const c of s.pending.cursors) prevCursors.set(c.path, c);
    if (input.readLogs) {
      const lock = isSqliteFile(input.store.target)
        ? tryLock(path.dirname(input.store.target), `${path.basename(input.store.target)}.logs.lock`)
        : undefined;
      if (lock && "heldBy" in lock) {
        input.diag?.couldNotCheck({
          area: "watch.logs",
          reason: "busy",
          detail: msg("watch.logs.busy", { pid: lock.heldBy }),
        });
      } else {
        try {
          logs = await input.readLogs(prevCursors);
        } finally {
          lock?.release();
        }
      }
    }
    logLines = logs.lines;
    if (logs.findings) doc = mergeWatchedFindings(doc, logs.findings, checkContext(ctx));
    const previous = await store.db
      .selectFrom("scans")
      .select("id")
      .where("host_id", "=", host)
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const before = new Set(previous ? await findingIds(store, previous.id) : []);
    const baseline = await getBaseline(store.db, host);
    const spooledBaseline = isSqliteFile(input.store.target)
      ? readSpool(input.store.target, input.store.spoolFallback).scans.find((s) => s.pending.baseline)
          ?.pending.baseline
      : undefined;
    const known = baseline.length > 0 ? baseline : (spooledBaseline?.entries ?? []);
    if (known.length === 0 || input.acceptBaseline) {
      baselineRecorded = entries.length;
      pending = mkPending(scanId, input.startedAt, host, doc, logs.cursors, { entries, replace: true });
    } else {
      const since = (await baselineTime(store, host)) ?? doc.scannedAt;
      const extra = baselineFindings({ entries: known, since }, input.inventory, checkContext(ctx));
      const findings = sortFindings([...doc.findings, ...extra]);
      // Correlated again: a new cron line or key belongs on the incident timeline like any persistence finding.
      const withBaseline = { ...doc, findings, incidents: correlate(findings, checkContext(ctx)) };
      pending = mkPending(scanId, input.startedAt, host, withBaseline, logs.cursors, undefined);
    }
    await commitScan(store, pending);
    const newFindings = pending.doc.findings.filter((f) => !before.has(f.id)).length;
    return {
      scanId,
      doc: pending.doc,
      stored: "db",
      baselineRecorded,
      imported,
      refusedSpool,
      logLines,
      newFindings,
    };
  } catch (err) {
    const reason = storeErrorReason(
      err,
      ctx.t,
      isSqliteFile(input.store.target) ? input.store.target : undefined,
    );
    pending ??= mkPending(scanId, input.startedAt, host, doc, logs.cursors, { entries, replace: false });
    if (!isSqliteFile(input.store.target)) throw new HistoryWriteError(reason, ctx.t("watch.noSpoolPg"));
    try {
      const spoolFile = writeSpool(input.store.target, pending, input.store.spoolFallback);
      return {
        scanId,
        doc: pending.doc,
        stored: "spool",
        spoolFile,
        reason,
        imported,
        refusedSpool,
        logLines,
        newFindings: 0,
      };
    } catch (spoolErr) {
      throw new HistoryWriteError(reason, storeErrorReason(spoolErr, ctx.t));
    }
  } finally {
    await store?.close();
  }
}

function mkPending(
  scanId: string,
  startedAt: Date,
  host: string,
  doc: ReportDocument,
  cursors: CursorRecord[],
  baseline: PendingScan["baseline"],
): PendingScan {
  return { version: 2, scanId, startedAt: startedAt.toISOString(), hostId: host, doc, cursors, baseline };
}

async function findingIds(store: Store, scanId: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom("findings")
    .select("finding_id")
    .where("scan_id", "=", scanId)
    .execute();
  return rows.map((r) => r.finding_id);
}

async function baselineTime(store: Store, host: string): Promise<string | undefined> {
  const r = await store.db
    .selectFrom("baselines")
    .select("recorded_at")
    .where("host_id", "=", host)
    .limit(1)
    .executeTakeFirst();
  return r?.recorded_at;
}

/** What the watched logs gave: new cursors, how many new lines, and log-forensics findings over exactly those lines. */
export interface WatchedLogs {
  cursors: CursorRecord[];
  lines: number;
  /** logs.exploit findings for the new lines only (absent when no reader ran). */
  findings?: Finding[];
}

/**
 * Reads every configured log from its cursor; the new lines go through the log-forensics scan
 * (prefilter, parser, rules, outcomes) batch by batch (memory stays bounded by a batch and the matches),
 * and also to `onLine` when given. Evidence line numbers count from the cursor (the first new line of a
 * file is line 1): the cursor keeps a byte offset, not a line count.
 */
export function logReader(
  ctx: ScanContext,
  logs: LogSpec[],
  onLine?: (line: LogLine, spec: LogSpec) => void,
  state?: ChunkedScan,
): (prev: Map<string, CursorRecord>) => Promise<WatchedLogs> {
  return async (prev) => {
    const cursors: CursorRecord[] = [];
    let lines = 0;
    // Without a state kept between runs, each run's facts hold its new lines only.
    const engine = state ?? new ChunkedScan(loadScenarios());
    const before = engine.mark();
    let rules: Rule[] | undefined;
    // Access logs first, so error-log times can take the server's UTC offset from them (as runLogs does).
    const ordered = [...logs].sort((a, b) => Number(a.kind === "error") - Number(b.kind === "error"));
    for (const spec of ordered) {
      try {
        const gen = readNewChunks(ctx.fs, spec.path, prev.get(spec.path));
        for (;;) {
          const r = await gen.next();
          if (r.done) {
            cursors.push(r.value.cursor);
            break;
          }
          lines += r.value.lines;
          if (onLine) for (const l of linesOf(r.value)) onLine(l, spec);
          rules ??= loadRules();
          // The bytes at their place in the file: the same matches and samples as a whole read.
          await engine.add(rules, r.value.file, r.value.buf, r.value.at);
        }
      } catch (err) {
        ctx.diag.couldNotCheck({ area: "watch.logs", path: spec.path, reason: errorCode(err) });
      }
    }
    // Outcomes are judged with everything the state holds (the file's baseline); findings count only
    // the events of the lines new in this run.
    const findings = rules
      ? [
          ...findingsFor(newEvents(engine, before, rules), rules, checkContext(ctx)),
          ...guessedLogins(engine.newWins(), checkContext(ctx)),
        ]
      : [];
    return { cursors, lines, findings };
  };
}

/** The events of the matches `engine` gained since `before`, judged with all it holds. */
function newEvents(engine: ChunkedScan, before: Map<FileScan, number>, rules: Rule[]): LogEvent[] {
  const files = engine.files();
  const key = (file: string, line: number) => `${file}\u0000${line}`;
  const fresh = new Set(
    files.flatMap((f) => f.matches.slice(before.get(f) ?? 0).map((m) => key(f.path, m.entry.line))),
  );
  return eventsFrom(files, rules).filter((e) => fresh.has(key(e.file, e.line)));
}

/**
 * Puts the watched logs.exploit findings into the audit's. Same id (same attacker IP and attack): the
 * watched one replaces the audit's, because it counts exactly the requests new since the last scan,
 * while the audit's own logs scanner re-reads the end of every log each time and would count old
 * requests again. The audit's other logs.exploit findings (logs watch does not follow) stay as they are.
 */
export function mergeWatchedFindings(
  doc: ReportDocument,
  watched: Finding[],
  ctx: CheckContext,
): ReportDocument {
  if (watched.length === 0) return doc;
  const ids = new Set(watched.map((f) => f.id));
  const findings = sortFindings([...doc.findings.filter((f) => !ids.has(f.id)), ...watched]);
  return { ...doc, findings, incidents: correlate(findings, ctx) };
}

export interface FullScanOptions {
  root: string;
  lang: Lang;
  now: () => Date;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  command: string;
  store: StoreTarget;
  logs: LogSpec[];
  acceptBaseline?: boolean;
  /** The ignore file's entries, applied where the audit's findings are judged. */
  ignore?: IgnoreRules;
  onLine?: (line: LogLine, spec: LogSpec) => void;
  /**
   * The log engine's facts kept from run to run (a long-running watch): new lines are then judged with
   * the file's baseline since watch began reading it, as `logs` and `audit` judge them over the file.
   */
  logState?: ChunkedScan;
  /** Test hook: wait this long inside the scan (to signal a scan in progress). */
  slowMs?: number;
  /** Given the audit's FactsBundle (watch --push sends it, so the server can judge it again later). */
  onBundle?: (bundle: FactsBundle) => void;
}

/** One complete watched scan: audit, inventory, new log lines, baseline, history. */
export async function runFullScan(o: FullScanOptions): Promise<RecordOutcome> {
  const ctx = scanContext({ root: o.root, now: o.now, lang: o.lang, dataDir: o.dataDir }, o.env);
  const startedAt = o.now();
  let collected: InventoryFacts | undefined;
  const doc = await runScanners({ ...ctx, ignore: o.ignore }, auditScanners(), o.command, (bundle) => {
    collected = bundle.areas.inventory as InventoryFacts | undefined;
    o.onBundle?.(bundle);
  });
  // The audit's bundle carries the inventory; it is read again only if that area failed.
  const inventory = collected?.items ?? collectInventory(ctx.fs, ctx.diag);
  if (o.slowMs) await new Promise((r) => setTimeout(r, o.slowMs));
  return recordScan({
    store: o.store,
    doc,
    startedAt,
    inventory,
    ctx,
    diag: ctx.diag,
    acceptBaseline: o.acceptBaseline,
    readLogs: logReader(ctx, o.logs, o.onLine, o.logState),
  });
}
