import type { ReportDocument } from "../core/document.ts";
import { SCHEMA_VERSION } from "../core/document.ts";

/** Parses a saved JSON report and checks the parts every renderer relies on; throws a short message. */
export function parseReport(text: string): ReportDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!raw || typeof raw !== "object") throw new Error("not a mamori report");
  const doc = raw as Partial<ReportDocument>;
  if (doc.schemaVersion !== SCHEMA_VERSION)
    throw new Error(`unsupported schemaVersion ${String(doc.schemaVersion)} (expected ${SCHEMA_VERSION})`);
  if (!Array.isArray(doc.findings) || !doc.host || typeof doc.host !== "object")
    throw new Error("not a mamori report: findings or host missing");
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: doc.tool ?? { name: "mamori", version: "?" },
    command: doc.command ?? "audit",
    host: doc.host,
    scannedAt: doc.scannedAt ?? "",
    lang: doc.lang ?? "en",
    findings: doc.findings,
    incidents: Array.isArray(doc.incidents) ? doc.incidents : [],
    notChecked: Array.isArray(doc.notChecked) ? doc.notChecked : [],
    warnings: Array.isArray(doc.warnings) ? doc.warnings : [],
    sections: doc.sections && typeof doc.sections === "object" ? doc.sections : {},
  };
}
