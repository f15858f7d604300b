import { parseJsonBody } from "./download.ts";
import { type ApacheRecord, parseApacheRecord } from "./sources/apache-cve-json.ts";
import { SourceError } from "./sources/common.ts";
import { DEBIAN_SOURCE, type DistroIndex, parseDebianTracker } from "./sources/debian.ts";
import { type DistroFeed, distroFeed, type FeedFile, mayConcernServer } from "./sources/distro-feeds.ts";
import { MemberStream } from "./sources/json-member-stream.ts";
import { KEV_SOURCE, type KevCatalog, parseKev } from "./sources/kev.ts";
import { type RandomAccess, readZip, ZipError, type ZipLimits } from "./zip.ts";

/**
 * Every feed `mamori db update` knows, in one list. A feed is an id, its official URL(s) and a read step
 * that turns the downloaded bytes into one kind of data. A source module plugs in with one entry here;
 * update, fetch, --from DIR, the URL configuration and `db status` all follow this list.
 */

export const APACHE_SOURCE = "Apache HTTP Server security data";

/** What one feed contributes to the snapshot. */
export type FeedData =
  | { kind: "upstream"; records: ApacheRecord[] }
  | { kind: "kev"; catalog: KevCatalog }
  /**
   * Fixed versions per "<distro>:<release>" key; `count` is what `db status` reports as its records,
   * `records` how many of the feed's records (advisories, branch files) gave data.
   */
  | { kind: "distro"; index: DistroIndex; count?: number; records?: number };

/** How a read step gets its bytes: from HTTP(S), a file:// URL or a --from directory, all within the feed's limit. */
export interface FeedGet {
  /** The whole body of one part (by its file name). */
  whole(file: string): Promise<Buffer>;
  /** One part chunk by chunk; a sink that returns false has seen enough (see downloadTo). */
  stream(file: string, sink: (chunk: Uint8Array) => boolean | undefined): Promise<number>;
  /** One part read by position (a zip archive): kept on disk, not in memory, while `use` runs. */
  archive<T>(file: string, use: (archive: RandomAccess) => T): Promise<T>;
}

export interface Feed {
  /** Config key, `--feed-url ID=URL` and the folder name under `--from DIR` / `db fetch --to DIR`. */
  id: string;
  /** Source name in messages and in the snapshot's meta. */
  name: string;
  /** File name (as saved under DIR/<id>/) -> official URL. */
  parts: Readonly<Record<string, string>>;
  /** Bytes accepted per part: bounds the memory and disk a broken or hostile server can make it take. */
  maxBytes: number;
  /** Content types a server may label the body with; anything else (an HTML error page) is refused. */
  types: readonly string[];
  /** os-release IDs whose packages this feed judges; absent: every host (upstream data, KEV). */
  distros?: readonly string[];
  /** Environment variable for a one-part feed's URL (older installs set these). */
  env?: string;
  /**
   * Absent: a placeholder whose URLs can be configured (and fetched with `db fetch`) but that
   * `db update` does not read yet.
   */
  read?(get: FeedGet): Promise<FeedData>;
  /**
   * Sanity of what was read (too few records means a broken feed), run once every feed has been read:
   * a feed that failed to download is reported as that, not as another feed's odd content.
   */
  check?(data: FeedData): void;
}

const MiB = 1024 * 1024;

/** Below these a feed is considered broken, not just small: today Apache has ~270 records and KEV ~1400. */
export const SANITY = { apacheRecords: 200, kevEntries: 1000, debianCves: 50, maxUnparsedShare: 0.1 };

/** Only the tracker's apache2 member is kept while the ~70 MB JSON streams through. */
export const TRACKER_MEMBER_LIMIT = 32 * MiB;

const JSON_TYPES = ["application/json", "text/json", "text/plain", "application/octet-stream"];
const ZIP_TYPES = ["application/zip", "application/x-zip-compressed", "application/octet-stream"];

const apache: Feed = {
  id: "apache",
  name: APACHE_SOURCE,
  parts: { "vulnerabilities-httpd.json": "https://httpd.apache.org/security/vulnerabilities-httpd.json" },
  maxBytes: 32 * MiB,
  types: JSON_TYPES,
  env: "MAMORI_APACHE_URL",
  async read(get) {
    const raw = parseJsonBody(APACHE_SOURCE, await get.whole("vulnerabilities-httpd.json"));
    return { kind: "upstream", records: parseApacheFeed(raw) };
  },
};

const kev: Feed = {
  id: "kev",
  name: KEV_SOURCE,
  parts: {
    "known_exploited_vulnerabilities.json":
      "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
  },
  maxBytes: 32 * MiB,
  types: JSON_TYPES,
  env: "MAMORI_KEV_URL",
  async read(get) {
    const catalog = parseKev(
      parseJsonBody(KEV_SOURCE, await get.whole("known_exploited_vulnerabilities.json")),
    );
    return { kind: "kev", catalog };
  },
  check(data) {
    const count = data.kind === "kev" ? data.catalog.count : 0;
    if (count <= SANITY.kevEntries)
      throw new SourceError(KEV_SOURCE, "vulndb.fail.fewKev", { count, min: SANITY.kevEntries });
  },
};

const debian: Feed = {
  id: "debian",
  name: DEBIAN_SOURCE,
  parts: { "tracker.json": "https://security-tracker.debian.org/tracker/data/json" },
  // The whole tracker streams through; only its apache2 member (well under 1 MB) is kept.
  maxBytes: 512 * MiB,
  types: JSON_TYPES,
  distros: ["debian", "raspbian"],
  env: "MAMORI_DEBIAN_URL",
  async read(get) {
    const member = new MemberStream("apache2", TRACKER_MEMBER_LIMIT);
    await get.stream("tracker.json", (chunk) => member.push(chunk));
    const result = member.end();
    if (!result.ok) throw new SourceError(DEBIAN_SOURCE, "vulndb.fail.notJson", { reason: result.error });
    const raw =
      result.value === undefined ? {} : { apache2: parseJsonBody(DEBIAN_SOURCE, Buffer.from(result.value)) };
    return { kind: "distro", index: parseDebianTracker(raw) };
  },
  check(data) {
    const count = data.kind === "distro" ? data.index.size : 0;
    if (count < SANITY.debianCves)
      throw new SourceError(DEBIAN_SOURCE, "vulndb.fail.fewDebian", { count, min: SANITY.debianCves });
  },
};

/** Below this many records an official distro feed is broken, not small: each has dozens for its server. */
export const MIN_DISTRO_RECORDS: Record<string, number> = {
  "ubuntu-osv": 10,
  "almalinux-osv": 10,
  "rocky-osv": 10,
  "alpine-secdb": 1,
};

/**
 * An OSV ecosystem's `all.zip`: every record of the distro, of which only the web server's are parsed
 * (the others are inflated one at a time and dropped). The limits bound what a hostile archive can cost:
 * `zip.maxEntries` well above the real count (tens of thousands for Ubuntu, a few thousand for EL
 * rebuilds), one record at most `maxEntryBytes`, all of them at most `maxTotalBytes` once inflated.
 */
function osvZipFeed(id: string, maxBytes: number, zip: ZipLimits): Feed {
  const df = distroFeed(id) as DistroFeed;
  return {
    id,
    name: df.name,
    parts: { "all.zip": df.url },
    maxBytes,
    types: ZIP_TYPES,
    distros: df.distros,
    async read(get) {
      const files: FeedFile[] = [];
      await get.archive("all.zip", (archive) => {
        try {
          readZip(archive, zip, df.accepts, (name, data) => {
            const text = data.toString("utf8");
            if (mayConcernServer(text)) files.push({ name, text });
          });
        } catch (err) {
          if (err instanceof ZipError)
            throw new SourceError(df.name, "vulndb.fail.zip", { reason: err.message });
          throw err;
        }
      });
      const result = df.parse(files);
      return { kind: "distro", index: result.index, records: result.parsed };
    },
    check: (data) => checkDistro(df.name, id, data),
  };
}

function checkDistro(name: string, id: string, data: FeedData): void {
  const count = data.kind === "distro" ? (data.records ?? data.index.size) : 0;
  const min = MIN_DISTRO_RECORDS[id] ?? 1;
  if (count < min) throw new SourceError(name, "vulndb.fail.fewDistro", { count, min });
}

const ubuntuOsv = osvZipFeed("ubuntu-osv", 1024 * MiB, {
  maxEntries: 300_000,
  maxEntryBytes: 32 * MiB,
  maxTotalBytes: 16 * 1024 * MiB,
});

// AlmaLinux's errata stand in for RHEL's (and CentOS's) where Red Hat's own data is not read.
const almaOsv = osvZipFeed("almalinux-osv", 512 * MiB, {
  maxEntries: 50_000,
  maxEntryBytes: 32 * MiB,
  maxTotalBytes: 4 * 1024 * MiB,
});

const rockyOsv = osvZipFeed("rocky-osv", 512 * MiB, {
  maxEntries: 50_000,
  maxEntryBytes: 32 * MiB,
  maxTotalBytes: 4 * 1024 * MiB,
});

/** Alpine's secdb is one JSON per branch and repository; apache2 lives in main. */
export const ALPINE_BRANCHES = ["v3.20", "v3.21", "v3.22", "v3.23"] as const;

const alpineDistro = distroFeed("alpine-secdb") as DistroFeed;

const alpineSecdb: Feed = {
  id: "alpine-secdb",
  name: alpineDistro.name,
  parts: Object.fromEntries(
    ALPINE_BRANCHES.map((b) => [`${b}-main.json`, `https://secdb.alpinelinux.org/${b}/main.json`]),
  ),
  maxBytes: 64 * MiB,
  types: JSON_TYPES,
  distros: alpineDistro.distros,
  async read(get) {
    const files: FeedFile[] = [];
    for (const b of ALPINE_BRANCHES) {
      const body = await get.whole(`${b}-main.json`).catch((e: unknown) => {
        // The newest branch is listed before Alpine publishes it: a 404 there leaves that branch out.
        // Any other failure, or a missing older branch, still fails the feed.
        if (b !== ALPINE_BRANCHES.at(-1) || files.length === 0 || !isNotFound(e)) throw e;
        return undefined;
      });
      if (!body) continue;
      // Checked as JSON here, so a broken branch file fails the update instead of being skipped.
      parseJsonBody(alpineDistro.name, body);
      files.push({ name: `${b}/main.json`, text: body.toString("utf8") });
    }
    const result = alpineDistro.parse(files);
    return { kind: "distro", index: result.index, records: result.index.size };
  },
  check: (data) => checkDistro(alpineDistro.name, "alpine-secdb", data),
};

function isNotFound(e: unknown): boolean {
  return e instanceof SourceError && e.key === "vulndb.fail.http" && /^404\b/.test(String(e.params.status));
}

/** The list. Order is the order of downloads and of `db status`. */
export const FEEDS: readonly Feed[] = [apache, kev, debian, ubuntuOsv, almaOsv, rockyOsv, alpineSecdb];

export function feedById(id: string): Feed | undefined {
  return FEEDS.find((f) => f.id === id);
}

/** The feeds `db update` reads (a placeholder without a read step would be skipped). */
export function activeFeeds(feeds: readonly Feed[] = FEEDS): Feed[] {
  return feeds.filter((f) => f.read !== undefined);
}

/**
 * The feed a snapshot source entry came from: its `feed` id, or for snapshots written before sources
 * carried one, recognised by name. Undefined for supplementary data that is no feed (Bitnami, announcements).
 */
export function feedOfSource(s: { name: string; feed?: string }): string | undefined {
  if (s.feed) return s.feed;
  if (/Bitnami|announce|oss-security/i.test(s.name)) return undefined;
  if (/Debian/i.test(s.name)) return "debian";
  if (/Known Exploited|KEV/i.test(s.name)) return "kev";
  if (/Apache HTTP Server/i.test(s.name)) return "apache";
  return undefined;
}

/** Apache's consolidated feed: a JSON array of CVE JSON records, in any of the formats Apache has used. */
export function parseApacheFeed(raw: unknown): ApacheRecord[] {
  if (!Array.isArray(raw)) throw new SourceError(APACHE_SOURCE, "vulndb.fail.notArray");
  const records: ApacheRecord[] = [];
  let failed = 0;
  for (const item of raw) {
    try {
      records.push(parseApacheRecord(item));
    } catch {
      failed++;
    }
  }
  if (records.length < SANITY.apacheRecords)
    throw new SourceError(APACHE_SOURCE, "vulndb.fail.fewApache", {
      count: records.length,
      min: SANITY.apacheRecords,
    });
  if (failed > raw.length * SANITY.maxUnparsedShare)
    throw new SourceError(APACHE_SOURCE, "vulndb.fail.badRecords", { failed, total: raw.length });
  return records;
}
