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

/** Why a CVE in Apache's ranges cannot apply to this installation. */
export interface NotApplicable {
  cve: string;
  reason: "windows-only" | "module-not-built";
  /** The modules the CVE is in (module-not-built). */
  modules?: string[];
}

// Apache's titles say "Win32", "WinNT MPM", "on Windows": not "initial windows size" (HTTP/2 flow control).
const WINDOWS_ONLY = /\bwin32\b|\bwinnt\b|\bon windows\b|\bmod_isapi\b/i;
const MODULE = /\bmod_[a-z0-9_]+\b/g;

/** Compiled-in modules as `httpd -l` names them ("mod_so.c"), when the facts say. */
function staticModules(inst: ApacheInstallation): string[] | undefined {
  const list = inst.live?.modules ?? (inst.strings?.truncated ? undefined : inst.strings?.staticModules);
  return list && list.length > 0 ? list.map((m) => m.toLowerCase()) : undefined;
}

/**
 * A CVE that cannot apply here: Windows-only code on this Linux binary, or code in modules this build has
 * not got. "Not built" is known only for a build without mod_so (it cannot load a shared module, so every
 * module not compiled in is absent); a module that is merely not loaded stays open (one LoadModule away).
 * A title naming several modules is folded only when none of them is present.
 */
export function notApplicable(inst: ApacheInstallation, m: CveMatch): NotApplicable | undefined {
  const title = m.cve.title;
  if (WINDOWS_ONLY.test(title)) return { cve: m.cve.id, reason: "windows-only" };
  const mods = [...new Set([...title.matchAll(MODULE)].map((x) => x[0].toLowerCase()))];
  const built = staticModules(inst);
  if (mods.length === 0 || !built || built.includes("mod_so.c")) return undefined;
  const present = (mod: string) =>
    built.includes(`${mod}.c`) ||
    (inst.config?.modules ?? []).some((x) => x.source.toLowerCase() === `${mod}.c`);
  if (mods.some(present)) return undefined;
  return { cve: m.cve.id, reason: "module-not-built", modules: mods };
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
  /** CVEs another finding already judges in full (the 41773/42013 exposure verdict): one verdict per CVE. */
  judgedElsewhere: readonly string[] = [],
): Finding[] {
  const version = inst.version;
  if (!version) return [];
  const open = matches.filter((m) => m.status === "affected" && !judgedElsewhere.includes(m.cve.id));
  const folded = open.flatMap((m) => notApplicable(inst, m) ?? []);
  const affected = open.filter((m) => !folded.some((f) => f.cve === m.cve.id));
  const out: Finding[] = [];
  if (folded.length > 0) out.push(foldedFinding(inst, folded, ctx));
  if (affected.length === 0) return out;
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

/**
 * apache.cve.not-applicable (info): the CVEs in Apache's ranges that cannot apply to this platform or build,
 * as a count and the reason for each (in `data.folded`), so they are accounted for without being listed open.
 */
function foldedFinding(inst: ApacheInstallation, folded: NotApplicable[], ctx: CheckContext): Finding {
  const windows = folded.filter((f) => f.reason === "windows-only");
  const modules = folded.filter((f) => f.reason === "module-not-built");
  const parts: Text[] = [];
  if (windows.length > 0)
    parts.push(
      ctx.t("apache.cve.folded.windows", {
        count: windows.length,
        cves: windows.map((f) => f.cve).join(", "),
      }),
    );
  if (modules.length > 0)
    parts.push(
      ctx.t("apache.cve.folded.module", {
        count: modules.length,
        list: modules.map((f) => `${f.cve} (${(f.modules ?? []).join(", ")})`).join("; "),
      }),
    );
  return {
    id: findingId("apache.cve.not-applicable", inst.binary, inst.configFile),
    check: "apache.cve.not-applicable",
    severity: "info",
    confidence: "likely",
    title: ctx.t("apache.cve.folded.title", { count: folded.length, version: inst.version ?? "?" }),
    detail: parts.flatMap((p, i) => (i === 0 ? [p] : [" ", p])),
    cves: [],
    evidence: installationEvidence(inst, ctx),
    remediation: ctx.t("apache.cve.folded.fix"),
    data: { ...dataOf(inst), folded },
  };
}
