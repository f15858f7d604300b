import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/write-file.ts";
import { assembleVulnDb, serializeVulnDb } from "./assemble.ts";
import { type DownloadLimits, download, downloadTo, parseJsonBody } from "./download.ts";
import { readVulnDb, vulnDbPath } from "./load.ts";
import { type ApacheRecord, parseApacheRecord } from "./sources/apache-cve-json.ts";
import { SourceError } from "./sources/common.ts";
import { DEBIAN_SOURCE, parseDebianTracker } from "./sources/debian.ts";
import { MemberStream } from "./sources/json-member-stream.ts";
import { KEV_SOURCE, parseKev } from "./sources/kev.ts";
import type { CveRecord, VulnDb, VulnDbMeta } from "./types.ts";

export const APACHE_SOURCE = "Apache HTTP Server security data";

export interface FeedUrls {
  apache: string;
  kev: string;
  debian: string;
}

export const DEFAULT_FEED_URLS: FeedUrls = {
  apache: "https://httpd.apache.org/security/vulnerabilities-httpd.json",
  kev: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
  debian: "https://security-tracker.debian.org/tracker/data/json",
};

/** Environment variables that override the default URLs (flags override these). */
export const FEED_URL_ENV: Record<keyof FeedUrls, string> = {
  apache: "MAMORI_APACHE_URL",
  kev: "MAMORI_KEV_URL",
  debian: "MAMORI_DEBIAN_URL",
};

/** Below these a feed is considered broken, not just small: today Apache has ~270 records and KEV ~1400. */
export const SANITY = { apacheRecords: 200, kevEntries: 1000, debianCves: 50, maxUnparsedShare: 0.1 };

/**
 * Bytes accepted from each feed. Apache's and KEV's JSON (a few MB today) are held whole to be parsed;
 * the tracker JSON (every Debian package, ~70 MB today) streams through, and only its apache2
 * member (well under 1 MB today) is kept, up to TRACKER_MEMBER_LIMIT. So the memory a hostile or
 * broken server can make an update take is bounded by the first two limits, whatever it sends.
 */
export const SIZE_LIMITS: Record<keyof FeedUrls, number> = {
  apache: 32 * 1024 * 1024,
  kev: 32 * 1024 * 1024,
  debian: 512 * 1024 * 1024,
};

export const TRACKER_MEMBER_LIMIT = 32 * 1024 * 1024;

export interface UpdateOptions {
  dataDir: string;
  urls: FeedUrls;
  now: Date;
  timeoutMs?: number;
  onFetch?: (source: string, url: string) => void;
}

/**
 * Downloads all three feeds, builds a new snapshot with the same parsers as scripts/build-vulndb.ts and
 * replaces data/vulndb.json in one rename. Any failure throws a SourceError before the old file is touched.
 */
export async function updateVulnDb(opts: UpdateOptions): Promise<VulnDb> {
  const limits = (key: keyof FeedUrls): DownloadLimits => ({
    timeoutMs: opts.timeoutMs ?? 120_000,
    maxBytes: SIZE_LIMITS[key],
  });
  // When one feed fails the update is lost anyway: stop the other downloads instead of waiting for them.
  const cancel = new AbortController();
  const fetchJson = async (
    key: keyof FeedUrls,
    source: string,
    get: (source: string, url: string, limits: DownloadLimits, cancel: AbortSignal) => Promise<unknown>,
  ): Promise<unknown> => {
    opts.onFetch?.(source, opts.urls[key]);
    try {
      return await get(source, opts.urls[key], limits(key), cancel.signal);
    } catch (err) {
      cancel.abort();
      throw err;
    }
  };
  const whole = async (source: string, url: string, l: DownloadLimits, signal: AbortSignal) =>
    parseJsonBody(source, await download(source, url, l, signal));
  const [apacheRaw, kevRaw, debianRaw] = await Promise.all([
    fetchJson("apache", APACHE_SOURCE, whole),
    fetchJson("kev", KEV_SOURCE, whole),
    fetchJson("debian", DEBIAN_SOURCE, trackerApache2),
  ]);

  const apache = parseApacheFeed(apacheRaw);
  const kev = parseKev(kevRaw);
  if (kev.count <= SANITY.kevEntries)
    throw new SourceError(KEV_SOURCE, "vulndb.fail.fewKev", { count: kev.count, min: SANITY.kevEntries });
  const distro = parseDebianTracker(debianRaw);
  if (distro.size < SANITY.debianCves)
    throw new SourceError(DEBIAN_SOURCE, "vulndb.fail.fewDebian", {
      count: distro.size,
      min: SANITY.debianCves,
    });

  const file = vulnDbPath(opts.dataDir);
  const previous = readVulnDb(file);
  const old = previous.ok ? previous.value : undefined;
  const apacheIds = new Set(apache.map((r) => r.id));
  // CVEs that came from another feed stay until Apache's own data has them (its JSON can lag its releases).
  const kept = (old?.cves ?? []).filter((c) => c.source && c.source !== "apache" && !apacheIds.has(c.id));
  const keptSources = (old?.meta.sources ?? []).filter((s) => /OSV|Bitnami/i.test(s.name));
  const fetchedAt = opts.now.toISOString();
  const allIds = new Set([...apacheIds, ...kept.map((c) => c.id)]);
  const debianEntries = [...distro]
    .filter(([id]) => allIds.has(id))
    .reduce((n, [, f]) => n + f.fixed.size, 0);
  const meta: VulnDbMeta = {
    builtAt: fetchedAt,
    sources: [
      { name: APACHE_SOURCE, url: opts.urls.apache, fetchedAt, records: apache.length },
      ...(kept.length ? keptSources.map((s) => ({ ...s, records: kept.length, kept: true })) : []),
      { name: KEV_SOURCE, url: opts.urls.kev, fetchedAt, records: kev.count },
      { name: DEBIAN_SOURCE, url: opts.urls.debian, fetchedAt, records: debianEntries },
    ],
    kev: { catalogVersion: kev.catalogVersion, count: kev.count },
  };
  const db = assembleVulnDb({
    apache,
    supplementary: kept.map(toApacheRecord),
    kev,
    distro,
    extraAdvisories: new Map(
      (old?.cves ?? []).map((c) => [
        c.id,
        { advisories: c.advisories, distroFirstAdvisory: c.distroFirstAdvisory },
      ]),
    ),
    meta,
  });
  writeAtomic(file, serializeVulnDb(db));
  return db;
}

/**
 * Only the apache2 member of the tracker JSON is kept (as it streams in) and parsed into objects; the
 * rest is only checked for completeness.
 */
async function trackerApache2(
  source: string,
  url: string,
  limits: DownloadLimits,
  cancel: AbortSignal,
): Promise<unknown> {
  const member = new MemberStream("apache2", TRACKER_MEMBER_LIMIT);
  await downloadTo(source, url, limits, (chunk) => member.push(chunk), cancel);
  const result = member.end();
  if (!result.ok) throw new SourceError(source, "vulndb.fail.notJson", { reason: result.error });
  if (result.value === undefined) return {};
  return { apache2: parseJsonBody(source, Buffer.from(result.value)) };
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

function toApacheRecord(c: CveRecord): ApacheRecord {
  const { distroFixed: _d, kev: _k, advisories: _a, distroOpen: _o, distroFirstAdvisory: _f, ...rest } = c;
  return rest;
}

/**
 * Temp file in the same directory, then rename: readers see the old file or the new one, never half.
 * Through writeFileAtomic: no planted link in the data directory is followed, the temp name is unpredictable.
 */
function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, content, { mode: 0o644 });
}
