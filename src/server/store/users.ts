import { createHash, randomBytes, randomUUID } from "node:crypto";
import { type ServerStore, serverTx } from "./db.ts";

/** Dashboard users and their sessions. Session ids are stored as sha256; the CSRF token lives beside them. */

export const ROLES = ["admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];
export const SESSION_MS = 12 * 3600 * 1000;
export const USER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

export async function addUser(
  store: ServerStore,
  name: string,
  passwordHash: string,
  role: Role,
  now: Date,
): Promise<void> {
  await serverTx(store, async (trx) => {
    const have = await trx.selectFrom("users").select("name").where("name", "=", name).executeTakeFirst();
    if (have)
      await trx.updateTable("users").set({ password: passwordHash, role }).where("name", "=", name).execute();
    else
      await trx
        .insertInto("users")
        .values({ name, password: passwordHash, role, created_at: now.toISOString() })
        .execute();
    // Sessions of a user whose password or role changed end now.
    await trx.deleteFrom("sessions").where("user_name", "=", name).execute();
    await trx
      .insertInto("audit_log")
      .values({
        id: randomUUID(),
        at: now.toISOString(),
        actor: "cli",
        action: have ? "user.update" : "user.add",
        target: name,
        detail: JSON.stringify({ role }),
      })
      .execute();
  });
}

export async function userByName(
  store: ServerStore,
  name: string,
): Promise<{ name: string; password: string; role: Role } | undefined> {
  if (!USER_NAME.test(name)) return undefined;
  const row = await store.db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
  return row
    ? { name: row.name, password: row.password, role: row.role === "admin" ? "admin" : "viewer" }
    : undefined;
}

export async function createSession(
  store: ServerStore,
  user: string,
  now: Date,
): Promise<{ id: string; csrf: string }> {
  const id = randomBytes(32).toString("base64url");
  const csrf = randomBytes(32).toString("base64url");
  await serverTx(store, async (trx) => {
    await trx.deleteFrom("sessions").where("expires_at", "<", now.toISOString()).execute();
    await trx
      .insertInto("sessions")
      .values({
        id_hash: sha(id),
        user_name: user,
        csrf,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_MS).toISOString(),
      })
      .execute();
    await trx
      .insertInto("audit_log")
      .values({
        id: randomUUID(),
        at: now.toISOString(),
        actor: `user:${user}`,
        action: "session.login",
        target: user,
        detail: "{}",
      })
      .execute();
  });
  return { id, csrf };
}

export async function sessionOf(
  store: ServerStore,
  id: string,
  now: Date,
): Promise<{ user: string; role: Role; csrf: string; idHash: string } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  const row = await store.db
    .selectFrom("sessions")
    .innerJoin("users", "users.name", "sessions.user_name")
    .select(["sessions.id_hash", "sessions.csrf", "sessions.expires_at", "users.name", "users.role"])
    .where("sessions.id_hash", "=", sha(id))
    .executeTakeFirst();
  if (!row || Date.parse(row.expires_at) <= now.getTime()) return undefined;
  return {
    user: row.name,
    role: row.role === "admin" ? "admin" : "viewer",
    csrf: row.csrf,
    idHash: row.id_hash,
  };
}

export async function endSession(store: ServerStore, idHash: string): Promise<void> {
  await store.db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
}
