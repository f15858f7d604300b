import type { CheckContext } from "../../core/context.ts";
import type { Finding } from "../../core/finding.ts";
import type { ApacheFacts, ApacheInstallation } from "../../facts/apache.ts";
import { matchCves, upgradeTarget } from "../../vulndb/match.ts";
import type { CveMatch, VulnDb } from "../../vulndb/types.ts";
import { configFindings, eolFindings } from "./config.ts";
import { cveFindings } from "./cves.ts";
import { exposureFinding } from "./exposure.ts";
import { untrustedFindings } from "./untrusted.ts";

/** The CVEs whose ranges cover this installation, judged with distro data when a distro package owns it. */
export function matchesFor(inst: ApacheInstallation, db: VulnDb | undefined): CveMatch[] | undefined {
  if (!db || !inst.version) return undefined;
  return matchCves(db, {
    upstreamVersion: inst.version,
    owner: inst.owner.found?.owner,
    versionFrom: inst.owner.found ? undefined : "binary",
  });
}

/** All Apache findings: exposure verdict (with the CVEs it judges), the other applying CVEs (those that cannot apply folded away), risky settings, end-of-life branches, and Apache processes mamori would not follow. */
export function checkApache(facts: ApacheFacts, ctx: CheckContext, db: VulnDb | undefined): Finding[] {
  const out: Finding[] = [];
  for (const inst of facts.installations) {
    const matches = matchesFor(inst, db);
    const target = db && inst.version ? upgradeTarget(db, inst.version) : undefined;
    const exp = exposureFinding(inst, facts, matches, ctx, target);
    if (exp) out.push(exp);
    // The exposure finding is the one verdict on the CVEs it judges; the CVE list leaves them out.
    if (matches && db) out.push(...cveFindings(inst, facts, matches, target, ctx, exp?.cves ?? []));
    out.push(...eolFindings(inst, facts, ctx));
    out.push(...configFindings(inst, ctx));
  }
  out.push(...untrustedFindings(facts.untrusted ?? [], ctx));
  return out;
}
