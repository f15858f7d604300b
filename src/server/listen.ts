import type { IncomingMessage, ServerResponse } from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Hono } from "hono";
import type { DashboardEnv } from "./dashboard/routes.ts";

/** The largest report accepted (a report with its FactsBundle is a few MB). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Every other request (enrollment, login, dashboard forms) is small; none may make the server buffer more. */
export const MAX_SMALL_BODY_BYTES = 64 * 1024;
const REPORT_PATH = /^\/api\/v1\/hosts\/[0-9a-f]{32}\/reports(\?|$)/;

export interface Listening {
  host: string;
  port: number;
  /** Stops accepting, waits for requests in flight (their commits included), then resolves. */
  close(): Promise<void>;
}

/**
 * Serves a hono app over node:https: each request becomes a Fetch `Request` (its body read whole, at most
 * `maxBody` bytes: a larger one is answered 413 before it is read), the `Response` is written back.
 * URLs are resolved against a fixed origin; the Host header decides nothing.
 */
export function listenHttps(
  app: Hono<DashboardEnv>,
  opts: {
    host: string;
    port: number;
    cert: string;
    key: string;
    maxBody?: number;
    /** CA certificates (PEM): clients are asked for a certificate, and the API learns whether one verified. */
    clientCa?: string;
  },
): Promise<Listening> {
  const maxBody = opts.maxBody ?? MAX_BODY_BYTES;
  const server = https.createServer(
    {
      cert: opts.cert,
      key: opts.key,
      minVersion: "TLSv1.2",
      // Asked, not demanded, at the TLS layer: browsers on the dashboard have none; the agent endpoints
      // refuse a request whose certificate did not verify against the CA (src/server/api.ts).
      ...(opts.clientCa ? { requestCert: true, rejectUnauthorized: false, ca: opts.clientCa } : {}),
      requestTimeout: 120_000,
      headersTimeout: 30_000,
    },
    (req, res) => {
      handle(app, req, res, maxBody).catch(() => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end('{"error":"internal"}');
        } else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      const addr = server.address() as AddressInfo;
      resolve({
        host: addr.address,
        port: addr.port,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function handle(
  app: Hono<DashboardEnv>,
  req: IncomingMessage,
  res: ServerResponse,
  maxBody: number,
): Promise<void> {
  const method = req.method ?? "GET";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const b = await readBody(
      req,
      REPORT_PATH.test(req.url ?? "") ? maxBody : Math.min(maxBody, MAX_SMALL_BODY_BYTES),
    );
    if (b === "too-large") {
      res.writeHead(413, { "content-type": "application/json", connection: "close" });
      res.end('{"error":"too-large"}');
      req.destroy();
      return;
    }
    body = b;
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  // Origin-form only ("/path?query"): "//host/…" or an absolute URL must not choose another origin.
  let url: URL;
  try {
    if (!req.url?.startsWith("/") || req.url.startsWith("//")) throw new Error("not origin-form");
    url = new URL(`https://mamori.invalid${req.url}`);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const response = await app.fetch(
    new Request(url, { method, headers, body: body ? new Uint8Array(body) : undefined }),
    // The client's address, for login rate limits: from the socket, never from a header.
    {
      peer: req.socket.remoteAddress ?? "?",
      clientCertVerified: (req.socket as TLSSocket).authorized === true,
    },
  );
  const out: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k !== "set-cookie") out[k] = v;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) out["set-cookie"] = cookies;
  out["x-content-type-options"] = "nosniff";
  res.writeHead(response.status, out);
  res.end(Buffer.from(await response.arrayBuffer()));
}
