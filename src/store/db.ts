import * as fs from "node:fs";
import * as path from "node:path";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { MIGRATIONS } from "./migrations.ts";
import { nodeSqlite } from "./node-sqlite.ts";
import type { HistoryDb } from "./schema.ts";

export type Dialect = "sqlite" | "pg";

/** An open history database. Every write goes through `writeTx`, so a scan is stored whole or not at all. */
export interface Store {
  db: Kysely<HistoryDb>;
  dialect: Dialect;
  /** File of a SQLite store (the spool directory sits beside it). */
  file?: string;
  close(): Promise<void>;
}

export interface SqliteOptions {
  /** How long a writer waits for another writer before giving up (SQLITE_BUSY). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens (and creates, and migrates) a SQLite history file. WAL lets readers run beside a writer;
 * busy_timeout makes a second writer wait instead of failing at once; writes use BEGIN IMMEDIATE.
 */
export async function openSqlite(file: string, opts: SqliteOptions = {}): Promise<Store> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const busy = opts.busyTimeoutMs ?? 10_000;
  const { raw, kysely } = nodeSqlite(file, { timeoutMs: Math.max(0, Math.floor(busy)) });
  try {
    raw.exec("PRAGMA journal_mode = WAL");
    raw.exec("PRAGMA synchronous = NORMAL");
    raw.exec("PRAGMA foreign_keys = ON");
  } catch (err) {
    raw.close();
    throw err;
  }
  try {
    // Through a descriptor opened without following a link: a link planted at the name changes nothing.
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      fs.fchmodSync(fd, 0o600);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not ours to change (another user's file): reading still works
  }
  const db = new Kysely<HistoryDb>({ dialect: new SqliteDialect({ database: kysely }) });
  return migrated({ db, dialect: "sqlite", file, close: () => db.destroy() });
}

/** Opens a PostgreSQL history (the fleet server's), same schema, same migrations. */
export async function openPostgres(connection: string | pg.PoolConfig): Promise<Store> {
  const pool = new pg.Pool(typeof connection === "string" ? { connectionString: connection } : connection);
  const db = new Kysely<HistoryDb>({ dialect: new PostgresDialect({ pool }) });
  return migrated({ db, dialect: "pg", close: () => db.destroy() });
}

/** The store with its schema brought up to date; closed again when that fails. */
async function migrated(store: Store): Promise<Store> {
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** `postgres://` and `postgresql://` open PostgreSQL; anything else is a SQLite file. */
export async function openStore(target: string, opts: SqliteOptions = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(target)) return openPostgres(target);
  return openSqlite(target, opts);
}

/**
 * Runs `fn` in one write transaction: committed whole, or rolled back on any error.
 * SQLite takes the write lock up front (BEGIN IMMEDIATE) so two processes queue on busy_timeout
 * instead of failing mid-transaction; PostgreSQL uses an ordinary transaction.
 */
export async function writeTx<T>(store: Store, fn: (trx: Kysely<HistoryDb>) => Promise<T>): Promise<T> {
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
        // the transaction may already be gone (SQLITE_FULL rolls back by itself)
      }
      throw err;
    }
  });
}

async function migrate(store: Store): Promise<void> {
  // Up to date (the usual case): a read, so opening never waits for another writer's lock.
  try {
    const have = new Set(
      (await store.db.selectFrom("mamori_migrations").select("version").execute()).map((r) =>
        Number(r.version),
      ),
    );
    if (MIGRATIONS.every((m) => have.has(m.version))) return;
  } catch {
    // no migrations table yet: a new database
  }
  await writeTx(store, async (trx) => {
    if (store.dialect === "pg") await sql`select pg_advisory_xact_lock(727274001)`.execute(trx);
    await trx.schema
      .createTable("mamori_migrations")
      .ifNotExists()
      .addColumn("version", "integer", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("applied_at", "text", (c) => c.notNull())
      .execute();
    const done = new Set(
      (await trx.selectFrom("mamori_migrations").select("version").execute()).map((r) => Number(r.version)),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await m.up(trx);
      await trx
        .insertInto("mamori_migrations")
        .values({ version: m.version, name: m.name, applied_at: new Date().toISOString() })
        .execute();
    }
  });
}

/** Where history lives by default: /var/lib/mamori as root, else the XDG data directory. */
export function defaultDbPath(env: NodeJS.ProcessEnv, isRoot: boolean, home: string): string {
  if (isRoot) return "/var/lib/mamori/history.db";
  const base =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(home, ".local/share");
  return path.join(base, "mamori", "history.db");
}
