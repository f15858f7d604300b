import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/**
 * SQLite through Node's own `node:sqlite`, shaped as kysely's SqliteDialect expects (the better-sqlite3 API).
 *
 * Why not better-sqlite3: built against Node 24.21's headers, its ObjectWrap destructor calls
 * RemoveEnvironmentCleanupHook during garbage collection and aborts the process
 * ("Assertion failed: (env) != nullptr") once a Database or Statement is collected, which a long-running
 * `mamori watch` always reaches. node:sqlite has no native addon to build and no such hook.
 */
export function nodeSqlite(
  file: string,
  opts: { timeoutMs: number; readOnly?: boolean },
): {
  raw: DatabaseSync;
  kysely: SqliteDatabase;
} {
  const raw = new DatabaseSync(file, { timeout: opts.timeoutMs, readOnly: opts.readOnly ?? false });
  const kysely: SqliteDatabase = {
    close: () => {
      if (raw.isOpen) raw.close();
    },
    prepare(sql: string): SqliteStatement {
      const stmt = raw.prepare(sql);
      const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
      return {
        reader: stmt.columns().length > 0,
        all: (p) => stmt.all(...params(p)),
        run: (p) => {
          const r = stmt.run(...params(p));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (p) => stmt.iterate(...params(p)),
      };
    },
  };
  return { raw, kysely };
}
