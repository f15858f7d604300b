import { Cron } from "croner";
import { sql } from "kysely";
import { type ServerStore, serverTx } from "./store/db.ts";
import { partitionMonths, partitionName } from "./store/events.ts";

/**
 * How long the server keeps events and old reports (`mamori server --retention-days N`), applied when the
 * server starts and every day at 03:17. Kept whatever their age: each host's latest report (the one its
 * page shows and re-judging reads) and the audit log.
 *
 * PostgreSQL: events live in one partition per month (UTC). Retention creates the partitions from the
 * month of the cut-off through next month (so the next month exists before it begins), and drops a whole
 * partition once its last day is older than the cut-off: no DELETE, no bloat, no VACUUM debt. Events are
 * therefore kept N days at least and N + 31 at most. SQLite: one table, rows older than the cut-off are
 * deleted in small batches (each its own short write transaction, so pushes are not held up).
 */

export const DEFAULT_RETENTION_DAYS = 400;
export const MAX_RETENTION_DAYS = 3650;
const DAY_MS = 24 * 3600 * 1000;
const DELETE_BATCH = 5000;
/** Every day at 03:17 local time (off the hour, when scheduled scans crowd in). */
export const RETENTION_SCHEDULE = "17 3 * * *";

export interface RetentionResult {
  cutoff: string;
  /** Partitions created (PostgreSQL). */
  created: string[];
  /** Partitions dropped (PostgreSQL). */
  dropped: string[];
  /** Event rows deleted (SQLite). */
  deletedEvents: number;
  /** Reports deleted (both), never a host's latest. */
  deletedReports: number;
}

const monthStart = (y: number, m0: number) => new Date(Date.UTC(y, m0, 1));
const monthKey = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;

/** Creates the partitions of the months from `from` through `to` (UTC) that do not exist yet. */
export async function ensurePartitions(store: ServerStore, from: Date, to: Date): Promise<string[]> {
  if (store.dialect !== "pg") return [];
  const have = await partitionMonths(store.db);
  const created: string[] = [];
  for (
    let d = monthStart(from.getUTCFullYear(), from.getUTCMonth());
    d <= to;
    d = monthStart(d.getUTCFullYear(), d.getUTCMonth() + 1)
  ) {
    if (have.has(monthKey(d))) continue;
    const name = partitionName(d.getUTCFullYear(), d.getUTCMonth());
    const next = monthStart(d.getUTCFullYear(), d.getUTCMonth() + 1);
    // The name and bounds are made here from integers, never from input.
    await store.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(727274018)`.execute(trx);
      await sql
        .raw(
          `create table if not exists ${name} partition of events for values from ('${d.toISOString()}') to ('${next.toISOString()}')`,
        )
        .execute(trx);
    });
    created.push(name);
  }
  return created;
}

/** Applies the retention once, as of `now`. */
export async function applyRetention(store: ServerStore, days: number, now: Date): Promise<RetentionResult> {
  const cutoffDate = new Date(now.getTime() - days * DAY_MS);
  const cutoff = cutoffDate.toISOString();
  const result: RetentionResult = { cutoff, created: [], dropped: [], deletedEvents: 0, deletedReports: 0 };
  if (store.dialect === "pg") {
    const ahead = monthStart(now.getUTCFullYear(), now.getUTCMonth() + 1);
    result.created = await ensurePartitions(store, cutoffDate, ahead);
    for (const [key, name] of await partitionMonths(store.db)) {
      const [y, m] = key.split("-").map(Number) as [number, number];
      if (monthStart(y, m) > cutoffDate) continue; // monthStart(y, m) is the start of the month after
      await store.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(727274018)`.execute(trx);
        // `name` matched events_pYYYY_MM in the catalog.
        await sql.raw(`drop table if exists ${name}`).execute(trx);
      });
      result.dropped.push(name);
    }
  } else {
    for (;;) {
      const n = await serverTx(store, async (trx) => {
        const r = await sql`delete from events where rowid in
          (select rowid from events where at < ${cutoff} limit ${DELETE_BATCH})`.execute(trx);
        return Number(r.numAffectedRows ?? 0);
      });
      result.deletedEvents += n;
      if (n < DELETE_BATCH) break;
    }
  }
  for (;;) {
    const n = await serverTx(store, async (trx) => {
      const old = trx
        .selectFrom("reports")
        .select("id")
        .where("received_at", "<", cutoff)
        .where(
          "id",
          "not in",
          trx
            .selectFrom("hosts")
            .select("latest_report_id")
            .where("latest_report_id", "is not", null)
            .$castTo<string>(),
        )
        .limit(DELETE_BATCH);
      const r = await trx.deleteFrom("reports").where("id", "in", old).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
    result.deletedReports += n;
    if (n < DELETE_BATCH) break;
  }
  return result;
}

export interface RetentionJob {
  /** The result of the run at start. */
  first: RetentionResult;
  stop(): void;
}

/**
 * Applies the retention now (a failure here stops the server from starting: better than filling the
 * disk unnoticed), then daily; a failed daily run is reported through `onError` and tried the next day.
 */
export async function startRetention(
  store: ServerStore,
  opts: { days: number; now: () => Date; onError?: (err: unknown) => void; schedule?: string },
): Promise<RetentionJob> {
  const first = await applyRetention(store, opts.days, opts.now());
  const job = new Cron(opts.schedule ?? RETENTION_SCHEDULE, { protect: true, unref: true }, async () => {
    try {
      await applyRetention(store, opts.days, opts.now());
    } catch (err) {
      opts.onError?.(err);
    }
  });
  return { first, stop: () => job.stop() };
}
