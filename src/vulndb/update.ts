import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { VerifiedDir } from "../core/dirfd.ts";
import { writeFileAtomic } from "../core/write-file.ts";
import { assembleVulnDb, serializeVulnDb } from "./assemble.ts";
import { type DownloadLimits, download, downloadTo, withArchive } from "./download.ts";
import { activeFeeds, FEEDS, type Feed, type FeedData, type FeedGet, feedOfSource } from "./feeds.ts";
import { RefusedDataError, readProblem, readVulnDb, vulnDbPath } from "./load.ts";
import type { ApacheRecord } from "./sources/apache-cve-json.ts";
import { SourceError } from "./sources/common.ts";
import { joinDistroFeed, orderForKey } from "./sources/distro-feeds.ts";
import { type DistroIndex, factsFor, mergeIndex, setOpen } from "./sources/distro-index.ts";
import type { KevCatalog } from "./sources/kev.ts";
import type { CveRecord, VulnDb, VulnDbMeta } from "./types.ts";

export { APACHE_SOURCE, parseApacheFeed, SANITY, TRACKER_MEMBER_LIMIT } from "./feeds.ts";

/** Feed id (a one-part feed) or "id/file" -> URL. Anything not named keeps the feed's official URL. */
export type FeedUrls = Record<string, string>;

export interface UpdateOptions {
  dataDir: string;
  /** Overrides of the official URLs (config file, env, flags; resolved by the caller). */
  urls?: FeedUrls;
  /** Air-gapped: read every part from DIR/<feed id>/<file> (as `mamori db fetch --to DIR` leaves them). */
  from?: string;
  now: Date;
  timeoutMs?: number;
  onFetch?: (source: string, url: string) => void;
  /** The feed list (tests); default FEEDS. */
  feeds?: readonly Feed[];
}

/** Where each part of a feed comes from: --from DIR, then the configured URL, then the official one. */
export function partUrls(feed: Feed, urls: FeedUrls = {}, from?: string): Record<string, string> {
  const files = Object.keys(feed.parts);
  const out: Record<string, string> = {};
  for (const file of files) {
    out[file] = from
      ? pathToFileURL(path.join(path.resolve(from), feed.id, file)).href
      : (urls[`${feed.id}/${file}`] ??
        (files.length === 1 ? urls[feed.id] : undefined) ??
        (feed.parts[file] as string));
  }
  return out;
}

function limitsOf(feed: Feed, timeoutMs: number | undefined): DownloadLimits {
  return { timeoutMs: timeoutMs ?? 120_000, maxBytes: feed.maxBytes, types: feed.types };
}

/** The read steps' view of one feed's parts, wherever they come from. */
function feedGet(
  feed: Feed,
  urls: Record<string, string>,
  opts: UpdateOptions,
  signal: AbortSignal,
): FeedGet {
  const url = (file: string): string => {
    const u = urls[file];
    if (!u) throw new SourceError(feed.name, "vulndb.fail.noPart", { file });
    opts.onFetch?.(feed.name, u);
    return u;
  };
  const limits = limitsOf(feed, opts.timeoutMs);
  return {
    whole: (file) => download(feed.name, url(file), limits, signal),
    stream: (file, sink) => downloadTo(feed.name, url(file), limits, sink, signal),
    archive: (file, use) => withArchive(feed.name, url(file), limits, use, signal),
  };
}

interface Fetched {
  feed: Feed;
  urls: Record<string, string>;
  data: FeedData;
}

/** Runs every active feed's read step; the first failure cancels the rest (the update is lost anyway). */
async function fetchAll(opts: UpdateOptions): Promise<Fetched[]> {
  const cancel = new AbortController();
  const fetched = await Promise.all(
    activeFeeds(opts.feeds ?? FEEDS).map(async (feed): Promise<Fetched> => {
      const urls = partUrls(feed, opts.urls, opts.from);
      try {
        const data = await (feed.read as NonNullable<Feed["read"]>)(feedGet(feed, urls, opts, cancel.signal));
        return { feed, urls, data };
      } catch (err) {
        cancel.abort();
        if (err instanceof SourceError) throw err;
        // A read step's own bug or an unexpected shape is still one line naming the feed.
        throw new SourceError(feed.name, "vulndb.fail.parse", {
          reason: err instanceof Error ? err.message : String(err),
        });
      }
    }),
  );
  for (const { feed, data } of fetched) feed.check?.(data);
  return fetched;
}

/**
 * Reads every feed of the list (FEEDS), builds a new snapshot with the same joins as the shipped one
 * and replaces vulndb.json in one rename. Any failure throws a SourceError before the old file is touched:
 * a failed, partial or hostile feed never replaces working data.
 */
export async function updateVulnDb(opts: UpdateOptions): Promise<VulnDb> {
  const file = vulnDbPath(opts.dataDir);
  // A data directory another user can change is refused before anything is fetched: the data written
  // there could be swapped for theirs, and every audit refuses to read it anyway.
  const refused = readVulnDb(file);
  if (!refused.ok && refused.reason === "untrusted") throw new RefusedDataError(readProblem(file, refused));
  const fetched = await fetchAll(opts);
  const previous = readVulnDb(file);
  const db = buildFromFeeds(fetched, previous.ok ? previous.value : undefined, opts.now);
  writeAtomic(file, serializeVulnDb(db));
  return db;
}

function buildFromFeeds(fetched: Fetched[], old: VulnDb | undefined, now: Date): VulnDb {
  const upstream: ApacheRecord[] = [];
  // KEV not read this time (`--feed` without it): the old data's KEV entries stay joined.
  let kev: KevCatalog = {
    catalogVersion: old?.meta.kev?.catalogVersion ?? "unknown",
    count: old?.meta.kev?.count ?? 0,
    byCve: new Map((old?.cves ?? []).flatMap((c) => (c.kev ? [[c.id, c.kev] as const] : []))),
  };
  for (const { data } of fetched) {
    if (data.kind === "upstream") upstream.push(...data.records);
    else if (data.kind === "kev") kev = data.catalog;
  }
  const upstreamIds = new Set(upstream.map((r) => r.id));
  // Apache's JSON lags its announcements (and other feeds fill gaps): a CVE the old data had and the
  // new feed lacks stays until the feed has it. A CVE never leaves Apache's list once published.
  const kept = (old?.cves ?? []).filter((c) => !upstreamIds.has(c.id));
  const allIds = new Set([...upstreamIds, ...kept.map((c) => c.id)]);

  const fetchedAt = now.toISOString();
  const distro: DistroIndex = new Map();
  // The release keys ("ubuntu:…") a refreshed feed now speaks for: the old data under them is replaced.
  const covered = new Set<string>();
  const sources: VulnDbMeta["sources"] = [];
  for (const { feed, urls, data } of fetched) {
    const url = Object.values(urls).join(" ");
    if (data.kind !== "distro") {
      sources.push({
        name: feed.name,
        feed: feed.id,
        url,
        fetchedAt,
        records: data.kind === "upstream" ? data.records.length : data.catalog.count,
      });
      continue;
    }
    // The same join as the shipped snapshot (snapshot.ts): later fixes win per release, open yields to fixed.
    const source = joinDistroFeed(
      distro,
      data.index,
      { feed: feed.id, name: feed.name, url, fetchedAt, distros: feed.distros ?? [] },
      allIds,
    );
    sources.push(data.count === undefined ? source : { ...source, records: data.count });
    for (const d of keyDistros(feed, data.index)) covered.add(d);
  }
  // Distro data no feed refreshed this time (a feed that is not read, or not in this run) is carried over.
  for (const c of old?.cves ?? []) carryDistro(distro, c, covered);

  const fetchedIds = new Set(fetched.map((f) => f.feed.id));
  for (const s of old?.meta.sources ?? []) {
    const id = feedOfSource(s);
    if (id && fetchedIds.has(id)) continue;
    const records = id ? s.records : keptCount(s, kept);
    if (records > 0) sources.push({ ...s, records, kept: true });
  }
  return assembleVulnDb({
    apache: upstream,
    supplementary: kept.map(toApacheRecord),
    kev,
    distro,
    extraAdvisories: new Map(
      (old?.cves ?? []).map((c) => [
        c.id,
        { advisories: c.advisories, distroFirstAdvisory: c.distroFirstAdvisory },
      ]),
    ),
    meta: { builtAt: fetchedAt, sources, kev: { catalogVersion: kev.catalogVersion, count: kev.count } },
  });
}

/**
 * The key prefixes a refreshed feed replaces: its own distro (the first it names; AlmaLinux's feed
 * stands in for RHEL but writes "almalinux:" keys) and whatever its records keyed.
 */
function keyDistros(feed: Feed, index: DistroIndex): Set<string> {
  const out = new Set<string>(feed.distros?.slice(0, 1) ?? []);
  for (const f of index.values())
    for (const key of [...f.fixed.keys(), ...f.open]) out.add(key.split(":")[0] ?? "");
  return out;
}

/** Records an old supplementary source (Bitnami's OSV, Apache's announcements) still contributes. */
function keptCount(s: { name: string }, kept: CveRecord[]): number {
  const bitnami = /Bitnami|OSV/i.test(s.name);
  return kept.filter((c) => (c.source === "osv-bitnami") === bitnami).length;
}

/** Old distro data under release keys no refreshed feed speaks for, through the same join as fresh data. */
function carryDistro(into: DistroIndex, c: CveRecord, covered: Set<string>): void {
  const stale = (key: string) => !covered.has(key.split(":")[0] ?? "");
  const old: DistroIndex = new Map();
  for (const [key, version] of Object.entries(c.distroFixed))
    if (stale(key)) factsFor(old, c.id).fixed.set(key, version);
  for (const key of c.distroOpen ?? []) if (stale(key)) setOpen(factsFor(old, c.id), key);
  mergeIndex(into, old, orderForKey);
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

export interface FetchResult {
  feed: Feed;
  file: string;
  url: string;
  bytes: number;
}

/**
 * `mamori db fetch --to DIR`: every part of the chosen feeds (placeholders too), saved as
 * DIR/<id>/<file> for a machine without network (`db update --from DIR`). One part at a time, streamed
 * to a temporary file and renamed into place: a failed part leaves no half file, and memory stays small.
 */
export async function fetchFeeds(opts: {
  to: string;
  urls?: FeedUrls;
  feeds?: readonly Feed[];
  timeoutMs?: number;
  onFetch?: (source: string, url: string) => void;
}): Promise<FetchResult[]> {
  const out: FetchResult[] = [];
  for (const feed of opts.feeds ?? FEEDS) {
    for (const [file, url] of Object.entries(partUrls(feed, opts.urls))) {
      opts.onFetch?.(feed.name, url);
      const dir = VerifiedDir.open(path.join(path.resolve(opts.to), feed.id), {
        create: true,
        mode: 0o755,
      });
      const tmp = `.${file}.${randomBytes(8).toString("hex")}.tmp`;
      try {
        const fd = dir.createExclusive(tmp, 0o644);
        let bytes = 0;
        try {
          bytes = await downloadTo(feed.name, url, limitsOf(feed, opts.timeoutMs), (chunk) => {
            fs.writeSync(fd, chunk);
            return undefined;
          });
          fs.fsyncSync(fd);
        } catch (err) {
          fs.closeSync(fd);
          dir.unlink(tmp);
          throw err;
        }
        fs.closeSync(fd);
        dir.rename(tmp, file);
        out.push({ feed, file: path.join(dir.path, file), url, bytes });
      } finally {
        dir.close();
      }
    }
  }
  return out;
}
