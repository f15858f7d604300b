import { redactDbTarget } from "../alert/redact.ts";
import type { ScanContext } from "../collect/context.ts";
import { collectInventory, type InventoryItem } from "../collect/inventory/index.ts";
import type { ReportDocument } from "../core/document.ts";
import { escapeTerminal } from "../report/escape.ts";
import { spoolRefusalText } from "../watch/pending.ts";
import { HistoryWriteError, recordScan, type StoreTarget } from "../watch/scan.ts";
import { UsageError } from "./errors.ts";

/**
 * `mamori audit --save`: stores the audit just run (with its baseline comparison) and says so on stderr.
 * Logs are not followed here (that is `mamori watch`), so log cursors are left alone.
 */
export async function saveAudit(
  doc: ReportDocument,
  ctx: ScanContext,
  startedAt: Date,
  store: StoreTarget,
  stderr: { write(s: string): unknown },
  /** The inventory the audit already collected (its facts bundle); read again only when absent. */
  collected?: InventoryItem[],
): Promise<ReportDocument> {
  const inventory = collected ?? collectInventory(ctx.fs, ctx.diag);
  const db = redactDbTarget(store.target);
  try {
    const r = await recordScan({ store, doc, startedAt, inventory, ctx });
    for (const x of r.refusedSpool) stderr.write(`${escapeTerminal(spoolRefusalText(x, ctx.t))}\n`);
    if (r.imported > 0) stderr.write(`${ctx.t("watch.imported", { count: r.imported, db })}\n`);
    if (r.baselineRecorded !== undefined)
      stderr.write(`${ctx.t("watch.baseline.recorded", { count: r.baselineRecorded })}\n`);
    if (r.stored === "db") stderr.write(`${ctx.t("watch.saved", { id: r.scanId, db })}\n`);
    else stderr.write(`${ctx.t("watch.spooled", { db, reason: r.reason ?? "", file: r.spoolFile ?? "" })}\n`);
    return r.doc;
  } catch (err) {
    if (err instanceof HistoryWriteError)
      throw new UsageError(
        ctx.t("watch.spoolFailed", { db, reason: err.dbReason, spoolReason: err.spoolReason }),
      );
    throw err;
  }
}
