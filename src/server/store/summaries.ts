import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { SEVERITIES } from "../../core/finding.ts";
import { isValidText, type Text } from "../../core/message.ts";
import { type Translator, translator } from "../../i18n/index.ts";
import { prose } from "../../report/localize.ts";
import {
  type ApacheRow,
  type AttackerOnHost,
  apacheInventory,
  attackerOf,
  type FleetAttacker,
  type FleetIncident,
  fleetAttackers,
  fleetFindings,
  fleetIncidents,
  type Keyed,
  keyedOf,
  OUTCOME_RANK,
  outcomeRank,
  versionKey,
} from "../fleet/views.ts";
import { type ServerStore, serverTx } from "./db.ts";
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
 * without their collection time, from the parsed values (the ingest parses a pushed body once).
 */
export function reportHashOf(document: unknown, facts?: unknown): string {
  const without = (v: unknown, key: string) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    const { [key]: _drop, ...rest } = v as Record<string, unknown>;
    return rest;
  };
  const h = createHash("sha256");
  h.update(JSON.stringify(without(document, "scannedAt"))).update("\u0000");
  if (facts !== undefined) h.update(JSON.stringify(without(facts, "collectedAt")));
  return h.digest("hex");
}

/** `reportHashOf` of JSON texts; undefined when a text is not JSON (it always is after validation). */
export function reportHash(document: string, facts?: string): string | undefined {
  try {
    return reportHashOf(JSON.parse(document), facts === undefined ? undefined : JSON.parse(facts));
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

type Row<T extends keyof ServerDb> = ServerDb[T];

/** The summary rows of one report, by table: made from the parsed document before any transaction. */
export interface SummaryRows {
  host_attackers?: Array<Row<"host_attackers">>;
  host_apache?: Array<Row<"host_apache">>;
  host_incidents?: Array<Row<"host_incidents">>;
  host_findings?: Array<Row<"host_findings">>;
}
type SummaryTable = keyof SummaryRows;
/** Every summary table, in the order they are written. */
export const SUMMARY_TABLES: SummaryTable[] = [
  "host_attackers",
  "host_apache",
  "host_incidents",
  "host_findings",
];

/**
 * What the folds of fleet/views.ts make of one parsed document, as rows (pure: no database, so the ingest
 * builds them before its transaction). `tables` chooses which (a migration fills only the tables it has).
 */
export function summaryRows(
  hostId: string,
  document: unknown,
  tables: readonly SummaryTable[] = SUMMARY_TABLES,
): SummaryRows {
  const d = [{ hostId, name: "", document }];
  const out: SummaryRows = {};
  if (tables.includes("host_attackers"))
    // The incidents naming an address are kept keyed (their title's message), rendered when shown.
    out.host_attackers = fleetAttackers(d, 1, MAX_ATTACKERS, incidentTitleKey).flatMap((a) =>
      a.hosts.slice(0, 1).map((h) => ({
        host_id: hostId,
        ip: a.ip,
        first_seen: h.firstSeen ?? null,
        last_seen: h.lastSeen ?? null,
        requests: Math.min(Math.max(0, Math.trunc(h.requests)), 2_000_000_000),
        outcome: h.outcome ?? null,
        outcome_rank: outcomeRank(h.outcome),
        attacks: JSON.stringify(h.attacks.slice(0, 50)),
        incidents: `[${h.incidents.slice(0, 50).join(",")}]`,
      })),
    );
  if (tables.includes("host_apache"))
    out.host_apache = apacheInventory(d).map((r, seq) => ({
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
  if (tables.includes("host_incidents"))
    out.host_incidents = fleetIncidents(d, MAX_TIMELINE, true).map((x, seq) => ({
      host_id: hostId,
      seq,
      incident_id: x.id,
      severity: x.severity,
      severity_rank: sevRank(x.severity),
      title: x.title,
      summary: x.summary,
      start: x.start ?? "",
      timeline: JSON.stringify(x.timeline),
      message: x.message ? JSON.stringify(x.message) : null,
    }));
  if (tables.includes("host_findings"))
    out.host_findings = fleetFindings(d, true).map((f, seq) => ({
      host_id: hostId,
      seq,
      finding_id: f.id,
      check_id: f.check,
      severity: f.severity,
      title: f.title,
      cves: JSON.stringify(f.cves),
      message: f.message === undefined ? null : JSON.stringify(f.message),
    }));
  return out;
}

/** An incident's title as host_attackers keeps it: the JSON of its keyed form, else of the text. */
function incidentTitleKey(x: Record<string, unknown>): string | undefined {
  const keyed = keyedOf(x, "title");
  if (keyed !== undefined) return JSON.stringify(keyed);
  return typeof x.title === "string" ? JSON.stringify(x.title.slice(0, 300)) : undefined;
}

/** A stored text (a string as the agent rendered it, or its keyed form) in the reader's language. */
export function shown(v: unknown, t: Translator, max = 300): string | undefined {
  const s = typeof v === "string" ? v : isValidText(v) ? prose(v, t) : undefined;
  // As long as the folds keep the agent's rendering (a keyed text may render longer).
  return s !== undefined && s.length > max ? s.slice(0, max) : s;
}

/** Stored keyed forms (a JSON object of field -> keyed text), or none. */
function keyedJson(v: unknown): Keyed {
  const o = typeof v === "string" ? parseJson(v) : v;
  if (!o || typeof o !== "object" || Array.isArray(o)) return {};
  const out: Keyed = {};
  for (const [k, x] of Object.entries(o as Record<string, unknown>))
    if (typeof x !== "string" && isValidText(x)) out[k] = x as Text;
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Replaces a host's rows in the tables `rows` has with those rows, inside the caller's transaction. On
 * PostgreSQL two statements whatever the row counts (one clears, one inserts every table from JSON); a
 * push is a dozen statements and each round trip costs most under load.
 */
export async function writeSummaryRows(
  trx: Kysely<ServerDb>,
  hostId: string,
  rows: SummaryRows,
  dialect: "sqlite" | "pg" = "sqlite",
  /** Mark the addresses whose rows change for refreshFleetAttackers (false before migration 8). */
  markDirty = true,
): Promise<void> {
  const tables = SUMMARY_TABLES.filter((t) => rows[t] !== undefined);
  if (tables.length === 0) return;
  const dirty = markDirty && rows.host_attackers !== undefined;
  const newIps = [...new Set((rows.host_attackers ?? []).map((r) => r.ip))];
  if (dialect === "pg") {
    // Clearing and inserting in one statement could meet the old rows' keys: two statements. The
    // addresses the host had and has are marked in the first (the old ones come back from the delete).
    const del = tables.map((t) =>
      dirty && t === "host_attackers"
        ? sql`delete from host_attackers where host_id = ${hostId} returning ip`
        : sql`delete from ${sql.table(t)} where host_id = ${hostId}`,
    );
    await (dirty
      ? withAll([
          ...del,
          sql`insert into attacker_ips_dirty (ip) select ip from ${sql.raw(`w${tables.indexOf("host_attackers")}`)} union select unnest(${newIps}::text[])`,
        ])
      : withAll(del)
    ).execute(trx);
    const ins = tables
      .filter((t) => (rows[t]?.length ?? 0) > 0)
      .map(
        (t) =>
          sql`insert into ${sql.table(t)} select * from json_populate_recordset(null::${sql.table(t)}, ${JSON.stringify(rows[t])}::json)`,
      );
    if (ins.length > 0) await withAll(ins).execute(trx);
    return;
  }
  for (const t of tables) {
    if (dirty && t === "host_attackers") {
      const old = await trx.deleteFrom(t).where("host_id", "=", hostId).returning("ip").execute();
      const ips = [...new Set([...old.map((r) => r.ip), ...newIps])];
      for (let i = 0; i < ips.length; i += BATCH)
        await trx
          .insertInto("attacker_ips_dirty")
          .values(ips.slice(i, i + BATCH).map((ip) => ({ ip })))
          .execute();
    } else await trx.deleteFrom(t).where("host_id", "=", hostId).execute();
  }
  for (const t of tables) {
    const all = rows[t] ?? [];
    for (let i = 0; i < all.length; i += BATCH)
      await trx
        .insertInto(t)
        .values(all.slice(i, i + BATCH) as never)
        .execute();
  }
}

/** Data-changing statements as one: all but the last in WITH clauses. */
function withAll(parts: ReturnType<typeof sql>[]) {
  const last = parts[parts.length - 1] as ReturnType<typeof sql>;
  if (parts.length === 1) return last;
  const ctes = parts.slice(0, -1).map((p, i) => sql`${sql.raw(`w${i}`)} as (${p})`);
  return sql`with ${sql.join(ctes)} ${last}`;
}

/** Replaces a host's summary rows with those of `document` (parsed), inside the caller's transaction. */
export async function writeHostSummary(
  trx: Kysely<ServerDb>,
  hostId: string,
  document: unknown,
  dialect: "sqlite" | "pg" = "sqlite",
  tables: readonly SummaryTable[] = SUMMARY_TABLES,
): Promise<void> {
  await writeSummaryRows(trx, hostId, summaryRows(hostId, document, tables), dialect);
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

/** The items of a stored JSON array that pass `keep` ([] for anything else). */
function jsonArray<T>(text: string, keep: (x: unknown) => x is T): T[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter(keep) : [];
  } catch {
    return [];
  }
}
/** The strings of a stored JSON array of strings. */
export const jsonStrings = (text: string) => jsonArray(text, (x): x is string => typeof x === "string");
const numbers = (text: string) => jsonArray(text, (x): x is number => typeof x === "number");

/** min(first_seen), max(last_seen) by code point on both engines. */
export function foldTimes(dialect: "sqlite" | "pg") {
  return dialect === "pg"
    ? sql`min(first_seen collate "C"), max(last_seen collate "C")`
    : sql`min(first_seen), max(last_seen)`;
}

/** Taken while fleet_attackers is brought up to date (PostgreSQL; SQLite has one writer). */
const REFRESH_LOCK = 727274018;

/**
 * Brings fleet_attackers up to date with host_attackers: the addresses marked since the last time are
 * folded again from their rows (an index on the address) and the marks removed, in one transaction. One
 * refresh at a time; a push never waits for it (marks are plain rows). On PostgreSQL the marks are taken
 * and the addresses folded in one statement, so a mark is removed only with the rows its push committed.
 * Returns the marks removed (0: nothing to do, no transaction).
 */
export async function refreshFleetAttackers(store: ServerStore): Promise<number> {
  const any = await store.db.selectFrom("attacker_ips_dirty").select("ip").limit(1).executeTakeFirst();
  if (!any) return 0;
  return serverTx(store, async (trx) => {
    if (store.dialect === "pg") {
      await sql`select pg_advisory_xact_lock(${REFRESH_LOCK})`.execute(trx);
      const r = await sql<{ n: number | string }>`with d as (delete from attacker_ips_dirty returning ip),
        ips as (select distinct ip from d),
        agg as (select ip, count(*)::integer as hosts, min(outcome_rank) as outcome_rank,
          ${foldTimes("pg")} from host_attackers where ip in (select ip from ips) group by ip),
        gone as (delete from fleet_attackers where ip in (select ip from ips) and ip not in (select ip from agg)),
        put as (insert into fleet_attackers (ip, hosts, outcome_rank, first_seen, last_seen)
          select * from agg on conflict (ip) do update set hosts = excluded.hosts,
          outcome_rank = excluded.outcome_rank, first_seen = excluded.first_seen, last_seen = excluded.last_seen)
        select count(*) as n from d`.execute(trx);
      return Number(r.rows[0]?.n ?? 0);
    }
    // SQLite: this write transaction is the only writer; no mark can come in between these statements.
    const n = await trx
      .selectFrom("attacker_ips_dirty")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    await sql`delete from fleet_attackers where ip in (select ip from attacker_ips_dirty)`.execute(trx);
    await sql`insert into fleet_attackers (ip, hosts, outcome_rank, first_seen, last_seen)
      select ip, count(*), min(outcome_rank), ${foldTimes("sqlite")} from host_attackers
      where ip in (select ip from attacker_ips_dirty) group by ip`.execute(trx);
    await sql`delete from attacker_ips_dirty`.execute(trx);
    return Number(n.n);
  });
}

/**
 * Addresses seen on at least `minHosts` hosts: most hosts first, then the worst outcome, then the address;
 * one page of them, each with every host that saw it (or, with `hostsPerIp`, the first that many by first
 * sighting, with `hostCount` and the fleet-wide times and outcome from the database), and how many there
 * are in all. The dashboard cuts the hosts: an address on a thousand hosts is not a thousand rows read,
 * parsed and rendered per view.
 */
export async function attackersPage(
  store: ServerStore,
  minHosts: number,
  page: Page,
  hostsPerIp?: number,
  t: Translator = translator("en"),
): Promise<{ total: number; attackers: FleetAttacker[] }> {
  // The fold of every address (fleet_attackers), brought up to date first, ordered and cut by its index.
  await refreshFleetAttackers(store);
  const picked = await store.db
    .selectFrom("fleet_attackers")
    .select(["ip", "hosts as n", "outcome_rank as r", "first_seen as fs", "last_seen as ls"])
    .where("hosts", ">=", minHosts)
    .orderBy("hosts", "desc")
    .orderBy("outcome_rank")
    .orderBy(byCode(store, "ip"))
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const totalRow = await store.db
    .selectFrom("fleet_attackers")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("hosts", ">=", minHosts)
    .executeTakeFirstOrThrow();
  const ips = picked.map((r) => r.ip);
  const cut = hostsPerIp !== undefined;
  if (ips.length === 0) return { total: Number(totalRow.n), attackers: [] };
  const rows = cut
    ? await store.db
        .selectFrom(
          store.db
            .selectFrom("host_attackers as a")
            .selectAll("a")
            .select(
              // attackerOf's order: earliest first sighting (none first), then host id.
              sql<number>`row_number() over (partition by ${sql.ref("a.ip")} order by coalesce(${sql.ref("a.first_seen")}, '')${store.dialect === "pg" ? sql` collate "C"` : sql``}, ${sql.ref("a.host_id")})`.as(
                "rn",
              ),
            )
            .where("a.ip", "in", ips)
            .as("a"),
        )
        .innerJoin("hosts as h", "h.id", "a.host_id")
        .select(ON_HOST)
        .where("a.rn", "<=", hostsPerIp)
        .execute()
    : await store.db
        .selectFrom("host_attackers as a")
        .innerJoin("hosts as h", "h.id", "a.host_id")
        .select(ON_HOST)
        .where("a.ip", "in", ips)
        .execute();
  const byIp = new Map<string, AttackerOnHost[]>(ips.map((ip) => [ip, []]));
  for (const r of rows) byIp.get(r.ip)?.push(onHost(r, t));
  return {
    total: Number(totalRow.n),
    attackers: picked.map((g) => {
      const a = attackerOf(g.ip, byIp.get(g.ip) ?? []);
      if (!cut) return a;
      // The listed hosts are only the first: the fleet-wide values come from the grouping.
      const rank = Number(g.r);
      return {
        ...a,
        hostCount: Number(g.n),
        firstSeen: g.fs ?? undefined,
        lastSeen: g.ls ?? undefined,
        outcome: OUTCOME_RANK[rank] ?? (rank === 99 ? undefined : a.outcome),
      };
    }),
  };
}

/** The columns `onHost` reads (host_attackers as a, hosts as h). */
const ON_HOST = [
  "a.ip",
  "a.host_id",
  "h.name",
  "a.first_seen",
  "a.last_seen",
  "a.requests",
  "a.outcome",
  "a.attacks",
  "a.incidents",
] as const;

function onHost(
  r: {
    host_id: string;
    name: string;
    first_seen: string | null;
    last_seen: string | null;
    requests: number | string;
    outcome: string | null;
    attacks: string;
    incidents: string;
  },
  t: Translator,
): AttackerOnHost {
  return {
    hostId: r.host_id,
    host: r.name,
    firstSeen: r.first_seen ?? undefined,
    lastSeen: r.last_seen ?? undefined,
    requests: Number(r.requests),
    outcome: r.outcome ?? undefined,
    attacks: jsonStrings(r.attacks),
    // Titles the agent rendered (rows from before keys were kept), or keyed: in the reader's language.
    incidents: jsonArray(r.incidents, (x): x is unknown => true)
      .map((x) => shown(x, t))
      .filter((x): x is string => x !== undefined),
  };
}

/** The addresses of one host that other hosts saw too, with those hosts (bounded). */
export async function sharedAttackers(
  store: ServerStore,
  hostId: string,
  limit = 50_000,
  t: Translator = translator("en"),
): Promise<Array<{ ip: string; here: AttackerOnHost; others: AttackerOnHost[] }>> {
  const rows = await store.db
    .selectFrom("host_attackers as mine")
    .innerJoin("host_attackers as a", (j) => j.onRef("a.ip", "=", "mine.ip"))
    .innerJoin("hosts as h", "h.id", "a.host_id")
    .select(ON_HOST)
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
    if (r.host_id === hostId) e.here = onHost(r, t);
    else e.others.push(onHost(r, t));
  }
  const out: Array<{ ip: string; here: AttackerOnHost; others: AttackerOnHost[] }> = [];
  for (const [ip, e] of byIp)
    if (e.here && e.others.length > 0) out.push({ ip, here: e.here, others: e.others });
  return out;
}

/** How many rows a summary table holds. */
async function rowCount(store: ServerStore, table: "host_apache" | "host_incidents"): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every Apache installation of the fleet by version (oldest and unknown first), host, binary: one page. */
export async function apachePage(
  store: ServerStore,
  page: Page,
): Promise<{ total: number; installations: ApacheRow[] }> {
  const total = await rowCount(store, "host_apache");
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
    total,
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

/** Incidents across the fleet, most severe first, then the earliest start: one page. */
export async function incidentsPage(
  store: ServerStore,
  page: Page,
  t: Translator = translator("en"),
): Promise<{ total: number; incidents: FleetIncident[] }> {
  const total = await rowCount(store, "host_incidents");
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
    total,
    incidents: rows.map((r) => {
      // Stored as the agent rendered them, with their keyed forms: shown in the reader's language.
      const keyed = keyedJson(r.message);
      return {
        hostId: r.host_id,
        host: r.name,
        id: r.incident_id,
        severity: r.severity,
        title: shown(keyed.title, t, 500) ?? r.title,
        summary: shown(keyed.summary, t, 5000) ?? r.summary,
        start: r.start || undefined,
        timeline: jsonArray(
          r.timeline,
          (x): x is Record<string, unknown> => !!x && typeof x === "object",
        ).map((e) => {
          const k = keyedJson(e.message);
          const text = (v: unknown) => (typeof v === "string" ? v : "");
          return {
            time: text(e.time),
            source: shown(k.source, t, 300) ?? text(e.source),
            text: shown(k.text, t, 2000) ?? text(e.text),
          };
        }),
      };
    }),
  };
}

/**
 * Fills the summaries of every host from its latest stored report (a migration adding summary `tables`, on
 * a database that had reports before it), one host at a time; the severity counts too with migration 5's.
 */
export async function backfillSummaries(
  trx: Kysely<ServerDb>,
  tables: readonly SummaryTable[] = ["host_attackers", "host_apache", "host_incidents"],
  /** The migration filling them: before 7, host_incidents has no `message` column. */
  version = 7,
  counts = tables.includes("host_attackers"),
): Promise<number> {
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
    const rows = summaryRows(h.id, doc, tables);
    if (version < 7)
      for (const r of [...(rows.host_incidents ?? []), ...(rows.host_findings ?? [])])
        delete (r as { message?: unknown }).message;
    await writeSummaryRows(trx, h.id, rows, "sqlite", false);
    if (!counts) continue;
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
