/** A log file named by the Apache configuration (or found at a default place), for the log forensics area. */
export interface LogSource {
  /** Guest path; may be a glob for rotated files or a piped logger we cannot read. */
  path: string;
  kind: "access" | "error";
  /** The LogFormat string for access logs (resolved from a nickname), when the configuration says it. */
  format?: string;
  /** Where it was configured, so a finding can point at the line. */
  configFile?: string;
  configLine?: number;
  /** ServerName of the virtual host, when the log belongs to one. */
  vhost?: string;
}
