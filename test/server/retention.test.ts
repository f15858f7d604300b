import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { sql } from "kysely";
import { applyRetention } from "../../src/server/retention.ts";
import { openServerStore, type ServerStore } from "../../src/server/store/db.ts";
import { MAX_LOG_EVENTS_PER_REPORT, partitionMonths } from "../../src/server/store/events.ts";
import { createEnrollToken, enroll, ingestReport } from "../../src/server/store/repo.ts";
import { tempDir } from "../helpers/tmp.ts";
import { run, startServerProcess } from "./harness.ts";
import { pgSkip, startPostgres } from "./pg.ts";

/**
 * Events extracted at ingest and the retention (`--retention-days`): on PostgreSQL month partitions made
 * ahead and dropped whole, on SQLite rows deleted; old reports go too, never a host's latest.
 */

const NOW = new Date("2026-03-15T12:00:00.000Z");

function logEvent(time: string | undefined, ip: string, request: string) {
  return {
    file: "/var/log/apache2/access.log",
    line: 1,
    time,
    ip,
    attack: "path-traversal",
    cves: ["CVE-2021-41773"],
    outcome: "succeeded",
    severity: "critical",
    request,
    status: 200,
    why: "x",
  };
}

function doc(hostname: string, scannedAt: string, events: unknown[]) {
  const findings = [{ id: "f1", check: "apache.version", severity: "high", title: "old Apache" }];
  return {
    hostname,
    scannedAt,
    findings,
    incidents: [],
    document: JSON.stringify({ host: { hostname }, scannedAt, findings, sections: { logs: { events } } }),
  };
}

async function count(store: ServerStore, where = sql`true`): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from events where ${where}`.execute(store.db);
  return Number(r.rows[0]?.n);
}

async function exercise(store: ServerStore): Promise<void> {
  const pg = store.dialect === "pg";
  const first = await applyRetention(store, 400, NOW);
  if (pg) {
    const months = await partitionMonths(store.db);
    // The current month, the next one (made ahead), and back to the month of the cut-off (2025-02-08).
    for (const m of ["2026-03", "2026-04", "2025-02"]) assert.ok(months.has(m), `partition ${m}`);
    assert.ok(!months.has("2026-05") && !months.has("2025-01"));
    assert.equal(first.created.length, 15);
    // A second run finds them made.
    assert.deepEqual((await applyRetention(store, 400, NOW)).created, []);
  }
  const tok = await createEnrollToken(store, NOW);
  const host = await enroll(store, tok.token, "web1", NOW);
  assert.ok(host.ok);
  const old = await ingestReport(
    store,
    host.hostId,
    doc("web1", "2026-01-10T06:00:00.000Z", [
      logEvent("2026-01-10T03:00:00Z", "203.0.113.9", "GET /cgi-bin/.%2e/.%2e/etc/passwd"),
      // An attacker's line from "2099" is stored at the scan time at the latest (never past now).
      logEvent("2099-01-01T00:00:00Z", "203.0.113.9", "GET /future"),
      // Older than any partition: not stored on PostgreSQL (kept on SQLite until the retention runs).
      logEvent("1999-01-01T00:00:00Z", "198.51.100.1", "GET /ancient"),
      // The same line twice: one row.
      logEvent("2026-01-10T03:00:00Z", "203.0.113.9", "GET /cgi-bin/.%2e/.%2e/etc/passwd"),
    ]),
    new Date("2026-01-10T06:00:05.000Z"),
  );
  // The same events read again in a later report add nothing; a new one is added. Many events: bounded.
  const flood = Array.from({ length: MAX_LOG_EVENTS_PER_REPORT + 50 }, (_, i) =>
    logEvent("2026-03-14T00:00:00Z", "192.0.2.7", `GET /x${i}`),
  );
  await ingestReport(
    store,
    host.hostId,
    doc("web1", "2026-03-14T00:00:00.000Z", [
      logEvent("2026-01-10T03:00:00Z", "203.0.113.9", "GET /cgi-bin/.%2e/.%2e/etc/passwd"),
      ...flood,
    ]),
    NOW,
  );
  assert.equal(await count(store, sql`detail = 'GET /cgi-bin/.%2e/.%2e/etc/passwd'`), 1);
  assert.equal(
    await count(
      store,
      sql`detail = 'GET /future' and at = ${pg ? sql`'2026-01-10T06:00:00Z'::timestamptz` : sql`'2026-01-10T06:00:00.000Z'`}`,
    ),
    1,
  );
  assert.equal(await count(store, sql`detail = 'GET /ancient'`), pg ? 0 : 1);
  // 1,000 of the flood (the bound), one new finding row per report.
  assert.equal(await count(store, sql`ip = '192.0.2.7'`), MAX_LOG_EVENTS_PER_REPORT - 1);
  assert.equal(await count(store, sql`kind = 'finding'`), 2);
  const before = await count(store);

  // 30 days: the cut-off is 2026-02-13; January (and the 1999 row on SQLite) goes, March stays.
  const r = await applyRetention(store, 30, NOW);
  if (pg) {
    const months = await partitionMonths(store.db);
    assert.ok(!months.has("2026-01") && !months.has("2025-02"), "old partitions dropped");
    assert.ok(months.has("2026-02") && months.has("2026-03") && months.has("2026-04"));
    assert.ok(r.dropped.includes("events_p2026_01"));
    const t = await sql<{
      n: string;
    }>`select count(*) as n from pg_class where relname = 'events_p2026_01'`.execute(store.db);
    assert.equal(Number(t.rows[0]?.n), 0);
  } else {
    assert.equal(r.deletedEvents, 4);
  }
  assert.equal(await count(store, sql`detail like 'GET /cgi-bin%' or detail = 'GET /ancient'`), 0);
  assert.equal(await count(store), before - (pg ? 3 : 4));
  assert.equal(await count(store, sql`ip = '192.0.2.7'`), MAX_LOG_EVENTS_PER_REPORT - 1);
  // The January report went; the latest report stays however old it gets.
  const reports = await store.db.selectFrom("reports").select("id").execute();
  assert.equal(reports.length, 1);
  assert.notEqual(reports[0]?.id, old);
  assert.equal(r.deletedReports, 1);
  const far = await applyRetention(store, 1, new Date("2027-06-01T00:00:00.000Z"));
  assert.equal(far.deletedReports, 0);
  assert.equal((await store.db.selectFrom("reports").select("id").execute()).length, 1);
  assert.equal(await count(store), 0);
}

test("events and retention on SQLite: rows by time, bounded per report, deleted after N days", async (t) => {
  const store = await openServerStore(path.join(tempDir(t, "mamori-ret-"), "server.db"));
  try {
    await exercise(store);
  } finally {
    await store.close();
  }
});

test("events and retention on PostgreSQL: month partitions made ahead, old ones dropped", {
  skip: pgSkip,
}, async (t) => {
  const url = await startPostgres(t);
  const store = await openServerStore(url);
  try {
    const kind = await sql<{ k: string }>`select relkind as k from pg_class where relname = 'events'`.execute(
      store.db,
    );
    assert.equal(kind.rows[0]?.k, "p");
    await exercise(store);
  } finally {
    await store.close();
  }
});

test("mamori server applies the retention at start: partitions for this month and the next", {
  skip: pgSkip,
}, async (t) => {
  const url = await startPostgres(t);
  const data = path.join(tempDir(t, "mamori-ret-srv-"), "data");
  const bad = await run(["server", "--data", data, "--db", url, "--retention-days", "0"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--retention-days/);
  const srv = await startServerProcess(t, ["--data", data, "--db", url, "--retention-days", "30"]);
  const store = await openServerStore(url);
  try {
    const months = await partitionMonths(store.db);
    const now = new Date();
    const key = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    assert.ok(months.has(key(now)), "this month");
    assert.ok(
      months.has(key(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)))),
      "next month",
    );
    assert.ok(months.size <= 3);
  } finally {
    await store.close();
    await srv.stop();
  }
});
