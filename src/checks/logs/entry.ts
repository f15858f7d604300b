/** One parsed log line, access or error, with every field an attacker controls. */
export interface LogEntry {
  kind: "access" | "error";
  /** 1-based line number in the uncompressed file. */
  line: number;
  time?: Date;
  ip?: string;
  /** The proxy that forwarded the request, when the client came from X-Forwarded-For. */
  proxy?: string;
  method?: string;
  /** Request target as sent (path and query), after undoing the logger's escaping. */
  uri?: string;
  protocol?: string;
  status?: number;
  size?: number;
  referer?: string;
  userAgent?: string;
  vhost?: string;
  /** Other logged request headers (X-Forwarded-For, Cookie...). */
  headers?: Record<string, string>;
  /** Error log: module, level, AH code and message. */
  module?: string;
  level?: string;
  code?: string;
  message?: string;
  /** The raw line (as decoded from the file, UTF-8 with replacement). */
  raw: string;
  /** The request the server received (request line, or the error message), logger escapes undone. */
  request: string;
  /** The request exactly as logged (with the logger's \xHH escapes): what reports quote. */
  logged?: string;
}
