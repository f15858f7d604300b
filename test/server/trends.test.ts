import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { severityTrend } from "../../src/server/fleet/trends.ts";
import { openServerStore, type ServerStore } from "../../src/server/store/db.ts";
import { createEnrollToken, enroll, ingestReport } from "../../src/server/store/repo.ts";
import { tempDir } from "../helpers/tmp.ts";
import { pgSkip, startPostgres } from "./pg.ts";

const DAY = 86_400_000;
const D0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (day: number, hour = 12) => new Date(D0 + day * DAY + hour * 3600_000);

function report(sev: string[]) {
  const findings = sev.map((s, i) => ({ id: `f${i}`, check: "a.b", severity: s, title: `t${i}` }));
  return {
    hostname: "h",
    scannedAt: new Date(D0).toISOString(),
    findings,
    incidents: [],
    document: JSON.stringify({ host: { hostname: "h" }, findings, incidents: [] }),
  };
}

/**
 * Two hosts over a week: each day counts each host's latest report received by that day's end, a host
 * reporting before the window counts from its first day, and one host's trend is its own.
 */
async function exercise(store: ServerStore): Promise<void> {
  const host = async (name: string) => {
    const e = await enroll(store, (await createEnrollToken(store, new Date(D0))).token, name, new Date(D0));
    assert.ok(e.ok);
    return e.hostId;
  };
  const a = await host("a");
  const b = await host("b");
  // a: before the window 1 critical; day 2: 2 high + 1 low; day 4 (twice): fixed down to 1 low.
  await ingestReport(store, a, report(["critical"]), at(-10));
  await ingestReport(store, a, report(["high", "high", "low"]), at(2));
  await ingestReport(store, a, report(["high"]), at(4, 1));
  await ingestReport(store, a, report(["low"]), at(4, 23));
  // b: first report on day 3 with 1 medium.
  await ingestReport(store, b, report(["medium"]), at(3));
  const fleet = await severityTrend(store, { now: at(6), days: 7 });
  assert.deepEqual(
    fleet.days,
    [0, 1, 2, 3, 4, 5, 6].map((d) => new Date(D0 + d * DAY).toISOString().slice(0, 10)),
  );
  assert.deepEqual(fleet.counts.critical, [1, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(fleet.counts.high, [0, 0, 2, 2, 0, 0, 0]);
  assert.deepEqual(fleet.counts.medium, [0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(fleet.counts.low, [0, 0, 1, 1, 1, 1, 1]);
  assert.deepEqual(fleet.counts.info, [0, 0, 0, 0, 0, 0, 0]);
  const onlyB = await severityTrend(store, { now: at(6), days: 7, hostId: b });
  assert.deepEqual(onlyB.counts.medium, [0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(onlyB.counts.low, [0, 0, 0, 0, 0, 0, 0]);
  const lastThree = await severityTrend(store, { now: at(6), days: 3 });
  assert.equal(lastThree.days.length, 3);
  assert.deepEqual(lastThree.counts.low, [1, 1, 1], "the report before the window carries in");
}

test("trends of open findings by severity per day on SQLite", async (t) => {
  const store = await openServerStore(path.join(tempDir(t, "mamori-trend-"), "server.db"));
  try {
    await exercise(store);
  } finally {
    await store.close();
  }
});

test("trends of open findings by severity per day on PostgreSQL", { skip: pgSkip }, async (t) => {
  const store = await openServerStore(await startPostgres(t));
  try {
    await exercise(store);
  } finally {
    await store.close();
  }
});
