import { maxSeverity, type Severity } from "../core/finding.ts";
import { distroKey, distroKeys, distroModule, distroName as nameOf, releaseName } from "./distros/index.ts";
import type {
  CveMatch,
  CveRecord,
  DistroDataset,
  PackageOwner,
  VersionBasis,
  VersionRange,
  VulnDb,
} from "./types.ts";
import {
  comparatorFor,
  compareRpmRebuild,
  compareUpstream,
  isUpstreamVersion,
  upstreamBranch,
} from "./versions.ts";

export interface MatchInput {
  /** Apache's own version of the installation ("2.4.38"), from the binary, package or banner. */
  upstreamVersion: string;
  owner?: PackageOwner;
  /** Where upstreamVersion came from when no package owns the binary; a banner is the weakest basis. */
  versionFrom?: "binary" | "banner";
}

/**
 * Every CVE whose Apache version range covers the installed version, with whether it still applies.
 * A distro-built package is judged with that distro's own fixed versions (backports); anything else,
 * and any CVE the distro data does not mention, by Apache's upstream ranges.
 */
export function matchCves(db: VulnDb, input: MatchInput): CveMatch[] {
  const version = input.upstreamVersion.trim();
  if (!isUpstreamVersion(version)) return [];
  const judge = judgeFor(db, input);
  const out: CveMatch[] = [];
  for (const cve of db.cves) {
    const range = coveringRange(cve, version);
    if (range) out.push(judge(cve, range, version));
  }
  return out;
}

/** The first range of the record that covers the version; certain ranges before "?=" ones. */
export function coveringRange(cve: CveRecord, version: string): VersionRange | undefined {
  const ranges = [...cve.affected].sort((a, b) => Number(a.possible ?? false) - Number(b.possible ?? false));
  return ranges.find((r) => rangeCovers(r, version));
}

export function rangeCovers(r: VersionRange, v: string): boolean {
  if (r.exact) return r.exact.some((e) => compareUpstream(e, v) === 0);
  const upper = r.to ?? r.lessThan;
  if (r.from === undefined) {
    // Without a lower bound the range starts at the beginning of its upper bound's branch.
    if (upper === undefined || upstreamBranch(upper) !== upstreamBranch(v)) return false;
  } else {
    if (compareUpstream(v, r.from) < 0) return false;
    if (upper === undefined && upstreamBranch(r.from) !== upstreamBranch(v)) return false;
  }
  if (r.to !== undefined && compareUpstream(v, r.to) > 0) return false;
  if (r.lessThan !== undefined && compareUpstream(v, r.lessThan) >= 0) return false;
  return true;
}

export function describeRange(r: VersionRange): string {
  if (r.exact) {
    if (r.exact.length <= 4) return r.exact.join(", ");
    return `${r.exact.length} listed versions from ${r.exact[0]} to ${r.exact.at(-1)}`;
  }
  const upper = r.to ? `${r.to}` : r.lessThan ? `before ${r.lessThan}` : "";
  if (!r.from) return r.to ? `${upper} and earlier` : upper;
  return r.to ? `${r.from} to ${r.to}` : r.lessThan ? `${r.from} up to ${upper}` : `${r.from} and later`;
}

export { distroKey };

type Judge = (cve: CveRecord, range: VersionRange, version: string) => CveMatch;

function judgeFor(db: VulnDb, input: MatchInput): Judge {
  const owner = input.owner;
  const upstream = (basis: VersionBasis, why: string, caveat?: CveMatch["caveat"]): Judge => {
    return (cve, range, version) => {
      const m: CveMatch = {
        cve,
        status: "affected",
        basis,
        because: `${why} ${version} is in Apache's affected versions (${describeRange(range)})${fixText(cve)}.`,
      };
      const c = range.possible ? "possibly-affected" : caveat;
      if (range.possible) m.because += " Apache lists this version only as possibly affected.";
      if (c) m.caveat = c;
      return m;
    };
  };
  const plainBasis: VersionBasis = input.versionFrom === "banner" ? "banner" : "upstream-version";

  if (owner?.origin !== "distro") {
    const who =
      owner?.origin === "third-party"
        ? `The package ${owner.name} ${owner.version} is not the distro's own build, so it is judged by Apache's version:`
        : owner
          ? `Who built the package ${owner.name} ${owner.version} is not known, so it is judged by Apache's version:`
          : input.versionFrom === "banner"
            ? "Judged by the version in the server banner:"
            : "No distro package owns this Apache, so it is judged by its version:";
    return upstream(plainBasis, who);
  }

  const keys = distroKeys(owner);
  const key = keys.find((k) => hasData(db, k));
  const distroName = nameOf(owner);
  if (!key) {
    const release = keys[0]?.split(":")[1];
    return upstream(
      "upstream-version",
      `${distroName} backports security fixes without changing the upstream version, and mamori has no ${distroName}${release ? ` ${release}` : ""} data, so this is judged by the upstream version and may already be fixed (run \`mamori db update\`):`,
      "backports-likely",
    );
  }

  const [distro, release] = key.split(":") as [string, string];
  const ownModule = distroModule(owner.distro);
  const dataModule = distroModule(distro);
  const standIn = distro !== ownModule?.id;
  const dataset: DistroDataset = { key, name: releaseName(key) };
  if (standIn) dataset.standInFor = distroName;
  const dataName = dataset.name;
  const releasedOn = dataModule?.releasedOn?.(release);
  // A rebuild's errata judging another rebuild's package: only the parts of the release they share count.
  const compare = owner.manager === "rpm" && standIn ? compareRpmRebuild : comparatorFor(owner.manager);
  // The newest fix the data knows for this release: a package newer than that may carry fixes the data lacks.
  let newestKnown: string | undefined;
  for (const c of db.cves) {
    const f = c.distroFixed[key];
    if (f && f !== "0" && (newestKnown === undefined || compare(f, newestKnown) > 0)) newestKnown = f;
  }
  const dataIsOlder = newestKnown !== undefined && compare(owner.version, newestKnown) > 0;
  const pkg = `${sourcePackage(owner)} ${owner.version}`;
  const silence = dataModule?.silence ?? "upstream";
  const pro = (fixed: string) =>
    distro === "ubuntu" && /\+esm\d/.test(fixed) && !/\+esm\d/.test(owner.version)
      ? " That fix is in Ubuntu Pro (ESM): the host needs an Ubuntu Pro subscription to receive it."
      : "";
  const own = (cve: CveRecord) =>
    cve.advisories?.filter((a) => advisoryOf(a) === distro || advisoryOf(a) === undefined) ?? [];

  return (cve, range, version) => {
    const fixed = cve.distroFixed[key];
    const adv = own(cve);
    const advisories = adv.length ? ` (${adv.join(", ")})` : "";
    const base = { cve, dataset };
    if (fixed === "0") {
      return {
        ...base,
        status: "fixed",
        basis: "distro-data",
        because: `${dataName} data says its package was never affected, though the upstream version ${version} is in range.`,
      };
    }
    if (fixed !== undefined) {
      const ok = compare(owner.version, fixed) >= 0;
      return {
        ...base,
        status: ok ? "fixed" : "affected",
        basis: "distro-data",
        fixedVersion: fixed,
        because: ok
          ? `${dataName} fixed it in ${fixed}${advisories}; the installed ${pkg} includes that fix though it says ${version}.`
          : `${dataName} fixed it in ${fixed}${advisories}; the installed ${pkg} is older.${pro(fixed)}`,
      };
    }
    if (cve.distroOpen?.includes(key)) {
      return {
        ...base,
        status: "affected",
        basis: "distro-data",
        because: `${dataName} data lists it as not yet fixed; the installed ${pkg} (upstream ${version}) is in Apache's affected versions (${describeRange(range)}).`,
      };
    }
    const firstAdvisory = cve.distroFirstAdvisory?.[distro];
    if (firstAdvisory && releasedOn && firstAdvisory < releasedOn) {
      return {
        ...base,
        status: "fixed",
        basis: "distro-data",
        because: `${dataModule?.name ?? distro} fixed it by advisory on ${firstAdvisory}${advisories}, before ${release} was released on ${releasedOn}, so ${release} shipped with the fix.`,
      };
    }
    const modules = Object.entries(cve.distroFixed).filter(([k]) => k.startsWith(`${key}/`));
    if (modules.length > 0) {
      const list = modules.map(([k, v]) => `${k.slice(key.length + 1)} ${v}`).join(", ");
      return {
        ...base,
        status: "affected",
        basis: "distro-data",
        caveat: "separate-package",
        because: `${dataName} fixed it in the separately built package ${list}${advisories}, not in ${sourcePackage(owner)}; mamori read only ${pkg}, so check that package's version (upstream ${version} is in Apache's affected versions, ${describeRange(range)}).`,
      };
    }
    const m: CveMatch = {
      ...base,
      status: "affected",
      basis: "upstream-version",
      because: `${dataName} data has no entry for it, so it is judged by the packaged upstream version: ${version} is in Apache's affected versions (${describeRange(range)})${fixText(cve)}.`,
    };
    if (range.possible) m.caveat = "possibly-affected";
    else if (dataIsOlder) {
      m.caveat = "distro-data-stale";
      m.because += ` The installed ${pkg} is newer than any ${dataName} fix in mamori's data (${newestKnown}), so it may already be fixed; run \`mamori db update\`.`;
    } else if (silence === "unknown") {
      m.caveat = "distro-data-silent";
      m.because += ` ${dataModule?.name ?? distro}'s data lists fixes only, so its silence does not say the package is affected; run \`mamori db update\`.`;
    }
    return m;
  };
}

/** Whether the snapshot has anything for a release key: a fix, an open CVE, or a module fix. */
function hasData(db: VulnDb, key: string): boolean {
  const prefix = `${key}/`;
  return db.cves.some(
    (c) =>
      c.distroFixed[key] !== undefined ||
      c.distroOpen?.includes(key) ||
      Object.keys(c.distroFixed).some((k) => k.startsWith(prefix)),
  );
}

/** The web server's source package for a binary package: apache2 for apache2-bin, httpd for httpd-core. */
export function sourcePackage(owner: PackageOwner): string {
  if (owner.source) return owner.source;
  if (owner.name === "apache2" || owner.name.startsWith("apache2-")) return "apache2";
  if (
    /^(httpd(-core|-tools|-filesystem)?|mod_ssl|mod_ldap|mod_session|mod_proxy_html|mod_lua)$/.test(
      owner.name,
    )
  )
    return "httpd";
  return owner.name;
}

/** Which distro an advisory id belongs to, by its prefix, so a sentence cites only the package's own. */
function advisoryOf(id: string): string | undefined {
  if (/^D[SL]A-/.test(id)) return "debian";
  if (/^USN-/.test(id)) return "ubuntu";
  if (/^AL[SBE]A-/.test(id)) return "almalinux";
  if (/^RL[SBE]A-/.test(id)) return "rocky";
  if (/^RH[SBE]A-/.test(id)) return "rhel";
  return undefined;
}

const SILENT_CAVEATS = new Set<CveMatch["caveat"]>([
  "backports-likely",
  "distro-data-stale",
  "distro-data-silent",
  "separate-package",
]);

/**
 * The finding severity of one match: Apache's impact (KEV never below high), but a match the distro data
 * cannot confirm (no data, stale data, data silent, fix in another package) is at most high, so a report
 * never says "act now" on missing data alone (a possible high is "at risk").
 */
export function matchSeverity(m: CveMatch): Severity {
  const s = severityFor(m.cve);
  return s === "critical" && SILENT_CAVEATS.has(m.caveat) ? "high" : s;
}

function fixText(cve: CveRecord): string {
  return cve.fixedIn.length ? `; fixed in ${cve.fixedIn.join(", ")}` : "";
}

const IMPACT_SEVERITY: Record<CveRecord["impact"], Severity | undefined> = {
  critical: "critical",
  important: "high",
  moderate: "medium",
  low: "low",
  unknown: undefined,
};

/** Apache's impact as a finding severity; a CVE known to be exploited (CISA KEV) is never below high. */
export function severityFor(cve: CveRecord): Severity {
  const base = IMPACT_SEVERITY[cve.impact] ?? cve.cvssSeverity ?? "medium";
  return cve.kev ? maxSeverity(base, "high") : base;
}

/**
 * The upstream version to upgrade to so that no CVE in the data applies: the newest fix, on the
 * installation's branch, of every CVE that covers it, repeated until the target itself is clean.
 * A branch Apache no longer fixes (2.2) leads to the newest fix on any branch.
 */
export function upgradeTarget(db: VulnDb, upstreamVersion: string): string | undefined {
  let target: string | undefined;
  let current = upstreamVersion.trim();
  if (!isUpstreamVersion(current)) return undefined;
  for (let round = 0; round < 20; round++) {
    let next: string | undefined;
    for (const cve of db.cves) {
      if (!coveringRange(cve, current)) continue;
      const fix =
        newest(
          cve.fixedIn.filter(
            (f) => upstreamBranch(f) === upstreamBranch(current) && compareUpstream(f, current) > 0,
          ),
        ) ?? newest(cve.fixedIn.filter((f) => compareUpstream(f, current) > 0));
      if (fix && (next === undefined || compareUpstream(fix, next) > 0)) next = fix;
    }
    if (next === undefined) return target;
    target = next;
    current = next;
  }
  return target;
}

/** The lowest distro package version that carries every distro fix still missing (for `apt install apache2=…`). */
export function distroUpgradeTarget(matches: CveMatch[], owner: PackageOwner): string | undefined {
  const compare = comparatorFor(owner.manager);
  let target: string | undefined;
  for (const m of matches) {
    if (m.status !== "affected" || m.basis !== "distro-data" || !m.fixedVersion) continue;
    if (target === undefined || compare(m.fixedVersion, target) > 0) target = m.fixedVersion;
  }
  return target;
}

function newest(vs: string[]): string | undefined {
  return [...vs].sort(compareUpstream).at(-1);
}
