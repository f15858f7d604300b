/**
 * The history database, as kysely sees it. Types are portable between SQLite and PostgreSQL:
 * times are ISO 8601 text, JSON is text, counters are integers, byte offsets bigint
 * (PostgreSQL returns bigint as a string, so repository code converts with Number()).
 */
export interface ScansTable {
  id: string;
  /** The hostname, for people. */
  host: string;
  /** The history key: the host's stable id, or "hostname:<name>" (rows from before ids, hosts without one). */
  host_id: string;
  root: string;
  started_at: string;
  finished_at: string;
  tool_version: string;
  command: string;
  lang: string;
  count_critical: number;
  count_high: number;
  count_medium: number;
  count_low: number;
  count_info: number;
  total: number;
  /** JSON array of NotChecked. */
  not_checked: string;
  /** The whole ReportDocument as JSON (findings included), so a past report can be rendered again. */
  document: string;
}

export interface FindingsTable {
  scan_id: string;
  finding_id: string;
  check_id: string;
  severity: string;
  confidence: string;
  /** sha256 of the evidence, so `diff` sees changed evidence without parsing every finding. */
  evidence_hash: string;
  /** The whole Finding as JSON. */
  finding: string;
}

export interface BaselinesTable {
  host_id: string;
  kind: string;
  key: string;
  value: string;
  scan_id: string;
  recorded_at: string;
}

export interface LogCursorsTable {
  host_id: string;
  path: string;
  inode: string;
  offset: number | string | bigint;
  head_hash: string;
  head_len: number;
  mtime_ns: string;
  updated_at: string;
}

export interface AlertStateTable {
  host: string;
  finding_id: string;
  severity: string;
  first_alerted_at: string;
  last_seen_at: string;
  resolved_at: string | null;
}

export interface AlertDeliveriesTable {
  id: string;
  host: string;
  scan_id: string | null;
  created_at: string;
  channel: string;
  /** Where it went, redacted (scheme and host of a webhook, the mail recipients). */
  target: string;
  kind: string;
  status: string;
  attempts: number;
  error: string | null;
  /** JSON array of finding ids. */
  finding_ids: string;
}

export interface DigestQueueTable {
  host: string;
  finding_id: string;
  scan_id: string;
  queued_at: string;
  /** The finding as JSON, so the digest can name it even after it is resolved. */
  finding: string;
  sent_at: string | null;
}

/** Collected facts of a scan (a FactsBundle as JSON; validated where it is made and where it is read). */
export interface ScanFactsTable {
  scan_id: string;
  facts: string;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface HistoryDb {
  scans: ScansTable;
  scan_facts: ScanFactsTable;
  findings: FindingsTable;
  baselines: BaselinesTable;
  log_cursors: LogCursorsTable;
  alert_state: AlertStateTable;
  alert_deliveries: AlertDeliveriesTable;
  digest_queue: DigestQueueTable;
  mamori_migrations: MigrationsTable;
}
