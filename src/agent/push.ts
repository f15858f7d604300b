/**
 * An agent's side of the fleet server: enroll once with a one-time token (the per-host credential is kept
 * 0600 in mamori's state directory, one file per server), pin the server's certificate by its SHA-256
 * fingerprint (given, or trusted on first use and kept), then POST the report.
 *
 * The pin is checked on the TLS socket before a single byte of HTTP is written: an impostor never sees the
 * token or the credential. Certificate authorities play no part (rejectUnauthorized is off because the pin
 * is a stronger check than a chain: exactly this certificate, not any a CA would sign).
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import { isIP } from "node:net";
import * as tls from "node:tls";
import { DirFdError, type VerifiedDir } from "../core/dirfd.ts";
import type { Translator } from "../i18n/index.ts";
import { normalizeFingerprint } from "../server/tls/selfsigned.ts";
import { openPrivateDir } from "../watch/state-dir.ts";

export const SERVERS_DIR = "servers";
const MAX_REPLY = 1024 * 1024;
const TIMEOUT_MS = 60_000;

/** A push that could not be done; `message` is a translated sentence (host-supplied parts escaped by the caller). */
export class PushError extends Error {}

export interface Enrollment {
  origin: string;
  hostId: string;
  credential: string;
  fingerprint: string;
  /** When the credential was issued (absent in files from before rotation: rotated at the next push). */
  issuedAt?: string;
  /** The client certificate and key files given with --tls-client-cert/--tls-client-key (mutual TLS). */
  clientCertFile?: string;
  clientKeyFile?: string;
}

/** Credentials are replaced after this long. */
export const ROTATE_AFTER_MS = 30 * 86400 * 1000;

export interface PushOptions {
  url: string;
  token?: string;
  fingerprint?: string;
  stateDir: string;
  euid: number;
  hostname: string;
  /** `{"report": …, "facts": …}` as JSON text. */
  body: string;
  t: Translator;
  now: () => Date;
  /** Progress lines (enrolled, trusted on first use, sent). */
  log: (line: string) => void;
  /** A client certificate and key (PEM) for a server started with --tls-client-ca, and their files. */
  client?: ClientCert & { certFile: string; keyFile: string };
}

export interface ClientCert {
  cert: string;
  key: string;
}

/** The https origin of --push, or a PushError. */
export function originOf(url: string, t: Translator): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PushError(t("push.badUrl", { value: url }));
  }
  if (u.protocol !== "https:" || u.username || u.password || !u.hostname)
    throw new PushError(t("push.badUrl", { value: url }));
  return u;
}

function fileOf(origin: string): string {
  return `${createHash("sha256").update(origin).digest("hex").slice(0, 32)}.json`;
}

function serversDir(stateDir: string, euid: number): VerifiedDir {
  const d = openPrivateDir(stateDir, euid);
  try {
    if (!d.exists(SERVERS_DIR)) d.mkdir(SERVERS_DIR, 0o700);
    const s = d.openDir(SERVERS_DIR);
    if (s.stat.uid !== euid || (s.stat.mode & 0o077) !== 0) {
      s.close();
      throw new DirFdError("EPERM", `${d.path}/${SERVERS_DIR} is not private to uid ${euid}`, {
        kind: "mode",
        path: `${d.path}/${SERVERS_DIR}`,
        mode: s.stat.mode & 0o7777,
      });
    }
    return s;
  } finally {
    d.close();
  }
}

/** The enrollment kept for a server, if any (a file that is not ours or not private is refused). */
export function loadEnrollment(stateDir: string, euid: number, origin: string): Enrollment | undefined {
  const d = serversDir(stateDir, euid);
  try {
    let text: string;
    try {
      const r = d.readTrusted(fileOf(origin), { owner: euid, limit: 64 * 1024, exactOwner: true });
      if ((Number(r.stat.mode) & 0o077) !== 0)
        throw new DirFdError("EPERM", `${d.path}/${fileOf(origin)} is readable by others`);
      text = r.data.toString("utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const e = JSON.parse(text) as Partial<Enrollment>;
    if (
      e.origin !== origin ||
      typeof e.hostId !== "string" ||
      !/^[0-9a-f]{32}$/.test(e.hostId) ||
      typeof e.credential !== "string" ||
      typeof e.fingerprint !== "string" ||
      !normalizeFingerprint(e.fingerprint)
    )
      throw new Error(`${d.path}/${fileOf(origin)}: not an enrollment`);
    return e as Enrollment;
  } finally {
    d.close();
  }
}

function saveEnrollment(stateDir: string, euid: number, e: Enrollment): void {
  const d = serversDir(stateDir, euid);
  try {
    d.writeFileDurable(fileOf(e.origin), `${JSON.stringify(e, null, 2)}\n`, 0o600);
  } finally {
    d.close();
  }
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  fingerprint: string;
  /** The body's bytes (only with `raw`). */
  raw?: Buffer;
  headers?: http.IncomingHttpHeaders;
}

/** One HTTPS request on a socket whose certificate is checked against `pin` (when given) before HTTP starts. */
export function request(
  u: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  pin: string | undefined,
  t: Translator,
  opts: { maxReply?: number; raw?: boolean; client?: ClientCert } = {},
): Promise<Reply> {
  const maxReply = opts.maxReply ?? MAX_REPLY;
  return new Promise((resolve, reject) => {
    const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
    const port = Number(u.port || 443);
    const sock = tls.connect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
      ...(opts.client ? { cert: opts.client.cert, key: opts.client.key } : {}),
    });
    sock.setTimeout(TIMEOUT_MS, () => sock.destroy(new Error("timeout")));
    sock.once("error", (err) => reject(new PushError(err.message)));
    sock.once("secureConnect", () => {
      const seen = sock.getPeerX509Certificate()?.fingerprint256 ?? "";
      if (pin && seen !== pin) {
        sock.destroy();
        reject(new PushError(t("push.mismatch", { seen: seen || "?", pinned: pin })));
        return;
      }
      const req = http.request(
        {
          method,
          path,
          host: u.host,
          headers: {
            ...headers,
            host: u.host,
            ...(body === undefined
              ? {}
              : { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }),
          },
          createConnection: () => sock,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > maxReply) res.destroy(new Error("reply too large"));
            else chunks.push(c);
          });
          res.once("error", (err) => reject(new PushError(err.message)));
          res.once("end", () => {
            let parsed: Record<string, unknown> = {};
            const all = Buffer.concat(chunks);
            if (!opts.raw)
              try {
                const v = JSON.parse(all.toString("utf8"));
                if (v && typeof v === "object" && !Array.isArray(v)) parsed = v;
              } catch {
                // not JSON: the status says enough
              }
            sock.destroy();
            resolve({
              status: res.statusCode ?? 0,
              body: parsed,
              fingerprint: seen,
              ...(opts.raw ? { raw: all, headers: res.headers } : {}),
            });
          });
        },
      );
      req.once("error", (err) => reject(new PushError(err.message)));
      req.end(body);
    });
  });
}

export function refused(r: Reply, t: Translator): PushError {
  const error = typeof r.body.error === "string" ? r.body.error.replace(/[^a-z0-9-]/g, "").slice(0, 40) : "";
  return new PushError(t("push.refused", { status: r.status, error }));
}

/** Enrolls when needed, then sends the report; resolves to the server's report id. */
export async function pushReport(
  o: PushOptions,
): Promise<{ reportId: string; hostId: string; enrolled: boolean }> {
  const { t } = o;
  const u = originOf(o.url, t);
  const given = o.fingerprint === undefined ? undefined : normalizeFingerprint(o.fingerprint);
  if (o.fingerprint !== undefined && !given)
    throw new PushError(t("push.badFingerprint", { value: o.fingerprint }));
  let e = loadEnrollment(o.stateDir, o.euid, u.origin);
  let enrolled = false;
  if (!e) {
    if (!o.token) throw new PushError(t("push.needToken", { url: u.origin }));
    const r = await request(
      u,
      "POST",
      "/api/v1/enroll",
      {},
      JSON.stringify({ token: o.token, hostname: o.hostname }),
      given,
      t,
      { client: o.client },
    );
    if (r.status !== 201 || typeof r.body.hostId !== "string" || typeof r.body.credential !== "string")
      throw refused(r, t);
    if (!given) o.log(t("push.tofu", { fingerprint: r.fingerprint }));
    e = {
      origin: u.origin,
      hostId: r.body.hostId,
      credential: r.body.credential,
      fingerprint: given ?? r.fingerprint,
      issuedAt: o.now().toISOString(),
      ...(o.client ? { clientCertFile: o.client.certFile, clientKeyFile: o.client.keyFile } : {}),
    };
    if (!/^[0-9a-f]{32}$/.test(e.hostId)) throw refused(r, t);
    saveEnrollment(o.stateDir, o.euid, e);
    enrolled = true;
    o.log(t("push.enrolled", { url: u.origin, host: e.hostId, fingerprint: e.fingerprint }));
  }
  // A fingerprint given now wins over the kept one (the server's certificate was replaced).
  const pin = given ?? e.fingerprint;
  const r = await request(
    u,
    "POST",
    `/api/v1/hosts/${e.hostId}/reports`,
    { authorization: `Bearer ${e.credential}` },
    o.body,
    pin,
    t,
    { client: o.client },
  );
  if (r.status !== 201 || typeof r.body.reportId !== "string") throw refused(r, t);
  if (given && given !== e.fingerprint) {
    e = { ...e, fingerprint: given };
    saveEnrollment(o.stateDir, o.euid, e);
  }
  // The client certificate's files are kept for `db update --from-server`, which takes no such option.
  if (o.client && (o.client.certFile !== e.clientCertFile || o.client.keyFile !== e.clientKeyFile)) {
    e = { ...e, clientCertFile: o.client.certFile, clientKeyFile: o.client.keyFile };
    saveEnrollment(o.stateDir, o.euid, e);
  }
  const reportId = r.body.reportId.replace(/[^0-9a-f-]/g, "").slice(0, 40);
  o.log(t("push.sent", { url: u.origin, report: reportId }));
  // Rotation: the server keeps the old credential valid until the new one is used, so a crash before the
  // new one is saved loses nothing; a failure here is said and retried at the next push.
  const issued = Date.parse(e.issuedAt ?? "");
  if (!(o.now().getTime() - (Number.isFinite(issued) ? issued : 0) < ROTATE_AFTER_MS)) {
    try {
      const rot = await request(
        u,
        "POST",
        `/api/v1/hosts/${e.hostId}/credential`,
        { authorization: `Bearer ${e.credential}` },
        "",
        pin,
        t,
        { client: o.client },
      );
      if (
        rot.status !== 201 ||
        typeof rot.body.credential !== "string" ||
        !rot.body.credential.startsWith("mmh_")
      )
        throw refused(rot, t);
      saveEnrollment(o.stateDir, o.euid, {
        ...e,
        credential: rot.body.credential,
        issuedAt: o.now().toISOString(),
      });
      o.log(t("push.rotated", { url: u.origin }));
    } catch (err) {
      o.log(
        t("push.rotateFailed", { url: u.origin, reason: err instanceof Error ? err.message : String(err) }),
      );
    }
  }
  return { reportId, hostId: e.hostId, enrolled };
}
