import { hostname } from "node:os";
import { collectHost } from "../collect/host.ts";
import { checkContext, type ScanContext } from "../core/context.ts";
import { errorCode } from "../core/diagnostics.ts";
import { type ReportDocument, SCHEMA_VERSION } from "../core/document.ts";
import { type Finding, sortFindings } from "../core/finding.ts";
import type { AnyScanner } from "../core/scanner.ts";
import { toolVersion } from "../core/version.ts";
import { correlate } from "../correlate/index.ts";

/** collect -> checks -> correlate: one scanner failing is recorded as "could not check", the others go on. */
export async function runScanners(
  ctx: ScanContext,
  scanners: AnyScanner[],
  command: string,
): Promise<ReportDocument> {
  const findings: Finding[] = [];
  const sections: Record<string, unknown> = {};
  for (const scanner of scanners) {
    try {
      const facts = await scanner.collect(ctx);
      findings.push(...scanner.check(facts, checkContext(ctx)));
      const summary = scanner.summarize?.(facts);
      if (summary !== undefined) sections[scanner.id] = summary;
    } catch (err) {
      ctx.diag.couldNotCheck({ area: scanner.id, reason: "error", detail: errorCode(err) });
    }
  }
  const sorted = sortFindings(dedupe(findings));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "mamori", version: toolVersion() },
    command,
    host: collectHost(ctx.fs, hostname),
    scannedAt: ctx.now().toISOString(),
    lang: ctx.lang,
    findings: sorted,
    incidents: correlate(sorted, checkContext(ctx)),
    notChecked: ctx.diag.notChecked,
    warnings: ctx.diag.warnings,
    sections,
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(f.id)) seen.set(f.id, f);
  return [...seen.values()];
}
