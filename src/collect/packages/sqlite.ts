import { DatabaseSync } from "node:sqlite";

/**
 * The header blobs of rpm's SQLite database (`rpmdb.sqlite`, EL9+ and Fedora: table Packages(hnum, blob)).
 * The file may be written by an attacker (`--root` of an image), so SQLite opens the descriptor RootFs
 * already opened and checked (through /proc/self/fd, never the path again), `immutable` (no journal,
 * WAL or lock file is looked for or created next to it: nothing is written into the scanned tree),
 * read-only, defensive, with no extensions and with the schema's own functions untrusted; and only a
 * real table named Packages is read, never a view an attacker defined.
 */
export interface SqliteResult {
  values: Array<{ key: number; value: Uint8Array }>;
  problem?: string;
  skipped: string[];
  skippedCount: number;
}

export function readRpmSqlite(
  fd: number,
  limits: { maxValue: number; maxValues: number; maxTotal: number },
): SqliteResult {
  const out: SqliteResult = { values: [], skipped: [], skippedCount: 0 };
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(new URL(`file:///proc/self/fd/${fd}?immutable=1`), {
      readOnly: true,
      allowExtension: false,
      defensive: true,
      enableForeignKeyConstraints: false,
    });
    db.exec("PRAGMA trusted_schema = OFF");
    const kind = db.prepare("SELECT type FROM sqlite_master WHERE name = 'Packages'").get() as
      | { type?: unknown }
      | undefined;
    if (kind?.type !== "table") return { ...out, problem: "sqlite-no-packages-table" };
    let total = 0;
    for (const row of db.prepare("SELECT hnum, blob FROM Packages").iterate() as Iterable<{
      hnum: unknown;
      blob: unknown;
    }>) {
      if (out.values.length >= limits.maxValues) return { ...out, problem: "sqlite-too-many-values" };
      if (typeof row.hnum !== "number" || !(row.blob instanceof Uint8Array)) {
        out.skippedCount++;
        if (out.skipped.length < 5) out.skipped.push("sqlite-row-type");
        continue;
      }
      total += row.blob.length;
      if (row.blob.length > limits.maxValue || total > limits.maxTotal)
        return { ...out, problem: "sqlite-too-large" };
      out.values.push({ key: row.hnum, value: row.blob });
    }
    return out;
  } catch (err) {
    const e = err as { errstr?: unknown; code?: unknown };
    const why = typeof e.errstr === "string" ? e.errstr : typeof e.code === "string" ? e.code : "error";
    return { ...out, problem: `sqlite: ${why}` };
  } finally {
    try {
      db?.close();
    } catch {
      // already closed or never opened
    }
  }
}
