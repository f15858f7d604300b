import { hostname } from "node:os";
import type { ScanContext } from "../collect/context.ts";
import { collectHost } from "../collect/host.ts";
import { checkContext } from "../core/context.ts";
import { cutText, MAX_SHOWN_CHARS } from "../core/cut.ts";
import { Diagnostics, errorCode } from "../core/diagnostics.ts";
import { type ReportDocument, SCHEMA_VERSION } from "../core/document.ts";
import { type Finding, sortFindings } from "../core/finding.ts";
import { applyIgnore, type IgnoreRules } from "../core/ignore.ts";
import { toolVersion } from "../core/version.ts";
import { correlate } from "../correlate/index.ts";
import type { FactsBundle } from "../facts/bundle.ts";
import { FACTS_KIND, FACTS_SCHEMA_VERSION, FactsError } from "../facts/constants.ts";
import type { AnyScanner, DataContext } from "./scanner.ts";

/** Collects every area into one bundle: no judgement; an area that fails is noted and the others go on. */
export async function collectBundle(ctx: ScanContext, scanners: AnyScanner[]): Promise<FactsBundle> {
  const areas: FactsBundle["areas"] = {};
  for (const scanner of scanners) {
    try {
      areas[scanner.id] = await scanner.collect(ctx);
    } catch (err) {
      ctx.diag.couldNotCheck({ area: scanner.id, reason: "error", detail: errorCode(err) });
    }
  }
  const host = collectHost(ctx.fs, hostname);
  return {
    schemaVersion: FACTS_SCHEMA_VERSION,
    kind: FACTS_KIND,
    host,
    root: host.root,
    collectedAt: ctx.now().toISOString(),
    lang: ctx.lang,
    collector: { name: "mamori", version: toolVersion() },
    areas,
    notCollected: [...ctx.diag.notChecked],
    warnings: [...ctx.diag.warnings],
  };
}

/** What judging a bundle needs: the clock and language of the report, and where the current data is. */
export type JudgeContext = Omit<DataContext, "diag"> & {
  /** The ignore file's entries: applied here, the one place every command's findings are finalized. */
  ignore?: IgnoreRules;
};

/**
 * Judges saved facts with the current data and rules: checks -> correlate -> report. Data loading is
 * the only I/O, and it reads mamori's own data directory, never a path named in the bundle.
 */
export function judgeBundle(
  bundle: FactsBundle,
  ctx: JudgeContext,
  scanners: AnyScanner[],
  command: string,
): ReportDocument {
  const diag = new Diagnostics();
  for (const n of bundle.notCollected) diag.couldNotCheck(n);
  for (const w of bundle.warnings) diag.warn(w);
  const dataCtx: DataContext = { ...ctx, diag, areas: bundle.areas };
  const checkCtx = checkContext(ctx);
  const findings: Finding[] = [];
  const sections: Record<string, unknown> = {};
  for (const scanner of scanners) {
    const facts = bundle.areas[scanner.id];
    if (facts === undefined) continue;
    try {
      const data = scanner.load?.(facts, dataCtx);
      findings.push(...scanner.check(facts, checkCtx, data).map(boundedEvidence));
      const summary = scanner.summarize?.(facts, data);
      if (summary !== undefined) sections[scanner.id] = summary;
    } catch (err) {
      diag.couldNotCheck({ area: scanner.id, reason: "error", detail: errorCode(err) });
    }
  }
  const ignoring = applyIgnore(dedupe(findings), ctx.ignore, bundle.host.hostname, ctx.now());
  for (const w of ignoring.warnings) diag.warn(w);
  const sorted = sortFindings(ignoring.kept);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "mamori", version: toolVersion() },
    command,
    host: bundle.host,
    scannedAt: bundle.collectedAt,
    lang: ctx.lang,
    findings: sorted,
    incidents: correlate(sorted, checkCtx),
    notChecked: diag.notChecked,
    warnings: diag.warnings,
    ...(ignoring.ignored.length > 0 ? { ignored: ignoring.ignored } : {}),
    sections,
  };
}

/**
 * Checks each area of a bundle read from a file against that area's schema (facts collected in this
 * run are not: they came from our own collectors). Throws FactsError: a bundle is judged whole or not.
 */
export async function validateAreas(bundle: FactsBundle, scanners: AnyScanner[]): Promise<FactsBundle> {
  const areas: FactsBundle["areas"] = { ...bundle.areas };
  for (const scanner of scanners) {
    const facts = areas[scanner.id];
    if (facts === undefined || !scanner.schema) continue;
    const parsed = (await scanner.schema()).safeParse(facts);
    if (!parsed.success) {
      const issue = parsed.error?.issues[0];
      const where = [scanner.id, ...(issue?.path.map(String) ?? [])].join(".");
      throw new FactsError("invalid", `${where}: ${issue?.message ?? ""}`.slice(0, 300));
    }
    areas[scanner.id] = parsed.data;
  }
  return { ...bundle, areas };
}

/** collect -> checks -> correlate in one run: the same two steps `mamori collect` and `mamori check` take. */
export async function runScanners(
  ctx: ScanContext & { ignore?: IgnoreRules },
  scanners: AnyScanner[],
  command: string,
  keep?: (bundle: FactsBundle) => void,
): Promise<ReportDocument> {
  const bundle = await collectBundle(ctx, scanners);
  keep?.(bundle);
  const doc = judgeBundle(bundle, ctx, scanners, command);
  // Watch notes what its log reading could not do on the context after the run, and expects it in the
  // report: the report's lists are the context's own arrays, as they were before collect and judge split.
  ctx.diag.replace(doc.notChecked, doc.warnings);
  return { ...doc, notChecked: ctx.diag.notChecked, warnings: ctx.diag.warnings };
}

/** A finding whose evidence values are cut to what a report shows (a log line may be 1 MB). */
function boundedEvidence(f: Finding): Finding {
  const long = (e: Finding["evidence"][number]) =>
    typeof e.value === "string" && e.value.length > MAX_SHOWN_CHARS;
  if (!f.evidence.some(long)) return f;
  return {
    ...f,
    evidence: f.evidence.map((e) =>
      long(e) ? { ...e, value: cutText(e.value as string, MAX_SHOWN_CHARS) } : e,
    ),
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(f.id)) seen.set(f.id, f);
  return [...seen.values()];
}
