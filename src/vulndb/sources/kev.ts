import type { CveRecord } from "../types.ts";
import { asArray, asString, isObject, isoDate, SourceError } from "./common.ts";

export interface KevCatalog {
  catalogVersion: string;
  count: number;
  /** By CVE id: KEV is joined by id, because its product names vary ("HTTP Server", "Apache"). */
  byCve: Map<string, NonNullable<CveRecord["kev"]>>;
}

export const KEV_SOURCE = "CISA Known Exploited Vulnerabilities";

/** CISA's KEV JSON feed (known_exploited_vulnerabilities.json). */
export function parseKev(raw: unknown): KevCatalog {
  if (!isObject(raw) || !Array.isArray(raw.vulnerabilities))
    throw new SourceError(KEV_SOURCE, "vulndb.fail.noVulnerabilities");
  const byCve = new Map<string, NonNullable<CveRecord["kev"]>>();
  for (const v of asArray(raw.vulnerabilities)) {
    if (!isObject(v)) continue;
    const id = asString(v.cveID);
    const dateAdded = isoDate(v.dateAdded);
    if (!id || !dateAdded) continue;
    const entry: NonNullable<CveRecord["kev"]> = {
      dateAdded,
      knownRansomware: asString(v.knownRansomwareCampaignUse)?.toLowerCase() === "known",
      name: asString(v.vulnerabilityName) ?? id,
    };
    const due = isoDate(v.dueDate);
    if (due) entry.dueDate = due;
    byCve.set(id, entry);
  }
  return {
    catalogVersion: asString(raw.catalogVersion) ?? "unknown",
    count: byCve.size,
    byCve,
  };
}
