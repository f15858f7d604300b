import type { CheckContext } from "../../core/context.ts";
import {
  CONFIDENCES,
  type Confidence,
  type Evidence,
  type Finding,
  findingId,
  SEVERITIES,
  type Severity,
  severityRank,
} from "../../core/finding.ts";
import type { Text } from "../../core/message.ts";
import type { ApacheFacts, ApacheInstallation } from "../../facts/apache.ts";
import { distroUpgradeTarget, matchSeverity } from "../../vulndb/match.ts";
import type { CveMatch } from "../../vulndb/types.ts";
import {
  basisSentence,
  confidenceOf,
  dataOf,
  guessedOwner,
  installationEvidence,
  upgradeCommands,
} from "./basis.ts";

/** How sure one match is: distro data is certain; a caveat (backports likely, "?=" versions, stale data) is not. */
export function matchConfidence(inst: ApacheInstallation, m: CveMatch): Confidence {
  if (m.caveat) return "possible";
  if (m.basis === "distro-data") return "confirmed";
  const c = confidenceOf(inst);
  return c === "confirmed" ? "likely" : c;
}

/** Why this CVE applies, as a translated sentence (the matcher's own `because` is English, kept in `data`). */
export function matchEvidence(inst: ApacheInstallation, m: CveMatch, ctx: CheckContext): Evidence {
  const installed = inst.owner.found?.owner.version ?? inst.version ?? "?";
  const label = ctx.t(`apache.basis.label.${m.basis}`);
  if (m.basis === "distro-data" && m.fixedVersion)
    return { label, value: ctx.t("apache.because.distroFixed", { fixed: m.fixedVersion, installed }) };
  if (m.basis === "distro-data") return { label, value: ctx.t("apache.because.distroOpen", { installed }) };
  return {
    label,
    value: ctx.t("apache.because.upstream", {
      version: inst.version ?? "?",
      fixed: m.cve.fixedIn.join(", ") || "?",
    }),
  };
}

/**
 * apache.cve: each CISA KEV-listed CVE gets its own finding (they are what attackers use); the other
 * applying CVEs are grouped by severity so the report stays readable. Every applying CVE id is in `cves`.
 */
export function cveFindings(
  inst: ApacheInstallation,
  facts: ApacheFacts,
  matches: CveMatch[],
  /** The upstream release that fixes every known CVE (vulndb upgradeTarget). */
  target: string | undefined,
  ctx: CheckContext,
): Finding[] {
  const version = inst.version;
  if (!version) return [];
  const affected = matches.filter((m) => m.status === "affected");
  if (affected.length === 0) return [];
  const up = upgradeCommands(inst, facts);
  const owner = inst.owner.found?.owner;
  const distroTarget = owner?.origin === "distro" ? distroUpgradeTarget(affected, owner) : undefined;
  const guess = guessedOwner(inst);
  const remediation: Text = guess
    ? ctx.t("apache.cve.fix.pkgGuess", { pkg: guess.name, target: target ?? "?" })
    : up.length > 0
      ? [
          distroTarget
            ? ctx.t("apache.cve.fix.pkgTo", { pkg: owner?.name ?? "", target: distroTarget })
            : ctx.t("apache.cve.fix.pkg", { pkg: owner?.name ?? "" }),
          ...(owner?.origin === "third-party"
            ? [" ", ctx.t("apache.cve.fix.thirdParty", { target: target ?? "?" })]
            : []),
        ]
      : target
        ? ctx.t("apache.cve.fix.source", { target })
        : ctx.t("apache.cve.fix.sourceLatest");
  const sev = (m: CveMatch): Severity => {
    const s = matchSeverity(m);
    return m.cve.kev && severityRank(s) < severityRank("high") ? "high" : s;
  };
  const base = installationEvidence(inst, ctx);
  const how = (ms: CveMatch[]) => basisSentence(inst, ctx, ms);
  const out: Finding[] = [];
  const kev = affected.filter((m) => m.cve.kev);
  for (const m of kev) {
    out.push({
      id: findingId("apache.cve", inst.binary, inst.configFile, m.cve.id),
      check: "apache.cve",
      severity: sev(m),
      confidence: matchConfidence(inst, m),
      title: ctx.t("apache.cve.kevTitle", { cve: m.cve.id, title: m.cve.title, version }),
      detail: [
        ctx.t("apache.cve.kevDetail", {
          date: m.cve.kev?.dateAdded ?? "?",
          fixed: m.cve.fixedIn.join(", ") || "?",
        }),
        " ",
        how([m]),
      ],
      cves: [m.cve.id],
      evidence: [...base, matchEvidence(inst, m, ctx)],
      remediation,
      commands: up,
      references: [`https://www.cve.org/CVERecord?id=${m.cve.id}`],
      data: {
        ...dataOf(inst),
        kev: true,
        basis: m.basis,
        caveat: m.caveat,
        fixedIn: m.cve.fixedIn,
        target,
        distroTarget,
      },
    });
  }
  const rest = affected.filter((m) => !m.cve.kev);
  for (const s of SEVERITIES)
    for (const c of CONFIDENCES) {
      const group = rest.filter((m) => sev(m) === s && matchConfidence(inst, m) === c);
      if (group.length === 0) continue;
      const ids = group.map((m) => m.cve.id).sort();
      const caveats = [...new Set(group.flatMap((m) => (m.caveat ? [m.caveat] : [])))];
      out.push({
        id: findingId("apache.cve", inst.binary, inst.configFile, "group", s, c),
        check: "apache.cve",
        severity: s,
        confidence: c,
        title: ctx.t("apache.cve.groupTitle", {
          count: group.length,
          severity: ctx.t(`severity.${s}`),
          version,
        }),
        detail: [
          `${group
            .slice(0, 8)
            .map((m) => `${m.cve.id} (${m.cve.title})`)
            .join("; ")}${group.length > 8 ? ` … (+${group.length - 8})` : ""}. `,
          how(group),
          ...caveats.flatMap((k) => [" ", ctx.t(`apache.cve.caveat.${k}`)]),
        ],
        cves: ids,
        evidence: base,
        remediation,
        commands: up,
        data: { ...dataOf(inst), kev: false, basis: group[0]?.basis, caveats, target, distroTarget },
      });
    }
  return out;
}
