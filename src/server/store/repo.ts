import { createHash, randomBytes, randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { SEVERITIES, type Severity } from "../../core/finding.ts";
import { audit } from "./audit-log.ts";
import { type ServerStore, serverTx } from "./db.ts";
import { recordEvents } from "./events.ts";
import type { ServerDb } from "./schema.ts";
import { reportHashOf, severityCounts, summaryRows, writeSummaryRows } from "./summaries.ts";

/**
 * The server's records: enrollment tokens, host credentials and API keys (random secrets, stored as their
 * sha256 only), hosts and the reports they push, an audit log of every change. Every function takes the
 * clock; none keeps state.
 */

export const TOKEN_PREFIX = "mmt_";
export const CREDENTIAL_PREFIX = "mmh_";
export const API_KEY_PREFIX = "mmk_";
/** Enrollment tokens expire after a day unless told otherwise. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 3600 * 1000;

/** A secret of 256 random bits, with a prefix saying what it is. */
function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** The stored form of a secret: its sha256 (the secrets are random, so a slow hash adds nothing). */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A secret's shape, checked before any lookup (bounded, base64url). */
function wellFormed(secret: string, prefix: string): boolean {
  return (
    secret.length === prefix.length + 43 &&
    secret.startsWith(prefix) &&
    /^[A-Za-z0-9_-]+$/.test(secret.slice(prefix.length))
  );
}

export async function createEnrollToken(
  store: ServerStore,
  now: Date,
  ttlMs = DEFAULT_TOKEN_TTL_MS,
  actor = "cli",
): Promise<{ token: string; id: string; expiresAt: string }> {
  const token = newSecret(TOKEN_PREFIX);
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await serverTx(store, async (trx) => {
    await trx
      .insertInto("enroll_tokens")
      .values({
        id,
        token_hash: secretHash(token),
        created_at: now.toISOString(),
        expires_at: expiresAt,
        used_at: null,
        used_by_host: null,
        revoked_at: null,
      })
      .execute();
    await audit(trx, now, actor, "token.create", id, { expiresAt });
  });
  return { token, id, expiresAt };
}

export async function createApiKey(
  store: ServerStore,
  now: Date,
  role: "admin" | "viewer" = "admin",
  label = "",
  actor = "cli",
): Promise<{ key: string; id: string }> {
  const key = newSecret(API_KEY_PREFIX);
  const id = randomUUID();
  await serverTx(store, async (trx) => {
    await trx
      .insertInto("api_keys")
      .values({ id, key_hash: secretHash(key), role, label, created_at: now.toISOString(), revoked_at: null })
      .execute();
    await audit(trx, now, actor, "api-key.create", id, { role });
  });
  return { key, id };
}

export type EnrollRefusal = "invalid" | "expired" | "used" | "revoked";

/**
 * Exchanges a one-time enrollment token for a new host and its credential. The token is marked used in the
 * same transaction, by a conditional update: two agents racing with one token get one host between them.
 */
export async function enroll(
  store: ServerStore,
  token: string,
  hostname: string,
  now: Date,
): Promise<{ ok: true; hostId: string; credential: string } | { ok: false; reason: EnrollRefusal }> {
  if (!wellFormed(token, TOKEN_PREFIX)) return { ok: false, reason: "invalid" };
  const hash = secretHash(token);
  return serverTx(store, async (trx) => {
    const row = await trx
      .selectFrom("enroll_tokens")
      .selectAll()
      .where("token_hash", "=", hash)
      .executeTakeFirst();
    if (!row) return { ok: false as const, reason: "invalid" as const };
    if (row.revoked_at) return { ok: false as const, reason: "revoked" as const };
    if (row.used_at) return { ok: false as const, reason: "used" as const };
    if (Date.parse(row.expires_at) <= now.getTime())
      return { ok: false as const, reason: "expired" as const };
    const hostId = randomBytes(16).toString("hex");
    const claimed = await trx
      .updateTable("enroll_tokens")
      .set({ used_at: now.toISOString(), used_by_host: hostId })
      .where("id", "=", row.id)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return { ok: false as const, reason: "used" as const };
    await trx
      .insertInto("hosts")
      .values({
        id: hostId,
        name: hostname,
        os: null,
        created_at: now.toISOString(),
        last_scan_at: null,
        worst_severity: null,
        incidents: 0,
        latest_report_id: null,
      })
      .execute();
    const credential = await addCredential(trx, hostId, now);
    await audit(trx, now, `token:${row.id}`, "host.enroll", hostId, { name: hostname });
    return { ok: true as const, hostId, credential };
  });
}

/**
 * The host a credential belongs to, or undefined (unknown, malformed or revoked). The first use of a
 * credential retires the host's older ones: after a rotation the old credential keeps working until the
 * agent has stored and used the new one, so a crash between the two never locks the host out.
 */
export async function hostOfCredential(
  store: ServerStore,
  secret: string,
  now: Date,
): Promise<string | undefined> {
  if (!wellFormed(secret, CREDENTIAL_PREFIX)) return undefined;
  const hash = secretHash(secret);
  const row = await store.db
    .selectFrom("host_credentials")
    .select(["id", "host_id", "revoked_at", "last_used_at", "created_at"])
    .where("secret_hash", "=", hash)
    .executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  if (row.last_used_at === null) {
    const still = await serverTx(store, async (trx) => {
      const r = await trx
        .updateTable("host_credentials")
        .set({ last_used_at: now.toISOString() })
        .where("id", "=", row.id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      const retired = await trx
        .updateTable("host_credentials")
        .set({ revoked_at: now.toISOString() })
        .where("host_id", "=", row.host_id)
        .where("id", "!=", row.id)
        .where("created_at", "<=", row.created_at)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      if (Number(retired.numUpdatedRows) > 0)
        await audit(trx, now, `host:${row.host_id}`, "credential.retire-old", row.host_id);
      return true;
    });
    if (!still) return undefined;
  }
  return row.host_id;
}

/** Stores a new credential of a host (its hash) in the caller's transaction; returns the credential. */
async function addCredential(trx: Kysely<ServerDb>, hostId: string, now: Date): Promise<string> {
  const credential = newSecret(CREDENTIAL_PREFIX);
  await trx
    .insertInto("host_credentials")
    .values({
      id: randomUUID(),
      host_id: hostId,
      secret_hash: secretHash(credential),
      created_at: now.toISOString(),
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  return credential;
}

/** A new credential for a host (its current one stays valid until the new one is first used). */
export async function rotateCredential(store: ServerStore, hostId: string, now: Date): Promise<string> {
  return serverTx(store, async (trx) => {
    const credential = await addCredential(trx, hostId, now);
    await audit(trx, now, `host:${hostId}`, "credential.rotate", hostId);
    return credential;
  });
}

/** The API key's id and role, or undefined (unknown, malformed or revoked). */
export async function apiKeyOf(
  store: ServerStore,
  key: string,
): Promise<{ id: string; role: string } | undefined> {
  if (!wellFormed(key, API_KEY_PREFIX)) return undefined;
  const row = await store.db
    .selectFrom("api_keys")
    .select(["id", "role", "revoked_at"])
    .where("key_hash", "=", secretHash(key))
    .executeTakeFirst();
  return row && !row.revoked_at ? { id: row.id, role: row.role } : undefined;
}

/** Revokes every credential of a host (it must enroll again with a new token); false for an unknown host. */
export async function revokeHost(
  store: ServerStore,
  hostId: string,
  now: Date,
  actor = "cli",
): Promise<boolean> {
  return serverTx(store, async (trx) => {
    const host = await trx.selectFrom("hosts").select("id").where("id", "=", hostId).executeTakeFirst();
    if (!host) return false;
    await trx
      .updateTable("host_credentials")
      .set({ revoked_at: now.toISOString() })
      .where("host_id", "=", hostId)
      .where("revoked_at", "is", null)
      .execute();
    await audit(trx, now, actor, "host.revoke", hostId);
    return true;
  });
}

/** Revokes an unused enrollment token, given the token itself. */
export async function revokeToken(
  store: ServerStore,
  token: string,
  now: Date,
  actor = "cli",
): Promise<boolean> {
  return serverTx(store, async (trx) => {
    const r = await trx
      .updateTable("enroll_tokens")
      .set({ revoked_at: now.toISOString() })
      .where("token_hash", "=", secretHash(token))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await audit(trx, now, actor, "token.revoke", secretHash(token).slice(0, 16));
    return true;
  });
}

export function worstOf(severities: Iterable<string>): Severity | null {
  let best: number = SEVERITIES.length;
  for (const s of severities) {
    const i = SEVERITIES.indexOf(s as Severity);
    if (i >= 0 && i < best) best = i;
  }
  return SEVERITIES[best] ?? null;
}

/** What the server keeps of a pushed report besides the document itself. */
export interface IngestReport {
  hostname: string;
  os?: string;
  scannedAt: string;
  findings: Array<{ id: string; check: string; severity: string; title: string }>;
  incidents: Array<{ id: string; severity: string; title: string }>;
  /** The document as JSON text. */
  document: string;
  facts?: string;
  /** `document` and `facts` already parsed by the caller (the API validates them): not parsed again. */
  parsed?: { document: unknown; facts?: unknown };
}

/** Stores one report of a host, its findings and incidents, and the host's summary; returns the report id. */
export async function ingestReport(
  store: ServerStore,
  hostId: string,
  report: IngestReport,
  now: Date,
  by: { actor: string; action: string } = { actor: `host:${hostId}`, action: "report.ingest" },
): Promise<string> {
  return (await ingest(store, hostId, report, now, by)).reportId;
}

/**
 * Stores one report of a host, its findings, incidents and events, and the host's summaries (fleet views)
 * in one transaction. A report equal to the host's latest one but for its scan time (`reportHash`) is not
 * stored again: the host's last scan time and scan counter move, and the latest report's id is returned
 * with `stored: false`.
 */
export async function ingest(
  store: ServerStore,
  hostId: string,
  report: IngestReport,
  now: Date,
  by: { actor: string; action: string } = { actor: `host:${hostId}`, action: "report.ingest" },
): Promise<{ reportId: string; stored: boolean }> {
  const id = randomUUID();
  const worst = worstOf(report.findings.map((f) => f.severity));
  // PostgreSQL text and JSONB cannot hold U+0000, which host-supplied strings may carry: U+FFFD instead.
  const clean = (v: string) => (v.includes("\u0000") ? v.replaceAll("\u0000", "\uFFFD") : v);
  // Each text is parsed once here, or not at all when the caller has parsed it (the API, to validate).
  const value = (text: string, parsed: unknown) =>
    text.includes("\\u0000")
      ? JSON.parse(text, (_k, v) => (typeof v === "string" ? clean(v) : v))
      : parsed !== undefined
        ? parsed
        : JSON.parse(text);
  const document: unknown = value(report.document, report.parsed?.document);
  const facts: unknown = report.facts === undefined ? undefined : value(report.facts, report.parsed?.facts);
  const text = (raw: string, v: unknown) => (raw.includes("\\u0000") ? JSON.stringify(v) : raw);
  report = {
    ...report,
    hostname: clean(report.hostname),
    os: report.os === undefined ? undefined : clean(report.os),
    findings: report.findings.map((f) => ({
      id: clean(f.id),
      check: clean(f.check),
      severity: f.severity,
      title: clean(f.title),
    })),
    incidents: report.incidents.map((x) => ({
      id: clean(x.id),
      severity: x.severity,
      title: clean(x.title),
    })),
    document: text(report.document, document),
    facts: report.facts === undefined ? undefined : text(report.facts, facts),
  };
  const hash = reportHashOf(document, facts);
  // The summaries (fleet views, export) are folded here, before the transaction: no lock or connection is
  // held while they are made. An unchanged report does not use them.
  const rows = summaryRows(hostId, document);
  // A finding or incident id repeated in one report is kept once (the first).
  const seenF = new Set<string>();
  const findings = report.findings.filter((f) => !seenF.has(f.id) && seenF.add(f.id));
  const seenI = new Set<string>();
  const incidents = report.incidents.filter((x) => !seenI.has(x.id) && seenI.add(x.id));
  const counts = severityCounts(findings.map((f) => f.severity));
  return serverTx(store, async (trx) => {
    // Two pushes of one host wait for each other on PostgreSQL (SQLite has one writer anyway).
    let current = trx
      .selectFrom("hosts")
      .select(["report_hash", "latest_report_id", "last_scan_at"])
      .where("id", "=", hostId);
    if (store.dialect === "pg") current = current.forUpdate();
    const host = await current.executeTakeFirst();
    if (host?.latest_report_id && host.report_hash === hash) {
      const last =
        host.last_scan_at && host.last_scan_at > report.scannedAt ? host.last_scan_at : report.scannedAt;
      await trx
        .updateTable("hosts")
        .set((eb) => ({ last_scan_at: last, scans: eb("scans", "+", 1) }))
        .where("id", "=", hostId)
        .execute();
      return { reportId: host.latest_report_id, stored: false };
    }
    await trx
      .insertInto("reports")
      .values({
        id,
        host_id: hostId,
        received_at: now.toISOString(),
        scanned_at: report.scannedAt,
        worst_severity: worst,
        findings: report.findings.length,
        incidents: report.incidents.length,
        document: report.document,
        facts: report.facts ?? null,
      })
      .execute();
    await recordEvents(trx, store.dialect, hostId, id, report, now);
    for (let i = 0; i < findings.length; i += 200)
      await trx
        .insertInto("report_findings")
        .values(
          findings.slice(i, i + 200).map((f) => ({
            report_id: id,
            host_id: hostId,
            finding_id: f.id,
            check_id: f.check,
            severity: f.severity,
            title: f.title,
          })),
        )
        .execute();
    for (let i = 0; i < incidents.length; i += 200)
      await trx
        .insertInto("report_incidents")
        .values(
          incidents.slice(i, i + 200).map((x) => ({
            report_id: id,
            host_id: hostId,
            incident_id: x.id,
            severity: x.severity,
            title: x.title,
          })),
        )
        .execute();
    await trx
      .updateTable("hosts")
      .set((eb) => ({
        name: report.hostname,
        os: report.os ?? null,
        last_scan_at: report.scannedAt,
        worst_severity: worst,
        incidents: incidents.length,
        latest_report_id: id,
        report_hash: hash,
        scans: eb("scans", "+", 1),
        ...counts,
      }))
      .where("id", "=", hostId)
      .execute();
    await writeSummaryRows(trx, hostId, rows, store.dialect);
    await audit(trx, now, by.actor, by.action, id, {
      findings: findings.length,
      incidents: incidents.length,
    });
    return { reportId: id, stored: true };
  });
}

export interface HostSummary {
  id: string;
  name: string;
  lastScanAt: string | null;
  worstSeverity: Severity | null;
  incidents: number;
}

/** A page of the host list: at most `limit` hosts after skipping `offset` (no limit: every host). */
export interface HostPage {
  limit?: number;
  offset?: number;
}

/** The most hosts one page may ask for (the API's ?limit=). */
export const MAX_HOST_PAGE = 1000;

function summary(r: {
  id: string;
  name: string;
  last_scan_at: string | null;
  worst_severity: string | null;
  incidents: number | string;
}): HostSummary {
  return {
    id: r.id,
    name: r.name,
    lastScanAt: r.last_scan_at,
    worstSeverity: worstOf(r.worst_severity ? [r.worst_severity] : []),
    incidents: Number(r.incidents),
  };
}

/**
 * Hosts most at risk first (worst severity, then incidents, then name, then id), ordered and cut into a
 * page by the database: a fleet of thousands is never loaded whole for one page. Names compare by code
 * (PostgreSQL's "C" collation, SQLite's binary one), the same on both.
 */
export async function listHosts(store: ServerStore, page: HostPage = {}): Promise<HostSummary[]> {
  const name = store.dialect === "pg" ? sql`${sql.ref("name")} collate "C"` : sql`${sql.ref("name")}`;
  let q = store.db
    .selectFrom("hosts")
    .select(["id", "name", "last_scan_at", "worst_severity", "incidents"])
    // risk: the worst severity's rank, kept by ingest (migration 5).
    .orderBy("risk")
    .orderBy("incidents", "desc")
    .orderBy(name)
    .orderBy("id");
  if (page.limit !== undefined) q = q.limit(page.limit);
  if (page.offset !== undefined && page.offset > 0) {
    // SQLite takes OFFSET only after a LIMIT.
    if (page.limit === undefined) q = q.limit(store.dialect === "pg" ? null : -1);
    q = q.offset(page.offset);
  }
  return (await q.execute()).map(summary);
}

export async function hostCount(store: ServerStore): Promise<number> {
  const row = await store.db
    .selectFrom("hosts")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getHost(store: ServerStore, hostId: string): Promise<HostSummary | undefined> {
  const row = await store.db
    .selectFrom("hosts")
    .select(["id", "name", "last_scan_at", "worst_severity", "incidents"])
    .where("id", "=", hostId)
    .executeTakeFirst();
  return row ? summary(row) : undefined;
}

/** The latest report document of a host (parsed), or undefined. */
export async function latestReport(store: ServerStore, hostId: string): Promise<unknown | undefined> {
  const row = await store.db
    .selectFrom("hosts")
    .innerJoin("reports", "reports.id", "hosts.latest_report_id")
    .select("reports.document")
    .where("hosts.id", "=", hostId)
    .executeTakeFirst();
  if (!row) return undefined;
  return typeof row.document === "string" ? JSON.parse(row.document) : row.document;
}

export async function reportCount(store: ServerStore, hostId?: string): Promise<number> {
  let q = store.db.selectFrom("reports").select((eb) => eb.fn.countAll().as("n"));
  if (hostId) q = q.where("host_id", "=", hostId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}
