import * as fs from "node:fs";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { nodeSqlite } from "../../store/node-sqlite.ts";
import { SERVER_MIGRATIONS } from "./migrations.ts";
import type { ServerDb } from "./schema.ts";

export type ServerDialect = "sqlite" | "pg";

/** The server's open database; every change goes through `serverTx` (committed whole or not at all). */
export interface ServerStore {
  db: Kysely<ServerDb>;
  dialect: ServerDialect;
  close(): Promise<void>;
}

/**
 * `postgres://` / `postgresql://` open PostgreSQL; anything else is a SQLite file (created 0600).
 * `migrateTo` stops the migrations at that version (tests of a later migration on an older database).
 */
export async function openServerStore(target: string, o: { migrateTo?: number } = {}): Promise<ServerStore> {
  if (/^postgres(ql)?:\/\//.test(target)) {
    const pool = new pg.Pool({ connectionString: target, max: 8 });
    // An idle connection dropped by PostgreSQL (restart, network) must not end the server: the next query
    // takes a new connection, and a request in flight fails with its own error.
    pool.on("error", () => {});
    const db = new Kysely<ServerDb>({ dialect: new PostgresDialect({ pool }) });
    return migrated({ db, dialect: "pg", close: () => db.destroy() }, o.migrateTo);
  }
  const { raw, kysely } = nodeSqlite(target, { timeoutMs: 10_000 });
  try {
    raw.exec("PRAGMA journal_mode = WAL");
    // FULL: a report acknowledged with 2xx survives a power cut too, not only a crash of the server.
    raw.exec("PRAGMA synchronous = FULL");
    raw.exec("PRAGMA foreign_keys = ON");
    const fd = fs.openSync(target, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      fs.fchmodSync(fd, 0o600);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    raw.close();
    throw err;
  }
  const db = new Kysely<ServerDb>({ dialect: new SqliteDialect({ database: kysely }) });
  return migrated({ db, dialect: "sqlite", close: () => db.destroy() }, o.migrateTo);
}

async function migrated(store: ServerStore, upTo = Number.POSITIVE_INFINITY): Promise<ServerStore> {
  try {
    await migrate(store, upTo);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/**
 * Runs `fn` in one write transaction. SQLite takes the write lock up front (BEGIN IMMEDIATE) so writers
 * queue on busy_timeout instead of failing mid-transaction; PostgreSQL uses an ordinary transaction.
 */
export async function serverTx<T>(store: ServerStore, fn: (trx: Kysely<ServerDb>) => Promise<T>): Promise<T> {
  if (store.dialect === "pg") return store.db.transaction().execute(fn);
  return store.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const out = await fn(conn);
      await sql`commit`.execute(conn);
      return out;
    } catch (err) {
      try {
        await sql`rollback`.execute(conn);
      } catch {
        // already rolled back by SQLite itself
      }
      throw err;
    }
  });
}

/** The versions applied, oldest first. */
export async function appliedVersions(store: ServerStore): Promise<number[]> {
  const rows = await store.db.selectFrom("server_migrations").select("version").orderBy("version").execute();
  return rows.map((r) => Number(r.version));
}

async function migrate(store: ServerStore, upTo: number): Promise<void> {
  const wanted = SERVER_MIGRATIONS.filter((m) => m.version <= upTo);
  try {
    const have = new Set(await appliedVersions(store));
    if (wanted.every((m) => have.has(m.version))) return;
  } catch {
    // a new database: no migrations table yet
  }
  await serverTx(store, async (trx) => {
    if (store.dialect === "pg") await sql`select pg_advisory_xact_lock(727274017)`.execute(trx);
    await trx.schema
      .createTable("server_migrations")
      .ifNotExists()
      .addColumn("version", "integer", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("applied_at", "text", (c) => c.notNull())
      .execute();
    const done = new Set(
      (await trx.selectFrom("server_migrations").select("version").execute()).map((r) => Number(r.version)),
    );
    for (const m of wanted) {
      if (done.has(m.version)) continue;
      await m.up(trx, store.dialect);
      await trx
        .insertInto("server_migrations")
        .values({ version: m.version, name: m.name, applied_at: new Date().toISOString() })
        .execute();
    }
  });
}
