/**
 * The fleet server at scale (issue 17): a real `mamori server` process on 127.0.0.1, on PostgreSQL
 * (started here, fsync on) and on SQLite, with N simulated hosts enrolling and pushing reports over TLS
 * with bounded concurrency, then the events table filled toward M rows with multi-row INSERTs.
 * Prints: enrollment and ingest rates, storage per report / per event row / per host per day, the time
 * to fill the events, and p50/p95 latency of the main pages, sequential and concurrent.
 *
 *   npm run bench -- server
 *   MAMORI_BENCH_HOSTS=1000          simulated hosts (each enrolls once)
 *   MAMORI_BENCH_REPORTS=2           reports per host (the second repeats half of the first's log events)
 *   MAMORI_BENCH_UNCHANGED=2         then pushes per host of its last report again, only the scan time new
 *                                    (what most 15-minute scans of a quiet host are: not stored again)
 *   MAMORI_BENCH_LOG_EVENTS=50       attack events in each report (sections.logs.events)
 *   MAMORI_BENCH_EVENTS=2000000      event rows to reach on PostgreSQL (spread over 30 days and all hosts);
 *                                    the 10,000,000 took 13 minutes of filling here (2 shared CPUs,
 *                                    load 8), over the 10-minute budget of a default run: set it to reach them
 *   MAMORI_BENCH_SQLITE_EVENTS=1000000
 *   MAMORI_BENCH_CONCURRENCY=16      requests in flight at once
 *   MAMORI_BENCH_ENGINES=pg,sqlite
 *
 * Reports are made from the compromised-2.4.49 fixture's own scan (55 kB of JSON, 17 findings, one
 * incident), varied per host: name, which findings, attacker addresses, times. Only 127.0.0.1 is used.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import * as v8 from "node:v8";
import { runInNewContext } from "node:vm";
import pg from "pg";
import { findingsChunks, findingsFromDocs, fleetDocs } from "../src/server/fleet/export.ts";
import { fleetAttackers, fleetFindings } from "../src/server/fleet/views.ts";
import { hashPassword } from "../src/server/password.ts";
import { openServerStore, type ServerStore } from "../src/server/store/db.ts";
import { createApiKey, createEnrollToken } from "../src/server/store/repo.ts";
import { attackersPage } from "../src/server/store/summaries.ts";
import { addUser, createSession } from "../src/server/store/users.ts";
import { startPostgres } from "../test/helpers/postgres.ts";

const repo = path.join(import.meta.dirname, "..");
const MAMORI = path.join(repo, "bin/mamori");
const FIXTURE = path.join(repo, "test/fixtures/roots/compromised-2.4.49");

function int(name: string, def: number, max: number): number {
  const v = process.env[name];
  const n = v === undefined ? def : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name}: an integer 0..${max}`);
  return n;
}
const HOSTS = Math.max(1, int("MAMORI_BENCH_HOSTS", 1000, 100_000));
const REPORTS = Math.max(1, int("MAMORI_BENCH_REPORTS", 2, 100));
const UNCHANGED = int("MAMORI_BENCH_UNCHANGED", 2, 100);
const LOG_EVENTS = int("MAMORI_BENCH_LOG_EVENTS", 50, 1000);
const PG_EVENTS = int("MAMORI_BENCH_EVENTS", 2_000_000, 100_000_000);
const SQLITE_EVENTS = int("MAMORI_BENCH_SQLITE_EVENTS", 1_000_000, 100_000_000);
const CONC = Math.max(1, int("MAMORI_BENCH_CONCURRENCY", 16, 256));
const ENGINES = (process.env.MAMORI_BENCH_ENGINES ?? "pg,sqlite").split(",").filter((e) => e);
const SEQ_REQUESTS = 40;
const CONC_REQUESTS = 160;
const FILL_DAYS = 30;
/** `mamori watch` scans every 15 minutes by default: 96 reports a host a day. */
const WATCH_PER_DAY = 96;

/** Live heap at the peak of the findings export, folded vs streamed (the last engine's). */
let exportMemory: { before: number; after: number; bytes: number } | undefined;

const cleanups: Array<() => Promise<void> | void> = [];
const t = { after: (fn: () => Promise<void> | void) => cleanups.push(fn) };

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------- processes

async function startServer(data: string, db: string[]): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(MAMORI, ["server", "--listen", "127.0.0.1:0", "--data", data, ...db], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LANG: "en_US.UTF-8" },
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  const exited = new Promise((r) => child.once("exit", r));
  // A server that ends on its own says why (the bench then fails on a reset connection).
  child.once("exit", (code, signal) => {
    if (code || (signal && signal !== "SIGTERM"))
      process.stderr.write(`server exited (${code ?? signal}): ${out.slice(-4000)}\n`);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  t.after(stop);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) return { port: Number(m[1]), stop };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------------------------------------------------------------- HTTP

interface Client {
  request(
    method: string,
    p: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; text: string; ms: number }>;
  close(): void;
}

function client(port: number, data: string): Client {
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: CONC,
    ca: fs.readFileSync(path.join(data, "tls-cert.pem")),
  });
  return {
    request(method, p, headers, body) {
      const start = performance.now();
      return new Promise((resolve, reject) => {
        const req = https.request({ host: "127.0.0.1", port, method, path: p, agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
              ms: performance.now() - start,
            }),
          );
        });
        req.on("error", reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Runs `jobs` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i] as T, i);
    }),
  );
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

// ---------------------------------------------------------------- reports

type Doc = {
  host: { hostname: string; id?: string };
  scannedAt: string;
  findings: Array<{ severity: string }>;
  incidents: unknown[];
  sections: {
    logs: { events: Array<Record<string, unknown>>; eventsTotal: number; eventsTruncated: boolean };
  };
};

function fixtureDoc(): Doc {
  const r = spawnSync(MAMORI, ["audit", "--root", FIXTURE, "--format", "json"], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    env: { ...process.env, LANG: "en_US.UTF-8" },
  });
  const doc = JSON.parse(r.stdout) as Doc;
  assert.ok(doc.sections.logs.events.length > 0, "the fixture scan has log events");
  return doc;
}

const ATTACKS = ["path-traversal", "rce-cgi", "scanner", "sqli", "xss", "webshell-upload"];

/**
 * Report `r` of host `h`: half of its log events repeat those of report r - 1 (the same lines read again).
 * `later` scans later by that many 15-minute steps with the same content (an unchanged report).
 */
function reportOf(base: Doc, h: number, r: number, now: number, later = 0): string {
  const template = base.sections.logs.events[0] as Record<string, unknown>;
  const dayStart = now - 24 * 3600 * 1000;
  const events = Array.from({ length: LOG_EVENTS }, (_, j) => {
    const k = r * Math.ceil(LOG_EVENTS / 2) + j;
    return {
      ...template,
      line: k + 1,
      time: new Date(dayStart + k * 60_000).toISOString(),
      ip: `198.51.${(h * 7 + k) % 256}.${(k * 13) % 256}`,
      attack: ATTACKS[k % ATTACKS.length],
      request: `GET /cgi-bin/.%2e/.%2e/etc/passwd?k=${k}&h=${h} HTTP/1.1`,
    };
  });
  // A quarter of the hosts are clean-ish (no critical finding, no incident): the risk order varies.
  const clean = h % 4 === 0;
  const doc: Doc = {
    ...base,
    host: { ...base.host, hostname: `web-${String(h).padStart(5, "0")}.bench.example` },
    scannedAt: new Date(now - (REPORTS - r - later) * 15 * 60_000).toISOString(),
    findings: base.findings.filter((f, i) => (clean ? f.severity !== "critical" : true) && (i + h) % 5 !== 0),
    incidents: clean ? [] : base.incidents,
    sections: {
      ...base.sections,
      logs: { ...base.sections.logs, events, eventsTotal: events.length, eventsTruncated: false },
    },
  };
  delete doc.host.id;
  return JSON.stringify({ report: doc });
}

// ---------------------------------------------------------------- sizes and fill

interface Sizes {
  /** hosts and the per-host summaries (host_attackers, host_apache, host_incidents): state, not history. */
  summaries: number;
  reports: number;
  findings: number;
  incidents: number;
  audit: number;
  events: number;
  eventRows: number;
  database: number;
}

async function pgSizes(c: pg.Client): Promise<Sizes> {
  const r = await c.query(`select
    pg_total_relation_size('hosts') + pg_total_relation_size('host_attackers') +
      pg_total_relation_size('host_apache') + pg_total_relation_size('host_incidents') as summaries,
    pg_total_relation_size('reports') as reports,
    pg_total_relation_size('report_findings') as findings,
    pg_total_relation_size('report_incidents') as incidents,
    pg_total_relation_size('audit_log') as audit,
    (select coalesce(sum(pg_total_relation_size(relid)), 0) from pg_partition_tree('events')) as events,
    (select count(*) from events) as event_rows,
    pg_database_size(current_database()) as database`);
  const x = r.rows[0] as Record<string, string>;
  return {
    summaries: Number(x.summaries),
    reports: Number(x.reports),
    findings: Number(x.findings),
    incidents: Number(x.incidents),
    audit: Number(x.audit),
    events: Number(x.events),
    eventRows: Number(x.event_rows),
    database: Number(x.database),
  };
}

/**
 * SQLite: the file's size after a checkpoint (node:sqlite has no dbstat table to size tables one by one),
 * so growth is measured as a difference between two moments (`bytes` counts everything).
 */
function sqliteSizes(file: string): Sizes {
  const db = new DatabaseSync(file, { timeout: 30_000 });
  try {
    db.exec("pragma wal_checkpoint(truncate)");
    const rows = Number((db.prepare("select count(*) as n from events").get() as { n: number }).n);
    let database = 0;
    for (const f of [file, `${file}-wal`]) database += fs.existsSync(f) ? fs.statSync(f).size : 0;
    return {
      summaries: 0,
      reports: 0,
      findings: 0,
      incidents: 0,
      audit: 0,
      events: 0,
      eventRows: rows,
      database,
    };
  } finally {
    db.close();
  }
}

interface FillRow {
  host: string;
  at: string;
  name: string;
  ip: string;
  detail: string;
  digest: string;
  severity: string;
}

function fillRow(hosts: string[], n: number, now: number): FillRow {
  const r = Math.random();
  return {
    host: hosts[n % hosts.length] as string,
    at: new Date(now - Math.floor(r * FILL_DAYS * 24 * 3600 * 1000)).toISOString(),
    name: ATTACKS[n % ATTACKS.length] as string,
    ip: `203.0.${(n >> 8) % 200}.${n % 256}`,
    detail: `GET /index.php?id=${n}&q=${(r * 1e9).toFixed(0)} HTTP/1.1`,
    digest: randomBytes(16).toString("hex"),
    severity: n % 10 === 0 ? "high" : "medium",
  };
}

const FILL_BATCH = 10_000;

/** Multi-row INSERTs (unnest of arrays: one statement, ten parameters, 10,000 rows), two connections. */
async function fillPg(url: string, hosts: string[], target: number, have: number): Promise<number> {
  const todo = Math.max(0, target - have);
  const now = Date.now();
  let n = 0;
  const worker = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      for (;;) {
        const start = n;
        const count = Math.min(FILL_BATCH, todo - start);
        if (count <= 0) break;
        n += count;
        const rows = Array.from({ length: count }, (_, i) => fillRow(hosts, have + start + i, now));
        await c.query(
          `insert into events (host_id, at, kind, report_id, severity, name, ip, outcome, detail, digest)
           select h, a, 'log', 'bench-fill', s, nm, ip, 'attempted', d, g
           from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
             as u(h, a, s, nm, ip, d, g)
           on conflict do nothing`,
          [
            rows.map((r) => r.host),
            rows.map((r) => r.at),
            rows.map((r) => r.severity),
            rows.map((r) => r.name),
            rows.map((r) => r.ip),
            rows.map((r) => r.detail),
            rows.map((r) => r.digest),
          ],
        );
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all([worker(), worker()]);
  return todo;
}

/** One prepared INSERT in transactions of 10,000 rows (SQLite has one writer). */
function fillSqlite(file: string, hosts: string[], target: number, have: number): number {
  const todo = Math.max(0, target - have);
  const db = new DatabaseSync(file, { timeout: 30_000 });
  const now = Date.now();
  try {
    const ins = db.prepare(
      `insert or ignore into events (host_id, at, kind, report_id, severity, name, ip, outcome, detail, digest)
       values (?, ?, 'log', 'bench-fill', ?, ?, ?, 'attempted', ?, ?)`,
    );
    for (let start = 0; start < todo; start += FILL_BATCH) {
      db.exec("begin immediate");
      for (let i = start; i < Math.min(todo, start + FILL_BATCH); i++) {
        const r = fillRow(hosts, have + i, now);
        ins.run(r.host, r.at, r.severity, r.name, r.ip, r.detail, r.digest);
      }
      db.exec("commit");
    }
  } finally {
    db.close();
  }
  return todo;
}

// ---------------------------------------------------------------- the run

interface Result {
  engine: string;
  enrollPerS: number;
  reports: number;
  ingestPerS: number;
  pushP95: number;
  unchanged: number;
  unchangedPerS: number;
  unchangedP95: number;
  /** Bytes an unchanged push added (reports, findings, incidents, audit, hosts and summaries; SQLite: file). */
  perUnchanged: number;
  after: Sizes;
  filled: number;
  fillS: number;
  final: Sizes;
  pages: Array<{ name: string; seqP50: number; seqP95: number; concP50: number; concP95: number }>;
  queries: Array<{ name: string; p50: number; p95: number }>;
}

async function runEngine(engine: string, base: Doc): Promise<Result> {
  const data = path.join(tempDir(`mamori-bench-${engine}-`), "data");
  const url =
    engine === "pg" ? await startPostgres(t, { durable: true, settings: ["max_wal_size=2GB"] }) : undefined;
  const server = await startServer(data, url ? ["--db", url] : []);
  const target = url ?? path.join(data, "server.db");
  const pgc = url ? new pg.Client({ connectionString: url }) : undefined;
  if (pgc) {
    await pgc.connect();
    t.after(() => pgc.end());
  }
  const store: ServerStore = await openServerStore(target);
  t.after(() => store.close());
  const http = client(server.port, data);
  t.after(() => http.close());

  // Enrollment: tokens made directly in the database (as `mamori server token` does), exchanged over HTTPS.
  const now = new Date();
  const tokens: string[] = [];
  for (let h = 0; h < HOSTS; h++) tokens.push((await createEnrollToken(store, now)).token);
  const hosts: Array<{ id: string; credential: string }> = new Array(HOSTS);
  let t0 = performance.now();
  await pool(tokens, CONC, async (token, h) => {
    const r = await http.request(
      "POST",
      "/api/v1/enroll",
      { "content-type": "application/json" },
      JSON.stringify({ token, hostname: `web-${String(h).padStart(5, "0")}.bench.example` }),
    );
    assert.equal(r.status, 201, r.text);
    const j = JSON.parse(r.text) as { hostId: string; credential: string };
    hosts[h] = { id: j.hostId, credential: j.credential };
  });
  const enrollPerS = HOSTS / ((performance.now() - t0) / 1000);

  const sizes = async () => (pgc ? pgSizes(pgc) : sqliteSizes(target));
  const empty = await sizes();
  // Pushes: every host's report 0, then every host's report 1, ...
  const jobs = Array.from({ length: HOSTS * REPORTS }, (_, i) => ({
    h: i % HOSTS,
    r: Math.floor(i / HOSTS),
  }));
  const pushMs: number[] = [];
  const nowMs = Date.now();
  t0 = performance.now();
  await pool(jobs, CONC, async ({ h, r }) => {
    const host = hosts[h] as { id: string; credential: string };
    const body = reportOf(base, h, r, nowMs);
    const res = await http.request(
      "POST",
      `/api/v1/hosts/${host.id}/reports`,
      { "content-type": "application/json", authorization: `Bearer ${host.credential}` },
      body,
    );
    assert.equal(res.status, 201, res.text);
    pushMs.push(res.ms);
  });
  const ingestPerS = jobs.length / ((performance.now() - t0) / 1000);

  const after = await sizes();
  if (!pgc) {
    // Everything one report added, its event rows included.
    after.reports = after.database - empty.database;
  }

  // Unchanged reports: each host's last report again, only its scan time later. Not stored again.
  const again = Array.from({ length: HOSTS * UNCHANGED }, (_, i) => ({
    h: i % HOSTS,
    later: 1 + Math.floor(i / HOSTS),
  }));
  const unchangedMs: number[] = [];
  t0 = performance.now();
  await pool(again, CONC, async ({ h, later }) => {
    const host = hosts[h] as { id: string; credential: string };
    const res = await http.request(
      "POST",
      `/api/v1/hosts/${host.id}/reports`,
      { "content-type": "application/json", authorization: `Bearer ${host.credential}` },
      reportOf(base, h, REPORTS - 1, nowMs, later),
    );
    assert.equal(res.status, 201, res.text);
    assert.equal((JSON.parse(res.text) as { stored?: boolean }).stored, false, "an unchanged report");
    unchangedMs.push(res.ms);
  });
  const unchangedPerS = again.length / Math.max((performance.now() - t0) / 1000, 1e-9);
  const afterUnchanged = await sizes();
  const history = (x: Sizes) => x.summaries + x.reports + x.findings + x.incidents + x.audit;
  const perUnchanged =
    again.length === 0
      ? 0
      : (pgc ? history(afterUnchanged) - history(after) : afterUnchanged.database - after.database) /
        again.length;

  // Fill the events table toward the target.
  const want = url ? PG_EVENTS : SQLITE_EVENTS;
  const ids = hosts.map((h) => h.id);
  t0 = performance.now();
  const filled = url
    ? await fillPg(url, ids, want, afterUnchanged.eventRows)
    : fillSqlite(target, ids, want, afterUnchanged.eventRows);
  const fillS = (performance.now() - t0) / 1000;
  if (pgc) await pgc.query("analyze events");
  const final = await sizes();
  if (!pgc)
    final.events = ((final.database - afterUnchanged.database) / Math.max(filled, 1)) * final.eventRows;

  // Pages, sequential then concurrent.
  const key = (await createApiKey(store, new Date(), "viewer", "bench")).key;
  await addUser(store, "bench", await hashPassword(randomBytes(16).toString("hex")), "viewer", new Date());
  const session = await createSession(store, "bench", new Date());
  const cookie = { cookie: `__Host-mamori_session=${session.id}` };
  const bearer = { authorization: `Bearer ${key}` };
  const pick = (i: number) => (hosts[(i * 7919) % HOSTS] as { id: string }).id;
  const pages: Array<{ name: string; path: (i: number) => string; headers: Record<string, string> }> = [
    { name: "GET /api/v1/hosts", path: () => "/api/v1/hosts", headers: bearer },
    { name: "GET / (dashboard hosts)", path: () => "/", headers: cookie },
    { name: "GET /api/v1/hosts/:id/report", path: (i) => `/api/v1/hosts/${pick(i)}/report`, headers: bearer },
    { name: "GET /hosts/:id (dashboard)", path: (i) => `/hosts/${pick(i)}`, headers: cookie },
    { name: "GET /api/v1/fleet/attackers", path: () => "/api/v1/fleet/attackers?limit=100", headers: bearer },
    { name: "GET /fleet/attackers (dashboard)", path: () => "/fleet/attackers", headers: cookie },
    { name: "GET /fleet/apache (dashboard)", path: () => "/fleet/apache", headers: cookie },
    { name: "GET /fleet/incidents (dashboard)", path: () => "/fleet/incidents", headers: cookie },
    {
      name: "GET /api/v1/export/findings.sarif",
      path: () => "/api/v1/export/findings.sarif",
      headers: bearer,
    },
  ];
  const pageResults: Result["pages"] = [];
  for (const p of pages) {
    const seq: number[] = [];
    for (let i = 0; i < SEQ_REQUESTS; i++) {
      const r = await http.request("GET", p.path(i), p.headers);
      assert.equal(r.status, 200, `${p.name}: ${r.status}`);
      seq.push(r.ms);
    }
    const conc: number[] = [];
    await pool(
      Array.from({ length: CONC_REQUESTS }, (_, i) => i),
      CONC,
      async (i) => {
        const r = await http.request("GET", p.path(i), p.headers);
        assert.equal(r.status, 200, `${p.name}: ${r.status}`);
        conc.push(r.ms);
      },
    );
    pageResults.push({
      name: p.name,
      seqP50: pct(seq, 50),
      seqP95: pct(seq, 95),
      concP50: pct(conc, 50),
      concP95: pct(conc, 95),
    });
  }

  // Fleet questions on the events table, straight on the database (what fleet views will ask).
  const queries: Result["queries"] = [];
  const since = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString();
  const day = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const asks: Array<{ name: string; q: (i: number) => [string, unknown[]] }> = [
    {
      name: "hosts hit by one IP, 7 days",
      q: (i) => [
        "select count(distinct host_id) as n from events where ip = $1 and at >= $2",
        [`203.0.${(i * 37) % 200}.${(i * 11) % 256}`, since],
      ],
    },
    {
      name: "one host's events, last 24 h",
      q: (i) => ["select count(*) as n from events where host_id = $1 and at >= $2", [pick(i), day]],
    },
  ];
  const sdb = url ? undefined : new DatabaseSync(target, { readOnly: true });
  for (const a of asks) {
    const ms: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [q, params] = a.q(i);
      const s = performance.now();
      if (pgc) await pgc.query(q, params);
      else sdb?.prepare(q.replace(/\$\d/g, "?")).get(...(params as string[]));
      ms.push(performance.now() - s);
    }
    queries.push({ name: a.name, p50: pct(ms, 50), p95: pct(ms, 95) });
  }
  sdb?.close();
  // The attackers view both ways, in this process: folded from every host's latest document (how the
  // fleet pages worked before the summaries) and from the summaries in SQL (one page of 100).
  const ways: Array<{ name: string; run: () => Promise<unknown> }> = [
    {
      name: "attackers folded from every latest report (before)",
      run: async () => fleetAttackers(await fleetDocs(store)),
    },
    {
      name: "attackers from the summaries, one page (after)",
      run: () => attackersPage(store, 2, { limit: 100, offset: 0 }),
    },
  ];
  // The findings export (SARIF) both ways: folded whole from every latest document, and streamed from
  // the host_findings summary a page at a time (its chunks dropped as they come, as a response does).
  ways.push(
    {
      name: "findings.sarif folded from every latest report (before)",
      run: async () => findingsFromDocs(fleetFindings(await fleetDocs(store)), "sarif").length,
    },
    {
      name: "findings.sarif streamed from the summaries (after)",
      run: async () => {
        let n = 0;
        for await (const chunk of findingsChunks(store, "sarif")) n += chunk.length;
        return n;
      },
    },
  );
  for (const w of ways) {
    const took: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await w.run();
      took.push(performance.now() - s);
    }
    queries.push({ name: w.name, p50: pct(took, 50), p95: pct(took, 95) });
  }
  // The attackers page (fleet_attackers, migration 8) says what the fold over every latest document says,
  // in this process and over HTTPS (one page of 100, two hosts or more).
  const fold = JSON.parse(JSON.stringify(fleetAttackers(await fleetDocs(store), 2, 100))) as unknown[];
  const viaSql = JSON.parse(JSON.stringify(await attackersPage(store, 2, { limit: 100, offset: 0 })));
  assert.deepEqual(viaSql.attackers, fold, "the attackers page is the fold's first 100");
  const viaHttp = await http.request("GET", "/api/v1/fleet/attackers?limit=100", bearer);
  assert.deepEqual((JSON.parse(viaHttp.text) as { attackers: unknown }).attackers, fold, "and the API's");
  process.stderr.write(`  attackers page = fold: ${fold.length} addresses compared\n`);
  // Memory the findings export keeps alive at its peak (collected before each reading, so garbage does not
  // count): the whole fleet's documents and the file, or one page and its chunk.
  const gc = (() => {
    v8.setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  })();
  const live = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const folded = async () => {
    const base = live();
    const docs = await fleetDocs(store);
    const held = live();
    const whole = findingsFromDocs(fleetFindings(docs), "sarif");
    return { peak: Math.max(held, live()) - base, length: whole.length };
  };
  const before = await folded();
  const start = live();
  let peakAfter = 0;
  let streamed = 0;
  for await (const chunk of findingsChunks(store, "sarif")) {
    streamed += chunk.length;
    peakAfter = Math.max(peakAfter, live() - start);
  }
  assert.equal(streamed, before.length, "the streamed export is the folded one's length");
  exportMemory = { before: before.peak, after: peakAfter, bytes: before.length };
  await server.stop();
  return {
    engine,
    enrollPerS,
    reports: jobs.length,
    ingestPerS,
    pushP95: pct(pushMs, 95),
    unchanged: again.length,
    unchangedPerS,
    unchangedP95: pct(unchangedMs, 95),
    perUnchanged,
    after,
    filled,
    fillS,
    final,
    pages: pageResults,
    queries,
  };
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
const ms = (v: number) => `${v.toFixed(1)} ms`;

function print(r: Result): void {
  const perReport = (r.after.reports + r.after.findings + r.after.incidents + r.after.audit) / r.reports;
  const ingestEventRows = r.after.eventRows;
  const perEvent = r.final.eventRows > 0 ? r.final.events / r.final.eventRows : Number.NaN;
  const eventsPerHostDay = r.final.eventRows / HOSTS / FILL_DAYS;
  const rows: Array<[string, string]> = [
    ["hosts enrolled", `${HOSTS} (${r.enrollPerS.toFixed(0)}/s)`],
    ["reports pushed", `${r.reports} (${REPORTS} per host, ${CONC} in flight)`],
    ["ingest rate", `${r.ingestPerS.toFixed(1)} reports/s (push p95 ${ms(r.pushP95)})`],
    [
      "unchanged reports (not stored again)",
      `${r.unchanged}: ${r.unchangedPerS.toFixed(1)}/s (push p95 ${ms(r.unchangedP95)}), ${kb(r.perUnchanged)} each`,
    ],
    [
      "event rows from ingest",
      `${ingestEventRows} (${(ingestEventRows / r.reports).toFixed(1)} per report after dedup)`,
    ],
    [
      r.engine === "pg"
        ? "stored per report (report, findings, incidents, audit)"
        : "stored per report (file growth, its event rows included)",
      kb(perReport),
    ],
    [
      `events filled`,
      `${r.filled} rows in ${r.fillS.toFixed(1)} s (${(r.filled / Math.max(r.fillS, 1e-9)).toFixed(0)} rows/s)`,
    ],
    [
      "events table",
      `${r.final.eventRows} rows, ${mb(r.final.events)} (${perEvent.toFixed(0)} B/row with indexes)`,
    ],
    ["database total", mb(r.final.database)],
    [
      `per host per day: ${WATCH_PER_DAY} reports (watch default), every one changed`,
      `${mb(perReport * WATCH_PER_DAY)} + events`,
    ],
    [
      `per host per day: ${WATCH_PER_DAY} reports, 1 changed`,
      `${kb(perReport + r.perUnchanged * (WATCH_PER_DAY - 1))} + events`,
    ],
    ["per host per day: 1 report (daily audit)", `${kb(perReport)} + events`],
    [
      `per host per day: events at this fill (${eventsPerHostDay.toFixed(0)}/host/day)`,
      kb(eventsPerHostDay * perEvent),
    ],
  ];
  for (const p of r.pages)
    rows.push([
      `${p.name} p50/p95`,
      `seq ${ms(p.seqP50)} / ${ms(p.seqP95)}; ${CONC} concurrent ${ms(p.concP50)} / ${ms(p.concP95)}`,
    ]);
  for (const q of r.queries) rows.push([`db: ${q.name} p50/p95`, `${ms(q.p50)} / ${ms(q.p95)}`]);
  if (exportMemory)
    rows.push([
      "findings.sarif live heap at peak: folded / streamed",
      `${mb(exportMemory.before)} / ${mb(exportMemory.after)} (file ${mb(exportMemory.bytes)})`,
    ]);
  const w = Math.max(...rows.map(([a]) => a.length));
  process.stdout.write(`\n-- ${r.engine === "pg" ? "PostgreSQL" : "SQLite"}\n`);
  for (const [a, b] of rows) process.stdout.write(`${a.padEnd(w)}  ${b}\n`);
}

try {
  const base = fixtureDoc();
  process.stdout.write(
    `server bench: ${HOSTS} hosts x ${REPORTS} reports (${LOG_EVENTS} log events each), events to ${PG_EVENTS} (PostgreSQL) / ${SQLITE_EVENTS} (SQLite), engines ${ENGINES.join(",")}\n`,
  );
  for (const e of ENGINES) {
    if (e !== "pg" && e !== "sqlite") throw new Error(`unknown engine ${e}`);
    const started = performance.now();
    const r = await runEngine(e, base);
    print(r);
    process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    while (cleanups.length > 0) await cleanups.pop()?.();
  }
} catch (err) {
  process.stderr.write(`server bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()?.();
    } catch {
      // best effort
    }
  }
}
