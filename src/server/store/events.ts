import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { SEVERITIES } from "../../core/finding.ts";
import type { ServerDialect } from "./db.ts";

/**
 * The `events` table (migration 3): one row per attack event read from a host's logs and per finding of a
 * report, by time, so that the fleet can be asked "which hosts did 203.0.113.9 hit last week" without
 * opening every report. Rows are extracted at ingest, a bounded number per report, and kept for the
 * retention period (src/server/retention.ts). On PostgreSQL the table is partitioned by month on `at`;
 * a row whose month has no partition (older than the retention, or before the server made it) is not
 * stored. The same event in two reports of a host (the same log read twice) is one row: the digest.
 */

export interface EventsTable {
  host_id: string;
  /** ISO 8601 (timestamptz on PostgreSQL, read back as a Date). */
  at: string | Date;
  /** "log" (an attack event of sections.logs) or "finding". */
  kind: string;
  report_id: string;
  severity: string;
  /** The attack name (log) or the check id (finding). */
  name: string;
  ip: string | null;
  outcome: string | null;
  /** The request line (log) or the finding's title, cut to MAX_DETAIL. */
  detail: string;
  digest: string;
}

export interface EventsDb {
  events: EventsTable;
}

/** At most this many log events and findings of one report become rows. */
export const MAX_LOG_EVENTS_PER_REPORT = 1000;
export const MAX_FINDING_EVENTS_PER_REPORT = 500;
const MAX_DETAIL = 512;
const MAX_NAME = 128;
const MAX_IP = 64;
const BATCH = 500;

export type EventRow = EventsTable & { at: string };

/** What ingest hands over: the report as stored (document text, scan time already checked). */
export interface EventSource {
  scannedAt: string;
  document: string;
}

const cut = (v: unknown, max: number): string | null =>
  typeof v === "string" ? (v.length > max ? v.slice(0, max) : v) : null;

const SEVERITY = new Set<string>(SEVERITIES);

/**
 * The event time: the time the log line or finding carries when it is a date no later than `now` (a
 * log's clock, or an attacker's line, may say 2099), else the scan time; never later than `now`.
 */
function eventTime(value: unknown, scannedAt: string, now: Date): string {
  const t = typeof value === "string" && value.length <= 64 ? Date.parse(value) : Number.NaN;
  const fallback = Date.parse(scannedAt);
  const scan = Number.isFinite(fallback) ? fallback : now.getTime();
  const chosen = Number.isFinite(t) && t <= now.getTime() ? t : scan;
  return new Date(Math.min(chosen, now.getTime())).toISOString();
}

function digest(parts: Array<string | null>): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p ?? "\u0001").update("\u0000");
  return h.digest("hex").slice(0, 32);
}

/** The rows of one report (pure; the document was validated against the report contract). */
export function extractEvents(hostId: string, reportId: string, src: EventSource, now: Date): EventRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(src.document);
  } catch {
    return [];
  }
  const rows: EventRow[] = [];
  const d = doc as { findings?: unknown; sections?: { logs?: { events?: unknown } } };
  const logEvents = Array.isArray(d.sections?.logs?.events) ? (d.sections.logs.events as unknown[]) : [];
  for (const e of logEvents.slice(0, MAX_LOG_EVENTS_PER_REPORT)) {
    if (typeof e !== "object" || e === null) continue;
    const x = e as Record<string, unknown>;
    const severity = typeof x.severity === "string" && SEVERITY.has(x.severity) ? x.severity : "info";
    const at = eventTime(x.time, src.scannedAt, now);
    const name = cut(x.attack, MAX_NAME) ?? "?";
    const ip = cut(x.ip, MAX_IP);
    const outcome = cut(x.outcome, 32);
    const detail = cut(x.request, MAX_DETAIL) ?? "";
    const status = typeof x.status === "number" ? String(x.status) : null;
    rows.push({
      host_id: hostId,
      at,
      kind: "log",
      report_id: reportId,
      severity,
      name,
      ip,
      outcome,
      detail,
      digest: digest(["log", name, ip, outcome, detail, status, cut(x.file, 4096), String(x.line)]),
    });
  }
  const findings = Array.isArray(d.findings) ? (d.findings as unknown[]) : [];
  for (const f of findings.slice(0, MAX_FINDING_EVENTS_PER_REPORT)) {
    if (typeof f !== "object" || f === null) continue;
    const x = f as Record<string, unknown>;
    const severity = typeof x.severity === "string" && SEVERITY.has(x.severity) ? x.severity : "info";
    const at = eventTime(x.time, src.scannedAt, now);
    const name = cut(x.check, MAX_NAME) ?? "?";
    const detail = cut(x.title, MAX_DETAIL) ?? "";
    rows.push({
      host_id: hostId,
      at,
      kind: "finding",
      report_id: reportId,
      severity,
      name,
      ip: null,
      outcome: null,
      detail,
      digest: digest(["finding", cut(x.id, 4096), name, severity]),
    });
  }
  return rows;
}

/** `events_p2026_03` holds March 2026 (UTC). */
export function partitionName(year: number, month0: number): string {
  return `events_p${year}_${String(month0 + 1).padStart(2, "0")}`;
}

const PARTITION = /^events_p(\d{4})_(\d{2})$/;

/** The months (as "2026-03") that have a partition on PostgreSQL. */
export async function partitionMonths<DB>(db: Kysely<DB>): Promise<Map<string, string>> {
  const r = await sql<{ relname: string }>`
    select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = to_regclass('events')`.execute(db);
  const out = new Map<string, string>();
  for (const { relname } of r.rows) {
    const m = PARTITION.exec(relname);
    if (m) out.set(`${m[1]}-${m[2]}`, relname);
  }
  return out;
}

/** Inserts rows (duplicates of stored ones are skipped), in batches; returns how many were offered. */
export async function insertEvents<DB>(db: Kysely<DB>, rows: EventRow[]): Promise<number> {
  const edb = db as unknown as Kysely<EventsDb>;
  for (let i = 0; i < rows.length; i += BATCH)
    await edb
      .insertInto("events")
      .values(rows.slice(i, i + BATCH))
      .onConflict((oc) => oc.doNothing())
      .execute();
  return rows.length;
}

/**
 * Called by ingest inside the report's transaction: extracts the report's events and stores those the
 * table can hold (on PostgreSQL, those whose month has a partition). Returns the number of rows offered.
 */
export async function recordEvents<DB>(
  db: Kysely<DB>,
  dialect: ServerDialect,
  hostId: string,
  reportId: string,
  src: EventSource,
  now: Date,
): Promise<number> {
  const seen = new Set<string>();
  let rows = extractEvents(hostId, reportId, src, now).filter((r) => {
    const k = `${r.at} ${r.digest}`;
    return !seen.has(k) && seen.add(k);
  });
  if (rows.length === 0) return 0;
  const trx = db as unknown as Kysely<unknown>;
  if (dialect === "pg") {
    const months = await partitionMonths(trx);
    rows = rows.filter((r) => months.has(r.at.slice(0, 7)));
  }
  return insertEvents(trx, rows);
}
