import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import pgModule from "pg";
import { listDeliveries, recordDelivery } from "../../src/store/alerts.ts";
import { openPostgres, writeTx } from "../../src/store/db.ts";
import { diffFindings } from "../../src/store/diff.ts";
import { recordScan, scanFacts } from "../../src/store/record.ts";
import { listScans, scanFindings } from "../../src/store/scans.ts";
import { adoptLegacyHost, getBaseline, getCursors } from "../../src/store/state.ts";
import { commitScan } from "../../src/watch/pending.ts";
import { pgSkip, startPostgres } from "../helpers/postgres.ts";
import { V1_SCHEMA } from "../store/v1-schema.ts";
import { doc, finding } from "./helpers.ts";

test("the same schema and migrations run on PostgreSQL: store, list, diff, cursors, baseline, deliveries, recordScan; a version-1 history migrates", {
  skip: pgSkip,
}, async (t) => {
  const url = await startPostgres(t);
  const store = await openPostgres(url);
  // Migrations are idempotent: a second open (another fleet worker) finds them applied.
  await (await openPostgres(url)).close();

  await commitScan(store, {
    version: 2,
    scanId: "20260101T000000Z-aaaa",
    startedAt: "2026-01-01T00:00:00.000Z",
    hostId: "web1",
    doc: doc([finding("a.one:1"), finding("a.gone:1")], "2026-01-01T00:01:00.000Z"),
    cursors: [
      {
        path: "/var/log/apache2/access.log",
        inode: "12",
        offset: 5_000_000_000,
        headHash: "h",
        headLen: 9,
        mtimeNs: "17",
      },
    ],
    baseline: { entries: [{ kind: "port", key: "tcp 0.0.0.0:80", value: "tcp 0.0.0.0:80" }], replace: true },
  });
  await commitScan(store, {
    version: 2,
    scanId: "20260102T000000Z-bbbb",
    startedAt: "2026-01-02T00:00:00.000Z",
    hostId: "web1",
    doc: doc([finding("a.one:1", { severity: "critical" }), finding("a.new:1")], "2026-01-02T00:01:00.000Z"),
    cursors: [],
  });
  const scans = await listScans(store.db);
  assert.deepEqual(
    scans.map((s) => s.id),
    ["20260102T000000Z-bbbb", "20260101T000000Z-aaaa"],
  );
  assert.equal(scans[0]?.counts.critical, 1);
  assert.equal(typeof scans[0]?.total, "number");
  const d = diffFindings(
    "a",
    "b",
    await scanFindings(store.db, "20260101T000000Z-aaaa"),
    await scanFindings(store.db, "20260102T000000Z-bbbb"),
  );
  assert.deepEqual(
    d.new.map((f) => f.id),
    ["a.new:1"],
  );
  assert.deepEqual(
    d.resolved.map((f) => f.id),
    ["a.gone:1"],
  );
  assert.deepEqual(d.changed[0]?.changes, ["severity"]);
  const cur = (await getCursors(store.db, "web1")).get("/var/log/apache2/access.log");
  assert.equal(cur?.offset, 5_000_000_000, "byte offsets beyond 2^32 survive (bigint)");
  assert.equal((await getBaseline(store.db, "web1")).length, 1);
  await recordDelivery(store.db, {
    host: "web1",
    scanId: "20260102T000000Z-bbbb",
    createdAt: "2026-01-02T00:02:00.000Z",
    channel: "webhook",
    target: "http://127.0.0.1/***",
    kind: "alert",
    status: "failed",
    attempts: 3,
    error: "ECONNREFUSED",
    findingIds: ["a.new:1"],
  });
  const del = await listDeliveries(store.db);
  assert.equal(del[0]?.status, "failed");
  assert.equal(del[0]?.attempts, 3);

  // store.recordScan, the fleet server's write: one scan with its facts, keyed by the host id it is given.
  const facts = { version: 1, areas: { packages: [{ name: "apache2" }] } };
  const fleetHost = "d".repeat(32);
  const rec = await recordScan(
    store,
    fleetHost,
    facts,
    doc([finding("f.one:1")], "2026-01-03T00:00:00.000Z"),
  );
  assert.deepEqual(await scanFacts(store.db, rec.id), facts);
  assert.deepEqual(
    (await listScans(store.db, { hostId: fleetHost })).map((s) => s.id),
    [rec.id],
  );

  // A history created with the version-1 schema (hosts keyed by hostname) migrates on PostgreSQL too.
  await sql`create database old_schema`.execute(store.db);
  await store.close();
  const oldUrl = url.replace(/\/postgres$/, "/old_schema");
  const raw = new pgModule.Client({ connectionString: oldUrl });
  await raw.connect();
  await raw.query(V1_SCHEMA);
  const old = doc([finding("o.one:1")], "2025-12-01T00:00:00.000Z");
  await raw.query(
    `insert into scans values ($1, 'web1', '/', $2, $2, 'old', 'audit', 'en', 0, 1, 0, 0, 0, 1, '[]', $3)`,
    ["20251201T000000Z-0001", old.scannedAt, JSON.stringify(old)],
  );
  await raw.query(`insert into findings values ($1, 'o.one:1', 'o.one', 'high', 'likely', 'h', $2)`, [
    "20251201T000000Z-0001",
    JSON.stringify(old.findings[0]),
  ]);
  await raw.query(
    `insert into baselines values ('web1', 'port', 'tcp 0.0.0.0:80', 'tcp 0.0.0.0:80', '20251201T000000Z-0001', 'x')`,
  );
  await raw.query(
    `insert into log_cursors values ('web1', '/var/log/apache2/access.log', '7', 6000000000, 'h', 9, '1', 'x')`,
  );
  await raw.end();
  const migrated = await openPostgres(oldUrl);
  try {
    assert.deepEqual(
      (await listScans(migrated.db)).map((s) => [s.id, s.hostId, s.host]),
      [["20251201T000000Z-0001", "hostname:web1", "web1"]],
    );
    assert.equal((await getBaseline(migrated.db, "hostname:web1")).length, 1);
    const web1 = "e".repeat(32);
    assert.equal(await writeTx(migrated, (trx) => adoptLegacyHost(trx, web1, "web1")), 1);
    assert.equal((await listScans(migrated.db, { hostId: web1 })).length, 1);
    assert.equal((await getBaseline(migrated.db, web1)).length, 1);
    assert.equal(
      (await getCursors(migrated.db, web1)).get("/var/log/apache2/access.log")?.offset,
      6_000_000_000,
    );
    assert.equal((await scanFindings(migrated.db, "20251201T000000Z-0001"))[0]?.id, "o.one:1");
  } finally {
    await migrated.close();
  }
});
