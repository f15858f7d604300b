import { type Kysely, sql } from "kysely";
import type { ServerDb } from "./schema.ts";
import { backfillSummaries, foldTimes } from "./summaries.ts";

/**
 * The server's schema changes in order, each run once inside a write transaction on SQLite and PostgreSQL
 * alike. Portable types only, except documents: `jsonb` on PostgreSQL (queried there), text on SQLite.
 * Append new migrations at the end; never edit one that has shipped.
 */
export interface ServerMigration {
  version: number;
  name: string;
  up(db: Kysely<ServerDb>, dialect: "sqlite" | "pg"): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the schema builder creates tables the typed schema does not know yet.
type AnyDb = Kysely<any>;

export const SERVER_MIGRATIONS: ServerMigration[] = [
  {
    version: 1,
    name: "hosts, enrollment, credentials, api keys, reports, findings, incidents, audit log",
    async up(typed, dialect) {
      const db = typed as AnyDb;
      const json = dialect === "pg" ? "jsonb" : "text";
      await db.schema
        .createTable("hosts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("os", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("last_scan_at", "text")
        .addColumn("worst_severity", "text")
        .addColumn("incidents", "integer", (c) => c.notNull())
        .addColumn("latest_report_id", "text")
        .execute();
      await db.schema
        .createTable("enroll_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("used_at", "text")
        .addColumn("used_by_host", "text")
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema
        .createTable("host_credentials")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id").onDelete("cascade"))
        .addColumn("secret_hash", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("revoked_at", "text")
        .addColumn("last_used_at", "text")
        .execute();
      await db.schema
        .createTable("api_keys")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("key_hash", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("label", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema
        .createTable("reports")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id").onDelete("cascade"))
        .addColumn("received_at", "text", (c) => c.notNull())
        .addColumn("scanned_at", "text", (c) => c.notNull())
        .addColumn("worst_severity", "text")
        .addColumn("findings", "integer", (c) => c.notNull())
        .addColumn("incidents", "integer", (c) => c.notNull())
        .addColumn("document", json, (c) => c.notNull())
        .addColumn("facts", json)
        .execute();
      await db.schema
        .createIndex("reports_host_received")
        .on("reports")
        .columns(["host_id", "received_at"])
        .execute();
      await db.schema
        .createTable("report_findings")
        .addColumn("report_id", "text", (c) => c.notNull().references("reports.id").onDelete("cascade"))
        .addColumn("host_id", "text", (c) => c.notNull())
        .addColumn("finding_id", "text", (c) => c.notNull())
        .addColumn("check_id", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("report_findings_pk", ["report_id", "finding_id"])
        .execute();
      await db.schema
        .createIndex("report_findings_check")
        .on("report_findings")
        .columns(["check_id", "host_id"])
        .execute();
      await db.schema
        .createTable("report_incidents")
        .addColumn("report_id", "text", (c) => c.notNull().references("reports.id").onDelete("cascade"))
        .addColumn("host_id", "text", (c) => c.notNull())
        .addColumn("incident_id", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("report_incidents_pk", ["report_id", "incident_id"])
        .execute();
      await db.schema
        .createTable("audit_log")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("detail", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();
    },
  },
  {
    version: 2,
    name: "dashboard users and sessions",
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createTable("users")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("password", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id_hash", "text", (c) => c.primaryKey())
        .addColumn("user_name", "text", (c) => c.notNull().references("users.name").onDelete("cascade"))
        .addColumn("csrf", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 3,
    name: "events: per-host log events and findings by time (partitioned by month on PostgreSQL)",
    async up(typed, dialect) {
      const db = typed as AnyDb;
      // One row per log event or finding of a report (src/server/store/events.ts writes them). No primary
      // key: on PostgreSQL a unique index must hold the partition key, so (host_id, at, digest) is it, and
      // it doubles as the per-host time index. Partitions are made ahead and dropped by src/server/retention.ts.
      const at = dialect === "pg" ? "timestamptz" : "text";
      const table = db.schema
        .createTable("events")
        .addColumn("host_id", "text", (c) => c.notNull())
        .addColumn("at", at, (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("report_id", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("ip", "text")
        .addColumn("outcome", "text")
        .addColumn("detail", "text", (c) => c.notNull())
        .addColumn("digest", "text", (c) => c.notNull());
      await (dialect === "pg" ? table.modifyEnd(sql`partition by range (at)`) : table).execute();
      await db.schema
        .createIndex("events_host_at_digest")
        .on("events")
        .columns(["host_id", "at", "digest"])
        .unique()
        .execute();
      // Attackers seen on several hosts: the same address across the fleet, by time.
      await db.schema
        .createIndex("events_ip_at")
        .on("events")
        .columns(["ip", "at"])
        .where(sql.ref("ip"), "is not", null)
        .execute();
      if (dialect === "sqlite") await db.schema.createIndex("events_at").on("events").column("at").execute();
    },
  },
  {
    version: 4,
    name: "agentless pull targets; audit log looked up by action and target",
    async up(typed) {
      const db = typed as AnyDb;
      // A host without mamori the server reads over SSH on a schedule (src/server/pull/). Its reports are
      // stored as any host's; this row says how to reach it and how the last attempt went.
      await db.schema
        .createTable("pull_targets")
        .addColumn("host_id", "text", (c) => c.primaryKey().references("hosts.id").onDelete("cascade"))
        .addColumn("target", "text", (c) => c.notNull().unique())
        .addColumn("sudo", "integer", (c) => c.notNull())
        .addColumn("cron", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("host_key_pinned_at", "text")
        .addColumn("last_attempt_at", "text")
        .addColumn("last_ok_at", "text")
        .addColumn("last_error", "text")
        .execute();
      await db.schema
        .createIndex("audit_log_action_target")
        .on("audit_log")
        .columns(["action", "target"])
        .execute();
    },
  },
  {
    version: 5,
    name: "per-host summaries of the latest report; content hash and scan counter (unchanged reports not stored again)",
    async up(typed) {
      const db = typed as AnyDb;
      // One column per statement: SQLite adds one at a time.
      await db.schema.alterTable("hosts").addColumn("report_hash", "text").execute();
      for (const col of ["scans", "n_critical", "n_high", "n_medium", "n_low", "n_info"])
        await db.schema
          .alterTable("hosts")
          .addColumn(col, "integer", (c) => c.notNull().defaultTo(0))
          .execute();
      await db.schema
        .alterTable("hosts")
        .addColumn("risk", "integer", (c) => c.notNull().defaultTo(5))
        .execute();
      await sql`update hosts set risk = case worst_severity when 'critical' then 0 when 'high' then 1
        when 'medium' then 2 when 'low' then 3 when 'info' then 4 else 5 end`.execute(db);
      await db.schema.createIndex("hosts_risk").on("hosts").columns(["risk", "incidents"]).execute();
      await db.schema
        .createTable("host_attackers")
        .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id").onDelete("cascade"))
        .addColumn("ip", "text", (c) => c.notNull())
        .addColumn("first_seen", "text")
        .addColumn("last_seen", "text")
        .addColumn("requests", "integer", (c) => c.notNull())
        .addColumn("outcome", "text")
        .addColumn("outcome_rank", "integer", (c) => c.notNull())
        .addColumn("attacks", "text", (c) => c.notNull())
        .addColumn("incidents", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("host_attackers_pk", ["host_id", "ip"])
        .execute();
      await db.schema
        .createIndex("host_attackers_ip")
        .on("host_attackers")
        .columns(["ip", "outcome_rank", "host_id"])
        .execute();
      await db.schema
        .createTable("host_apache")
        .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("binary", "text", (c) => c.notNull())
        .addColumn("version", "text")
        .addColumn("version_key", "text", (c) => c.notNull())
        .addColumn("product", "text")
        .addColumn("package", "text")
        .addColumn("package_origin", "text")
        .addColumn("exposed", "text", (c) => c.notNull())
        .addColumn("ports", "text", (c) => c.notNull())
        .addColumn("traversal", "text")
        .addColumn("worst_cve", "text")
        .addColumn("cves", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("host_apache_pk", ["host_id", "seq"])
        .execute();
      await db.schema.createIndex("host_apache_version").on("host_apache").column("version_key").execute();
      await db.schema
        .createTable("host_incidents")
        .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("incident_id", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("severity_rank", "integer", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("summary", "text", (c) => c.notNull())
        .addColumn("start", "text", (c) => c.notNull())
        .addColumn("timeline", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("host_incidents_pk", ["host_id", "seq"])
        .execute();
      await db.schema
        .createIndex("host_incidents_rank")
        .on("host_incidents")
        .columns(["severity_rank", "start"])
        .execute();
      // Hosts that reported before this version: their summaries from their latest report. The hash stays
      // empty (PostgreSQL's JSONB does not keep the text as sent): the next report is stored either way.
      await backfillSummaries(typed, undefined, 5);
    },
  },
  {
    version: 6,
    name: "per-host summary of the latest report's findings (the export reads rows, not documents)",
    async up(typed) {
      const db = typed as AnyDb;
      await db.schema
        .createTable("host_findings")
        .addColumn("host_id", "text", (c) => c.notNull().references("hosts.id").onDelete("cascade"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("finding_id", "text", (c) => c.notNull())
        .addColumn("check_id", "text", (c) => c.notNull())
        .addColumn("severity", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("cves", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("host_findings_pk", ["host_id", "seq"])
        .execute();
      await backfillSummaries(typed, ["host_findings"], 6);
    },
  },
  {
    version: 7,
    name: "keyed texts in the incident, attacker and finding summaries (shown in the reader's language)",
    async up(typed) {
      const db = typed as AnyDb;
      // Reports are stored rendered in the agent's language with their keyed forms beside (`message`);
      // the summaries kept only the rendered strings, so a Japanese reader saw an English agent's story.
      await db.schema.alterTable("host_incidents").addColumn("message", "text").execute();
      await db.schema.alterTable("host_findings").addColumn("message", "text").execute();
      await backfillSummaries(typed, ["host_attackers", "host_incidents", "host_findings"], 7, false);
    },
  },
  {
    version: 8,
    name: "attacker addresses across the fleet, kept folded (the attackers view pages by an index)",
    async up(typed, dialect) {
      const db = typed as AnyDb;
      await db.schema
        .createTable("fleet_attackers")
        .addColumn("ip", "text", (c) => c.primaryKey())
        .addColumn("hosts", "integer", (c) => c.notNull())
        .addColumn("outcome_rank", "integer", (c) => c.notNull())
        .addColumn("first_seen", "text")
        .addColumn("last_seen", "text")
        .execute();
      // The attackers view's order: most hosts, worst outcome, address by code point.
      await sql`create index fleet_attackers_order on fleet_attackers
        (hosts desc, outcome_rank, ip${dialect === "pg" ? sql` collate "C"` : sql``})`.execute(db);
      await db.schema
        .createTable("attacker_ips_dirty")
        .addColumn("ip", "text", (c) => c.notNull())
        .execute();
      // Every address of the summaries so far, folded once.
      await sql`insert into fleet_attackers (ip, hosts, outcome_rank, first_seen, last_seen)
        select ip, count(*), min(outcome_rank), ${foldTimes(dialect)} from host_attackers group by ip`.execute(
        db,
      );
    },
  },
];
