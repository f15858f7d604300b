import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { ServerDb } from "./schema.ts";

/** What an audit-log entry says: when, who, what, to what, and details. */
export type AuditEntry = [
  now: Date,
  actor: string,
  action: string,
  target: string,
  detail?: Record<string, unknown>,
];

/**
 * Appends one audit-log entry: inside the caller's transaction when given one (the change and its entry
 * commit together), or on the store's database for server-side events (data judged, alerts sent).
 */
export async function audit(db: Kysely<ServerDb>, ...entry: AuditEntry): Promise<void> {
  const [now, actor, action, target, detail = {}] = entry;
  await db
    .insertInto("audit_log")
    .values({
      id: randomUUID(),
      at: now.toISOString(),
      actor,
      action,
      target,
      detail: JSON.stringify(detail),
    })
    .execute();
}
