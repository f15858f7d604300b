import { toolVersion } from "../../core/version.ts";
import type { ServerStore } from "../store/db.ts";
import { latestDocuments } from "../store/fleet-queries.ts";
import { listHosts } from "../store/repo.ts";
import { type FindingRow, fleetFindings, type HostDoc, toCsv } from "./views.ts";

/** Every host's latest document (the fleet views fold them). */
export async function fleetDocs(store: ServerStore): Promise<HostDoc[]> {
  const out: HostDoc[] = [];
  for await (const d of latestDocuments(store)) out.push(d);
  return out;
}

export type ExportWhat = "hosts" | "findings";
export type ExportFormat = "json" | "csv" | "sarif";

/** Which files exist: hosts as JSON or CSV, findings also as SARIF. */
export const EXPORT_FILE = /^(?:(hosts)\.(json|csv)|(findings)\.(json|csv|sarif))$/;

/** The parts of an export file name, or undefined when there is no such file. */
export function exportOf(file: string): { what: ExportWhat; format: ExportFormat } | undefined {
  const m = EXPORT_FILE.exec(file);
  if (!m) return undefined;
  return { what: (m[1] ?? m[3]) as ExportWhat, format: (m[2] ?? m[4]) as ExportFormat };
}

const LEVEL: Record<string, "error" | "warning" | "note" | "none"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "none",
};
const SECURITY_SEVERITY: Record<string, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

/**
 * The fleet's current findings as SARIF 2.1.0: one run, one result per finding of each host, the host
 * named by a logical location (its name and id: a fleet finding has no file of ours to point at), and
 * a fingerprint of host id and finding id so the same finding on another scan is the same result.
 */
export function fleetSarif(findings: FindingRow[], version: string): string {
  const checks = [...new Set(findings.map((f) => f.check))].sort();
  const worst = new Map<string, string>();
  const rank = (s: string) => Object.keys(LEVEL).indexOf(s);
  for (const f of findings) {
    const have = worst.get(f.check);
    if (have === undefined || (rank(f.severity) >= 0 && rank(f.severity) < rank(have)))
      worst.set(f.check, f.severity);
  }
  const rules = checks.map((check) => {
    const sev = worst.get(check) ?? "info";
    return {
      id: check,
      shortDescription: { text: check },
      defaultConfiguration: { level: LEVEL[sev] ?? "warning" },
      properties: { "security-severity": SECURITY_SEVERITY[sev] ?? "0.0", tags: ["security"] },
    };
  });
  const index = new Map(checks.map((c, i) => [c, i]));
  const results = findings.map((f) => ({
    ruleId: f.check,
    ruleIndex: index.get(f.check),
    level: LEVEL[f.severity] ?? "warning",
    message: { text: f.title || f.id },
    locations: [
      {
        logicalLocations: [{ name: f.host, fullyQualifiedName: `host/${f.hostId}`, kind: "module" }],
        message: { text: f.host },
      },
    ],
    partialFingerprints: { mamoriHostFinding: `${f.hostId}/${f.id}` },
    properties: {
      hostId: f.hostId,
      host: f.host,
      findingId: f.id,
      severity: f.severity,
      "security-severity": SECURITY_SEVERITY[f.severity] ?? "0.0",
      cves: f.cves,
    },
  }));
  return JSON.stringify({
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "mamori", version, rules } }, results }],
  });
}

/** The export files: hosts (the /api/v1/hosts list) or every current finding, as JSON or CSV. */
export async function exportFile(
  store: ServerStore,
  what: ExportWhat,
  format: ExportFormat,
): Promise<{ body: string; type: string; name: string }> {
  const name = `mamori-${what}.${format}`;
  if (what === "hosts") {
    const hosts = await listHosts(store);
    if (format === "json") return { body: JSON.stringify({ hosts }), type: "application/json", name };
    return {
      body: toCsv(
        ["id", "name", "worstSeverity", "incidents", "lastScanAt"],
        hosts.map((h) => [h.id, h.name, h.worstSeverity, h.incidents, h.lastScanAt]),
      ),
      type: "text/csv; charset=utf-8",
      name,
    };
  }
  const findings: FindingRow[] = fleetFindings(await fleetDocs(store));
  if (format === "json") return { body: JSON.stringify({ findings }), type: "application/json", name };
  if (format === "sarif")
    return { body: fleetSarif(findings, toolVersion()), type: "application/sarif+json", name };
  return {
    body: toCsv(
      ["hostId", "host", "id", "check", "severity", "title", "cves"],
      findings.map((f) => [f.hostId, f.host, f.id, f.check, f.severity, f.title, f.cves.join(" ")]),
    ),
    type: "text/csv; charset=utf-8",
    name,
  };
}
