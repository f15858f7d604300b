import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { SEVERITIES } from "../../core/finding.ts";
import {
  type ApacheRow,
  type AttackerOnHost,
  apacheInventory,
  attackerOf,
  type FleetAttacker,
  type FleetIncident,
  fleetAttackers,
  fleetIncidents,
  outcomeRank,
  versionKey,
} from "../fleet/views.ts";
import type { ServerStore } from "./db.ts";
import type { ServerDb } from "./schema.ts";

/**
 * Per-host summaries of the latest report (migration 5): its attacker addresses, Apache installations and
 * incidents, written in the ingest's transaction (and by re-judging, which ingests), so that the fleet
 * views are SQL over small rows, ordered and paged by the database, instead of every host's document
 * parsed on every request. The rows are what the pure folds of fleet/views.ts make of one document.
 */

/** Rows a host's summary may hold (the folds bound them the same way). */
const MAX_ATTACKERS = 10_000;
const MAX_TIMELINE = 200;
const BATCH = 200;

/**
 * What makes two reports "the same": the sha256 of the document without its scan time, and of the facts
 * without their collection time. Undefined when the text is not JSON (it always is after validation).
 */
export function reportHash(document: string, facts?: string): string | undefined {
  try {
    const doc = JSON.parse(document) as Record<string, unknown>;
    const h = createHash("sha256");
    if (doc && typeof doc === "object") delete doc.scannedAt;
    h.update(JSON.stringify(doc)).update("\u0000");
    if (facts !== undefined) {
      const f = JSON.parse(facts) as Record<string, unknown>;
      if (f && typeof f === "object") delete f.collectedAt;
      h.update(JSON.stringify(f));
    }
    return h.digest("hex");
  } catch {
    return undefined;
  }
}

/** Counts of findings by severity and the risk rank (index of the worst in SEVERITIES, 5 for none). */
export function severityCounts(severities: Iterable<string>): {
  risk: number;
  n_critical: number;
  n_high: number;
  n_medium: number;
  n_low: number;
  n_info: number;
} {
  const n = SEVERITIES.map(() => 0);
  for (const s of severities) {
    const i = SEVERITIES.indexOf(s as never);
    if (i >= 0) n[i] = (n[i] ?? 0) + 1;
  }
  const worst = n.findIndex((x) => x > 0);
  return {
    risk: worst < 0 ? SEVERITIES.length : worst,
    n_critical: n[0] ?? 0,
    n_high: n[1] ?? 0,
    n_medium: n[2] ?? 0,
    n_low: n[3] ?? 0,
    n_info: n[4] ?? 0,
  };
}

/** Replaces a host's summary rows with those of `document` (parsed), inside the caller's transaction. */
export async function writeHostSummary(
  trx: Kysely<ServerDb>,
  hostId: string,
  document: unknown,
  dialect: "sqlite" | "pg" = "sqlite",
): Promise<void> {
  if (dialect === "pg")
    // One round trip for the three (a push is a dozen statements; each costs most under load).
    await sql`with a as (delete from host_attackers where host_id = ${hostId}),
      b as (delete from host_apache where host_id = ${hostId})
      delete from host_incidents where host_id = ${hostId}`.execute(trx);
  else {
    await trx.deleteFrom("host_attackers").where("host_id", "=", hostId).execute();
    await trx.deleteFrom("host_apache").where("host_id", "=", hostId).execute();
    await trx.deleteFrom("host_incidents").where("host_id", "=", hostId).execute();
  }
  const d = [{ hostId, name: "", document }];
  const attackers = fleetAttackers(d, 1, MAX_ATTACKERS).flatMap((a) =>
    a.hosts.slice(0, 1).map((h) => ({
      host_id: hostId,
      ip: a.ip,
      first_seen: h.firstSeen ?? null,
      last_seen: h.lastSeen ?? null,
      requests: Math.min(Math.max(0, Math.trunc(h.requests)), 2_000_000_000),
      outcome: h.outcome ?? null,
      outcome_rank: outcomeRank(h.outcome),
      attacks: JSON.stringify(h.attacks.slice(0, 50)),
      incidents: JSON.stringify(h.incidents.slice(0, 50)),
    })),
  );
  for (let i = 0; i < attackers.length; i += BATCH)
    await trx
      .insertInto("host_attackers")
      .values(attackers.slice(i, i + BATCH))
      .execute();
  const apache = apacheInventory(d).map((r, seq) => ({
    host_id: hostId,
    seq,
    binary: r.binary,
    version: r.version ?? null,
    version_key: versionKey(r.version),
    product: r.product ?? null,
    package: r.package ?? null,
    package_origin: r.packageOrigin ?? null,
    exposed: r.exposed,
    ports: JSON.stringify(r.ports),
    traversal: r.traversal ?? null,
    worst_cve: r.worstCve ?? null,
    cves: r.cves,
  }));
  for (let i = 0; i < apache.length; i += BATCH)
    await trx
      .insertInto("host_apache")
      .values(apache.slice(i, i + BATCH))
      .execute();
  const incidents = fleetIncidents(d, MAX_TIMELINE).map((x, seq) => ({
    host_id: hostId,
    seq,
    incident_id: x.id,
    severity: x.severity,
    severity_rank: sevRank(x.severity),
    title: x.title,
    summary: x.summary,
    start: x.start ?? "",
    timeline: JSON.stringify(x.timeline),
  }));
  for (let i = 0; i < incidents.length; i += BATCH)
    await trx
      .insertInto("host_incidents")
      .values(incidents.slice(i, i + BATCH))
      .execute();
}

function sevRank(s: string): number {
  const i = SEVERITIES.indexOf(s as never);
  return i < 0 ? SEVERITIES.length : i;
}

/** Text compared by code point on both engines (PostgreSQL's "C" collation, SQLite's binary one). */
function byCode(store: ServerStore, ref: string) {
  return store.dialect === "pg" ? sql`${sql.ref(ref)} collate "C"` : sql`${sql.ref(ref)}`;
}

export interface Page {
  limit: number;
  offset: number;
}

/** The most rows one page of a fleet view may ask for. */
export const MAX_VIEW_PAGE = 1000;

const strings = (text: string): string[] => {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
};

/**
 * Addresses seen on at least `minHosts` hosts: most hosts first, then the worst outcome, then the address;
 * one page of them, each with every host that saw it, and how many there are in all.
 */
export async function attackersPage(
  store: ServerStore,
  minHosts: number,
  page: Page,
): Promise<{ total: number; attackers: FleetAttacker[] }> {
  // One grouping for the page and the count: `total` is a window over the groups.
  const grouped = store.db
    .selectFrom("host_attackers")
    .select((eb) => [
      "ip",
      eb.fn.countAll<number>().as("n"),
      eb.fn.min("outcome_rank").as("r"),
      sql<number>`count(*) over ()`.as("total"),
    ])
    .groupBy("ip")
    .having((eb) => eb.fn.countAll(), ">=", minHosts);
  const picked = await grouped
    .orderBy("n", "desc")
    .orderBy("r")
    .orderBy(byCode(store, "ip"))
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const ips = picked.map((r) => r.ip);
  const totalRow =
    picked.length > 0
      ? { n: picked[0]?.total ?? 0 }
      : await store.db
          .selectFrom(grouped.clearSelect().select("ip").as("g"))
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow();
  if (ips.length === 0) return { total: Number(totalRow.n), attackers: [] };
  const rows = await store.db
    .selectFrom("host_attackers as a")
    .innerJoin("hosts as h", "h.id", "a.host_id")
    .select([
      "a.ip",
      "a.host_id",
      "h.name",
      "a.first_seen",
      "a.last_seen",
      "a.requests",
      "a.outcome",
      "a.attacks",
      "a.incidents",
    ])
    .where("a.ip", "in", ips)
    .execute();
  const byIp = new Map<string, AttackerOnHost[]>(ips.map((ip) => [ip, []]));
  for (const r of rows) byIp.get(r.ip)?.push(onHost(r));
  return {
    total: Number(totalRow.n),
    attackers: ips.map((ip) => attackerOf(ip, byIp.get(ip) ?? [])),
  };
}

function onHost(r: {
  host_id: string;
  name: string;
  first_seen: string | null;
  last_seen: string | null;
  requests: number | string;
  outcome: string | null;
  attacks: string;
  incidents: string;
}): AttackerOnHost {
  return {
    hostId: r.host_id,
    host: r.name,
    firstSeen: r.first_seen ?? undefined,
    lastSeen: r.last_seen ?? undefined,
    requests: Number(r.requests),
    outcome: r.outcome ?? undefined,
    attacks: strings(r.attacks),
    incidents: strings(r.incidents),
  };
}

/** The addresses of one host that other hosts saw too, with those hosts (bounded). */
export async function sharedAttackers(
  store: ServerStore,
  hostId: string,
  limit = 50_000,
): Promise<Array<{ ip: string; here: AttackerOnHost; others: AttackerOnHost[] }>> {
  const rows = await store.db
    .selectFrom("host_attackers as mine")
    .innerJoin("host_attackers as a", (j) => j.onRef("a.ip", "=", "mine.ip"))
    .innerJoin("hosts as h", "h.id", "a.host_id")
    .select([
      "a.ip",
      "a.host_id",
      "h.name",
      "a.first_seen",
      "a.last_seen",
      "a.requests",
      "a.outcome",
      "a.attacks",
      "a.incidents",
    ])
    .where("mine.host_id", "=", hostId)
    .orderBy("a.ip")
    .orderBy("a.host_id")
    .limit(limit)
    .execute();
  const byIp = new Map<string, { here?: AttackerOnHost; others: AttackerOnHost[] }>();
  for (const r of rows) {
    let e = byIp.get(r.ip);
    if (!e) {
      e = { others: [] };
      byIp.set(r.ip, e);
    }
    if (r.host_id === hostId) e.here = onHost(r);
    else e.others.push(onHost(r));
  }
  const out: Array<{ ip: string; here: AttackerOnHost; others: AttackerOnHost[] }> = [];
  for (const [ip, e] of byIp)
    if (e.here && e.others.length > 0) out.push({ ip, here: e.here, others: e.others });
  return out;
}

/** Every Apache installation of the fleet by version (oldest and unknown first), host, binary: one page. */
export async function apachePage(
  store: ServerStore,
  page: Page,
): Promise<{ total: number; installations: ApacheRow[] }> {
  const total = await store.db
    .selectFrom("host_apache")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const rows = await store.db
    .selectFrom("host_apache as a")
    .innerJoin("hosts as h", "h.id", "a.host_id")
    .selectAll("a")
    .select("h.name")
    .orderBy("a.version_key")
    .orderBy(byCode(store, "h.name"))
    .orderBy(byCode(store, "a.binary"))
    .orderBy("a.host_id")
    .orderBy("a.seq")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    total: Number(total.n),
    installations: rows.map((r) => ({
      hostId: r.host_id,
      host: r.name,
      binary: r.binary,
      version: r.version ?? undefined,
      product: r.product ?? undefined,
      package: r.package ?? undefined,
      packageOrigin: r.package_origin ?? undefined,
      exposed: r.exposed === "yes" || r.exposed === "no" ? r.exposed : "unknown",
      ports: numbers(r.ports),
      traversal: r.traversal ?? undefined,
      worstCve: r.worst_cve ?? undefined,
      cves: Number(r.cves),
    })),
  };
}

const numbers = (text: string): number[] => {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : [];
  } catch {
    return [];
  }
};

/** Incidents across the fleet, most severe first, then the earliest start: one page. */
export async function incidentsPage(
  store: ServerStore,
  page: Page,
): Promise<{ total: number; incidents: FleetIncident[] }> {
  const total = await store.db
    .selectFrom("host_incidents")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const rows = await store.db
    .selectFrom("host_incidents as i")
    .innerJoin("hosts as h", "h.id", "i.host_id")
    .selectAll("i")
    .select("h.name")
    .orderBy("i.severity_rank")
    .orderBy("i.start")
    .orderBy("i.host_id")
    .orderBy("i.seq")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    total: Number(total.n),
    incidents: rows.map((r) => {
      let timeline: FleetIncident["timeline"] = [];
      try {
        const v = JSON.parse(r.timeline) as unknown;
        if (Array.isArray(v)) timeline = v as FleetIncident["timeline"];
      } catch {
        timeline = [];
      }
      return {
        hostId: r.host_id,
        host: r.name,
        id: r.incident_id,
        severity: r.severity,
        title: r.title,
        summary: r.summary,
        start: r.start || undefined,
        timeline,
      };
    }),
  };
}

/**
 * Fills the summaries of every host from its latest stored report (migration 5, on a database that had
 * reports before it), one host at a time.
 */
export async function backfillSummaries(trx: Kysely<ServerDb>): Promise<number> {
  const hosts = await trx
    .selectFrom("hosts")
    .select(["id", "latest_report_id"])
    .where("latest_report_id", "is not", null)
    .orderBy("id")
    .execute();
  for (const h of hosts) {
    const row = await trx
      .selectFrom("reports")
      .select("document")
      .where("id", "=", h.latest_report_id as string)
      .executeTakeFirst();
    if (!row) continue;
    let doc: unknown;
    try {
      doc = typeof row.document === "string" ? JSON.parse(row.document) : row.document;
    } catch {
      continue;
    }
    await writeHostSummary(trx, h.id, doc);
    const sev = await trx
      .selectFrom("report_findings")
      .select("severity")
      .where("report_id", "=", h.latest_report_id as string)
      .execute();
    await trx
      .updateTable("hosts")
      .set(severityCounts(sev.map((s) => s.severity)))
      .where("id", "=", h.id)
      .execute();
  }
  return hosts.length;
}
