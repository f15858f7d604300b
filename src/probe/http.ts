import * as http from "node:http";
import * as https from "node:https";

/** Where requests go: scheme, host and port of one target (never anything else). */
export interface Endpoint {
  protocol: "http:" | "https:";
  /** Host name or address as given (IPv6 without brackets). */
  hostname: string;
  port: number;
  insecure: boolean;
}

export interface RawResponse {
  status?: number;
  headers: http.IncomingHttpHeaders;
  /** At most maxBytes of the body. */
  body: Buffer;
  bytes: number;
  truncated: boolean;
  /** Set when no complete answer came: a short code (ECONNREFUSED, timeout, TLS codes). */
  error?: string;
  ms: number;
}

export interface RequestLimits {
  timeoutMs: number;
  maxBytes: number;
}

export function hostHeader(ep: Endpoint): string {
  const h = ep.hostname.includes(":") ? `[${ep.hostname}]` : ep.hostname;
  const dflt = ep.protocol === "https:" ? 443 : 80;
  return ep.port === dflt ? h : `${h}:${ep.port}`;
}

/**
 * One request with the path sent byte for byte (Node's URL and fetch would normalise `.%2e`),
 * a fresh connection, a hard deadline for the whole exchange, and at most maxBytes of body read.
 */
export function rawRequest(
  ep: Endpoint,
  method: string,
  path: string,
  limits: RequestLimits,
  extraHeaders: Record<string, string> = {},
): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    let status: number | undefined;
    let headers: http.IncomingHttpHeaders = {};
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({
        status,
        headers,
        body: Buffer.concat(chunks),
        bytes,
        truncated,
        error,
        ms: Date.now() - started,
      });
    };
    const mod = ep.protocol === "https:" ? https : http;
    let req: http.ClientRequest;
    try {
      req = mod.request({
        host: ep.hostname,
        port: ep.port,
        method,
        path,
        agent: false,
        setHost: false,
        headers: {
          Host: hostHeader(ep),
          "User-Agent": "mamori-probe (self-check of a server its operator owns)",
          Accept: "*/*",
          Connection: "close",
          ...extraHeaders,
        },
        rejectUnauthorized: !ep.insecure,
        servername: ep.protocol === "https:" && !/^[\d.]+$|:/.test(ep.hostname) ? ep.hostname : undefined,
        insecureHTTPParser: false,
      });
    } catch (err) {
      resolve({
        headers: {},
        body: Buffer.alloc(0),
        bytes: 0,
        truncated: false,
        error: errorText(err),
        ms: 0,
      });
      return;
    }
    const timer = setTimeout(() => finish("timeout"), limits.timeoutMs);
    req.on("error", (err) => finish(errorText(err)));
    req.on("response", (res) => {
      status = res.statusCode;
      headers = res.headers;
      res.on("data", (c: Buffer) => {
        const room = limits.maxBytes - bytes;
        if (c.length >= room) {
          if (room > 0) chunks.push(c.subarray(0, room));
          bytes += Math.max(room, 0);
          truncated = true;
          finish();
          return;
        }
        chunks.push(c);
        bytes += c.length;
      });
      res.on("end", () => finish());
      res.on("error", (err) => finish(status === undefined ? errorText(err) : undefined));
      res.on("aborted", () => finish());
    });
    req.end();
  });
}

export function errorText(err: unknown): string {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") return err.code;
  return err instanceof Error ? err.message : String(err);
}

const TLS_CODES =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|DEPTH_ZERO|ALTNAME/;

export function isTlsError(code: string): boolean {
  return TLS_CODES.test(code);
}
