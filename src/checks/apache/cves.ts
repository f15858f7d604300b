import type { ApacheFacts, ApacheInstallation } from "../../collect/apache/index.ts";
import { branchOf, compareUpstream } from "../../collect/apache/version.ts";
import type { CheckContext } from "../../core/context.ts";
import { type Finding, findingId, SEVERITIES, type Severity, severityRank } from "../../core/finding.ts";
import type { CveMatch, CveRecord } from "../../vulndb/types.ts";
import { basisSentence, confidenceOf, dataOf, installationEvidence, upgradeCommands } from "./basis.ts";

export type SeverityFor = (cve: CveRecord) => Severity;

/** The first upstream release of the installation's branch that fixes every matched CVE. */
export function upstreamTarget(version: string, matches: CveMatch[]): string | undefined {
  const branch = `${branchOf(version)}.`;
  let best: string | undefined;
  for (const m of matches)
    for (const f of m.cve.fixedIn)
      if (f.startsWith(branch) && (!best || compareUpstream(f, best) > 0)) best = f;
  return best;
}

/**
 * apache.cve: each CISA KEV-listed CVE gets its own finding (they are what attackers use); the other
 * applying CVEs are grouped by severity so the report stays readable. Every applying CVE id is in `cves`.
 */
export function cveFindings(
  inst: ApacheInstallation,
  facts: ApacheFacts,
  matches: CveMatch[],
  severityFor: SeverityFor,
  ctx: CheckContext,
): Finding[] {
  const version = inst.version;
  if (!version) return [];
  const affected = matches.filter((m) => m.status === "affected");
  if (affected.length === 0) return [];
  const up = upgradeCommands(inst, facts);
  const target = upstreamTarget(version, affected);
  const remediation =
    up.length > 0
      ? ctx.t("apache.cve.fix.pkg", { pkg: inst.owner.found?.owner.name ?? "" }) +
        (inst.owner.found?.owner.origin === "third-party" ? ` ${ctx.t("apache.cve.fix.thirdParty")}` : "")
      : target
        ? ctx.t("apache.cve.fix.source", { target })
        : ctx.t("apache.cve.fix.sourceLatest");
  const sev = (c: CveRecord): Severity => {
    const s = severityFor(c);
    return c.kev && severityRank(s) < severityRank("high") ? "high" : s;
  };
  const base = installationEvidence(inst);
  const how = basisSentence(inst, ctx);
  const out: Finding[] = [];
  const kev = affected.filter((m) => m.cve.kev);
  for (const m of kev) {
    out.push({
      id: findingId("apache.cve", inst.binary, m.cve.id),
      check: "apache.cve",
      severity: sev(m.cve),
      confidence: confidenceOf(inst),
      title: ctx.t("apache.cve.kevTitle", { cve: m.cve.id, title: m.cve.title, version }),
      detail: `${ctx.t("apache.cve.kevDetail", { date: m.cve.kev?.dateAdded ?? "?", fixed: m.cve.fixedIn.join(", ") || "?" })} ${how}`,
      cves: [m.cve.id],
      evidence: [...base, { label: m.basis, value: m.because }],
      remediation,
      commands: up,
      references: [`https://www.cve.org/CVERecord?id=${m.cve.id}`],
      data: { ...dataOf(inst), kev: true, basis: m.basis, fixedIn: m.cve.fixedIn },
    });
  }
  const rest = affected.filter((m) => !m.cve.kev);
  for (const s of SEVERITIES) {
    const group = rest.filter((m) => sev(m.cve) === s);
    if (group.length === 0) continue;
    const ids = group.map((m) => m.cve.id).sort();
    out.push({
      id: findingId("apache.cve", inst.binary, "group", s),
      check: "apache.cve",
      severity: s,
      confidence: confidenceOf(inst),
      title: ctx.t("apache.cve.groupTitle", {
        count: group.length,
        severity: ctx.t(`severity.${s}`),
        version,
      }),
      detail: `${group
        .slice(0, 8)
        .map((m) => `${m.cve.id} (${m.cve.title})`)
        .join("; ")}${group.length > 8 ? ` … (+${group.length - 8})` : ""}. ${how}`,
      cves: ids,
      evidence: base,
      remediation,
      commands: up,
      data: { ...dataOf(inst), kev: false, basis: group[0]?.basis, target },
    });
  }
  return out;
}
