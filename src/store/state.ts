import type { Kysely } from "kysely";
import { LEGACY_PREFIX } from "./migrations.ts";
import type { HistoryDb } from "./schema.ts";

/** Where reading a log stopped: the file's inode, the byte offset after the last complete line, and its head. */
export interface CursorRecord {
  path: string;
  inode: string;
  offset: number;
  /** sha256 of the first `headLen` bytes: tells a truncated-and-refilled or replaced file from the one we read. */
  headHash: string;
  headLen: number;
  /** Newest modification time (ns) of the files read: rotated files newer than this hold unseen lines. */
  mtimeNs: string;
}

export interface BaselineEntry {
  kind: string;
  key: string;
  value: string;
}

export async function getCursors(db: Kysely<HistoryDb>, hostId: string): Promise<Map<string, CursorRecord>> {
  const rows = await db.selectFrom("log_cursors").selectAll().where("host_id", "=", hostId).execute();
  return new Map(
    rows.map((r) => [
      r.path,
      {
        path: r.path,
        inode: r.inode,
        offset: Number(r.offset),
        headHash: r.head_hash,
        headLen: Number(r.head_len),
        mtimeNs: r.mtime_ns,
      },
    ]),
  );
}

export async function putCursor(
  db: Kysely<HistoryDb>,
  hostId: string,
  c: CursorRecord,
  at: string,
): Promise<void> {
  await db.deleteFrom("log_cursors").where("host_id", "=", hostId).where("path", "=", c.path).execute();
  await db
    .insertInto("log_cursors")
    .values({
      host_id: hostId,
      path: c.path,
      inode: c.inode,
      offset: c.offset,
      head_hash: c.headHash,
      head_len: c.headLen,
      mtime_ns: c.mtimeNs,
      updated_at: at,
    })
    .execute();
}

export async function getBaseline(db: Kysely<HistoryDb>, hostId: string): Promise<BaselineEntry[]> {
  return db
    .selectFrom("baselines")
    .select(["kind", "key", "value"])
    .where("host_id", "=", hostId)
    .orderBy("kind")
    .orderBy("key")
    .execute();
}

/** Replaces the host's whole baseline (first scan, or the operator accepted the current state). */
export async function replaceBaseline(
  db: Kysely<HistoryDb>,
  hostId: string,
  scanId: string,
  at: string,
  entries: BaselineEntry[],
): Promise<void> {
  await db.deleteFrom("baselines").where("host_id", "=", hostId).execute();
  const rows = entries.map((e) => ({ host_id: hostId, scan_id: scanId, recorded_at: at, ...e }));
  for (let i = 0; i < rows.length; i += 100) {
    await db
      .insertInto("baselines")
      .values(rows.slice(i, i + 100))
      .execute();
  }
}

/**
 * Gives a host's rows recorded under its hostname (before hosts had ids, LEGACY_PREFIX) to its id: scans
 * always; the baseline and the log cursors only when the id has none yet (the id's own are newer). Only for
 * the machine itself (watch, audit --save): a fleet server cannot know two hosts with one name are one.
 * Returns how many scans were taken over (call inside writeTx).
 */
export async function adoptLegacyHost(
  db: Kysely<HistoryDb>,
  hostId: string,
  hostname: string,
): Promise<number> {
  const legacy = `${LEGACY_PREFIX}${hostname}`;
  if (legacy === hostId) return 0;
  const scans = await db
    .updateTable("scans")
    .set({ host_id: hostId })
    .where("host_id", "=", legacy)
    .executeTakeFirst();
  for (const table of ["baselines", "log_cursors"] as const) {
    const own = await db.selectFrom(table).select("host_id").where("host_id", "=", hostId).limit(1).execute();
    if (own.length === 0)
      await db.updateTable(table).set({ host_id: hostId }).where("host_id", "=", legacy).execute();
    else await db.deleteFrom(table).where("host_id", "=", legacy).execute();
  }
  return Number(scans.numUpdatedRows);
}

/** Whether anything is still keyed by this hostname (a read, so the usual case takes no write lock). */
export async function hasLegacyRows(db: Kysely<HistoryDb>, hostname: string): Promise<boolean> {
  const legacy = `${LEGACY_PREFIX}${hostname}`;
  for (const table of ["scans", "baselines", "log_cursors"] as const) {
    const r = await db.selectFrom(table).select("host_id").where("host_id", "=", legacy).limit(1).execute();
    if (r.length > 0) return true;
  }
  return false;
}
