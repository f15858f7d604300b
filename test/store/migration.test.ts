import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { translator } from "../../src/i18n/index.ts";
import { openSqlite } from "../../src/store/db.ts";
import { listScans } from "../../src/store/scans.ts";
import { getBaseline, getCursors } from "../../src/store/state.ts";
import { importSpool } from "../../src/watch/pending.ts";
import { recordScan } from "../../src/watch/scan.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { doc, finding } from "../watch/helpers.ts";
import { V1_SCHEMA } from "./v1-schema.ts";

/** Old rows: two scans of web1 (with a baseline and a log cursor), one of db2. */
function oldDatabase(file: string): void {
  const raw = new DatabaseSync(file);
  raw.exec(V1_SCHEMA);
  const scan = raw.prepare(
    `insert into scans values (?, ?, '/', ?, ?, 'old', 'audit', 'en', 0, ?, 0, 0, 0, ?, '[]', ?)`,
  );
  const row = raw.prepare(`insert into findings values (?, ?, ?, 'high', 'likely', ?, ?)`);
  const add = (id: string, host: string, at: string, ids: string[]) => {
    const fs = ids.map((i) => finding(i));
    scan.run(id, host, at, at, fs.length, fs.length, JSON.stringify(doc(fs, at, host)));
    for (const f of fs) row.run(id, f.id, f.check, "h", JSON.stringify(f));
  };
  add("20251201T000000Z-0001", "web1", "2025-12-01T00:00:00.000Z", ["x.a:1"]);
  add("20251202T000000Z-0002", "db2", "2025-12-02T00:00:00.000Z", ["y.a:1"]);
  add("20251203T000000Z-0003", "web1", "2025-12-03T00:00:00.000Z", ["x.a:1", "x.b:1"]);
  raw
    .prepare(`insert into baselines values ('web1', 'port', 'tcp 0.0.0.0:80', 'tcp 0.0.0.0:80', ?, ?)`)
    .run("20251201T000000Z-0001", "2025-12-01T00:00:00.000Z");
  raw
    .prepare(
      `insert into log_cursors values ('web1', '/var/log/apache2/access.log', '7', 4096, 'h', 9, '1', ?)`,
    )
    .run("2025-12-03T00:00:00.000Z");
  raw.close();
}

const ID = "c".repeat(32);

test("an old-schema SQLite history migrates: old rows stay readable under their hostname, then this machine's id takes them", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "history.db");
  oldDatabase(db);

  // Migrated on open; nothing lost, each old row keyed by its hostname (and listed as such).
  let store = await openSqlite(db);
  const scans = await listScans(store.db);
  assert.deepEqual(
    scans.map((s) => [s.id, s.hostId, s.host]),
    [
      ["20251203T000000Z-0003", "hostname:web1", "web1"],
      ["20251202T000000Z-0002", "hostname:db2", "db2"],
      ["20251201T000000Z-0001", "hostname:web1", "web1"],
    ],
  );
  assert.equal((await getBaseline(store.db, "hostname:web1")).length, 1);
  assert.equal(
    (await getCursors(store.db, "hostname:web1")).get("/var/log/apache2/access.log")?.offset,
    4096,
  );
  const versions = await store.db.selectFrom("mamori_migrations").select("version").execute();
  assert.deepEqual(
    versions.map((v) => Number(v.version)),
    [1, 2],
  );
  await store.close();
  const d = JSON.parse((await mamori(["diff", "--db", db, "--host", "web1", "--format", "json"])).stdout)
    .sections.diff;
  assert.deepEqual([d.from, d.to], ["20251201T000000Z-0001", "20251203T000000Z-0003"]);
  assert.deepEqual(
    d.new.map((f: { id: string }) => f.id),
    ["x.b:1"],
  );

  // The machine that was web1 records a scan with its id: its old scans, baseline and cursor become its own.
  const t9 = new Date("2026-01-01T00:00:00.000Z");
  const now = { ...doc([finding("x.a:1"), finding("x.b:1")], t9.toISOString()) };
  now.host = { id: ID, hostname: "web1", root: "/", live: true };
  const r = await recordScan({
    store: { target: db, busyTimeoutMs: 1000 },
    doc: now,
    startedAt: t9,
    inventory: [{ kind: "port", key: "tcp 0.0.0.0:80", value: "tcp 0.0.0.0:80" }],
    ctx: { now: () => t9, lang: "en", t: translator("en") },
  });
  assert.equal(r.stored, "db");
  assert.equal(r.baselineRecorded, undefined, "the old baseline is this host's: not recorded again");
  assert.equal(r.newFindings, 0, "compared with its own previous scan from before ids");
  store = await openSqlite(db);
  assert.deepEqual(
    (await listScans(store.db, { hostId: ID })).map((s) => s.id),
    [r.scanId, "20251203T000000Z-0003", "20251201T000000Z-0001"],
  );
  assert.equal((await getBaseline(store.db, ID)).length, 1);
  assert.equal((await getCursors(store.db, ID)).size, 1);
  assert.deepEqual(
    (await listScans(store.db, { hostId: "hostname:db2" })).map((s) => s.id),
    ["20251202T000000Z-0002"],
    "another host's rows stay under its hostname",
  );
  await store.close();

  // A hostname change later is still the same host.
  const later = new Date("2026-01-02T00:00:00.000Z");
  const renamed = { ...doc([finding("x.a:1")], later.toISOString()) };
  renamed.host = { id: ID, hostname: "web1-new", root: "/", live: true };
  await recordScan({
    store: { target: db, busyTimeoutMs: 1000 },
    doc: renamed,
    startedAt: later,
    inventory: [{ kind: "port", key: "tcp 0.0.0.0:80", value: "tcp 0.0.0.0:80" }],
    ctx: { now: () => later, lang: "en", t: translator("en") },
  });
  const d2 = JSON.parse((await mamori(["diff", "--db", db, "--format", "json"])).stdout).sections.diff;
  assert.deepEqual([d2.from, d2.to], [r.scanId, d2.to]);
  assert.deepEqual(
    d2.resolved.map((f: { id: string }) => f.id),
    ["x.b:1"],
  );
  const h = await mamori(["history", "--db", db, "--lang", "en"]);
  assert.match(h.stdout, /web1-new \(id cccccccc\)/);
  assert.match(h.stdout, /db2 \(no host id: kept under its hostname\)/);
});

test("diff of two stored scans of different hosts says so, not 'found 1'", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "history.db");
  const { recordScan: plain } = await import("../../src/store/record.ts");
  const store = await openSqlite(db);
  await plain(store, "a".repeat(32), undefined, doc([finding("x:1")], "2026-01-01T00:00:00.000Z", "alpha"));
  await plain(store, "b".repeat(32), undefined, doc([finding("y:1")], "2026-01-02T00:00:00.000Z", "alpha"));
  await store.close();
  const r = await mamori(["diff", "--db", db, "--lang", "en"]);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, /found 1/);
  assert.match(r.stderr, /same host|one host/);
  assert.match(r.stderr, /alpha \(id bbbbbbbb\) has 1/);
  assert.match(r.stderr, /other hosts: alpha \(id aaaaaaaa, 1\)/);
  // Named explicitly, they are compared, with a note that they are two hosts.
  const both = await mamori(["diff", "--db", db, "--lang", "en", "20260101", "20260102"]);
  assert.match(both.stderr, /different hosts: alpha \(id aaaaaaaa\) and alpha \(id bbbbbbbb\)/);
  assert.match(both.stdout, /New \(1\)/);
});

test("a scan spooled before host ids (version 1) is still imported, under its hostname", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "history.db");
  const spool = `${db}.spool`;
  fs.mkdirSync(spool, { mode: 0o700 });
  const at = "2025-12-05T00:00:00.000Z";
  const v1 = {
    version: 1,
    scanId: "20251205T000000Z-5555",
    startedAt: at,
    host: "web1",
    doc: doc([finding("s.one:1")], at),
    cursors: [{ path: "/var/log/a.log", inode: "1", offset: 10, headHash: "h", headLen: 1, mtimeNs: "1" }],
  };
  fs.writeFileSync(path.join(spool, `${v1.scanId}.json`), JSON.stringify(v1), { mode: 0o600 });
  const store = await openSqlite(db);
  t.after(() => store.close());
  const r = await importSpool(store, db);
  assert.equal(r.imported, 1);
  assert.deepEqual(
    (await listScans(store.db)).map((s) => [s.id, s.hostId]),
    [[v1.scanId, "hostname:web1"]],
  );
  assert.equal((await getCursors(store.db, "hostname:web1")).get("/var/log/a.log")?.offset, 10);
});
