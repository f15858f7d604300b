import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Context, Hono } from "hono";
import { reportSchema } from "../core/contract.ts";
import { FACTS_KIND, FACTS_SCHEMA_VERSION, factsBundleSchema } from "../facts/bundle.ts";
import { jsonDepth, MAX_BUNDLE_DEPTH } from "../facts/read.ts";
import { type Translator, translator } from "../i18n/index.ts";
import { prose } from "../report/localize.ts";
import type { DashboardEnv } from "./dashboard/routes.ts";
import { Coalescer } from "./fleet/coalesce.ts";
import { exportFile, exportOf } from "./fleet/export.ts";
import { MAX_TREND_DAYS, severityTrend } from "./fleet/trends.ts";
import { keyedOf } from "./fleet/views.ts";
import type { BodyGate } from "./listen.ts";
import { iocBundle, readDataFile } from "./rejudge.ts";
import type { ServerStore } from "./store/db.ts";
import { eventsOf } from "./store/fleet-queries.ts";
import {
  apiKeyOf,
  enroll,
  hostOfCredential,
  ingest,
  latestReport,
  listHosts,
  MAX_HOST_PAGE,
  rotateCredential,
} from "./store/repo.ts";
import { apachePage, attackersPage, incidentsPage, MAX_VIEW_PAGE } from "./store/summaries.ts";

/**
 * The JSON API. Agents: POST /api/v1/enroll (a one-time token for a host id and credential), then
 * POST /api/v1/hosts/:id/reports with `Authorization: Bearer <credential>` (their own host only). People and
 * scripts: GET /api/v1/hosts and /api/v1/hosts/:id/report with `Authorization: Bearer <API key>`.
 * Errors are `{ error: "<word>" }`; nothing host-supplied is echoed back.
 */
export interface ApiDeps {
  store: ServerStore;
  now: () => Date;
  /** DATA/vulndata, the data agents may fetch (absent: /data answers 404). */
  judgeDir?: string;
  /** Told after a host's report is committed (fleet context); must not throw or wait. */
  onIngest?: (hostId: string) => void;
  /** --tls-client-ca: the agent endpoints answer only a client whose certificate verified. */
  requireClientCert?: boolean;
}

const HOST_ID = /^[0-9a-f]{32}$/;
/** Names people read; a longer one is cut (it is shown, never used as a key). */
const MAX_NAME = 255;

/** The token of an `Authorization: Bearer …` header, when it is one (bounded, printable ASCII). */
export function bearer(header: string | undefined): string | undefined {
  if (!header || header.length > 300) return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,256})$/.exec(header);
  return m?.[1];
}

/** A non-negative integer query value up to `max`; undefined when absent, NaN when not one. */
function intQuery(v: string | undefined, max: number): number | undefined {
  return v === undefined ? undefined : /^\d{1,9}$/.test(v) && Number(v) <= max ? Number(v) : Number.NaN;
}

function cut(s: string): string {
  return s.length > MAX_NAME ? s.slice(0, MAX_NAME) : s;
}

/** The document's scan time as ISO 8601, or the time it was received when the agent's is not a date. */
function scanTime(value: string, now: Date): string {
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : now.toISOString();
}

/**
 * The report route's own checks (client certificate, credential, its own host), made from the request
 * line and headers alone, so the server refuses a report before reading its body (up to 64 MB).
 */
export function reportGate(deps: Pick<ApiDeps, "store" | "now" | "requireClientCert">): BodyGate {
  return async ({ url, authorization, clientCertVerified }) => {
    if (deps.requireClientCert && !clientCertVerified) return { status: 403, error: "client-certificate" };
    const secret = bearer(authorization);
    const owner = secret ? await hostOfCredential(deps.store, secret, deps.now()) : undefined;
    if (!owner) return { status: 401, error: "unauthorized" };
    const id = /^\/api\/v1\/hosts\/([0-9a-f]{32})\/reports(?:\?|$)/.exec(url)?.[1];
    if (id !== owner) return { status: 403, error: "forbidden" };
    return undefined;
  };
}

export function apiRoutes(deps: ApiDeps): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const { store } = deps;

  // Mutual TLS on what agents call: enrollment, reports, credential rotation, and the data with a host
  // credential. API keys (people, scripts) and the dashboard are not asked for a certificate.
  if (deps.requireClientCert) {
    const agentOnly = async (c: Context, next: () => Promise<void>) => {
      if (c.env?.clientCertVerified !== true) return c.json({ error: "client-certificate" }, 403);
      await next();
    };
    app.use("/enroll", agentOnly);
    app.use("/hosts/:id/reports", agentOnly);
    app.use("/hosts/:id/credential", agentOnly);
    app.use("/data/*", async (c, next) => {
      if (bearer(c.req.header("authorization"))?.startsWith("mmh_")) return agentOnly(c, next);
      await next();
    });
  }

  app.post("/enroll", async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return c.json({ error: "not-json" }, 400);
    }
    const b = body as { token?: unknown; hostname?: unknown };
    if (typeof b?.token !== "string" || typeof b.hostname !== "string" || b.hostname.length === 0)
      return c.json({ error: "invalid" }, 400);
    const r = await enroll(store, b.token, cut(b.hostname), deps.now());
    if (!r.ok) return c.json({ error: `token-${r.reason}` }, 401);
    return c.json({ hostId: r.hostId, credential: r.credential }, 201);
  });

  app.post("/hosts/:id/reports", async (c) => {
    const secret = bearer(c.req.header("authorization"));
    const owner = secret ? await hostOfCredential(store, secret, deps.now()) : undefined;
    if (!owner) return c.json({ error: "unauthorized" }, 401);
    const id = c.req.param("id");
    // A credential writes its own host only.
    if (!HOST_ID.test(id) || id !== owner) return c.json({ error: "forbidden" }, 403);
    const text = await c.req.text();
    if (jsonDepth(text) > MAX_BUNDLE_DEPTH + 2) return c.json({ error: "too-deep" }, 400);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return c.json({ error: "not-json" }, 400);
    }
    const b = body as { report?: unknown; facts?: unknown };
    const report = reportSchema.safeParse(b?.report);
    if (!report.success) return c.json({ error: "invalid-report" }, 400);
    let facts: string | undefined;
    if (b.facts !== undefined) {
      const f = b.facts as { kind?: unknown; schemaVersion?: unknown };
      if (
        f?.kind !== FACTS_KIND ||
        f.schemaVersion !== FACTS_SCHEMA_VERSION ||
        !factsBundleSchema.safeParse(f).success
      )
        return c.json({ error: "invalid-facts" }, 400);
      facts = JSON.stringify(b.facts);
    }
    const doc = report.data;
    const now = deps.now();
    const { reportId, stored } = await ingest(
      store,
      owner,
      {
        hostname: cut(doc.host.hostname || "?"),
        os: doc.host.os === undefined ? undefined : cut(doc.host.os),
        scannedAt: scanTime(doc.scannedAt, now),
        findings: doc.findings.map((f) => ({
          id: f.id,
          check: f.check,
          severity: f.severity,
          title: f.title,
        })),
        incidents: doc.incidents.map((x) => ({ id: x.id, severity: x.severity, title: x.title })),
        // The document as sent (validated), so it renders again exactly.
        document: JSON.stringify(b.report),
        facts,
        // The body was parsed once, above: the store hashes and summarizes these values, not the texts.
        parsed: { document: b.report, facts: b.facts },
      },
      now,
    );
    // An unchanged report (stored: false) brings no new attacker: no fleet context to look at.
    if (stored) deps.onIngest?.(owner);
    // Only now, after the commit: an agent that saw 2xx may forget the report.
    return c.json({ reportId, hostId: owner, stored }, 201);
  });

  // A host replaces its own credential (agents do so every 30 days).
  app.post("/hosts/:id/credential", async (c) => {
    const secret = bearer(c.req.header("authorization"));
    const owner = secret ? await hostOfCredential(store, secret, deps.now()) : undefined;
    if (!owner) return c.json({ error: "unauthorized" }, 401);
    if (c.req.param("id") !== owner) return c.json({ error: "forbidden" }, 403);
    return c.json({ hostId: owner, credential: await rotateCredential(store, owner, deps.now()) }, 201);
  });

  const admin = async (header: string | undefined) => {
    const key = bearer(header);
    return key ? apiKeyOf(store, key) : undefined;
  };

  app.get("/hosts", async (c) => {
    if (!(await admin(c.req.header("authorization")))) return c.json({ error: "unauthorized" }, 401);
    // ?limit=N&offset=M: one page, ordered by the database (without them, every host).
    const page = {
      limit: intQuery(c.req.query("limit"), MAX_HOST_PAGE),
      offset: intQuery(c.req.query("offset"), 1e9),
    };
    if (Number.isNaN(page.limit) || Number.isNaN(page.offset) || page.limit === 0)
      return c.json({ error: "invalid" }, 400);
    return c.json({ hosts: await listHosts(store, page) });
  });

  app.get("/hosts/:id/report", async (c) => {
    if (!(await admin(c.req.header("authorization")))) return c.json({ error: "unauthorized" }, 401);
    const id = c.req.param("id");
    const doc = HOST_ID.test(id) ? await latestReport(store, id) : undefined;
    if (doc === undefined) return c.json({ error: "not-found" }, 404);
    return c.json(doc as object);
  });

  // The server's data for agents (`mamori db update --from-server`): a host credential or an API key.
  // The ETag is the content's sha256, so an agent sends the hash of what it has and gets 304 when current.
  const cache = new DataCache();
  const data = (part: "vulndb" | "iocs") => async (c: Context) => {
    const secret = bearer(c.req.header("authorization"));
    const ok = secret
      ? secret.startsWith("mmh_")
        ? await hostOfCredential(store, secret, deps.now())
        : await apiKeyOf(store, secret)
      : undefined;
    if (!ok) return c.json({ error: "unauthorized" }, 401);
    if (!deps.judgeDir) return c.json({ error: "not-found" }, 404);
    let got: { body: Buffer; etag: string };
    try {
      got = cache.get(deps.judgeDir, part);
    } catch {
      return c.json({ error: "no-data" }, 503);
    }
    const etag = `"${got.etag}"`;
    c.header("etag", etag);
    c.header("cache-control", "no-cache");
    const match = c.req.header("if-none-match");
    if (match && match.length < 2000 && match.split(",").some((m) => m.trim().replace(/^W\//, "") === etag))
      return c.body(null, 304);
    c.header("content-type", "application/json");
    return c.body(new Uint8Array(got.body));
  };
  app.get("/data/vulndb", data("vulndb"));
  app.get("/data/iocs", data("iocs"));

  // The fleet views as JSON (the dashboard's pages show the same), and the exports.
  const reader = async (c: Context) => Boolean(await admin(c.req.header("authorization")));
  // ?limit=N (1-1000, default 1000) &offset=M: one page, ordered by the database; `total` counts them all.
  const viewPage = (c: Context) => {
    const limit = intQuery(c.req.query("limit"), MAX_VIEW_PAGE);
    const offset = intQuery(c.req.query("offset"), 1e9);
    if (Number.isNaN(limit) || Number.isNaN(offset) || limit === 0) return undefined;
    return { limit: limit ?? MAX_VIEW_PAGE, offset: offset ?? 0 };
  };
  // Texts of the agents' reports (incident titles, summaries, timelines) in ?lang=ja|en (default en).
  const views = new Coalescer<string>();
  app.get("/fleet/attackers", async (c) => {
    if (!(await reader(c))) return c.json({ error: "unauthorized" }, 401);
    const page = viewPage(c);
    if (!page) return c.json({ error: "invalid" }, 400);
    const q = Number(c.req.query("minHosts") ?? "2");
    const min = Number.isInteger(q) && q >= 1 && q <= 1000 ? q : 2;
    const lang = c.req.query("lang") === "ja" ? "ja" : "en";
    // Every host of each address: for a scanner seen fleet-wide, a thousand hosts a row. Identical
    // requests at once share one reading and one serialization (src/server/fleet/coalesce.ts).
    const body = await views.run(`attackers|${min}|${page.limit}|${page.offset}|${lang}`, async () =>
      JSON.stringify(await attackersPage(store, min, page, undefined, translator(lang))),
    );
    return c.body(body, 200, { "content-type": "application/json" });
  });
  app.get("/fleet/apache", async (c) => {
    if (!(await reader(c))) return c.json({ error: "unauthorized" }, 401);
    const page = viewPage(c);
    if (!page) return c.json({ error: "invalid" }, 400);
    return c.json(await apachePage(store, page));
  });
  app.get("/fleet/incidents", async (c) => {
    if (!(await reader(c))) return c.json({ error: "unauthorized" }, 401);
    const page = viewPage(c);
    if (!page) return c.json({ error: "invalid" }, 400);
    const lang = c.req.query("lang") === "ja" ? "ja" : "en";
    const body = await views.run(`incidents|${page.limit}|${page.offset}|${lang}`, async () =>
      JSON.stringify(await incidentsPage(store, page, translator(lang))),
    );
    return c.body(body, 200, { "content-type": "application/json" });
  });
  app.get("/export/:file", async (c) => {
    if (!(await reader(c))) return c.json({ error: "unauthorized" }, 401);
    const m = exportOf(c.req.param("file"));
    if (!m) return c.json({ error: "not-found" }, 404);
    const f = await exportFile(
      store,
      m.what,
      m.format,
      translator(c.req.query("lang") === "ja" ? "ja" : "en"),
    );
    c.header("content-type", f.type);
    c.header("content-disposition", `attachment; filename="${f.name}"`);
    return c.body(f.body);
  });

  // Open findings by severity per day (?days=1-400, default 30), the fleet's or one host's.
  const trendDays = (v: string | undefined) =>
    v !== undefined && /^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_TREND_DAYS
      ? Number(v)
      : undefined;
  app.get("/fleet/trends", async (c) => {
    if (!(await reader(c))) return c.json({ error: "unauthorized" }, 401);
    return c.json(await severityTrend(store, { now: deps.now(), days: trendDays(c.req.query("days")) }));
  });
  app.get("/hosts/:id/trends", async (c) => {
    if (!(await reader(c))) return c.json({ error: "unauthorized" }, 401);
    const id = c.req.param("id");
    if (!HOST_ID.test(id)) return c.json({ error: "not-found" }, 404);
    return c.json(
      await severityTrend(store, { now: deps.now(), days: trendDays(c.req.query("days")), hostId: id }),
    );
  });

  // Attackers that reached a host after other hosts had seen them (fleet context), newest first.
  app.get("/fleet/sightings", async (c) => {
    if (!(await reader(c))) return c.json({ error: "unauthorized" }, 401);
    return c.json({
      sightings: (await eventsOf(store, "fleet.attacker", 500)).map((e) => ({ at: e.at, ...e.detail })),
    });
  });

  // Findings raised by re-judging stored facts with new data (no new scan), newest first; titles in
  // ?lang=ja|en (default en) from their keyed form, as the server judged them where it has none.
  app.get("/findings/new", async (c) => {
    if (!(await admin(c.req.header("authorization")))) return c.json({ error: "unauthorized" }, 401);
    const t = translator(c.req.query("lang") === "ja" ? "ja" : "en");
    const events = await eventsOf(store, "finding.new", 500);
    return c.json({
      newFindings: events.map((e) => ({
        at: e.at,
        hostId: e.target,
        host: e.detail.host,
        report: e.detail.report,
        dataVersion: e.detail.dataVersion,
        findings: Array.isArray(e.detail.findings)
          ? e.detail.findings.map((f: unknown) => newFindingIn(f, t))
          : [],
      })),
    });
  });

  return app;
}

/** The data files as served, read again only when the file (or the IOC directory) changed. */
class DataCache {
  private entries = new Map<string, { key: string; body: Buffer; etag: string }>();

  get(judgeDir: string, part: "vulndb" | "iocs"): { body: Buffer; etag: string } {
    const file = part === "vulndb" ? path.join(judgeDir, "vulndb.json") : path.join(judgeDir, "iocs");
    const st = fs.statSync(file);
    let key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (part === "iocs")
      for (const name of fs.readdirSync(file).sort()) {
        const s = fs.statSync(path.join(file, name));
        key += `|${name}:${s.ino}:${s.size}:${s.mtimeMs}`;
      }
    const have = this.entries.get(part);
    if (have && have.key === key) return have;
    const body = part === "vulndb" ? readDataFile(file) : Buffer.from(iocBundle(judgeDir));
    const entry = { key, body, etag: createHash("sha256").update(body).digest("hex") };
    this.entries.set(part, entry);
    return entry;
  }
}

/** A stored new finding with its title in the reader's language; the keyed form stays out of the answer. */
function newFindingIn(f: unknown, t: Translator): unknown {
  if (f === null || typeof f !== "object" || Array.isArray(f)) return f;
  const { message, ...rest } = f as Record<string, unknown>;
  const keyed = keyedOf(f as Record<string, unknown>, "title");
  return keyed ? { ...rest, title: prose(keyed, t) } : rest;
}
