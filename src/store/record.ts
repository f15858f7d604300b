import type { Kysely } from "kysely";
import type { ReportDocument } from "../core/document.ts";
import { type Store, writeTx } from "./db.ts";
import { getScan, insertScan, newScanId, type ScanMeta } from "./scans.ts";
import type { HistoryDb } from "./schema.ts";

export interface RecordOptions {
  /** The scan's id (a spooled scan keeps the one it was given); new otherwise. */
  scanId?: string;
  /** When the scan began (ISO); the report's own time otherwise. */
  startedAt?: string;
}

/** The longest host key accepted: a 32-hex id, or "hostname:" and a hostname (at most 253 characters). */
const HOST_KEY_MAX = 300;

/**
 * Stores one scan of host `hostId`: the report with its findings and, when given, the facts it was judged
 * from, in one transaction, and nothing else (no spool, lock, log cursor or baseline: those are the
 * watcher's, on top of this). The same scan id stored twice is stored once. `hostId` is the caller's word
 * (a fleet server takes it from the authenticated connection, not from the report). Facts are stored as
 * JSON as given: they are validated where they are made and where they are read.
 */
export async function recordScan(
  store: Store,
  hostId: string,
  facts: unknown,
  report: ReportDocument,
  opts: RecordOptions = {},
): Promise<ScanMeta> {
  const scanId = opts.scanId ?? newScanId(new Date(opts.startedAt ?? report.scannedAt));
  return writeTx(store, (trx) => writeScan(trx, scanId, hostId, facts, report, opts.startedAt));
}

/**
 * recordScan's writes inside a transaction the caller holds (the watcher adds its cursors and baseline to
 * the same one). Returns the stored scan; an id already stored is left as it is and returned.
 */
export async function writeScan(
  db: Kysely<HistoryDb>,
  scanId: string,
  hostId: string,
  facts: unknown,
  report: ReportDocument,
  startedAt = report.scannedAt,
): Promise<ScanMeta> {
  if (hostId.length === 0 || hostId.length > HOST_KEY_MAX)
    throw new RangeError("host id: 1 to 300 characters");
  const stored = await getScan(db, scanId);
  if (stored) return stored; // a spooled scan imported twice
  const meta = await insertScan(db, scanId, hostId, report, startedAt);
  if (facts !== undefined)
    await db
      .insertInto("scan_facts")
      .values({ scan_id: scanId, facts: JSON.stringify(facts) })
      .execute();
  return meta;
}

/** The facts stored with a scan, as JSON (validate before use), or undefined when none were. */
export async function scanFacts(db: Kysely<HistoryDb>, scanId: string): Promise<unknown> {
  const r = await db
    .selectFrom("scan_facts")
    .select("facts")
    .where("scan_id", "=", scanId)
    .executeTakeFirst();
  return r ? (JSON.parse(r.facts) as unknown) : undefined;
}
