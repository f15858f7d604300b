import type { CheckContext } from "../../core/context.ts";
import { type Evidence, type Finding, findingId } from "../../core/finding.ts";
import { joinText, type Text } from "../../core/message.ts";
import type { ApacheConfig, ApacheFacts, ApacheInstallation, Section } from "../../facts/apache.ts";
import { directoryAccess, hasModule, isUnder, locationAccess } from "../../facts/apache-query.ts";
import { branchOf } from "../../facts/constants.ts";
import {
  basisSentence,
  confidenceOf,
  configTestCommand,
  dataOf,
  installationEvidence,
  reloadCommand,
  upgradeCommands,
} from "./basis.ts";

const where = (w: { file: string; line: number; text: string }): Evidence => ({
  path: w.file,
  line: w.line,
  value: w.text,
});

/** apache.config.root-granted: `<Directory />` that does not deny, so any path mapped to a file is served. */
function rootGranted(inst: ApacheInstallation, cfg: ApacheConfig, ctx: CheckContext): Finding[] {
  // A granting <Location /> is merged last and overrides every <Directory> denial.
  const loc = locationAccess(cfg, "/");
  const acc = loc.access === "granted" && loc.section?.target === "/" ? loc : directoryAccess(cfg, "/");
  if (acc.access !== "granted" && acc.access !== "unspecified") return [];
  const evidence: Evidence[] = [];
  if (acc.section) evidence.push(where(acc.section.where));
  if (acc.where) evidence.push(where(acc.where));
  else evidence.push({ path: cfg.mainFile, value: ctx.t("apache.config.root.noDirective") });
  return [
    {
      id: findingId("apache.config.root-granted", inst.binary, inst.configFile),
      check: "apache.config.root-granted",
      severity: "medium",
      confidence: "confirmed",
      title: ctx.t("apache.config.root.title"),
      detail: acc.where
        ? ctx.t("apache.config.root.detail", { line: acc.where.text })
        : ctx.t("apache.config.root.detailDefault"),
      cves: [],
      evidence,
      remediation: ctx.t("apache.config.root.fix"),
      commands: [
        `# ${acc.where?.file ?? cfg.mainFile}`,
        "<Directory />",
        "    AllowOverride None",
        "    Require all denied",
        "</Directory>",
        `${configTestCommand(inst)} && ${reloadCommand(inst)}`,
      ],
      data: dataOf(inst),
    },
  ];
}

/** apache.config.version-disclosure: ServerTokens Full/OS/Minimal and ServerSignature On tell attackers the version. */
function disclosure(inst: ApacheInstallation, cfg: ApacheConfig, ctx: CheckContext): Finding[] {
  const tokens = cfg.serverTokens?.value.toLowerCase() ?? "full";
  const sig = cfg.serverSignature?.value.toLowerCase() ?? "off";
  const tokensBad = ["full", "os", "min", "minimal"].includes(tokens);
  const sigBad = sig === "on" || sig === "email";
  if (!tokensBad && !sigBad) return [];
  const evidence: Evidence[] = [];
  const parts: Text[] = [];
  if (tokensBad) {
    evidence.push(
      cfg.serverTokens
        ? where(cfg.serverTokens.where)
        : { path: cfg.mainFile, value: ctx.t("apache.config.tokens.default") },
    );
    parts.push(ctx.t("apache.config.tokens.detail", { value: cfg.serverTokens?.value ?? "Full" }));
  }
  if (sigBad && cfg.serverSignature) {
    evidence.push(where(cfg.serverSignature.where));
    parts.push(ctx.t("apache.config.signature.detail"));
  }
  const file = cfg.serverTokens?.where.file ?? cfg.serverSignature?.where.file ?? cfg.mainFile;
  return [
    {
      id: findingId("apache.config.version-disclosure", inst.binary, inst.configFile),
      check: "apache.config.version-disclosure",
      severity: "low",
      confidence: "confirmed",
      title: ctx.t("apache.config.disclosure.title"),
      detail: joinText(parts, " "),
      cves: [],
      evidence,
      remediation: ctx.t("apache.config.disclosure.fix"),
      commands: [
        `# ${file}`,
        "ServerTokens Prod",
        "ServerSignature Off",
        `${configTestCommand(inst)} && ${reloadCommand(inst)}`,
      ],
      data: dataOf(inst),
    },
  ];
}

/** apache.config.status-open: server-status / server-info answered to anyone. */
function statusOpen(inst: ApacheInstallation, cfg: ApacheConfig, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const s of cfg.sections) {
    if (s.kind !== "location" || (s.handler !== "server-status" && s.handler !== "server-info")) continue;
    const mod = s.handler === "server-status" ? hasModule(cfg, "mod_status.c") : hasModule(cfg, "mod_info.c");
    if (!mod) continue;
    if (s.access.access === "denied" || s.access.access === "restricted") continue;
    out.push({
      id: findingId("apache.config.status-open", inst.binary, inst.configFile, s.where.file, s.where.line),
      check: "apache.config.status-open",
      severity: "medium",
      confidence: s.access.access === "granted" ? "confirmed" : "likely",
      title: ctx.t("apache.config.status.title", { handler: s.handler, url: s.target }),
      detail: ctx.t(
        s.handler === "server-info" ? "apache.config.status.detailInfo" : "apache.config.status.detail",
        {
          url: s.target,
        },
      ),
      cves: [],
      evidence: [where(s.where), ...(s.access.where ? [where(s.access.where)] : [])],
      remediation: ctx.t("apache.config.status.fix", { url: s.target }),
      commands: [
        `# ${s.where.file}:${s.where.line}`,
        `<Location ${s.target}>`,
        `    SetHandler ${s.handler}`,
        "    Require local",
        "</Location>",
        `${configTestCommand(inst)} && ${reloadCommand(inst)}`,
      ],
      data: dataOf(inst),
    });
  }
  return out;
}

const SENSITIVE = ["/etc", "/root", "/home", "/usr", "/var", "/tmp", "/boot", "/opt", "/srv", "/proc"];
const WEB_CONTENT = ["/var/www", "/usr/share/apache2", "/usr/share/httpd", "/srv/www", "/srv/http"];

function isSensitive(dir: string, cfg: ApacheConfig): boolean {
  if (dir === "/") return true;
  const served = [
    ...cfg.documentRoots.map((d) => d.value),
    ...cfg.vhosts.flatMap((v) => v.documentRoot ?? []),
    ...cfg.aliases.map((a) => a.target),
  ];
  if ([...WEB_CONTENT, ...served].some((w) => isUnder(dir, w))) return false;
  return SENSITIVE.some((s) => isUnder(dir, s));
}

/** apache.config.indexes: directory listings on directories people can reach. */
function indexes(inst: ApacheInstallation, cfg: ApacheConfig, ctx: CheckContext): Finding[] {
  if (!hasModule(cfg, "mod_autoindex.c")) return [];
  const out: Finding[] = [];
  for (const s of cfg.sections as Section[]) {
    if (s.kind !== "directory" || s.regex || !s.options.includes("indexes")) continue;
    const acc = directoryAccess(cfg, s.target, s.vhost).access;
    if (acc === "denied" || acc === "restricted") continue;
    const sensitive = isSensitive(s.target, cfg);
    const optLine = s.optionsWhere ?? s.where;
    out.push({
      id: findingId("apache.config.indexes", inst.binary, inst.configFile, s.where.file, s.where.line),
      check: "apache.config.indexes",
      severity: sensitive ? "medium" : "low",
      confidence: "confirmed",
      title: ctx.t("apache.config.indexes.title", { dir: s.target }),
      detail: ctx.t(sensitive ? "apache.config.indexes.detailSensitive" : "apache.config.indexes.detail", {
        dir: s.target,
      }),
      cves: [],
      evidence: [where(s.where), ...(optLine !== s.where ? [where(optLine)] : [])],
      remediation: ctx.t("apache.config.indexes.fix", { dir: s.target }),
      commands: [
        `# ${s.where.file}:${s.where.line}`,
        `<Directory ${s.target}>`,
        `    Options ${
          s.options
            .filter((o) => o !== "indexes")
            .map((o) => OPTION_NAMES[o] ?? o)
            .join(" ") || "None"
        }`,
        "</Directory>",
        `${configTestCommand(inst)} && ${reloadCommand(inst)}`,
      ],
      data: dataOf(inst),
    });
  }
  return out;
}

const OPTION_NAMES: Record<string, string> = {
  followsymlinks: "FollowSymLinks",
  symlinksifownermatch: "SymLinksIfOwnerMatch",
  multiviews: "MultiViews",
  execcgi: "ExecCGI",
  includes: "Includes",
  includesnoexec: "IncludesNOEXEC",
  all: "All",
};

export function configFindings(inst: ApacheInstallation, ctx: CheckContext): Finding[] {
  const cfg = inst.config;
  if (!cfg || cfg.files.length === 0) return [];
  return [
    ...rootGranted(inst, cfg, ctx),
    ...disclosure(inst, cfg, ctx),
    ...statusOpen(inst, cfg, ctx),
    ...indexes(inst, cfg, ctx),
  ];
}

/** apache.eol: 2.2, 2.0 and 1.3 get no security fixes from Apache any more. */
export function eolFindings(inst: ApacheInstallation, facts: ApacheFacts, ctx: CheckContext): Finding[] {
  if (!inst.version) return [];
  const branch = branchOf(inst.version);
  const ended: Record<string, string> = { "2.2": "2017-07-11", "2.0": "2013-07-10", "1.3": "2010-02-03" };
  const date = ended[branch];
  if (!date) return [];
  const up = upgradeCommands(inst, facts);
  return [
    {
      id: findingId("apache.eol", inst.binary, inst.configFile),
      check: "apache.eol",
      severity: "high",
      confidence: confidenceOf(inst),
      title: ctx.t("apache.eol.title", { branch, version: inst.version }),
      detail: [ctx.t("apache.eol.detail", { branch, date }), " ", basisSentence(inst, ctx)],
      cves: [],
      evidence: installationEvidence(inst, ctx),
      remediation: ctx.t("apache.eol.fix"),
      commands: up,
      data: { ...dataOf(inst), branch, endOfLife: date },
    },
  ];
}
