import type { ApacheRecord } from "./sources/apache-cve-json.ts";
import { compareCveIds } from "./sources/common.ts";
import type { DistroIndex } from "./sources/debian.ts";
import type { KevCatalog } from "./sources/kev.ts";
import type { CveRecord, VersionRange, VulnDb, VulnDbMeta } from "./types.ts";
import { compareUpstream } from "./versions.ts";

export interface AssembleInput {
  apache: ApacheRecord[];
  /** Records from other feeds, used only for CVEs Apache's own data lacks. */
  supplementary?: ApacheRecord[];
  kev: KevCatalog;
  distro: DistroIndex;
  /** Advisory ids and dates known from an earlier snapshot (the tracker JSON does not carry them). */
  extraAdvisories?: Map<string, Pick<CveRecord, "advisories" | "distroFirstAdvisory">>;
  meta: VulnDbMeta;
}

/** Joins the sources into one snapshot whose JSON is the same for the same input (sorted, fixed key order). */
export function assembleVulnDb(input: AssembleInput): VulnDb {
  const byId = new Map<string, ApacheRecord>();
  for (const r of input.apache) byId.set(r.id, r);
  for (const r of input.supplementary ?? []) if (!byId.has(r.id)) byId.set(r.id, r);
  const cves = [...byId.values()]
    .sort((a, b) => compareCveIds(a.id, b.id))
    .map((r) => finishRecord(r, input));
  return { meta: input.meta, cves };
}

function finishRecord(r: ApacheRecord, input: AssembleInput): CveRecord {
  const facts = input.distro.get(r.id);
  const distroFixed: Record<string, string> = {};
  for (const key of [...(facts?.fixed.keys() ?? [])].sort())
    distroFixed[key] = facts?.fixed.get(key) as string;
  const extra = input.extraAdvisories?.get(r.id);
  const advisories = new Set([...(facts?.advisories ?? []), ...(extra?.advisories ?? [])]);
  const firstAdvisory = facts?.firstAdvisory ?? extra?.distroFirstAdvisory?.debian;
  const out: CveRecord = {
    id: r.id,
    title: r.title,
    impact: r.impact,
    affected: r.affected.map(orderRange),
    fixedIn: [...r.fixedIn].sort(compareUpstream),
    distroFixed,
  };
  if (r.published) out.published = r.published;
  const kev = input.kev.byCve.get(r.id);
  if (kev) out.kev = kev;
  if (advisories.size) out.advisories = [...advisories].sort();
  if (firstAdvisory) out.distroFirstAdvisory = { debian: firstAdvisory };
  if (facts?.open.size) out.distroOpen = [...facts.open].sort();
  if (r.unfixedBranches?.length) out.unfixedBranches = [...r.unfixedBranches].sort();
  if (r.source) out.source = r.source;
  if (r.cvssSeverity) out.cvssSeverity = r.cvssSeverity;
  return out;
}

function orderRange(r: VersionRange): VersionRange {
  const out: VersionRange = {};
  if (r.from) out.from = r.from;
  if (r.to) out.to = r.to;
  if (r.lessThan) out.lessThan = r.lessThan;
  if (r.exact) out.exact = [...r.exact].sort(compareUpstream);
  if (r.possible) out.possible = true;
  return out;
}

export function serializeVulnDb(db: VulnDb): string {
  return `${JSON.stringify(db, null, 1)}\n`;
}
