import { type Finding, sortFindings } from "../core/finding.ts";
import { byCodeUnit } from "../core/order.ts";
import { evidenceHash } from "./scans.ts";

export interface ChangedFinding {
  before: Finding;
  after: Finding;
  /** What changed: "severity", "confidence", "evidence". */
  changes: Array<"severity" | "confidence" | "evidence">;
}

export interface ScanDiff {
  from: string;
  to: string;
  new: Finding[];
  resolved: Finding[];
  changed: ChangedFinding[];
  unchanged: number;
}

/** Findings are the same thing when their stable ids match (findingId); everything else is new or resolved. */
export function diffFindings(from: string, to: string, before: Finding[], after: Finding[]): ScanDiff {
  const old = new Map(before.map((f) => [f.id, f]));
  const cur = new Map(after.map((f) => [f.id, f]));
  const added: Finding[] = [];
  const changed: ChangedFinding[] = [];
  let unchanged = 0;
  for (const f of after) {
    const o = old.get(f.id);
    if (!o) {
      added.push(f);
      continue;
    }
    const changes: ChangedFinding["changes"] = [];
    if (o.severity !== f.severity) changes.push("severity");
    if (o.confidence !== f.confidence) changes.push("confidence");
    if (evidenceHash(o) !== evidenceHash(f)) changes.push("evidence");
    if (changes.length > 0) changed.push({ before: o, after: f, changes });
    else unchanged++;
  }
  const resolved = before.filter((f) => !cur.has(f.id));
  return {
    from,
    to,
    new: sortFindings(added),
    resolved: sortFindings(resolved),
    changed: changed.sort((a, b) => byCodeUnit(a.after.id, b.after.id)),
    unchanged,
  };
}
