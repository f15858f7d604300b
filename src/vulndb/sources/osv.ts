import type { CveRecord, VersionRange } from "../types.ts";
import { compareUpstream } from "../versions.ts";
import type { ApacheRecord } from "./apache-cve-json.ts";
import { asArray, asString, CVE_ID, isObject, isoDate, oneLine } from "./common.ts";

const LEVELS = ["critical", "high", "medium", "low"] as const;

/**
 * An OSV record (Bitnami's "apache" package) for a CVE that Apache's own JSON snapshot lacks.
 * OSV has no Apache impact level, so the record keeps Bitnami's CVSS-based level apart.
 */
export function parseOsvRecord(raw: unknown): ApacheRecord {
  if (!isObject(raw)) throw new Error("record is not an object");
  const id = asArray(raw.aliases).find((a): a is string => typeof a === "string" && CVE_ID.test(a));
  if (!id) throw new Error("record has no CVE alias");
  const affected: VersionRange[] = [];
  const fixedIn: string[] = [];
  for (const a of asArray(raw.affected)) {
    if (!isObject(a)) continue;
    for (const r of asArray(a.ranges)) {
      if (!isObject(r) || (r.type !== "SEMVER" && r.type !== "ECOSYSTEM")) continue;
      let from: string | undefined;
      for (const e of asArray(r.events)) {
        if (!isObject(e)) continue;
        const introduced = asString(e.introduced);
        const fixed = asString(e.fixed);
        const last = asString(e.last_affected);
        if (introduced !== undefined) from = introduced === "0" ? undefined : introduced;
        else if (fixed) {
          affected.push(from ? { from, lessThan: fixed } : { lessThan: fixed });
          fixedIn.push(fixed);
          from = undefined;
        } else if (last) {
          affected.push(from ? { from, to: last } : { to: last });
          from = undefined;
        }
      }
    }
  }
  const sev = asString(
    isObject(raw.database_specific) ? raw.database_specific.severity : undefined,
  )?.toLowerCase();
  const record: ApacheRecord = {
    id,
    title: oneLine(asString(raw.summary) ?? id),
    impact: "unknown",
    affected,
    fixedIn: [...new Set(fixedIn)].sort(compareUpstream),
    published: isoDate(raw.published),
    source: "osv-bitnami",
  };
  if (sev && (LEVELS as readonly string[]).includes(sev))
    record.cvssSeverity = sev as CveRecord["cvssSeverity"];
  return record;
}
