import * as path from "node:path";
import type { CheckContext } from "../../core/context.ts";
import type { Confidence, Evidence } from "../../core/finding.ts";
import type { Msg } from "../../core/message.ts";
import { shellQuote } from "../../core/shell-quote.ts";
import type { ApacheFacts, ApacheInstallation } from "../../facts/apache.ts";
import type { CveMatch, PackageOwner, VersionBasis } from "../../vulndb/types.ts";

/** Whose data judges this installation, and how sure that makes us (DESIGN.md: distro data > upstream version > banner). */
export function basisOf(inst: ApacheInstallation): VersionBasis {
  const o = inst.owner.found?.owner;
  if (o && o.origin === "distro") return "distro-data";
  return "upstream-version";
}

export function confidenceOf(inst: ApacheInstallation): Confidence {
  if (basisOf(inst) === "distro-data") return "confirmed";
  // A package database we could not read might have said the distro patched it.
  if (inst.owner.dbUnreadable && !inst.owner.found) return "possible";
  return "likely";
}

/**
 * One sentence saying how the version was established and whose data judged it. With the matches a
 * finding reports, a distro package's sentence says which distro data was used, if it stood in for
 * another distro's, or that the data was silent or missing: never that distro data judged it when it did not.
 */
export function basisSentence(inst: ApacheInstallation, ctx: CheckContext, matches?: CveMatch[]): Msg {
  const o = inst.owner.found?.owner;
  if (o && o.origin === "distro" && matches) {
    const p = { manager: o.manager, pkg: o.name, version: o.version };
    const dataset = matches.find((m) => m.dataset)?.dataset;
    if (!dataset) return ctx.t("apache.basis.distroNoData", { ...p, distro: o.distro ?? "?" });
    if (matches.every((m) => m.basis !== "distro-data"))
      return ctx.t("apache.basis.distroSilent", { ...p, data: dataset.name });
    if (dataset.standInFor)
      return ctx.t("apache.basis.distroStandIn", { ...p, data: dataset.name, distro: dataset.standInFor });
    return ctx.t("apache.basis.distroData", { ...p, data: dataset.name });
  }
  if (o && o.origin === "distro")
    return ctx.t("apache.basis.distro", { manager: o.manager, pkg: o.name, version: o.version });
  if (o) return ctx.t("apache.basis.thirdParty", { manager: o.manager, pkg: o.name, version: o.version });
  if (inst.versionSource === "live-binary") return ctx.t("apache.basis.live", { path: inst.binary });
  if (inst.owner.dbUnreadable)
    return ctx.t("apache.basis.binaryNoDb", { path: inst.binary, db: inst.owner.dbUnreadable });
  return ctx.t("apache.basis.binary", { path: inst.binary });
}

export function installationEvidence(inst: ApacheInstallation, ctx: CheckContext): Evidence[] {
  const ev: Evidence[] = [];
  ev.push({
    path: inst.binary,
    label: ctx.t(inst.live?.version ? "apache.evidence.live" : "apache.evidence.binary"),
    value: inst.product ?? inst.version ?? "?",
  });
  for (const r of inst.replacedWhileRunning ?? [])
    ev.push({
      path: inst.binary,
      pid: r.pid,
      label: ctx.t("apache.evidence.running"),
      value: r.product ?? "?",
    });
  const f = inst.owner.found;
  if (f) ev.push({ path: f.source, line: f.line, package: f.owner.name, version: f.owner.version });
  return ev;
}

export function ownerData(o: PackageOwner | undefined): Record<string, unknown> | null {
  return o ? { ...o } : null;
}

export function dataOf(inst: ApacheInstallation): Record<string, unknown> {
  return {
    installation: inst.binary,
    version: inst.version,
    owner: ownerData(inst.owner.found?.owner),
    versionSource: inst.versionSource,
    configFile: inst.configFile,
  };
}

/** The exact upgrade commands for the package manager that owns the binary. */
export function upgradeCommands(inst: ApacheInstallation, facts: ApacheFacts): string[] {
  const o = inst.owner.found?.owner ?? guessedOwner(inst);
  if (!o) return [];
  if (o.manager === "dpkg") {
    const pkg = o.source === "apache2" || o.name === "apache2-bin" ? "apache2" : o.name;
    return ["apt-get update", `apt-get install --only-upgrade ${shellQuote(pkg)}`];
  }
  if (o.manager === "apk") return ["apk update", `apk upgrade ${shellQuote(o.name)}`];
  const major = Number.parseInt(facts.distroVersion ?? "", 10);
  if (Number.isFinite(major) && major < 8 && facts.distroId !== "fedora")
    return [`yum update ${shellQuote(o.name)}`];
  return [`dnf upgrade ${shellQuote(o.name)}`];
}

/**
 * A distro path whose package database could not be read (no rpm command here): the package is most likely
 * the distro's httpd/apache2, so the upgrade command for it is still the best next step.
 */
export function guessedOwner(inst: ApacheInstallation): PackageOwner | undefined {
  const db = inst.owner.dbUnreadable;
  if (inst.owner.found || !db || !/^\/usr\/sbin\//.test(inst.binary)) return undefined;
  const manager = db.includes("rpm") ? "rpm" : db.includes("apk") ? "apk" : "dpkg";
  const name = manager === "rpm" ? "httpd" : "apache2";
  return { manager, name, version: "?", origin: "unknown" };
}

/** The command that makes Apache re-read its configuration after an edit. */
export function reloadCommand(inst: ApacheInstallation): string {
  const base = path.posix.basename(inst.binary);
  // Alpine runs OpenRC, not systemd.
  if (inst.owner.found?.owner.manager === "apk") return "rc-service apache2 reload";
  if (inst.binary === "/usr/sbin/apache2" || inst.binary === "/usr/sbin/httpd")
    return `systemctl reload ${base}`;
  return `${shellQuote(path.posix.join(path.posix.dirname(inst.binary), "apachectl"))} -k graceful`;
}

export function configTestCommand(inst: ApacheInstallation): string {
  if (inst.binary === "/usr/sbin/apache2") return "apache2ctl configtest";
  if (inst.binary === "/usr/sbin/httpd") return "apachectl configtest";
  return `${shellQuote(path.posix.join(path.posix.dirname(inst.binary), "apachectl"))} configtest`;
}
