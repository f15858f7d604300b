import { type Kysely, sql } from "kysely";
import type { HistoryDb } from "./schema.ts";

/**
 * Schema changes in order. Each runs once, inside a write transaction, on SQLite and PostgreSQL alike:
 * only portable column types (text, integer, bigint) and the kysely schema builder, never dialect SQL.
 * Append new migrations at the end; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<HistoryDb>): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the schema builder creates tables the typed schema does not know yet.
type AnyDb = Kysely<any>;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "scans, findings, baselines, log cursors, alerts",
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createTable("scans")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("root", "text", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text", (c) => c.notNull())
        .addColumn("tool_version", "text", (c) => c.notNull())
        .addColumn("command", "text", (c) => c.notNull())
        .addColumn("lang", "text", (c) => c.notNull())
        .addColumn("count_critical", "integer", (c) => c.notNull())
        .addColumn("count_high", "integer", (c) => c.notNull())
        .addColumn("count_medium", "integer", (c) => c.notNull())
        .addColumn("count_low", "integer", (c) => c.notNull())
        .addColumn("count_info", "integer", (c) => c.notNull())
        .addColumn("total", "integer", (c) => c.notNull())
        .addColumn("not_checked", "text", (c) => c.notNull())
        .addColumn("document", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("scans_host_started").on("scans").columns(["host", "started_at"]).execute();
      await db.schema
        .createTable("findings")
        .addColumn("scan_id", "text", (c) => c.notNull().references("scans.id").onDelete("cascade"))
        .addColumn("finding_id", "text", (c) => c.notNull())
        .addColumn("check_id", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("confidence", "text", (c) => c.notNull())
        .addColumn("evidence_hash", "text", (c) => c.notNull())
        .addColumn("finding", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("findings_pk", ["scan_id", "finding_id"])
        .execute();
      await db.schema.createIndex("findings_finding_id").on("findings").column("finding_id").execute();
      await db.schema
        .createTable("baselines")
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("scan_id", "text", (c) => c.notNull())
        .addColumn("recorded_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("baselines_pk", ["host", "kind", "key"])
        .execute();
      await db.schema
        .createTable("log_cursors")
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("inode", "text", (c) => c.notNull())
        .addColumn("offset", "bigint", (c) => c.notNull())
        .addColumn("head_hash", "text", (c) => c.notNull())
        .addColumn("head_len", "integer", (c) => c.notNull())
        .addColumn("mtime_ns", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("log_cursors_pk", ["host", "path"])
        .execute();
      await db.schema
        .createTable("alert_state")
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("finding_id", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("first_alerted_at", "text", (c) => c.notNull())
        .addColumn("last_seen_at", "text", (c) => c.notNull())
        .addColumn("resolved_at", "text")
        .addPrimaryKeyConstraint("alert_state_pk", ["host", "finding_id"])
        .execute();
      await db.schema
        .createTable("alert_deliveries")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("scan_id", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("error", "text")
        .addColumn("finding_ids", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("alert_deliveries_created")
        .on("alert_deliveries")
        .columns(["host", "created_at"])
        .execute();
      await db.schema
        .createTable("digest_queue")
        .addColumn("host", "text", (c) => c.notNull())
        .addColumn("finding_id", "text", (c) => c.notNull())
        .addColumn("scan_id", "text", (c) => c.notNull())
        .addColumn("queued_at", "text", (c) => c.notNull())
        .addColumn("finding", "text", (c) => c.notNull())
        .addColumn("sent_at", "text")
        .addPrimaryKeyConstraint("digest_queue_pk", ["host", "finding_id", "scan_id"])
        .execute();
    },
  },
  {
    version: 2,
    name: "host ids as the history key; facts beside each scan",
    async up(typed) {
      const db = typed as AnyDb;
      // Scans keep `host` as the hostname people read; `host_id` is the key. Rows written before host ids
      // existed are keyed "hostname:<name>" (LEGACY_PREFIX): still listed and compared, and taken over by the
      // host id the first time the same machine records a scan under that hostname (adoptLegacyHost).
      await db.schema.alterTable("scans").addColumn("host_id", "text").execute();
      await db
        .updateTable("scans")
        .set({ host_id: sql`${sql.lit(LEGACY_PREFIX)} || host` })
        .execute();
      await db.schema
        .createIndex("scans_host_id_started")
        .on("scans")
        .columns(["host_id", "started_at"])
        .execute();
      for (const table of ["baselines", "log_cursors"]) {
        await db.schema.alterTable(table).renameColumn("host", "host_id").execute();
        await db
          .updateTable(table)
          .set({ host_id: sql`${sql.lit(LEGACY_PREFIX)} || host_id` })
          .execute();
      }
      // Collected facts (a FactsBundle, validated where it is made and read) as JSON, kept apart from the
      // scan row so listing scans never reads them.
      await db.schema
        .createTable("scan_facts")
        .addColumn("scan_id", "text", (c) => c.primaryKey().references("scans.id").onDelete("cascade"))
        .addColumn("facts", "text", (c) => c.notNull())
        .execute();
    },
  },
];

/** The key of history rows recorded before hosts had ids, and of a host that has none: the hostname, prefixed. */
export const LEGACY_PREFIX = "hostname:";
