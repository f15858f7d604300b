import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ReportDocument } from "../core/document.ts";
import { type Store, writeTx } from "../store/db.ts";
import { insertScan } from "../store/scans.ts";
import {
  type BaselineEntry,
  type CursorRecord,
  getBaseline,
  putCursor,
  replaceBaseline,
} from "../store/state.ts";

/** Everything one scan writes to history, in one transaction: the scan, the log cursors, maybe a baseline. */
export interface PendingScan {
  version: 1;
  scanId: string;
  startedAt: string;
  host: string;
  doc: ReportDocument;
  cursors: CursorRecord[];
  /** Set when this scan records the baseline (the first scan, or --accept-baseline). */
  baseline?: { entries: BaselineEntry[]; replace: boolean };
}

/** Commits a scan whole, or not at all (the transaction rolls back on any error). */
export async function commitScan(store: Store, p: PendingScan): Promise<void> {
  await writeTx(store, async (trx) => {
    const exists = await trx.selectFrom("scans").select("id").where("id", "=", p.scanId).executeTakeFirst();
    if (exists) return; // a spool file imported twice
    await insertScan(trx, p.scanId, p.doc, p.startedAt);
    for (const c of p.cursors) await putCursor(trx, p.host, c, p.doc.scannedAt);
    if (p.baseline) {
      const has = (await getBaseline(trx, p.host)).length > 0;
      if (p.baseline.replace || !has)
        await replaceBaseline(trx, p.host, p.scanId, p.doc.scannedAt, p.baseline.entries);
    }
  });
}

/**
 * Where a scan waits when the database cannot take it: beside the database (history.db -> history.db.spool/),
 * else, when that disk is full too, in a private directory on another filesystem (`fallback`, usually under
 * /tmp, one per database path).
 */
export function spoolDirs(dbFile: string, fallback?: string): string[] {
  const dirs = [`${dbFile}.spool`];
  if (fallback)
    dirs.push(path.join(fallback, createHash("sha256").update(dbFile).digest("hex").slice(0, 16)));
  return dirs;
}

/** A directory only we can write: created 0700, and refused if it is a link or belongs to someone else. */
function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0)
    throw Object.assign(new Error(`unsafe spool directory ${dir}`), { code: "EUNSAFE" });
}

export function writeSpool(dbFile: string, p: PendingScan, fallback?: string): string {
  let firstErr: unknown;
  for (const dir of spoolDirs(dbFile, fallback)) {
    const file = path.join(dir, `${p.scanId}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      // Under a shared /tmp the parent must be ours too, or its owner could swap our directory for a link.
      if (fallback && dir.startsWith(fallback)) privateDir(fallback);
      privateDir(dir);
      fs.writeFileSync(tmp, JSON.stringify(p), { mode: 0o600 });
      fs.renameSync(tmp, file);
      return file;
    } catch (err) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // the directory itself is unusable: nothing was written there
      }
      firstErr ??= err;
    }
  }
  throw firstErr;
}

export function readSpool(dbFile: string, fallback?: string): Array<{ file: string; pending: PendingScan }> {
  const out: Array<{ file: string; pending: PendingScan; written: bigint }> = [];
  for (const dir of spoolDirs(dbFile, fallback)) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith(".json"));
    } catch {
      continue;
    }
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        const pending = JSON.parse(fs.readFileSync(file, "utf8")) as PendingScan;
        const written = fs.statSync(file, { bigint: true }).mtimeNs;
        if (pending.version === 1) out.push({ file, pending, written });
      } catch {
        // half-written by a crash (the .tmp rename makes this rare): leave it for a human
      }
    }
  }
  // In the order they were written (two scans in one second have ids that do not sort): the last one's
  // log cursors are the newest.
  return out
    .sort(
      (a, b) =>
        (a.written < b.written ? -1 : a.written > b.written ? 1 : 0) ||
        a.pending.startedAt.localeCompare(b.pending.startedAt) ||
        a.pending.scanId.localeCompare(b.pending.scanId),
    )
    .map(({ file, pending }) => ({ file, pending }));
}

/** Imports spooled scans in time order; each file is removed only after its transaction committed. */
export async function importSpool(store: Store, dbFile: string, fallback?: string): Promise<number> {
  let n = 0;
  for (const { file, pending } of readSpool(dbFile, fallback)) {
    await commitScan(store, pending);
    fs.rmSync(file, { force: true });
    n++;
  }
  return n;
}
