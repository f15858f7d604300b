/**
 * The contract between the vulnerability data (src/vulndb) and the Apache checks (src/checks/apache).
 * The snapshot in data/vulndb.json is built by scripts/build-vulndb.ts and refreshed by `mamori db update`.
 */

/** Apache's own impact levels (httpd security pages). */
export type ApacheImpact = "critical" | "important" | "moderate" | "low" | "unknown";

export interface VersionRange {
  /** Inclusive lower bound, upstream version ("2.4.0"); undefined means from the start of the branch. */
  from?: string;
  /** Inclusive upper bound of affected versions. */
  to?: string;
  /** Exact affected versions when the record lists them one by one. */
  exact?: string[];
  /** Exclusive upper bound (CVE 5 "lessThan", OSV "fixed"), when the record gives one instead of `to`. */
  lessThan?: string;
  /** Apache marks these versions "?=": possibly affected, never checked. */
  possible?: boolean;
}

export interface CveRecord {
  id: string;
  title: string;
  impact: ApacheImpact;
  /** Affected upstream versions. */
  affected: VersionRange[];
  /** First upstream version with the fix, per branch ("2.4.51"). */
  fixedIn: string[];
  published?: string;
  /** CISA Known Exploited Vulnerabilities entry, when listed. */
  kev?: { dateAdded: string; dueDate?: string; knownRansomware: boolean; name: string };
  /**
   * Fixed versions per distro release, from the distro's own advisories: { "debian:bookworm": "2.4.57-2" }.
   * "almalinux:9/mod_http2" is a fix shipped in a separately built module package, not in httpd itself.
   */
  distroFixed: Record<string, string>;
  /** Advisory ids that fixed it (DSA-5376-1, DLA-3351-1). */
  advisories?: string[];
  /** By distro ("debian"): date of its first advisory that fixed this CVE in some release. */
  distroFirstAdvisory?: Record<string, string>;
  /** Distro releases whose tracker says the fix is still open: ["debian:bookworm"]. */
  distroOpen?: string[];
  /** Branches Apache says it will never fix ("2.2" from "2.2.35-never"). */
  unfixedBranches?: string[];
  /** Where the record came from: Apache's own CVE JSON, or OSV (Bitnami) for CVEs Apache's snapshot lacks. */
  source?: "apache" | "osv-bitnami";
  /** CVSS-based level, used only when Apache's impact is unknown (OSV records). */
  cvssSeverity?: "critical" | "high" | "medium" | "low";
}

export interface VulnDbMeta {
  builtAt: string;
  /**
   * `kept`: records carried over from an earlier snapshot because the source was not downloaded again.
   * `feed`: the id of the feed (src/vulndb/feeds.ts) the data came from, so its age is judged per host.
   */
  sources: Array<{
    name: string;
    feed?: string;
    url: string;
    fetchedAt: string;
    records: number;
    kept?: boolean;
    /** Distro module ids whose releases this source judges (its feed in sources/distro-feeds.ts). */
    distros?: string[];
  }>;
  /** The KEV catalog this data was joined with (all products, not only Apache). */
  kev?: { catalogVersion: string; count: number };
}

export interface VulnDb {
  meta: VulnDbMeta;
  cves: CveRecord[];
}

/** Who owns the Apache binary: decides whose data judges it (DESIGN.md: distro data > upstream version > banner). */
export interface PackageOwner {
  manager: "dpkg" | "rpm" | "apk";
  /** Binary package name (apache2, httpd). */
  name: string;
  /** Source package name, when the database says it (apache2). */
  source?: string;
  /** Full distro version ("2.4.38-3+deb10u10"). */
  version: string;
  /** os-release ID of the distro (debian, ubuntu, rhel, alpine...). */
  distro?: string;
  /** Release codename or version (bookworm, 22.04, 9). */
  release?: string;
  /** "distro" when the distro built it; "third-party" for e.g. a +deb.sury.org or ppa build (judged upstream). */
  origin: "distro" | "third-party" | "unknown";
}

export type VersionBasis = "distro-data" | "upstream-version" | "banner";

/**
 * backports-likely: no data for the release of a distro that backports. distro-data-stale: the package is
 * newer than every fix the data knows for its release. distro-data-silent: the release's data (fixes only)
 * does not mention the CVE. separate-package: the fix shipped in another package (EL9's mod_http2).
 * possibly-affected: Apache lists the version only as "?=".
 */
export type Caveat =
  | "backports-likely"
  | "distro-data-stale"
  | "distro-data-silent"
  | "separate-package"
  | "possibly-affected";

/** Whose data judged a distro package: "AlmaLinux 9", standing in for "Red Hat Enterprise Linux". */
export interface DistroDataset {
  key: string;
  name: string;
  standInFor?: string;
}

export interface CveMatch {
  cve: CveRecord;
  /** affected: the version is in range and no distro fix applies; fixed: a distro backport or upstream fix covers it. */
  status: "affected" | "fixed" | "unknown";
  basis: VersionBasis;
  /** A plain explanation of the decision (in English; checks translate the structure, not this). */
  because: string;
  /**
   * Why the result is less sure than its basis suggests: a distro that backports fixes but whose data mamori
   * lacks, distro data older than the installed package, or a version Apache lists only as "?=" possible.
   */
  caveat?: Caveat;
  /** The fixed version that decided a "distro-data" result (a dpkg/rpm/apk version). */
  fixedVersion?: string;
  /** The distro data consulted for this package, even when it had no entry for the CVE. */
  dataset?: DistroDataset;
}
