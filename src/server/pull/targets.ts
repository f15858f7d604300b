import { randomBytes } from "node:crypto";
import { Cron } from "croner";
import { parseSshTarget, targetLabel } from "../../remote/ssh.ts";
import { audit } from "../store/audit-log.ts";
import { type ServerStore, serverTx } from "../store/db.ts";
import type { PullTargetsTable } from "../store/schema.ts";

/**
 * Hosts without mamori that the server reads over SSH (agentless pull). Registering one makes its host
 * row at once (named after the target until its first report names it), so it is listed, and its failed
 * attempts shown, before any report. Every change goes to the audit log.
 */

export type PullTarget = PullTargetsTable;

export interface PullError {
  kind: string;
  detail: string;
  code: string;
}

export class PullTargetError extends Error {
  readonly reason: "badTarget" | "badCron" | "exists";
  constructor(reason: "badTarget" | "badCron" | "exists") {
    super(reason);
    this.reason = reason;
  }
}

/** Throws PullTargetError("badCron") unless croner accepts the pattern (5 or 6 fields, bounded). */
export function checkCron(pattern: string): void {
  if (pattern.length > 100) throw new PullTargetError("badCron");
  try {
    new Cron(pattern, { paused: true }).stop();
  } catch {
    throw new PullTargetError("badCron");
  }
}

/** Registers ssh://[user@]host[:port]; returns its host id. The target is kept in its canonical form. */
export async function addPullTarget(
  store: ServerStore,
  target: string,
  o: { sudo?: boolean; cron?: string; actor: string; now: Date },
): Promise<{ hostId: string; target: string }> {
  const parsed = parseSshTarget(target);
  if (!parsed) throw new PullTargetError("badTarget");
  if (o.cron !== undefined) checkCron(o.cron);
  const label = targetLabel(parsed);
  return serverTx(store, async (trx) => {
    const have = await trx
      .selectFrom("pull_targets")
      .select("host_id")
      .where("target", "=", label)
      .executeTakeFirst();
    if (have) throw new PullTargetError("exists");
    const hostId = randomBytes(16).toString("hex");
    const at = o.now.toISOString();
    await trx
      .insertInto("hosts")
      .values({
        id: hostId,
        name: label,
        os: null,
        created_at: at,
        last_scan_at: null,
        worst_severity: null,
        incidents: 0,
        latest_report_id: null,
      })
      .execute();
    await trx
      .insertInto("pull_targets")
      .values({
        host_id: hostId,
        target: label,
        sudo: o.sudo ? 1 : 0,
        cron: o.cron ?? null,
        created_at: at,
        created_by: o.actor,
        host_key_pinned_at: null,
        last_attempt_at: null,
        last_ok_at: null,
        last_error: null,
      })
      .execute();
    await audit(trx, o.now, o.actor, "pull.add", hostId, {
      target: label,
      sudo: Boolean(o.sudo),
      cron: o.cron ?? null,
    });
    return { hostId, target: label };
  });
}

/** Stops pulling a target (its host and reports stay); false when there is no such target. */
export async function removePullTarget(
  store: ServerStore,
  target: string,
  o: { actor: string; now: Date },
): Promise<boolean> {
  const parsed = parseSshTarget(target);
  const label = parsed ? targetLabel(parsed) : undefined;
  return serverTx(store, async (trx) => {
    const row = await trx
      .selectFrom("pull_targets")
      .select(["host_id", "target"])
      .where((eb) => eb.or([eb("target", "=", label ?? ""), eb("host_id", "=", target)]))
      .executeTakeFirst();
    if (!row) return false;
    await trx.deleteFrom("pull_targets").where("host_id", "=", row.host_id).execute();
    await audit(trx, o.now, o.actor, "pull.remove", row.host_id, { target: row.target });
    return true;
  });
}

export async function listPullTargets(store: ServerStore): Promise<PullTarget[]> {
  return store.db.selectFrom("pull_targets").selectAll().orderBy("target").execute();
}

export async function pullTargetOf(store: ServerStore, hostId: string): Promise<PullTarget | undefined> {
  return store.db.selectFrom("pull_targets").selectAll().where("host_id", "=", hostId).executeTakeFirst();
}

/** The stored error of a target's last attempt, or undefined (none, or not the shape we write). */
export function pullErrorOf(t: Pick<PullTarget, "last_error">): PullError | undefined {
  if (!t.last_error) return undefined;
  try {
    const e = JSON.parse(t.last_error) as Partial<PullError>;
    if (typeof e.kind === "string" && typeof e.detail === "string")
      return { kind: e.kind, detail: e.detail, code: typeof e.code === "string" ? e.code : "-" };
  } catch {}
  return undefined;
}

/** Notes an attempt's outcome; the audit log gets "pull.fail" (with the reason) or "pull.ok". */
export async function recordPull(
  store: ServerStore,
  hostId: string,
  now: Date,
  outcome: { ok: true; reportId: string; pinned: boolean } | { ok: false; error: PullError; pinned: boolean },
): Promise<void> {
  await serverTx(store, async (trx) => {
    const row = await trx
      .selectFrom("pull_targets")
      .select(["host_key_pinned_at"])
      .where("host_id", "=", hostId)
      .executeTakeFirst();
    if (!row) return;
    const at = now.toISOString();
    await trx
      .updateTable("pull_targets")
      .set({
        last_attempt_at: at,
        ...(outcome.ok
          ? { last_ok_at: at, last_error: null }
          : { last_error: JSON.stringify(outcome.error) }),
        ...(outcome.pinned && row.host_key_pinned_at === null ? { host_key_pinned_at: at } : {}),
      })
      .where("host_id", "=", hostId)
      .execute();
    await audit(
      trx,
      now,
      "pull",
      outcome.ok ? "pull.ok" : "pull.fail",
      hostId,
      outcome.ok ? { report: outcome.reportId } : { ...outcome.error },
    );
  });
}

/** Whether a target is due at `now`: never tried, or its cron (else every `everyMs`) came round since. */
export function isDue(t: PullTarget, now: Date, everyMs: number): boolean {
  if (t.last_attempt_at === null) return true;
  const last = Date.parse(t.last_attempt_at);
  if (!Number.isFinite(last)) return true;
  if (t.cron) {
    try {
      const next = new Cron(t.cron, { paused: true }).nextRun(new Date(last));
      return next !== null && next.getTime() <= now.getTime();
    } catch {
      return false;
    }
  }
  return everyMs > 0 && last + everyMs <= now.getTime();
}
