import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { openSqlite } from "../../src/store/db.ts";
import { recordScan, scanFacts } from "../../src/store/record.ts";
import { listScans, scanDocument, scanFindings } from "../../src/store/scans.ts";
import { getBaseline, getCursors } from "../../src/store/state.ts";
import { tempDir } from "../helpers/tmp.ts";
import { doc, finding } from "../watch/helpers.ts";

const HOST = "a".repeat(32);

test("store.recordScan is a plain write: one scan with its facts and report, no spool, no lock, no watch state", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "fleet.db");
  const store = await openSqlite(db);
  t.after(() => store.close());
  const report = doc([finding("x.one:1"), finding("x.two:1")], "2026-02-01T00:00:00.000Z", "web7");
  const facts = {
    version: 1,
    host: { id: HOST },
    areas: { packages: [{ name: "apache2", version: "2.4.62" }] },
  };
  const meta = await recordScan(store, HOST, facts, report);
  assert.equal(meta.hostId, HOST);
  assert.equal(meta.host, "web7");
  assert.equal(meta.total, 2);
  const scans = await listScans(store.db);
  assert.equal(scans.length, 1);
  assert.equal(scans[0]?.hostId, HOST);
  assert.deepEqual(await scanFacts(store.db, meta.id), facts);
  assert.deepEqual(await scanDocument(store.db, meta.id), report);
  assert.deepEqual((await scanFindings(store.db, meta.id)).map((f) => f.id).sort(), ["x.one:1", "x.two:1"]);
  assert.equal((await getCursors(store.db, HOST)).size, 0);
  assert.equal((await getBaseline(store.db, HOST)).length, 0);
  assert.deepEqual(
    fs.readdirSync(dir).filter((n) => !/^fleet\.db(-wal|-shm)?$/.test(n)),
    [],
    "no spool, no lock file",
  );

  // The same scan id again (a retried upload): stored once. A scan without facts has none.
  const again = await recordScan(store, HOST, facts, report, { scanId: meta.id });
  assert.equal(again.id, meta.id);
  const plain = await recordScan(store, HOST, undefined, report, { scanId: "20260201T000001Z-beef" });
  assert.equal(await scanFacts(store.db, plain.id), undefined);
  assert.equal((await listScans(store.db, { hostId: HOST })).length, 2);
  assert.equal((await listScans(store.db, { host: "web7" })).length, 2, "a person may name the host");
  await assert.rejects(recordScan(store, "", facts, report), RangeError);
});

test("a failed write stores nothing: the scan and its facts go together", async (t) => {
  const dir = tempDir(t);
  const store = await openSqlite(path.join(dir, "h.db"));
  t.after(() => store.close());
  const report = doc([finding("x.one:1")], "2026-02-01T00:00:00.000Z");
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic; // JSON.stringify throws after the scan row was written
  await assert.rejects(recordScan(store, HOST, cyclic, report, { scanId: "s-1" }));
  assert.equal((await listScans(store.db)).length, 0);
  assert.equal((await scanFindings(store.db, "s-1")).length, 0);
});
