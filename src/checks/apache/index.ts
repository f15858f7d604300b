import type { ApacheFacts, ApacheInstallation } from "../../collect/apache/index.ts";
import type { CheckContext } from "../../core/context.ts";
import type { Finding } from "../../core/finding.ts";
import type { CveMatch, PackageOwner, VulnDb } from "../../vulndb/types.ts";
import { configFindings, eolFindings } from "./config.ts";
import { cveFindings, type SeverityFor } from "./cves.ts";
import { exposureFinding } from "./exposure.ts";

/** The vulnerability data and the functions that judge a version against it (src/vulndb). */
export interface VulnApi {
  db: VulnDb;
  matchCves(db: VulnDb, q: { upstreamVersion: string; owner?: PackageOwner }): CveMatch[];
  severityFor: SeverityFor;
}

export function matchesFor(inst: ApacheInstallation, vuln: VulnApi | undefined): CveMatch[] | undefined {
  if (!vuln || !inst.version) return undefined;
  return vuln.matchCves(vuln.db, { upstreamVersion: inst.version, owner: inst.owner.found?.owner });
}

/** All Apache findings: exposure verdict, applying CVEs, risky settings and end-of-life branches. */
export function checkApache(facts: ApacheFacts, ctx: CheckContext, vuln: VulnApi | undefined): Finding[] {
  const out: Finding[] = [];
  for (const inst of facts.installations) {
    const matches = matchesFor(inst, vuln);
    const exp = exposureFinding(inst, facts, matches, ctx);
    if (exp) out.push(exp);
    if (matches && vuln) out.push(...cveFindings(inst, facts, matches, vuln.severityFor, ctx));
    out.push(...eolFindings(inst, facts, ctx));
    out.push(...configFindings(inst, ctx));
  }
  return out;
}
