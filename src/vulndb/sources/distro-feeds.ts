/**
 * The registry of distro security feeds: every feed mamori can build distro data from, with how its files
 * are read. `mamori db update` and scripts/build-vulndb.ts iterate DISTRO_FEEDS; a new distro adds one
 * entry here (and its release rules in src/vulndb/distros/).
 *
 * parse() takes the feed's files already read (a download, a directory given with --from, or the mirror in
 * ../shared/vulndata/distro/<mirror>), never a path: the caller owns I/O and its limits.
 */

import type { VulnDbMeta } from "../types.ts";
import { comparatorFor } from "../versions.ts";
import { ALPINE_SOURCE, parseAlpineSecdb, secdbYamlToJson } from "./alpine-secdb.ts";
import { SourceError } from "./common.ts";
import { DEBIAN_SOURCE, parseDebianTracker } from "./debian.ts";
import { type DistroIndex, mergeIndex } from "./distro-index.ts";
import { parseDistroOsvRecord } from "./osv.ts";

export interface FeedFile {
  /** Path inside the feed ("usn/USN-5090-1.json", "v3.20/main.json"). */
  name: string;
  text: string;
}

export interface FeedResult {
  index: DistroIndex;
  /** Files that gave data, and files skipped because they could not be read (malformed, hostile). */
  parsed: number;
  skipped: Array<{ name: string; reason: string }>;
}

export interface DistroFeed {
  /** Stable id ("ubuntu-osv"), for `db status` and configuration. */
  id: string;
  /** How meta.sources names it. */
  name: string;
  /** The official feed (an OSV zip, a JSON file or a directory of them). */
  url: string;
  /** The distro module ids whose releases this feed judges (src/vulndb/distros/). */
  distros: string[];
  /** The folder under ../shared/vulndata/distro/ that mirrors it, when there is one. */
  mirror?: string;
  /** Whether a file of a download or directory belongs to the feed. */
  accepts(name: string): boolean;
  /** Throws SourceError when nothing usable came out; skips single bad files. */
  parse(files: FeedFile[]): FeedResult;
}

/** Keys are "<distro>:<release>[/<module>]": the distro decides the version order. */
export function orderForKey(key: string): (a: string, b: string) => number {
  const distro = key.split(":")[0] ?? "";
  if (distro === "debian" || distro === "ubuntu") return comparatorFor("dpkg");
  if (distro === "alpine") return comparatorFor("apk");
  return comparatorFor("rpm");
}

/** Reads each file with `one`; a file that throws is skipped and named, so one bad record costs only itself. */
function eachFile(
  source: string,
  files: FeedFile[],
  one: (raw: unknown, index: DistroIndex, file: FeedFile) => void,
  decode: (f: FeedFile) => unknown = (f) => JSON.parse(f.text),
): FeedResult {
  const index: DistroIndex = new Map();
  const skipped: FeedResult["skipped"] = [];
  let parsed = 0;
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    try {
      const part: DistroIndex = new Map();
      one(decode(f), part, f);
      mergeIndex(index, part, orderForKey);
      parsed++;
    } catch (err) {
      skipped.push({
        name: f.name,
        reason: err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err),
      });
    }
  }
  if (parsed === 0 && files.length > 0)
    throw new SourceError(source, "vulndb.fail.badRecords", { failed: skipped.length, total: files.length });
  return { index, parsed, skipped };
}

function osvFeed(id: string, name: string, url: string, distros: string[], mirror?: string): DistroFeed {
  return {
    id,
    name,
    url,
    distros,
    mirror,
    accepts: (file) => file.endsWith(".json") && !file.split("/").some((p) => p.startsWith(".")),
    parse: (files) => eachFile(name, files, (raw, index) => parseDistroOsvRecord(raw, index)),
  };
}

export const DISTRO_FEEDS: readonly DistroFeed[] = [
  osvFeed(
    "ubuntu-osv",
    "Ubuntu security notices, OSV (USN and UBUNTU-CVE records)",
    "https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip",
    ["ubuntu"],
    "ubuntu-osv",
  ),
  osvFeed(
    "almalinux-osv",
    "AlmaLinux errata, OSV (ALSA records; stand-in for RHEL and CentOS)",
    "https://osv-vulnerabilities.storage.googleapis.com/AlmaLinux/all.zip",
    ["almalinux", "rhel", "centos"],
    "almalinux-osv",
  ),
  osvFeed(
    "rocky-osv",
    "Rocky Linux errata, OSV (RLSA records; stand-in for RHEL and CentOS)",
    "https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip",
    ["rocky", "rhel", "centos"],
  ),
  osvFeed(
    "redhat-osv",
    "Red Hat security data, OSV (RHSA records)",
    "https://osv-vulnerabilities.storage.googleapis.com/Red%20Hat/all.zip",
    ["rhel", "centos"],
  ),
  osvFeed(
    "suse-osv",
    "SUSE security data, OSV",
    "https://osv-vulnerabilities.storage.googleapis.com/SUSE/all.zip",
    ["sles", "opensuse-leap"],
  ),
  osvFeed(
    "debian-osv",
    "Debian security advisories, OSV (DSA and DLA records)",
    "https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip",
    ["debian"],
  ),
  {
    id: "alpine-secdb",
    name: ALPINE_SOURCE,
    url: "https://secdb.alpinelinux.org/",
    distros: ["alpine"],
    mirror: "alpine-secdb",
    accepts: (file) => /(^|\/)main\.json$/.test(file) || file.endsWith(".yaml"),
    parse: (files) => {
      // A .yaml file may hold several branches (the mirror); a main.json holds one.
      const expanded = files.flatMap((f) =>
        f.name.endsWith(".yaml")
          ? secdbYamlToJson(f.text).map((b, i) => ({ name: `${f.name}#${i}`, text: JSON.stringify(b) }))
          : [f],
      );
      return eachFile(ALPINE_SOURCE, expanded, (raw, index) => parseAlpineSecdb(raw, "apache2", index));
    },
  },
  {
    id: "debian-tracker",
    name: DEBIAN_SOURCE,
    url: "https://security-tracker.debian.org/tracker/data/json",
    distros: ["debian"],
    accepts: (file) => file.endsWith(".json"),
    parse: (files) =>
      eachFile(DEBIAN_SOURCE, files, (raw, index) => mergeIndex(index, parseDebianTracker(raw), orderForKey)),
  },
];

/**
 * Whether a record may be about the web server's packages (apache2*, httpd*, mod_*), judged on the text
 * before it is parsed: an OSV archive holds every package of the distro, and only these few are read.
 * parseDistroOsvRecord decides; this only keeps the other thousands from being parsed at all.
 */
export function mayConcernServer(text: string): boolean {
  return /"name"\s*:\s*"(?:apache2|httpd|mod_)/.test(text);
}

/**
 * Adds one distro feed's index to the snapshot's and describes it as a meta.sources entry. The shipped
 * snapshot (snapshot.ts) and `mamori db update` both join distro data here, so they cannot drift apart.
 */
export function joinDistroFeed(
  into: DistroIndex,
  index: DistroIndex,
  source: { feed: string; name: string; url: string; fetchedAt: string; distros: readonly string[] },
  cveIds: ReadonlySet<string>,
): VulnDbMeta["sources"][number] {
  mergeIndex(into, index, orderForKey);
  return {
    name: source.name,
    url: source.url,
    fetchedAt: source.fetchedAt,
    records: distroEntries(index, cveIds),
    feed: source.feed,
    distros: [...source.distros],
  };
}

/** (CVE, release) entries of an index, fixed or open, for CVEs the snapshot has. */
export function distroEntries(index: DistroIndex, ids: ReadonlySet<string>): number {
  return [...index].filter(([id]) => ids.has(id)).reduce((n, [, f]) => n + f.fixed.size + f.open.size, 0);
}

export function distroFeed(id: string): DistroFeed | undefined {
  return DISTRO_FEEDS.find((f) => f.id === id);
}
