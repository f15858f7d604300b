/** The schema as version 1 shipped it (hosts keyed by hostname), written by hand, not by today's code. */
export const V1_SCHEMA = `
create table "mamori_migrations" ("version" integer primary key, "name" text not null, "applied_at" text not null);
create table "scans" ("id" text primary key, "host" text not null, "root" text not null, "started_at" text not null,
  "finished_at" text not null, "tool_version" text not null, "command" text not null, "lang" text not null,
  "count_critical" integer not null, "count_high" integer not null, "count_medium" integer not null,
  "count_low" integer not null, "count_info" integer not null, "total" integer not null,
  "not_checked" text not null, "document" text not null);
create index "scans_host_started" on "scans" ("host", "started_at");
create table "findings" ("scan_id" text not null references "scans" ("id") on delete cascade,
  "finding_id" text not null, "check_id" text not null, "severity" text not null, "confidence" text not null,
  "evidence_hash" text not null, "finding" text not null, constraint "findings_pk" primary key ("scan_id", "finding_id"));
create index "findings_finding_id" on "findings" ("finding_id");
create table "baselines" ("host" text not null, "kind" text not null, "key" text not null, "value" text not null,
  "scan_id" text not null, "recorded_at" text not null, constraint "baselines_pk" primary key ("host", "kind", "key"));
create table "log_cursors" ("host" text not null, "path" text not null, "inode" text not null, "offset" bigint not null,
  "head_hash" text not null, "head_len" integer not null, "mtime_ns" text not null, "updated_at" text not null,
  constraint "log_cursors_pk" primary key ("host", "path"));
create table "alert_state" ("host" text not null, "finding_id" text not null, "severity" text not null,
  "first_alerted_at" text not null, "last_seen_at" text not null, "resolved_at" text,
  constraint "alert_state_pk" primary key ("host", "finding_id"));
create table "alert_deliveries" ("id" text primary key, "host" text not null, "scan_id" text, "created_at" text not null,
  "channel" text not null, "target" text not null, "kind" text not null, "status" text not null,
  "attempts" integer not null, "error" text, "finding_ids" text not null);
create index "alert_deliveries_created" on "alert_deliveries" ("host", "created_at");
create table "digest_queue" ("host" text not null, "finding_id" text not null, "scan_id" text not null,
  "queued_at" text not null, "finding" text not null, "sent_at" text,
  constraint "digest_queue_pk" primary key ("host", "finding_id", "scan_id"));
insert into "mamori_migrations" values (1, 'scans, findings, baselines, log cursors, alerts', '2025-12-01T00:00:00Z');
`;
