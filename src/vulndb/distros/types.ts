import type { PackageOwner } from "../types.ts";

/**
 * What the matcher needs to know about one distro's security data: how its packages name their
 * release (the "debian:bookworm" keys of CveRecord.distroFixed), when a release came out, whose data
 * stands in when its own is missing, and what a CVE missing from the data means.
 * Everything else (fixed versions, open CVEs, first advisories) is data in the snapshot.
 */
export interface DistroModule {
  /** os-release ID, and the prefix of the release keys in the snapshot ("debian"). */
  id: string;
  /** How sentences name it. */
  name: string;
  /** Other os-release IDs whose packages carry this distro's versions (Raspbian rebuilds Debian's). */
  aliases?: string[];
  /** The release part of the key for a package ("bookworm"); default: os-release's, lower case. */
  release?(owner: PackageOwner, osRelease: string | undefined): string | undefined;
  /** Release date (YYYY-MM-DD): a fix published before it shipped with the release. */
  releasedOn?(release: string): string | undefined;
  /**
   * Distros whose data judges this one's packages when its own is missing, best first: AlmaLinux and
   * Rocky rebuild RHEL's sources with the same version-release, so their errata stand for RHEL's.
   */
  standIns?: string[];
  /**
   * What it means when the data has no entry for a CVE the upstream version is in range of.
   * "upstream": the distro ships upstream's release as is (Alpine) or its data lists every CVE (Debian's
   * tracker), so the upstream version decides. "unknown": the data lists only fixes (USNs, errata) of a
   * distro that backports, so silence says nothing: lower confidence, never "act now" on it alone.
   */
  silence?: "upstream" | "unknown";
}
