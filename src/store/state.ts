import type { Kysely } from "kysely";
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

export async function getCursors(db: Kysely<HistoryDb>, host: string): Promise<Map<string, CursorRecord>> {
  const rows = await db.selectFrom("log_cursors").selectAll().where("host", "=", host).execute();
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
  host: string,
  c: CursorRecord,
  at: string,
): Promise<void> {
  await db.deleteFrom("log_cursors").where("host", "=", host).where("path", "=", c.path).execute();
  await db
    .insertInto("log_cursors")
    .values({
      host,
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

export async function getBaseline(db: Kysely<HistoryDb>, host: string): Promise<BaselineEntry[]> {
  return db
    .selectFrom("baselines")
    .select(["kind", "key", "value"])
    .where("host", "=", host)
    .orderBy("kind")
    .orderBy("key")
    .execute();
}

/** Replaces the host's whole baseline (first scan, or the operator accepted the current state). */
export async function replaceBaseline(
  db: Kysely<HistoryDb>,
  host: string,
  scanId: string,
  at: string,
  entries: BaselineEntry[],
): Promise<void> {
  await db.deleteFrom("baselines").where("host", "=", host).execute();
  const rows = entries.map((e) => ({ host, scan_id: scanId, recorded_at: at, ...e }));
  for (let i = 0; i < rows.length; i += 100) {
    await db
      .insertInto("baselines")
      .values(rows.slice(i, i + 100))
      .execute();
  }
}
