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

/** The spool sits beside the database: history.db -> history.db.spool/ */
export function spoolDir(dbFile: string): string {
  return `${dbFile}.spool`;
}

export function writeSpool(dbFile: string, p: PendingScan): string {
  const dir = spoolDir(dbFile);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${p.scanId}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(p), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}

export function readSpool(dbFile: string): Array<{ file: string; pending: PendingScan }> {
  const dir = spoolDir(dbFile);
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch {
    return [];
  }
  const out: Array<{ file: string; pending: PendingScan }> = [];
  for (const n of names) {
    const file = path.join(dir, n);
    try {
      const pending = JSON.parse(fs.readFileSync(file, "utf8")) as PendingScan;
      if (pending.version === 1) out.push({ file, pending });
    } catch {
      // half-written by a crash (the .tmp rename makes this rare): leave it for a human
    }
  }
  return out;
}

/** Imports spooled scans in time order; each file is removed only after its transaction committed. */
export async function importSpool(store: Store, dbFile: string): Promise<number> {
  let n = 0;
  for (const { file, pending } of readSpool(dbFile)) {
    await commitScan(store, pending);
    fs.rmSync(file, { force: true });
    n++;
  }
  return n;
}
