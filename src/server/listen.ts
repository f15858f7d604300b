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
/** Large bodies read (and held while their request is handled) at once; more wait their turn. */
export const LARGE_BODIES_AT_ONCE = 4;
/** Large bodies allowed to wait for a turn; beyond it the answer is 503 at once. */
export const LARGE_BODIES_WAITING = 64;

/**
 * Decides from the request line and headers alone whether a large body may be read: an answer (401, 403)
 * refuses it before a byte of the body is read; undefined lets it through to the route, which checks again.
 */
export type BodyGate = (req: {
  url: string;
  authorization: string | undefined;
  clientCertVerified: boolean;
}) => Promise<{ status: number; error: string } | undefined>;

/** A counting semaphore with a bounded queue: `acquire` resolves false when the queue is full. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private readonly maxWaiting: number;
  constructor(size: number, maxWaiting: number) {
    this.free = size;
    this.maxWaiting = maxWaiting;
  }
  acquire(): Promise<boolean> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(false);
    return new Promise((r) => this.waiting.push(() => r(true)));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

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
    /** Checks a report's credential before its (up to `maxBody`) body is read; absent: none before. */
    reportGate?: BodyGate;
  },
): Promise<Listening> {
  const maxBody = opts.maxBody ?? MAX_BODY_BYTES;
  const large: Large = {
    gate: opts.reportGate,
    slots: new Slots(LARGE_BODIES_AT_ONCE, LARGE_BODIES_WAITING),
  };
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
      handle(app, req, res, maxBody, large).catch(() => {
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

interface Large {
  gate: BodyGate | undefined;
  slots: Slots;
}

/** Grace for a refused request's client to read the answer before its connection is closed. */
const REFUSED_LINGER_MS = 1000;

/**
 * Answers at once, without reading the body into memory: what the client still sends is discarded for
 * a moment (closing at once would reset the connection before the client read the answer), then the
 * connection is closed if the body has not ended.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, extra = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...extra });
  res.end(JSON.stringify({ error }));
  setTimeout(() => {
    if (!req.complete) req.socket.destroy();
  }, REFUSED_LINGER_MS).unref();
}

async function handle(
  app: Hono<DashboardEnv>,
  req: IncomingMessage,
  res: ServerResponse,
  maxBody: number,
  large: Large,
): Promise<void> {
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD" || !REPORT_PATH.test(req.url ?? ""))
    return handleRead(app, req, res, method, Math.min(maxBody, MAX_SMALL_BODY_BYTES));
  // A report may be 64 MB: its credential is checked from the headers before its body is read, and only
  // a few are read (and held) at once, so requests cannot make the server buffer gigabytes.
  if (large.gate) {
    const refused = await large.gate({
      url: req.url ?? "",
      authorization: req.headers.authorization,
      clientCertVerified: (req.socket as TLSSocket).authorized === true,
    });
    if (refused) return refuse(req, res, refused.status, refused.error);
  }
  if (!(await large.slots.acquire())) return refuse(req, res, 503, "busy", { "retry-after": "30" });
  try {
    await handleRead(app, req, res, method, maxBody);
  } finally {
    large.slots.release();
  }
}

async function handleRead(
  app: Hono<DashboardEnv>,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  max: number,
): Promise<void> {
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const b = await readBody(req, max);
    if (b === "too-large") return refuse(req, res, 413, "too-large");
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
