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
export type ExportFormat = "json" | "csv";

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
  return {
    body: toCsv(
      ["hostId", "host", "id", "check", "severity", "title", "cves"],
      findings.map((f) => [f.hostId, f.host, f.id, f.check, f.severity, f.title, f.cves.join(" ")]),
    ),
    type: "text/csv; charset=utf-8",
    name,
  };
}
