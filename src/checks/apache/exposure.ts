import type { CheckContext } from "../../core/context.ts";
import { type Evidence, type Finding, findingId, type Severity } from "../../core/finding.ts";
import { joinText, type Msg, type MsgParams, type Text } from "../../core/message.ts";
import type {
  AliasEntry,
  ApacheConfig,
  ApacheFacts,
  ApacheInstallation,
  Section,
} from "../../facts/apache.ts";
import { directoryAccess, hasModule, isUnder, locationAccess } from "../../facts/apache-query.ts";
import type { CveMatch } from "../../vulndb/types.ts";
import {
  basisSentence,
  confidenceOf,
  configTestCommand,
  dataOf,
  installationEvidence,
  reloadCommand,
  upgradeCommands,
} from "./basis.ts";
import { matchEvidence } from "./cves.ts";

export const TRAVERSAL_CVES = ["CVE-2021-41773", "CVE-2021-42013"] as const;

/** `unknown`: the version carries the CVEs and the configuration could not be read. */
export type ExposureVerdict = "rce" | "read" | "read-limited" | "not-exposed" | "unknown" | "not-vulnerable";

export interface ExposureResult {
  verdict: ExposureVerdict;
  cves: string[];
  /** Why, as message keys with parameters (the finding turns them into sentences). */
  reasons: Array<{ key: string; params?: Record<string, string> }>;
  evidence: Evidence[];
  /** Directories readable through the traversal (read-limited). */
  readableDirs: string[];
  /** An alias that makes the traversal reachable. */
  via?: AliasEntry;
}

const ev = (w: { file: string; line: number; text: string }): Evidence => ({
  path: w.file,
  line: w.line,
  value: w.text,
});

/**
 * Which of the two CVEs an upstream version carries (Apache's ranges: 41773 only in 2.4.49, 42013 in 2.4.49
 * and 2.4.50). The one place that says so: the audit and the probe's banner check both ask here.
 */
export function traversalCvesFor(version: string | undefined): string[] {
  if (version === "2.4.49") return [...TRAVERSAL_CVES];
  if (version === "2.4.50") return ["CVE-2021-42013"];
  return [];
}

/** Which of the two CVEs the version carries, unless distro data says the package has the fix. */
export function vulnerableCves(inst: ApacheInstallation, matches: CveMatch[] | undefined): string[] {
  const byVersion = traversalCvesFor(inst.version);
  if (!matches) return byVersion;
  return byVersion.filter((id) => {
    const m = matches.find((x) => x.cve.id === id);
    return m?.status !== "fixed";
  });
}

const granted = (a: string) => a === "granted" || a === "unspecified";

/**
 * Decides, from the configuration, what the CVE-2021-41773/42013 path traversal can reach, reproducing the
 * measured behaviour (../shared/vulndata/lab-table.md): the traversal needs an Alias or ScriptAlias to start
 * from; it reaches any file whose <Directory> allows access; through a ScriptAlias with mod_cgi/mod_cgid loaded
 * it runs /bin/sh (remote code execution).
 */
export function analyseExposure(cfg: ApacheConfig): Omit<ExposureResult, "cves"> {
  const reasons: ExposureResult["reasons"] = [];
  const evidence: Evidence[] = [];
  // A main-server Alias is inherited by every virtual host, where that host's own sections apply too.
  const hosts = [undefined, ...cfg.vhosts.map((v) => v.serverName ?? v.addresses.join(" "))];
  const placed = cfg.aliases.flatMap((a) => (a.vhost ? [a] : hosts.map((vhost) => ({ ...a, vhost }))));
  const usable = placed.filter(
    (a) => !["denied", "restricted"].includes(locationAccess(cfg, a.url, a.vhost).access),
  );
  if (usable.length === 0) {
    reasons.push({ key: "apache.exposure.why.noAlias" });
    return { verdict: "not-exposed", reasons, evidence, readableDirs: [] };
  }
  const cgi = hasModule(cfg, "mod_cgi.c", "mod_cgid.c");
  const scripts = usable.filter((a) => a.kind.startsWith("Script"));
  const readers = usable.filter((a) => !a.kind.startsWith("Script") || !cgi);
  // <Location> is merged after <Directory>: a Location covering the alias URL that says something wins.
  const rootOf = (a: AliasEntry, p: string) => {
    const loc = locationAccess(cfg, a.url, a.vhost);
    return loc.access !== "unspecified" ? loc : directoryAccess(cfg, p, a.vhost);
  };

  const rceVia = cgi ? scripts.find((a) => granted(rootOf(a, "/bin/sh").access)) : undefined;
  if (rceVia && cgi) {
    const acc = rootOf(rceVia, "/bin/sh");
    evidence.push(ev(rceVia.where));
    if (acc.where) evidence.push(ev(acc.where));
    if (acc.section) evidence.push(ev(acc.section.where));
    if (cgi.file && cgi.line)
      evidence.push({
        path: cgi.file,
        line: cgi.line,
        value: `LoadModule ${cgi.id} ${cgi.path ?? ""}`.trim(),
      });
    reasons.push({ key: "apache.exposure.why.alias", params: { alias: rceVia.where.text } });
    reasons.push(rootReason(acc));
    reasons.push({ key: "apache.exposure.why.cgi", params: { module: cgi.source } });
    return { verdict: "rce", reasons, evidence, readableDirs: ["/"], via: rceVia };
  }
  const readVia = readers.find((a) => granted(rootOf(a, "/etc/passwd").access));
  if (readVia) {
    const acc = rootOf(readVia, "/etc/passwd");
    evidence.push(ev(readVia.where));
    if (acc.where) evidence.push(ev(acc.where));
    if (acc.section) evidence.push(ev(acc.section.where));
    reasons.push({ key: "apache.exposure.why.alias", params: { alias: readVia.where.text } });
    reasons.push(rootReason(acc));
    reasons.push({ key: cgi ? "apache.exposure.why.noScriptAlias" : "apache.exposure.why.noCgi" });
    return { verdict: "read", reasons, evidence, readableDirs: ["/"], via: readVia };
  }
  // "/" is denied: only directories granted beyond what is served anyway are newly readable.
  const served = [
    ...cfg.documentRoots.map((d) => d.value),
    ...cfg.vhosts.flatMap((v) => v.documentRoot ?? []),
    ...cfg.aliases.map((a) => a.target),
  ];
  const extra: Section[] = cfg.sections.filter(
    (s) =>
      s.kind === "directory" &&
      !s.regex &&
      s.target !== "/" &&
      s.access.access === "granted" &&
      !served.some((p) => isUnder(s.target, p)),
  );
  const rootAcc = directoryAccess(cfg, "/etc/passwd");
  if (readers.length > 0 && extra.length > 0) {
    const via = readers[0] as AliasEntry;
    evidence.push(ev(via.where));
    if (rootAcc.where) evidence.push(ev(rootAcc.where));
    for (const s of extra) {
      evidence.push(ev(s.where));
      if (s.access.where) evidence.push(ev(s.access.where));
    }
    const dirs = [...new Set(extra.map((s) => s.target))];
    reasons.push({ key: "apache.exposure.why.alias", params: { alias: via.where.text } });
    reasons.push({ key: "apache.exposure.why.rootDenied", params: { line: rootAcc.where?.text ?? "" } });
    reasons.push({ key: "apache.exposure.why.grantedDirs", params: { dirs: dirs.join(", ") } });
    return { verdict: "read-limited", reasons, evidence, readableDirs: dirs, via };
  }
  if (rootAcc.where) evidence.push(ev(rootAcc.where));
  if (rootAcc.section) evidence.push(ev(rootAcc.section.where));
  reasons.push({ key: "apache.exposure.why.rootDenied", params: { line: rootAcc.where?.text ?? "" } });
  reasons.push({ key: "apache.exposure.why.nothingExtra" });
  return { verdict: "not-exposed", reasons, evidence, readableDirs: [] };
}

function rootReason(acc: ReturnType<typeof directoryAccess>): {
  key: string;
  params?: Record<string, string>;
} {
  if (acc.where) return { key: "apache.exposure.why.rootGranted", params: { line: acc.where.text } };
  return { key: "apache.exposure.why.rootDefault" };
}

/**
 * Config lines that stop the traversal from reading `dirs`: deny each one, and keep serving what the site
 * serves under it (a document root or alias target there without a granting section of its own gets one).
 */
export function narrowGrants(cfg: ApacheConfig, dirs: string[]): string[] {
  const out: string[] = [];
  const served = [
    ...cfg.documentRoots.map((d) => d.value),
    ...cfg.vhosts.flatMap((v) => v.documentRoot ?? []),
    ...cfg.aliases.filter((a) => !a.kind.endsWith("Match")).map((a) => withoutTrailingSlashes(a.target)),
  ];
  for (const dir of dirs) {
    const section = cfg.sections.find(
      (x) => x.kind === "directory" && !x.regex && x.target === dir && x.access.access === "granted",
    );
    out.push(
      `# ${section ? `${section.where.file}:${section.access.where?.line ?? section.where.line}` : cfg.mainFile}`,
    );
    out.push(`<Directory ${dir}>`, "    Require all denied", "</Directory>");
    for (const p of [...new Set(served)].filter((x) => x !== dir && isUnder(x, dir)).sort()) {
      const own = cfg.sections.some(
        (x) =>
          x.kind === "directory" &&
          !x.regex &&
          x.target !== dir &&
          isUnder(x.target, dir) &&
          isUnder(p, x.target) &&
          x.access.access === "granted",
      );
      if (!own) out.push(`<Directory ${p}>`, "    Require all granted", "</Directory>");
    }
  }
  return out;
}

/**
 * One verdict per installation for CVE-2021-41773/42013: the version says the code is there (both are CISA
 * KEV, so never below high, as every KEV finding), the configuration says how far it reaches today.
 */
const SEVERITY: Record<ExposureVerdict, Severity> = {
  rce: "critical",
  unknown: "critical",
  read: "high",
  "read-limited": "high",
  "not-exposed": "high",
  "not-vulnerable": "info",
};

/** The apache.exposure finding for one installation. */
export function exposureFinding(
  inst: ApacheInstallation,
  facts: ApacheFacts,
  matches: CveMatch[] | undefined,
  ctx: CheckContext,
  /** The upstream release that fixes every known CVE (from the vulnerability data), for source builds. */
  upstreamTarget = "2.4.51",
): Finding | undefined {
  if (!inst.version) return undefined;
  const cves = vulnerableCves(inst, matches);
  const t = ctx.t as (k: string, p?: MsgParams) => Msg;
  const base = installationEvidence(inst, ctx);
  let result: ExposureResult;
  if (cves.length === 0) {
    const patched = ["2.4.49", "2.4.50"].includes(inst.version);
    result = {
      verdict: "not-vulnerable",
      cves: [],
      reasons: [
        patched
          ? {
              key: "apache.exposure.why.backported",
              params: { version: inst.owner.found?.owner.version ?? inst.version },
            }
          : { key: "apache.exposure.why.otherVersion", params: { version: inst.version } },
      ],
      evidence: [],
      readableDirs: [],
    };
  } else if (!inst.config || inst.config.files.length === 0) {
    result = {
      verdict: "unknown",
      cves,
      reasons: [{ key: "apache.exposure.why.noConfig" }],
      evidence: [],
      readableDirs: [],
    };
  } else {
    result = { ...analyseExposure(inst.config), cves };
  }
  const v = result.verdict;
  const form = inst.version === "2.4.50" ? "%%32%65" : ".%2e";
  const params = {
    version: inst.version,
    path: inst.binary,
    dirs: result.readableDirs.join(", "),
    form,
    cves: cves.join(", "),
  };
  // The version-based judgement of these CVEs (KEV dates, fixed versions, how sure) joins this one finding.
  const judged = (matches ?? []).filter((m) => cves.includes(m.cve.id) && m.status === "affected");
  const kevDates = [...new Set(judged.flatMap((m) => (m.cve.kev ? [m.cve.kev.dateAdded] : [])))].sort();
  const fixedIn = [...new Set(judged.flatMap((m) => m.cve.fixedIn))].sort();
  const detail = joinText(
    [
      ...(kevDates.length > 0
        ? [t("apache.cve.kevDetail", { date: kevDates[0] ?? "?", fixed: fixedIn.join(", ") || "?" })]
        : []),
      ...result.reasons.map((r) => t(r.key, r.params)),
      ...(cves.length > 0 ? [t("apache.exposure.form", { form })] : []),
      basisSentence(inst, ctx),
    ],
    " ",
  );
  const commands: Text[] = [];
  let remediation: Text;
  if (v === "not-vulnerable") remediation = t("apache.exposure.fix.none");
  else {
    const up = upgradeCommands(inst, facts);
    commands.push(...up);
    remediation =
      up.length > 0
        ? t("apache.exposure.fix.upgradePkg")
        : t("apache.exposure.fix.upgradeSource", { target: upstreamTarget });
    if (v === "read-limited" && inst.config) {
      remediation = [
        remediation,
        " ",
        t("apache.exposure.fix.configLimited", { dirs: result.readableDirs.join(", ") }),
      ];
      commands.push(...narrowGrants(inst.config, result.readableDirs));
      commands.push(`${configTestCommand(inst)} && ${reloadCommand(inst)}`);
    } else if (v === "rce" || v === "read") {
      remediation = [remediation, " ", t("apache.exposure.fix.config")];
      commands.push(
        `# ${inst.config?.mainFile ?? ""}`,
        "<Directory />",
        "    AllowOverride None",
        "    Require all denied",
        "</Directory>",
      );
      if (v === "rce") commands.push(["# ", t("apache.exposure.fix.cgiComment")]);
      commands.push(`${configTestCommand(inst)} && ${reloadCommand(inst)}`);
    }
  }
  return {
    id: findingId("apache.exposure", inst.binary, inst.configFile),
    check: "apache.exposure",
    severity: SEVERITY[v],
    confidence: confidenceOf(inst),
    title: t(`apache.exposure.title.${v}`, params),
    detail,
    cves: result.cves,
    evidence: [...base, ...judged.map((m) => matchEvidence(inst, m, ctx)), ...result.evidence],
    remediation,
    commands,
    references: cves.flatMap((c) => [
      `https://httpd.apache.org/security/vulnerabilities_24.html#${c}`,
      `https://www.cve.org/CVERecord?id=${c}`,
    ]),
    data: {
      ...dataOf(inst),
      verdict: v,
      kev: cves.length > 0,
      kevDateAdded: kevDates[0],
      fixedIn: fixedIn.length > 0 ? fixedIn : undefined,
      basis: judged[0]?.basis,
      readableDirs: result.readableDirs,
      traversalForm: cves.length ? form : undefined,
    },
  };
}

/** `s.replace(/\/+$/, "")` without re-reading a run of slashes from each of its positions. */
function withoutTrailingSlashes(s: string): string {
  let e = s.length;
  while (e > 0 && s[e - 1] === "/") e--;
  return s.slice(0, e);
}
