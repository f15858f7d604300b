import * as path from "node:path";
import { scanContext } from "../audit/context.ts";
import { runScanners } from "../audit/run.ts";
import { auditScanners } from "../audit/scanners.ts";
import { emitReport } from "../cli/emit.ts";
import { UsageError } from "../cli/errors.ts";
import type { CliIo } from "../cli/io.ts";
import type { CommonOptions } from "../cli/options.ts";
import type { ScanContext } from "../collect/context.ts";
import { RootFs } from "../collect/rootfs.ts";
import type { ReportDocument } from "../core/document.ts";
import { msg } from "../core/message.ts";
import type { FactsBundle } from "../facts/bundle.ts";
import { translator } from "../i18n/index.ts";
import { BundleError, type OpenedBundle, openBundle } from "./bundle-read.ts";

/**
 * Judges an opened bundle exactly as `--root` on the machine it came from would be judged, with its
 * recorded /proc standing for the live facts when it was recorded at that machine's "/".
 */
export async function judgeOpenedBundle(
  opened: OpenedBundle,
  source: string,
  opts: CommonOptions,
  env: NodeJS.ProcessEnv,
  /** Given the facts bundle before judging (`mamori server` stores it for re-judging). */
  keep?: (bundle: FactsBundle) => void,
): Promise<ReportDocument> {
  const base = scanContext({ ...opts, root: opened.root }, env);
  const ctx: ScanContext = { ...base, fs: new RootFs(opened.root, opened.recorded) };
  ctx.diag.warn({ area: "remote", reason: "recorded", detail: msg("remote.hostMayHide", { source }) });
  if (opened.status !== "ok")
    ctx.diag.couldNotCheck({
      area: "remote",
      reason: opened.status,
      detail: msg("remote.collectorStopped", { status: opened.status }),
    });
  const firstRefused = opened.refused[0];
  if (firstRefused)
    ctx.diag.warn({
      area: "remote",
      path: firstRefused.path,
      reason: "refused",
      detail: msg("remote.refusedEntries", {
        count: opened.refused.length,
        path: firstRefused.path,
        reason: firstRefused.reason,
      }),
    });
  const unread = opened.unread.filter((u) => u.reason !== "too-large");
  const firstUnread = unread[0];
  if (firstUnread)
    ctx.diag.warn({
      area: "remote",
      path: firstUnread.path,
      reason: "unread",
      detail: msg("remote.unreadEntries", {
        count: unread.length,
        path: firstUnread.path,
        reason: firstUnread.reason,
      }),
    });
  const doc = await runScanners(ctx, auditScanners(), "audit", keep);
  // The report names where the facts came from, not mamori's private copy of them.
  return { ...doc, host: { ...doc.host, root: source } };
}

/** `mamori audit --bundle FILE`. */
export async function auditBundleFile(file: string, opts: CommonOptions, io: CliIo): Promise<number> {
  const t = translator(opts.lang);
  const abs = path.resolve(io.cwd, file);
  let opened: OpenedBundle;
  try {
    opened = await openBundle(abs);
  } catch (err) {
    if (err instanceof BundleError)
      throw new UsageError(t("remote.bundleRefused", { file: abs, reason: err.code, line: err.line }));
    throw new UsageError(
      t("remote.bundleUnreadable", { file: abs, reason: (err as NodeJS.ErrnoException).code ?? String(err) }),
    );
  }
  try {
    const doc = await judgeOpenedBundle(opened, `bundle:${abs}`, opts, io.env);
    return emitReport(doc, opts, io);
  } finally {
    opened.close();
  }
}
