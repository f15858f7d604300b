import type { PackageOwner } from "../types.ts";

/**
 * What the matcher needs to know about one distro's security data: how its packages name their
 * release (the "debian:bookworm" keys of CveRecord.distroFixed) and when a release came out.
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
}
