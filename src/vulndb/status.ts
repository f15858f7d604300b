import type { Translator } from "../i18n/index.ts";
import { STALE_AFTER_DAYS, vulnDbAgeDays } from "./load.ts";
import type { VulnDb } from "./types.ts";

/** What `mamori db status` reports, as data (the JSON format prints exactly this). */
export interface VulnDbStatus {
  dataDir: string;
  file: string;
  builtAt: string;
  ageDays: number;
  stale: boolean;
  cves: number;
  kevCves: number;
  kevCatalog?: { catalogVersion: string; count: number };
  debianEntries: number;
  sources: VulnDb["meta"]["sources"];
}

export function vulnDbStatus(db: VulnDb, dataDir: string, file: string, now: Date): VulnDbStatus {
  const ageDays = vulnDbAgeDays(db, now);
  return {
    dataDir,
    file,
    builtAt: db.meta.builtAt,
    ageDays,
    stale: ageDays > STALE_AFTER_DAYS,
    cves: db.cves.length,
    kevCves: db.cves.filter((c) => c.kev).length,
    kevCatalog: db.meta.kev,
    debianEntries: db.cves.reduce(
      (n, c) => n + Object.keys(c.distroFixed).filter((k) => k.startsWith("debian:")).length,
      0,
    ),
    sources: db.meta.sources,
  };
}

/** The status for people; source names and URLs come from the data file, so they are made printable. */
export function renderStatus(s: VulnDbStatus, t: Translator): string {
  const clean = (v: string) => v.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  const lines = [
    t("vulndb.status.title"),
    `  ${t("vulndb.status.dataDir")}: ${clean(s.dataDir)}`,
    `  ${t("vulndb.status.builtAt")}: ${s.builtAt}`,
    `  ${t("vulndb.status.age", { days: s.ageDays })}`,
    `  ${t("vulndb.status.cves", { count: s.cves, kev: s.kevCves })}`,
  ];
  if (s.kevCatalog)
    lines.push(
      `  ${t("vulndb.status.kevCatalog", { version: s.kevCatalog.catalogVersion, count: s.kevCatalog.count })}`,
    );
  lines.push(
    `  ${t("vulndb.status.debian", { count: s.debianEntries })}`,
    `  ${t("vulndb.status.sources")}:`,
  );
  for (const src of s.sources) {
    lines.push(
      `    - ${t("vulndb.status.source", {
        name: clean(src.name),
        records: src.records,
        fetchedAt: src.fetchedAt.slice(0, 10),
        url: clean(src.url),
      })}`,
    );
  }
  if (s.stale) lines.push(t("vulndb.status.stale", { limit: STALE_AFTER_DAYS }));
  return `${lines.join("\n")}\n`;
}
