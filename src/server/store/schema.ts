import type { ColumnType, Generated } from "kysely";

/**
 * The fleet server's database, as kysely sees it: the same portable types as the history store
 * (src/store/schema.ts): times are ISO 8601 text, counters integers. Documents are JSONB on PostgreSQL and
 * JSON text on SQLite (`JsonColumn`: written as text, read back as text or an already-parsed value).
 */
export type JsonColumn = string | unknown;

export interface HostsTable {
  /** 32 hex digits, chosen by the server at enrollment. */
  id: string;
  /** The hostname the host reported last (host-supplied: escaped wherever shown). */
  name: string;
  os: string | null;
  created_at: string;
  last_scan_at: string | null;
  worst_severity: string | null;
  incidents: number;
  latest_report_id: string | null;
  /** Migration 5: sha256 of the latest report without its scan time (and of its facts without theirs). */
  report_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** Pushes and pulls received, stored or not (an unchanged one only moves last_scan_at). */
  scans: Generated<number>;
  /** Index of worst_severity in SEVERITIES (5: none): the risk order in SQL. */
  risk: Generated<number>;
  /** Findings of the latest report by severity. */
  n_critical: Generated<number>;
  n_high: Generated<number>;
  n_medium: Generated<number>;
  n_low: Generated<number>;
  n_info: Generated<number>;
}

/** Migration 5: attacker addresses of each host's latest report, one row per (host, address). */
export interface HostAttackersTable {
  host_id: string;
  ip: string;
  first_seen: string | null;
  last_seen: string | null;
  requests: number;
  outcome: string | null;
  /** OUTCOME_RANK index of the outcome (98: another word, 99: none); lower is worse. */
  outcome_rank: number;
  /** JSON arrays of strings (attack names; titles of the host's incidents naming the address). */
  attacks: string;
  incidents: string;
}

/**
 * Migration 8: each attacker address of the fleet with the hosts whose latest report has it, folded from
 * host_attackers, so the attackers view orders and cuts a page by an index instead of grouping every row.
 */
export interface FleetAttackersTable {
  ip: string;
  hosts: number;
  /** The lowest (worst) outcome_rank of its hosts. */
  outcome_rank: number;
  /** Earliest first_seen and latest last_seen of its hosts (by code point), null when none has one. */
  first_seen: string | null;
  last_seen: string | null;
}

/**
 * Migration 8: addresses whose host_attackers rows changed since fleet_attackers was last brought up to
 * date (written with the change, in its transaction; emptied by refreshFleetAttackers). Duplicates allowed:
 * two pushes never wait for each other here.
 */
export interface AttackerIpsDirtyTable {
  ip: string;
}

/** Migration 5: each Apache installation of each host's latest report. */
export interface HostApacheTable {
  host_id: string;
  seq: number;
  binary: string;
  version: string | null;
  /** A sortable form of the version ("" when unknown, so it sorts first). */
  version_key: string;
  product: string | null;
  package: string | null;
  package_origin: string | null;
  exposed: string;
  /** JSON array of port numbers. */
  ports: string;
  traversal: string | null;
  worst_cve: string | null;
  cves: number;
}

/** Migration 5: the incidents of each host's latest report, with their (bounded) timelines. */
export interface HostIncidentsTable {
  host_id: string;
  seq: number;
  incident_id: string;
  severity: string;
  severity_rank: number;
  title: string;
  summary: string;
  /** The earliest timeline time, "" when none. */
  start: string;
  /** JSON array of { time, source, text, message? } (message: the keyed forms of source and text). */
  timeline: string;
  /** Migration 7: JSON of the keyed forms of title and summary (rendered in the reader's language). */
  message: string | null;
}

/** Migration 6: the findings of each host's latest report (the export reads these, not the documents). */
export interface HostFindingsTable {
  host_id: string;
  /** The finding's place in the document (the export keeps the document's order). */
  seq: number;
  finding_id: string;
  check_id: string;
  severity: string;
  title: string;
  /** JSON array of CVE ids. */
  cves: string;
  /** Migration 7: JSON of the title's keyed form (the export renders it in the reader's language). */
  message: string | null;
}

export interface EnrollTokensTable {
  id: string;
  /** sha256 of the token: the token itself is shown once and never stored. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by_host: string | null;
  revoked_at: string | null;
}

export interface HostCredentialsTable {
  id: string;
  host_id: string;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface ApiKeysTable {
  id: string;
  key_hash: string;
  role: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ReportsTable {
  id: string;
  host_id: string;
  received_at: string;
  scanned_at: string;
  worst_severity: string | null;
  findings: number;
  incidents: number;
  /** The report document as `--format json` writes it. */
  document: JsonColumn;
  /** The FactsBundle, when the agent sent one. */
  facts: JsonColumn | null;
}

export interface ReportFindingsTable {
  report_id: string;
  host_id: string;
  finding_id: string;
  check_id: string;
  severity: string;
  title: string;
}

export interface ReportIncidentsTable {
  report_id: string;
  host_id: string;
  incident_id: string;
  severity: string;
  title: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  /** Who: "cli", "api-key:<id>", "host:<id>", "user:<name>". */
  actor: string;
  action: string;
  target: string;
  /** JSON object with details. */
  detail: string;
}

export interface UsersTable {
  name: string;
  /** scrypt$N$r$p$salt$hash (base64url). */
  password: string;
  role: string;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_name: string;
  csrf: string;
  created_at: string;
  expires_at: string;
}

export interface ServerMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface PullTargetsTable {
  host_id: string;
  /** ssh://[user@]host[:port] as parseSshTarget accepts it. */
  target: string;
  /** 1: run the collector through `sudo -n`. */
  sudo: number;
  /** A cron pattern of its own; null: every --pull-every minutes. */
  cron: string | null;
  created_at: string;
  created_by: string;
  /** When the target's host key was first recorded in DATA/ssh/known_hosts (strict from then on). */
  host_key_pinned_at: string | null;
  last_attempt_at: string | null;
  last_ok_at: string | null;
  /** JSON { kind, detail, code } of the last failed attempt; null after a success. */
  last_error: string | null;
}

export interface ServerDb {
  server_migrations: ServerMigrationsTable;
  hosts: HostsTable;
  enroll_tokens: EnrollTokensTable;
  host_credentials: HostCredentialsTable;
  api_keys: ApiKeysTable;
  reports: ReportsTable;
  report_findings: ReportFindingsTable;
  report_incidents: ReportIncidentsTable;
  audit_log: AuditLogTable;
  users: UsersTable;
  sessions: SessionsTable;
  pull_targets: PullTargetsTable;
  host_attackers: HostAttackersTable;
  host_apache: HostApacheTable;
  host_incidents: HostIncidentsTable;
  host_findings: HostFindingsTable;
  fleet_attackers: FleetAttackersTable;
  attacker_ips_dirty: AttackerIpsDirtyTable;
}
