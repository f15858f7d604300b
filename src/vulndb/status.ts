import type { Translator } from "../i18n/index.ts";
import { activeFeeds, FEEDS, feedById, feedOfSource } from "./feeds.ts";
import { ageDays, type HostRelevance, STALE_AFTER_DAYS, sourceMatters, vulnDbAge } from "./load.ts";
import type { VulnDb } from "./types.ts";

type Source = VulnDb["meta"]["sources"][number];

/** What `mamori db status` reports, as data (the JSON format prints exactly this). */
export interface VulnDbStatus {
  dataDir: string;
  file: string;
  builtAt: string;
  /** Age of the oldest source that matters for this host (see HostRelevance). */
  ageDays: number;
  stale: boolean;
  /** The source that decides `ageDays` (and the staleness warning). */
  ageSource: string;
  /** The os-release IDs whose data was counted (undefined: the host was not known, every source counts). */
  hostDistros?: string[];
  cves: number;
  kevCves: number;
  kevCatalog?: { catalogVersion: string; count: number };
  debianEntries: number;
  sources: Array<Source & { ageDays: number; matters: boolean }>;
  /** Feeds whose URLs are configurable but that `db update` does not read yet. */
  plannedFeeds: string[];
  /**
   * The host's distros this data has nothing for (its packages are then judged upstream), each with the
   * feeds `db update` could fill it from (none: mamori reads no feed for that distro).
   */
  noDataFor: Array<{ distro: string; feeds: string[] }>;
}

export function vulnDbStatus(
  db: VulnDb,
  dataDir: string,
  file: string,
  now: Date,
  host?: HostRelevance,
): VulnDbStatus {
  const age = vulnDbAge(db, now, host);
  const active = new Set(activeFeeds().map((f) => f.id));
  return {
    dataDir,
    file,
    builtAt: db.meta.builtAt,
    ageDays: age.days,
    stale: age.days > STALE_AFTER_DAYS,
    ageSource: age.source,
    ...(host ? { hostDistros: [...host.distros] } : {}),
    cves: db.cves.length,
    kevCves: db.cves.filter((c) => c.kev).length,
    kevCatalog: db.meta.kev,
    debianEntries: db.cves.reduce(
      (n, c) => n + Object.keys(c.distroFixed).filter((k) => k.startsWith("debian:")).length,
      0,
    ),
    sources: db.meta.sources.map((s) => ({
      ...s,
      ...(s.feed ? {} : feedOfSource(s) ? { feed: feedOfSource(s) } : {}),
      ageDays: ageDays(Date.parse(s.fetchedAt), now),
      matters: sourceMatters(s, host),
    })),
    plannedFeeds: FEEDS.filter((f) => !active.has(f.id)).map((f) => f.id),
    noDataFor: (host?.distros ?? [])
      .filter((d) => !db.meta.sources.some((s) => s.records > 0 && distrosOf(s).includes(d)))
      .map((distro) => ({
        distro,
        feeds: activeFeeds()
          .filter((f) => f.distros?.includes(distro))
          .map((f) => f.id),
      })),
  };
}

/** The distros a source judges: as recorded, or for older snapshots, as its feed says. */
function distrosOf(s: Source): readonly string[] {
  if (s.distros) return s.distros;
  const id = feedOfSource(s);
  return (id ? feedById(id)?.distros : undefined) ?? [];
}

/** The status for people; source names and URLs come from the data file, so they are made printable. */
export function renderStatus(s: VulnDbStatus, t: Translator): string {
  const clean = (v: string) => v.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  const lines = [
    t("vulndb.status.title"),
    `  ${t("vulndb.status.dataDir")}: ${clean(s.dataDir)}`,
    `  ${t("vulndb.status.builtAt")}: ${s.builtAt}`,
    `  ${t("vulndb.status.age", { days: s.ageDays, source: clean(s.ageSource) })}`,
    `  ${t("vulndb.status.cves", { count: s.cves, kev: s.kevCves })}`,
  ];
  if (s.hostDistros)
    lines.push(
      `  ${t("vulndb.status.host", { distros: s.hostDistros.length ? clean(s.hostDistros.join(", ")) : "-" })}`,
    );
  if (s.kevCatalog)
    lines.push(
      `  ${t("vulndb.status.kevCatalog", { version: s.kevCatalog.catalogVersion, count: s.kevCatalog.count })}`,
    );
  lines.push(
    `  ${t("vulndb.status.debian", { count: s.debianEntries })}`,
    `  ${t("vulndb.status.sources")}:`,
  );
  for (const src of s.sources) {
    const line = t("vulndb.status.source", {
      name: clean(src.name),
      records: src.records,
      fetchedAt: src.fetchedAt.slice(0, 10),
      days: src.ageDays,
      url: clean(src.url),
    });
    const notes = [
      src.kept ? t("vulndb.status.kept") : "",
      s.hostDistros && !src.matters ? t("vulndb.status.notForHost") : "",
    ].filter(Boolean);
    lines.push(`    - ${line}${notes.length ? ` [${notes.join("; ")}]` : ""}`);
  }
  for (const gap of s.noDataFor)
    lines.push(
      `  ${
        gap.feeds.length
          ? t("vulndb.status.noHostData", { distro: clean(gap.distro), feeds: gap.feeds.join(", ") })
          : t("vulndb.status.noHostDataNoFeed", { distro: clean(gap.distro) })
      }`,
    );
  if (s.plannedFeeds.length)
    lines.push(`  ${t("vulndb.status.planned", { feeds: s.plannedFeeds.join(", ") })}`);
  if (s.stale)
    lines.push(
      t("vulndb.status.staleSource", {
        limit: STALE_AFTER_DAYS,
        source: clean(s.ageSource),
        days: s.ageDays,
      }),
    );
  return `${lines.join("\n")}\n`;
}
