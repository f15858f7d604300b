import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Finding } from "../core/finding.ts";
import type { HistoryDb } from "./schema.ts";

export type DeliveryStatus = "sent" | "failed" | "rate-limited";

export interface DeliveryRecord {
  id: string;
  host: string;
  scanId: string | null;
  createdAt: string;
  channel: string;
  target: string;
  kind: "alert" | "digest";
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  findingIds: string[];
}

/** Finding ids that already alerted and have not been resolved since: they do not alert again. */
export async function openAlerts(db: Kysely<HistoryDb>, host: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("alert_state")
    .select("finding_id")
    .where("host", "=", host)
    .where("resolved_at", "is", null)
    .execute();
  return new Set(rows.map((r) => r.finding_id));
}

export async function markAlerted(
  db: Kysely<HistoryDb>,
  host: string,
  findings: Finding[],
  at: string,
): Promise<void> {
  for (const f of findings) {
    await db.deleteFrom("alert_state").where("host", "=", host).where("finding_id", "=", f.id).execute();
    await db
      .insertInto("alert_state")
      .values({
        host,
        finding_id: f.id,
        severity: f.severity,
        first_alerted_at: at,
        last_seen_at: at,
        resolved_at: null,
      })
      .execute();
  }
}

/** Undoes markAlerted for findings no channel took (they alert again after the next scan). */
export async function releaseAlerted(
  db: Kysely<HistoryDb>,
  host: string,
  findings: Finding[],
): Promise<void> {
  for (const f of findings)
    await db.deleteFrom("alert_state").where("host", "=", host).where("finding_id", "=", f.id).execute();
}

/** Open alerts whose finding is gone from the latest scan are resolved: if it comes back, it alerts again. */
export async function resolveAbsent(
  db: Kysely<HistoryDb>,
  host: string,
  present: Set<string>,
  at: string,
): Promise<string[]> {
  const open = await openAlerts(db, host);
  const gone = [...open].filter((id) => !present.has(id));
  for (const id of gone) {
    await db
      .updateTable("alert_state")
      .set({ resolved_at: at })
      .where("host", "=", host)
      .where("finding_id", "=", id)
      .execute();
  }
  const still = [...open].filter((id) => present.has(id));
  for (let i = 0; i < still.length; i += 100) {
    await db
      .updateTable("alert_state")
      .set({ last_seen_at: at })
      .where("host", "=", host)
      .where("finding_id", "in", still.slice(i, i + 100))
      .execute();
  }
  return gone;
}

export async function recordDelivery(
  db: Kysely<HistoryDb>,
  d: Omit<DeliveryRecord, "id">,
): Promise<DeliveryRecord> {
  const rec: DeliveryRecord = { id: `${d.createdAt}-${randomBytes(4).toString("hex")}`, ...d };
  await db
    .insertInto("alert_deliveries")
    .values({
      id: rec.id,
      host: rec.host,
      scan_id: rec.scanId,
      created_at: rec.createdAt,
      channel: rec.channel,
      target: rec.target,
      kind: rec.kind,
      status: rec.status,
      attempts: rec.attempts,
      error: rec.error,
      finding_ids: JSON.stringify(rec.findingIds),
    })
    .execute();
  return rec;
}

/** Messages actually sent on a channel since `since` (the rate limit counts these). */
export async function sentSince(
  db: Kysely<HistoryDb>,
  host: string,
  channel: string,
  since: string,
): Promise<number> {
  const r = await db
    .selectFrom("alert_deliveries")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("host", "=", host)
    .where("channel", "=", channel)
    .where("status", "=", "sent")
    .where("kind", "=", "alert")
    .where("created_at", ">=", since)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function listDeliveries(
  db: Kysely<HistoryDb>,
  opts: { host?: string; limit?: number } = {},
): Promise<DeliveryRecord[]> {
  let q = db.selectFrom("alert_deliveries").selectAll().orderBy("created_at", "desc").orderBy("id", "desc");
  if (opts.host) q = q.where("host", "=", opts.host);
  if (opts.limit) q = q.limit(opts.limit);
  return (await q.execute()).map((r) => ({
    id: r.id,
    host: r.host,
    scanId: r.scan_id,
    createdAt: r.created_at,
    channel: r.channel,
    target: r.target,
    kind: r.kind as DeliveryRecord["kind"],
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    error: r.error,
    findingIds: JSON.parse(r.finding_ids) as string[],
  }));
}

export async function queueDigest(
  db: Kysely<HistoryDb>,
  host: string,
  scanId: string,
  findings: Finding[],
  at: string,
): Promise<void> {
  for (const f of findings) {
    await db
      .deleteFrom("digest_queue")
      .where("host", "=", host)
      .where("finding_id", "=", f.id)
      .where("scan_id", "=", scanId)
      .execute();
    await db
      .insertInto("digest_queue")
      .values({
        host,
        finding_id: f.id,
        scan_id: scanId,
        queued_at: at,
        finding: JSON.stringify(f),
        sent_at: null,
      })
      .execute();
  }
}

export async function pendingDigest(db: Kysely<HistoryDb>, host: string): Promise<Finding[]> {
  const rows = await db
    .selectFrom("digest_queue")
    .select(["finding_id", "finding"])
    .where("host", "=", host)
    .where("sent_at", "is", null)
    .orderBy("queued_at")
    .execute();
  const seen = new Map<string, Finding>();
  for (const r of rows) seen.set(r.finding_id, JSON.parse(r.finding) as Finding);
  return [...seen.values()];
}

export async function markDigestSent(db: Kysely<HistoryDb>, host: string, at: string): Promise<void> {
  await db
    .updateTable("digest_queue")
    .set({ sent_at: at })
    .where("host", "=", host)
    .where("sent_at", "is", null)
    .execute();
}

/** When the last digest went out (for "once a day"). */
export async function lastDigestAt(db: Kysely<HistoryDb>, host: string): Promise<string | undefined> {
  const r = await db
    .selectFrom("alert_deliveries")
    .select("created_at")
    .where("host", "=", host)
    .where("kind", "=", "digest")
    .where("status", "=", "sent")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return r?.created_at;
}
