import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { NotChecked } from "../core/diagnostics.ts";
import type { HostInfo, ReportDocument } from "../core/document.ts";
import { type Finding, SEVERITIES, type Severity } from "../core/finding.ts";
import { LEGACY_PREFIX } from "./migrations.ts";
import type { HistoryDb } from "./schema.ts";

export interface ScanMeta {
  id: string;
  /** The history key (see hostKey). */
  hostId: string;
  /** The hostname, for people. */
  host: string;
  root: string;
  startedAt: string;
  finishedAt: string;
  toolVersion: string;
  command: string;
  lang: string;
  counts: Record<Severity, number>;
  total: number;
  notChecked: NotChecked[];
}

/** Sortable and unique even for two scans in the same second on two machines: time, then random. */
export function newScanId(startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(4).toString("hex")}`;
}

/** The history key of a host: its stable id, else (no machine-id, none generated) its hostname, prefixed. */
export function hostKey(host: Pick<HostInfo, "id" | "hostname">): string {
  return host.id ?? `${LEGACY_PREFIX}${host.hostname}`;
}

/** Whether a key is a hostname standing in for an id (rows from before ids, or a host without one). */
export function isLegacyKey(hostId: string): boolean {
  return hostId.startsWith(LEGACY_PREFIX);
}

export function evidenceHash(f: Finding): string {
  return createHash("sha256").update(JSON.stringify(f.evidence)).digest("hex").slice(0, 32);
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Stores one scan and all its findings under `hostId` (call inside writeTx). */
export async function insertScan(
  db: Kysely<HistoryDb>,
  id: string,
  hostId: string,
  doc: ReportDocument,
  startedAt: string,
): Promise<ScanMeta> {
  const counts = countBySeverity(doc.findings);
  const meta: ScanMeta = {
    id,
    hostId,
    host: doc.host.hostname,
    root: doc.host.root,
    startedAt,
    finishedAt: doc.scannedAt,
    toolVersion: doc.tool.version,
    command: doc.command,
    lang: doc.lang,
    counts,
    total: doc.findings.length,
    notChecked: doc.notChecked,
  };
  await db
    .insertInto("scans")
    .values({
      id,
      host: meta.host,
      host_id: hostId,
      root: meta.root,
      started_at: startedAt,
      finished_at: meta.finishedAt,
      tool_version: meta.toolVersion,
      command: meta.command,
      lang: meta.lang,
      count_critical: counts.critical,
      count_high: counts.high,
      count_medium: counts.medium,
      count_low: counts.low,
      count_info: counts.info,
      total: meta.total,
      not_checked: JSON.stringify(doc.notChecked),
      document: JSON.stringify(doc),
    })
    .execute();
  // Chunks keep each statement under SQLite's bound-parameter limit.
  const rows = doc.findings.map((f) => ({
    scan_id: id,
    finding_id: f.id,
    check_id: f.check,
    severity: f.severity,
    confidence: f.confidence,
    evidence_hash: evidenceHash(f),
    finding: JSON.stringify(f),
  }));
  for (let i = 0; i < rows.length; i += 100) {
    await db
      .insertInto("findings")
      .values(rows.slice(i, i + 100))
      .execute();
  }
  return meta;
}

type ScanRow = HistoryDb["scans"];

function toMeta(r: Omit<ScanRow, "document">): ScanMeta {
  return {
    id: r.id,
    // Written before migration 2 set it (never, once migrated): the hostname is the key.
    hostId: r.host_id ?? `${LEGACY_PREFIX}${r.host}`,
    host: r.host,
    root: r.root,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    toolVersion: r.tool_version,
    command: r.command,
    lang: r.lang,
    counts: {
      critical: Number(r.count_critical),
      high: Number(r.count_high),
      medium: Number(r.count_medium),
      low: Number(r.count_low),
      info: Number(r.count_info),
    },
    total: Number(r.total),
    notChecked: JSON.parse(r.not_checked) as NotChecked[],
  };
}

const META_COLUMNS = [
  "id",
  "host",
  "host_id",
  "root",
  "started_at",
  "finished_at",
  "tool_version",
  "command",
  "lang",
  "count_critical",
  "count_high",
  "count_medium",
  "count_low",
  "count_info",
  "total",
  "not_checked",
] as const;

/**
 * Newest first. `host` names a host by its id or its hostname (what a person types); `hostId` only by the
 * key (what code that compares scans of one host uses).
 */
export async function listScans(
  db: Kysely<HistoryDb>,
  opts: { host?: string; hostId?: string; limit?: number } = {},
): Promise<ScanMeta[]> {
  let q = db.selectFrom("scans").select(META_COLUMNS).orderBy("started_at", "desc").orderBy("id", "desc");
  const host = opts.host;
  if (host) q = q.where((eb) => eb.or([eb("host_id", "=", host), eb("host", "=", host)]));
  if (opts.hostId) q = q.where("host_id", "=", opts.hostId);
  if (opts.limit) q = q.limit(opts.limit);
  return (await q.execute()).map(toMeta);
}

export async function getScan(db: Kysely<HistoryDb>, id: string): Promise<ScanMeta | undefined> {
  const r = await db.selectFrom("scans").select(META_COLUMNS).where("id", "=", id).executeTakeFirst();
  return r ? toMeta(r) : undefined;
}

/** A scan named by its full id or an unambiguous prefix of it. */
export async function resolveScanId(db: Kysely<HistoryDb>, ref: string): Promise<string[]> {
  const rows = await db
    .selectFrom("scans")
    .select("id")
    .where("id", ">=", ref)
    .where("id", "<", `${ref}\uffff`)
    .limit(2)
    .execute();
  return rows.map((r) => r.id);
}

/** How many scans each host has (by key), with the hostname of its newest scan. */
export async function hostsInHistory(
  db: Kysely<HistoryDb>,
): Promise<Array<{ hostId: string; host: string; scans: number }>> {
  const rows = await db
    .selectFrom("scans")
    .select(["host_id", "host", "started_at"])
    .orderBy("started_at", "desc")
    .execute();
  const out = new Map<string, { hostId: string; host: string; scans: number }>();
  for (const r of rows) {
    const key = r.host_id ?? `${LEGACY_PREFIX}${r.host}`;
    const h = out.get(key);
    if (h) h.scans++;
    else out.set(key, { hostId: key, host: r.host, scans: 1 });
  }
  return [...out.values()];
}

export async function scanFindings(db: Kysely<HistoryDb>, scanId: string): Promise<Finding[]> {
  const rows = await db.selectFrom("findings").select("finding").where("scan_id", "=", scanId).execute();
  return rows.map((r) => JSON.parse(r.finding) as Finding);
}

export async function scanDocument(
  db: Kysely<HistoryDb>,
  scanId: string,
): Promise<ReportDocument | undefined> {
  const r = await db.selectFrom("scans").select("document").where("id", "=", scanId).executeTakeFirst();
  return r ? (JSON.parse(r.document) as ReportDocument) : undefined;
}
