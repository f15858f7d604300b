import { type AuditEntry, audit } from "./audit-log.ts";
import type { ServerStore } from "./db.ts";

/**
 * Queries over the whole fleet (re-judging, fleet views). Kept apart from repo.ts, which holds the
 * per-request records (enrollment, credentials, ingest).
 */

/** A host's latest stored report with its facts (text on SQLite, already parsed on PostgreSQL). */
export interface LatestWithFacts {
  hostId: string;
  name: string;
  reportId: string;
  document: unknown;
  facts: unknown | null;
}

function parsed(v: unknown): unknown {
  return typeof v === "string" ? JSON.parse(v) : v;
}

/** Every host's id that has a latest report (the list is small; documents are read one host at a time). */
export async function hostsWithReports(store: ServerStore): Promise<Array<{ id: string; name: string }>> {
  return store.db
    .selectFrom("hosts")
    .select(["id", "name"])
    .where("latest_report_id", "is not", null)
    .orderBy("id")
    .execute();
}

/** One host's latest report and facts, parsed. */
export async function latestWithFacts(
  store: ServerStore,
  hostId: string,
): Promise<LatestWithFacts | undefined> {
  const row = await store.db
    .selectFrom("hosts")
    .innerJoin("reports", "reports.id", "hosts.latest_report_id")
    .select([
      "hosts.id as hostId",
      "hosts.name",
      "reports.id as reportId",
      "reports.document",
      "reports.facts",
    ])
    .where("hosts.id", "=", hostId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    hostId: row.hostId,
    name: row.name,
    reportId: row.reportId,
    document: parsed(row.document),
    facts: row.facts === null ? null : parsed(row.facts),
  };
}

/** Latest documents of every host, one at a time (the fleet views fold them without holding all). */
export async function* latestDocuments(
  store: ServerStore,
): AsyncGenerator<{ hostId: string; name: string; document: unknown }> {
  for (const h of await hostsWithReports(store)) {
    const row = await store.db
      .selectFrom("hosts")
      .innerJoin("reports", "reports.id", "hosts.latest_report_id")
      .select(["reports.document"])
      .where("hosts.id", "=", h.id)
      .executeTakeFirst();
    if (row) yield { hostId: h.id, name: h.name, document: parsed(row.document) };
  }
}

/** Appends one audit-log entry outside any other change (server-side events: data judged, alerts sent). */
export async function recordEvent(store: ServerStore, ...entry: AuditEntry): Promise<void> {
  await audit(store.db, ...entry);
}

/** The latest audit-log entries of one action, newest first. */
export async function eventsOf(
  store: ServerStore,
  action: string,
  limit = 100,
): Promise<Array<{ at: string; actor: string; target: string; detail: Record<string, unknown> }>> {
  const rows = await store.db
    .selectFrom("audit_log")
    .select(["at", "actor", "target", "detail"])
    .where("action", "=", action)
    .orderBy("at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => {
    let detail: Record<string, unknown> = {};
    try {
      const v = JSON.parse(r.detail);
      if (v && typeof v === "object" && !Array.isArray(v)) detail = v;
    } catch {
      detail = {};
    }
    return { at: r.at, actor: r.actor, target: r.target, detail };
  });
}

/** Whether an audit-log entry of this action and target exists (things told once). */
export async function hasEvent(store: ServerStore, action: string, target: string): Promise<boolean> {
  const row = await store.db
    .selectFrom("audit_log")
    .select("id")
    .where("action", "=", action)
    .where("target", "=", target)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
