import { createHash } from "node:crypto";
import * as path from "node:path";
import { z } from "zod";
import { reportSchema } from "../core/contract.ts";
import { errorCode } from "../core/diagnostics.ts";
import { DirFdError, type Identity, type Untrusted, type VerifiedDir } from "../core/dirfd.ts";
import type { ReportDocument } from "../core/document.ts";
import { type Translator, translator } from "../i18n/index.ts";
import { contractDocument, restoreKeyed } from "../report/localize.ts";
import { type Store, writeTx } from "../store/db.ts";
import { writeScan } from "../store/record.ts";
import { hostKey } from "../store/scans.ts";
import {
  type BaselineEntry,
  type CursorRecord,
  getBaseline,
  putCursor,
  replaceBaseline,
} from "../store/state.ts";
import { openPrivateDir, UnsafeStateError, untrustedText } from "./state-dir.ts";

/** Everything one scan writes to history, in one transaction: the scan, the log cursors, maybe a baseline. */
export interface PendingScan {
  version: 2;
  scanId: string;
  startedAt: string;
  /** The history key (hostKey): the host id, or "hostname:<name>". */
  hostId: string;
  doc: ReportDocument;
  /** Collected facts (a FactsBundle) when the scan kept them. */
  facts?: unknown;
  cursors: CursorRecord[];
  /** Set when this scan records the baseline (the first scan, or --accept-baseline). */
  baseline?: { entries: BaselineEntry[]; replace: boolean };
}

/**
 * Commits a scan whole, or not at all (the transaction rolls back on any error): the store's plain scan
 * write (writeScan) plus what only the watcher keeps, the log cursors and the baseline.
 */
export async function commitScan(store: Store, p: PendingScan): Promise<void> {
  await writeTx(store, async (trx) => {
    const exists = await trx.selectFrom("scans").select("id").where("id", "=", p.scanId).executeTakeFirst();
    if (exists) return; // a spool file imported twice
    await writeScan(trx, p.scanId, p.hostId, p.facts, p.doc, p.startedAt);
    for (const c of p.cursors) await putCursor(trx, p.hostId, c, p.doc.scannedAt);
    if (p.baseline) {
      const has = (await getBaseline(trx, p.hostId)).length > 0;
      if (p.baseline.replace || !has)
        await replaceBaseline(trx, p.hostId, p.scanId, p.doc.scannedAt, p.baseline.entries);
    }
  });
}

/**
 * Where a scan waits when the database cannot take it: beside the database (history.db -> history.db.spool/),
 * else, when that disk is full too, in the state directory's spool (`fallback`, one subdirectory per database
 * path). Both are private directories: a spooled scan is imported only when no other user could have
 * written it.
 */
export function spoolDirs(dbFile: string, fallback?: string): string[] {
  const dirs = [`${dbFile}.spool`];
  if (fallback)
    dirs.push(path.join(fallback, createHash("sha256").update(dbFile).digest("hex").slice(0, 16)));
  return dirs;
}

/** Larger than any real scan document; bounds what one spool file can make mamori read. */
export const SPOOL_FILE_LIMIT = 64 * 1024 * 1024;

const euidOf = () => process.geteuid?.() ?? 0;

export function writeSpool(dbFile: string, p: PendingScan, fallback?: string): string {
  let firstErr: unknown;
  for (const dir of spoolDirs(dbFile, fallback)) {
    try {
      const d = openPrivateDir(dir, euidOf());
      try {
        // O_EXCL|O_NOFOLLOW temporary of a random name, 0600, fsync, rename inside the verified directory.
        // The document in its JSON-contract form (rendered text beside the keyed form), as a saved report.
        const doc = contractDocument(p.doc, translator(p.doc.lang === "ja" ? "ja" : "en"));
        d.writeFileDurable(`${p.scanId}.json`, JSON.stringify({ ...p, doc }), 0o600);
      } finally {
        d.close();
      }
      return path.join(dir, `${p.scanId}.json`);
    } catch (err) {
      firstErr ??= err;
    }
  }
  throw firstErr;
}

/** Why a spooled file was not imported (left in place and reported). */
export type SpoolRefusal =
  | { file: string; kind: "untrusted"; untrusted: Untrusted }
  | { file: string; kind: "invalid" | "unreadable"; detail: string }
  | { file: string; kind: "tooLarge"; limit: number };

export interface SpoolRead {
  scans: Array<{ dir: string; name: string; file: string; pending: PendingScan; identity: Identity }>;
  refused: SpoolRefusal[];
}

const cursorSchema = z.object({
  path: z.string(),
  inode: z.string(),
  offset: z.number().int().nonnegative(),
  headHash: z.string(),
  headLen: z.number().int().nonnegative(),
  mtimeNs: z.string(),
});

const baselineSchema = z
  .object({
    entries: z.array(z.object({ kind: z.string(), key: z.string(), value: z.string() })),
    replace: z.boolean(),
  })
  .optional();

const pendingSchema = z.union([
  z.object({
    version: z.literal(2),
    scanId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
    startedAt: z.string().max(64),
    hostId: z.string().min(1).max(300),
    doc: reportSchema,
    facts: z.unknown().optional(),
    cursors: z.array(cursorSchema),
    baseline: baselineSchema,
  }),
  // Spooled before host ids: `host` was the hostname, which is what the key of such a scan is.
  z
    .object({
      version: z.literal(1),
      scanId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
      startedAt: z.string().max(64),
      host: z.string().max(1024),
      doc: reportSchema,
      cursors: z.array(cursorSchema),
      baseline: baselineSchema,
    })
    .transform(({ version: _, host, ...rest }) => ({
      ...rest,
      version: 2 as const,
      hostId: hostKey({ hostname: host, id: rest.doc.host.id }),
    })),
]);

/**
 * Reads the spooled scans, oldest first. A spool directory is read only when it is root's or ours and
 * no one else can write it; a file only when it is a regular file of ours (opened without following a
 * link), no one else can write it, it is within SPOOL_FILE_LIMIT and it is a scan by schema. Anything else
 * is refused: left in place and listed in `refused`, never imported.
 */
export function readSpool(dbFile: string, fallback?: string): SpoolRead {
  const euid = euidOf();
  const out: Array<SpoolRead["scans"][number] & { written: bigint }> = [];
  const refused: SpoolRefusal[] = [];
  for (const dir of spoolDirs(dbFile, fallback)) {
    let d: VerifiedDir;
    try {
      d = openPrivateDir(dir, euid, false);
    } catch (err) {
      if (err instanceof UnsafeStateError)
        refused.push({ file: dir, kind: "untrusted", untrusted: err.untrusted });
      continue; // missing: nothing spooled there
    }
    try {
      for (const name of d.readdir().filter((n) => n.endsWith(".json"))) {
        const file = path.join(dir, name);
        try {
          const { data, stat } = d.readTrusted(name, {
            owner: euid,
            limit: SPOOL_FILE_LIMIT,
            exactOwner: true,
          });
          const parsed = pendingSchema.safeParse(JSON.parse(data.toString("utf8")));
          if (!parsed.success) {
            refused.push({ file, kind: "invalid", detail: parsed.error.issues[0]?.message ?? "schema" });
            continue;
          }
          if (`${parsed.data.scanId}.json` !== name) {
            refused.push({ file, kind: "invalid", detail: "name" });
            continue;
          }
          const identity = { dev: Number(stat.dev), ino: Number(stat.ino) };
          const pending = {
            ...parsed.data,
            doc: restoreKeyed(parsed.data.doc as ReportDocument),
          } as PendingScan;
          out.push({ dir, name, file, pending, identity, written: stat.mtimeNs });
        } catch (err) {
          if (err instanceof DirFdError && err.untrusted)
            refused.push({ file, kind: "untrusted", untrusted: err.untrusted });
          else if (err instanceof DirFdError && err.code === "EFBIG")
            refused.push({ file, kind: "tooLarge", limit: SPOOL_FILE_LIMIT });
          else if (err instanceof SyntaxError) refused.push({ file, kind: "invalid", detail: "JSON" });
          else refused.push({ file, kind: "unreadable", detail: errorCode(err) });
        }
      }
    } finally {
      d.close();
    }
  }
  // In the order they were written (two scans in one second have ids that do not sort): the last one's
  // log cursors are the newest.
  const scans = out
    .sort(
      (a, b) =>
        (a.written < b.written ? -1 : a.written > b.written ? 1 : 0) ||
        a.pending.startedAt.localeCompare(b.pending.startedAt) ||
        a.pending.scanId.localeCompare(b.pending.scanId),
    )
    .map(({ written: _, ...s }) => s);
  return { scans, refused };
}

/**
 * Imports spooled scans in time order; each file is removed (through its verified directory, only if it is
 * still the file that was read) after its transaction committed. Refused files stay and are returned.
 */
export async function importSpool(
  store: Store,
  dbFile: string,
  fallback?: string,
): Promise<{ imported: number; refused: SpoolRefusal[] }> {
  const { scans, refused } = readSpool(dbFile, fallback);
  let imported = 0;
  for (const s of scans) {
    await commitScan(store, s.pending);
    const d = openPrivateDir(s.dir, euidOf(), false);
    try {
      d.unlink(s.name, s.identity);
    } finally {
      d.close();
    }
    imported++;
  }
  return { imported, refused };
}

/** One line for a refused spool file or directory, in the user's language. */
export function spoolRefusalText(r: SpoolRefusal, t: Translator): string {
  const reason =
    r.kind === "untrusted"
      ? untrustedText(r.untrusted, t)
      : r.kind === "tooLarge"
        ? t("watch.spool.tooLarge", { limit: r.limit })
        : t(r.kind === "invalid" ? "watch.spool.invalid" : "watch.spool.unreadable", { detail: r.detail });
  return t("watch.spool.refused", { file: r.file, reason });
}
