import * as fs from "node:fs";
import * as path from "node:path";
import { assembleVulnDb } from "./assemble.ts";
import { readApacheUpdatesDir } from "./sources/apache-announce.ts";
import { type ApacheRecord, parseApacheRecord } from "./sources/apache-cve-json.ts";
import { parseDebianAdvisoryList } from "./sources/debian.ts";
import {
  DISTRO_FEEDS,
  type DistroFeed,
  distroEntries,
  type FeedFile,
  joinDistroFeed,
} from "./sources/distro-feeds.ts";
import { KEV_SOURCE, parseKev } from "./sources/kev.ts";
import { parseOsvRecord } from "./sources/osv.ts";
import type { VulnDb } from "./types.ts";

/** Under the vulndata folder: Apache's records after its JSON snapshot (see its SOURCES.md). */
export const UPSTREAM_LATE_DIR = "upstream-2026-late";

/**
 * Builds mamori's snapshot from the mirrored source files in ../shared/vulndata (see its SOURCES.md).
 * The dates are those of the mirrored commits, so the same files always give the same snapshot.
 */
export function buildSnapshot(vulndataDir: string): VulnDb {
  const readJson = (p: string): unknown => JSON.parse(fs.readFileSync(path.join(vulndataDir, p), "utf8"));
  const jsonFiles = (dir: string) =>
    fs
      .readdirSync(path.join(vulndataDir, dir))
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => path.join(dir, f));

  const json = jsonFiles("httpd-json").map((f) => parseOrThrow(f, () => parseApacheRecord(readJson(f))));
  // Apache's announcements of releases after its JSON snapshot (2.4.69 and on): Apache's own words.
  const late = readApacheUpdatesDir(path.join(vulndataDir, UPSTREAM_LATE_DIR));
  const lateIds = new Set(late.records.map((r) => r.id));
  const apache = [...json.filter((r) => !lateIds.has(r.id)), ...late.records];
  const known = new Set(apache.map((r) => r.id));
  const newer = jsonFiles("osv-bitnami-apache")
    .map((f) => parseOrThrow(f, () => parseOsvRecord(readJson(f))))
    .filter((r) => !known.has(r.id));

  const kevRaw = readJson("kev/cisagov-kev-data_known_exploited_vulnerabilities.json");
  const kev = parseKev(kevRaw);
  const kevReleased = (kevRaw as { dateReleased?: string }).dateReleased ?? "2025-08-25";

  const distro = parseDebianAdvisoryList(
    fs.readFileSync(path.join(vulndataDir, "distro/debian-DSA-apache2.txt"), "utf8"),
  );
  parseDebianAdvisoryList(
    fs.readFileSync(path.join(vulndataDir, "distro/debian-DLA-apache2.txt"), "utf8"),
    "apache2",
    distro,
  );
  const apacheIds = new Set([...known, ...newer.map((r) => r.id)]);
  const debianEntries = distroEntries(distro, apacheIds);

  // Every registered feed whose mirror is in ../shared/vulndata/distro joins the Debian lists.
  const feeds = DISTRO_FEEDS.filter(
    (f) => f.mirror && fs.existsSync(path.join(vulndataDir, "distro", f.mirror)),
  );
  const feedSources = feeds.map((feed) => {
    const index = feed.parse(mirrorFiles(path.join(vulndataDir, "distro", feed.mirror as string), feed));
    const mirror = MIRRORS[feed.id];
    return joinDistroFeed(
      distro,
      index.index,
      {
        feed: feed.id,
        name: `${feed.name}${mirror ? ` (${mirror.note})` : ""}`,
        url: feed.url,
        fetchedAt: mirror?.fetchedAt ?? "1970-01-01T00:00:00.000Z",
        distros: feed.distros,
      },
      apacheIds,
    );
  });

  const sources = [
    {
      name: "Apache HTTP Server security team, per-CVE JSON (mirror github.com/apache/httpd-site@616933111cbf)",
      feed: "apache",
      url: "https://httpd.apache.org/security/json/",
      fetchedAt: "2026-05-01T00:00:00.000Z",
      records: json.length - [...lateIds].filter((id) => json.some((r) => r.id === id)).length,
    },
    {
      name: "Apache HTTP Server security team, announcements on oss-security and cvelistV5 records, for releases after Apache's JSON",
      url: "https://www.openwall.com/lists/oss-security/",
      fetchedAt: `${late.newest ?? "2026-10-01"}T00:00:00.000Z`,
      records: late.records.length,
    },
    {
      name: "Bitnami vulndb, OSV package apache, for CVEs newer than Apache's JSON (@0054d6e3)",
      url: "https://github.com/bitnami/vulndb/tree/main/data/apache",
      fetchedAt: "2026-08-05T00:00:00.000Z",
      records: newer.length,
    },
    {
      name: `${KEV_SOURCE} (mirror github.com/cisagov/kev-data@eacf03ec)`,
      feed: "kev",
      url: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
      fetchedAt: new Date(kevReleased).toISOString(),
      records: kev.count,
    },
    {
      name: "Debian security tracker, DSA and DLA lists for apache2 (mirror github.com/CVEDB/security-tracker@32127b7f)",
      feed: "debian",
      url: "https://salsa.debian.org/security-tracker-team/security-tracker/-/tree/master/data",
      fetchedAt: "2023-04-02T00:00:00.000Z",
      records: debianEntries,
      distros: ["debian"],
    },
    ...feedSources,
  ];
  // A snapshot is as new as its newest source; the oldest one decides how stale it is (see vulnDbAgeDays).
  const builtAt = sources
    .map((s) => s.fetchedAt)
    .sort()
    .at(-1) as string;
  return assembleVulnDb({
    apache,
    supplementary: newer,
    kev,
    distro,
    meta: { builtAt, sources, kev: { catalogVersion: kev.catalogVersion, count: kev.count } },
  });
}

function parseOrThrow(file: string, parse: () => ApacheRecord): ApacheRecord {
  try {
    return parse();
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The date of each mirror's data (see its SOURCES.md): the newest record in it, or the commit it was
 * copied from. It is the date the data is as new as, so `db status` ages it honestly.
 */
const MIRRORS: Record<string, { fetchedAt: string; note: string }> = {
  "ubuntu-osv": {
    fetchedAt: "2026-10-02T00:00:00.000Z",
    note: "16 apache2 USNs 2019-2026 and UBUNTU-CVE-2026-57941 from github.com/canonical/ubuntu-security-notices",
  },
  "almalinux-osv": {
    fetchedAt: "2026-08-21T00:00:00.000Z",
    note: "httpd-family advisories from github.com/AlmaLinux/osv-database@948f47aa",
  },
  "alpine-secdb": {
    fetchedAt: "2020-02-04T00:00:00.000Z",
    note: "apache2 entries of v3.3-v3.11 from github.com/alpinelinux/alpine-secdb@06f6e960",
  },
};

/** The feed's files in a mirror folder, by their path inside it (sorted, so the build is the same each time). */
function mirrorFiles(dir: string, feed: DistroFeed): FeedFile[] {
  const out: FeedFile[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(name);
      else if (e.isFile() && feed.accepts(name))
        out.push({ name, text: fs.readFileSync(path.join(dir, name), "utf8") });
    }
  };
  walk("");
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
