import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { translator } from "../../src/i18n/index.ts";
import {
  type ExportFormat,
  findingsChunks,
  findingsFromDocs,
  fleetDocs,
} from "../../src/server/fleet/export.ts";
import {
  apacheInventory,
  fleetAttackers,
  fleetFindings,
  fleetIncidents,
  type HostDoc,
} from "../../src/server/fleet/views.ts";
import { appliedVersions, openServerStore, type ServerStore } from "../../src/server/store/db.ts";
import { SERVER_MIGRATIONS } from "../../src/server/store/migrations.ts";
import { createEnrollToken, enroll, ingest, listHosts, reportCount } from "../../src/server/store/repo.ts";
import {
  apachePage,
  attackersPage,
  incidentsPage,
  reportHash,
  sharedAttackers,
} from "../../src/server/store/summaries.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, run } from "./harness.ts";
import { pgSkip, startPostgres } from "./pg.ts";

/**
 * Migration 5: per-host summaries of the latest report (attackers, Apache, incidents, counts by
 * severity) written at ingest and backfilled for hosts that reported before it, read by the fleet views
 * in SQL with pages; and unchanged reports (same content but the scan time) not stored again. The SQL
 * views must say what the pure folds over the documents say.
 */

type Doc = {
  host: { hostname: string; os?: string; id?: string };
  scannedAt: string;
  findings: Array<{ id: string; check: string; severity: string; title: string }>;
  incidents: Array<{ id: string; severity: string; title: string }>;
  sections: {
    logs: { attackers: Array<{ ip: string }> };
    apache: { installations: Array<{ version?: string }> };
  };
};

let fixture: Doc | undefined;
async function fixtureDoc(): Promise<Doc> {
  if (!fixture) {
    const r = await run(["audit", "--root", COMPROMISED, "--format", "json"]);
    fixture = JSON.parse(r.stdout) as Doc;
  }
  return JSON.parse(JSON.stringify(fixture)) as Doc;
}

/** Host `i`'s document: its own name, its own first attacker address, another Apache version. */
function variant(base: Doc, i: number, scannedAt: string): Doc {
  const d = JSON.parse(JSON.stringify(base)) as Doc;
  d.host.hostname = `web${i}`;
  delete d.host.id;
  d.scannedAt = scannedAt;
  const first = d.sections.logs.attackers[0];
  if (first) first.ip = `198.51.100.${i}`;
  const inst = d.sections.apache.installations[0];
  if (inst) inst.version = i % 2 === 0 ? "2.4.49" : `2.4.${50 + i}`;
  if (i === 2) d.incidents = [];
  return d;
}

function ingestOf(d: Doc) {
  return {
    hostname: d.host.hostname,
    os: d.host.os,
    scannedAt: d.scannedAt,
    findings: d.findings.map((f) => ({ id: f.id, check: f.check, severity: f.severity, title: f.title })),
    incidents: d.incidents.map((x) => ({ id: x.id, severity: x.severity, title: x.title })),
    document: JSON.stringify(d),
  };
}

const ALL = { limit: 1000, offset: 0 };

/**
 * The findings export streamed from the summaries (host_findings, pages of `pageSize` rows) must be the
 * bytes the old path folds from every host's latest document, in every format; returns the JSON rows.
 */
async function exportMatchesDocs(store: ServerStore, docs: HostDoc[]): Promise<number> {
  const fromDocs = fleetFindings(await fleetDocs(store));
  assert.equal(fromDocs.length, fleetFindings(docs).length, "every host's findings are exported");
  for (const format of ["json", "csv", "sarif"] as ExportFormat[])
    for (const pageSize of [1, 7, 1000]) {
      let got = "";
      for await (const chunk of findingsChunks(store, format, pageSize)) got += chunk;
      assert.equal(got, findingsFromDocs(fromDocs, format), `${format}, pages of ${pageSize}`);
    }
  return fromDocs.length;
}

async function exercise(target: string): Promise<void> {
  const base = await fixtureDoc();
  const T0 = new Date("2026-11-21T00:00:00.000Z");
  const at = (min: number) => new Date(T0.getTime() + min * 60_000);

  // A database of the version before: one host with a stored report, written as that version did.
  let store: ServerStore = await openServerStore(target, { migrateTo: 4 });
  const old = await enroll(store, (await createEnrollToken(store, T0)).token, "web0", T0);
  assert.ok(old.ok);
  const doc0 = variant(base, 0, at(0).toISOString());
  await store.db
    .insertInto("reports")
    .values({
      id: "r0",
      host_id: old.hostId,
      received_at: at(0).toISOString(),
      scanned_at: doc0.scannedAt,
      worst_severity: "critical",
      findings: doc0.findings.length,
      incidents: doc0.incidents.length,
      document: JSON.stringify(doc0),
      facts: null,
    })
    .execute();
  await store.db
    .insertInto("report_findings")
    .values(
      doc0.findings.map((f) => ({
        report_id: "r0",
        host_id: old.hostId,
        finding_id: f.id,
        check_id: f.check,
        severity: f.severity,
        title: f.title,
      })),
    )
    .execute();
  await store.db
    .updateTable("hosts")
    .set({ latest_report_id: "r0", worst_severity: "critical", last_scan_at: doc0.scannedAt, incidents: 1 })
    .where("id", "=", old.hostId)
    .execute();
  await store.close();

  // Opened by this version: migration 5 runs and fills the old host's summaries.
  store = await openServerStore(target);
  try {
    assert.deepEqual(
      await appliedVersions(store),
      SERVER_MIGRATIONS.map((m) => m.version),
    );
    const h0 = await store.db
      .selectFrom("hosts")
      .selectAll()
      .where("id", "=", old.hostId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(h0.risk), 0);
    assert.equal(Number(h0.n_critical), doc0.findings.filter((f) => f.severity === "critical").length);
    assert.equal(Number(h0.n_high), doc0.findings.filter((f) => f.severity === "high").length);
    assert.ok(Number(h0.n_critical) > 0);
    const backfilled = await attackersPage(store, 1, ALL);
    assert.deepEqual(
      backfilled.attackers,
      fleetAttackers([{ hostId: old.hostId, name: "web0", document: doc0 }], 1),
    );

    // Migration 7 keeps the keyed texts: the English agent's incident reads in Japanese on a Japanese page.
    const ja = translator("ja");
    const inc0 = doc0.incidents[0] as unknown as {
      title: string;
      message: { title: { key: "incident.title.breakIn"; params: { ip: string; what: string } } };
    };
    const jaTitle = ja(inc0.message.title.key, inc0.message.title.params);
    assert.notEqual(jaTitle, inc0.title);
    assert.equal((await incidentsPage(store, ALL, ja)).incidents[0]?.title, jaTitle);
    assert.equal((await incidentsPage(store, ALL)).incidents[0]?.title, inc0.title, "English by default");
    const named = (await attackersPage(store, 1, ALL, undefined, ja)).attackers.flatMap((a) =>
      a.hosts.flatMap((h) => h.incidents),
    );
    assert.ok(named.includes(jaTitle), named.join(" | "));

    // Migration 6 filled the findings of the host that reported before it.
    assert.equal(
      await exportMatchesDocs(store, [{ hostId: old.hostId, name: "web0", document: doc0 }]),
      doc0.findings.length,
    );

    // Three more hosts through ingest; web0 and web1..3 share the fixture's other attacker addresses.
    const docs: HostDoc[] = [{ hostId: old.hostId, name: "web0", document: doc0 }];
    for (const i of [1, 2, 3]) {
      const e = await enroll(store, (await createEnrollToken(store, T0)).token, `web${i}`, T0);
      assert.ok(e.ok);
      const d = variant(base, i, at(i).toISOString());
      const r = await ingest(store, e.hostId, ingestOf(d), at(i));
      assert.equal(r.stored, true);
      docs.push({ hostId: e.hostId, name: `web${i}`, document: d });
    }
    // The SQL views say what the folds over every document say.
    for (const min of [1, 2, 4, 5]) {
      const got = await attackersPage(store, min, ALL);
      const want = fleetAttackers(docs, min);
      assert.deepEqual(got.attackers, want, `minHosts ${min}`);
      assert.equal(got.total, want.length);
    }
    assert.ok((await attackersPage(store, 4, ALL)).attackers.length >= 1, "an address on all four hosts");
    // The dashboard's cut: the first hosts of each address, the count and fleet-wide values unchanged.
    for (const perIp of [1, 2]) {
      const full = await attackersPage(store, 1, ALL);
      const cut = await attackersPage(store, 1, ALL, perIp);
      assert.equal(cut.total, full.total);
      assert.deepEqual(
        cut.attackers,
        full.attackers.map((a) => ({ ...a, hosts: a.hosts.slice(0, perIp), hostCount: a.hosts.length })),
        `${perIp} host(s) per address`,
      );
    }
    assert.equal((await attackersPage(store, 5, ALL)).attackers.length, 0);
    const apache = await apachePage(store, ALL);
    assert.deepEqual(apache.installations, apacheInventory(docs));
    assert.deepEqual(
      apache.installations.map((r) => r.version),
      ["2.4.49", "2.4.49", "2.4.51", "2.4.53"],
    );
    const incidents = await incidentsPage(store, ALL);
    const wantIncidents = fleetIncidents(docs);
    assert.equal(incidents.total, wantIncidents.length);
    assert.equal(incidents.total, 3, "web2 has none");
    assert.deepEqual(
      new Set(incidents.incidents.map((i) => `${i.hostId}/${i.id}/${i.timeline.length}`)),
      new Set(wantIncidents.map((i) => `${i.hostId}/${i.id}/${i.timeline.length}`)),
    );
    // Pages are cut by the database in the same order.
    const second = await apachePage(store, { limit: 1, offset: 1 });
    assert.equal(second.total, 4);
    assert.deepEqual(second.installations, apache.installations.slice(1, 2));
    const allAttackers = await attackersPage(store, 1, ALL);
    const page2 = await attackersPage(store, 1, { limit: 2, offset: 2 });
    assert.deepEqual(page2.attackers, allAttackers.attackers.slice(2, 4));
    // Fleet context: web3's addresses seen elsewhere, from the summaries.
    const web3 = docs[3] as HostDoc;
    const shared = await sharedAttackers(store, web3.hostId);
    assert.ok(shared.length >= 1);
    assert.ok(shared.every((s) => s.here.hostId === web3.hostId && s.others.length === 3));
    assert.ok(!shared.some((s) => s.ip === "198.51.100.3"), "web3's own address is on no other host");

    // Unchanged: the same document with a later scan time is not stored again; the host's scan moves.
    const before = await reportCount(store);
    const hostB = web3.hostId;
    const again = variant(base, 3, at(60).toISOString());
    const same = await ingest(store, hostB, ingestOf(again), at(60));
    assert.equal(same.stored, false);
    assert.equal(await reportCount(store), before);
    const hb = await store.db
      .selectFrom("hosts")
      .selectAll()
      .where("id", "=", hostB)
      .executeTakeFirstOrThrow();
    assert.equal(hb.last_scan_at, at(60).toISOString());
    assert.equal(Number(hb.scans), 2);
    assert.equal(same.reportId, hb.latest_report_id);
    assert.equal((await listHosts(store)).find((h) => h.id === hostB)?.lastScanAt, at(60).toISOString());
    // An older scan of the same content does not move lastScanAt back.
    assert.equal(
      (await ingest(store, hostB, ingestOf(variant(base, 3, at(30).toISOString())), at(61))).stored,
      false,
    );
    assert.equal((await listHosts(store)).find((h) => h.id === hostB)?.lastScanAt, at(60).toISOString());
    // Changed (one finding fewer): stored, and the summaries follow it.
    const changed = variant(base, 3, at(75).toISOString());
    changed.incidents = [];
    changed.sections.logs.attackers = changed.sections.logs.attackers.filter(
      (a) => a.ip !== "45.146.164.110",
    );
    changed.findings = changed.findings.filter(
      (f) => (f as { data?: { ip?: string } }).data?.ip !== "45.146.164.110",
    );
    // A repeated finding id and a spreadsheet formula in a title: exported as the document has them.
    const first = changed.findings[0] as Doc["findings"][number];
    changed.findings.push({
      ...first,
      severity: "low",
      title: '=HYPERLINK("x")',
      // A literal title (no keyed form): exported as written.
      message: undefined,
      cves: ["CVE-2021-41773"],
    } as never);
    const diff = await ingest(store, hostB, ingestOf(changed), at(75));
    assert.equal(diff.stored, true);
    assert.equal(await reportCount(store), before + 1);
    docs[3] = { hostId: hostB, name: "web3", document: changed };
    assert.deepEqual((await attackersPage(store, 1, ALL)).attackers, fleetAttackers(docs, 1));
    assert.ok(!(await sharedAttackers(store, hostB)).some((s) => s.ip === "45.146.164.110"));
    assert.equal((await incidentsPage(store, ALL)).total, 2);
    const exported = await exportMatchesDocs(store, docs);
    assert.ok(exported > docs.length * 2, `${exported} findings of 4 hosts`);
    // The facts count too, but not their collection time.
    const facts = (t: string, extra = "") =>
      JSON.stringify({ kind: "k", collectedAt: t, areas: { x: extra } });
    assert.equal(
      reportHash(JSON.stringify(changed), facts("2026-01-01T00:00:00Z")),
      reportHash(JSON.stringify({ ...changed, scannedAt: "x" }), facts("2026-02-01T00:00:00Z")),
    );
    assert.notEqual(
      reportHash(JSON.stringify(changed), facts("2026-01-01T00:00:00Z")),
      reportHash(JSON.stringify(changed), facts("2026-01-01T00:00:00Z", "y")),
    );
  } finally {
    await store.close();
  }
}

test("SQLite: summaries by migration 5 and at ingest, fleet views in SQL, unchanged reports kept once", async (t) => {
  await exercise(path.join(tempDir(t, "mamori-summaries-"), "server.db"));
});

test("PostgreSQL: summaries by migration 5 and at ingest, fleet views in SQL, unchanged reports kept once", {
  skip: pgSkip,
}, async (t) => {
  await exercise(await startPostgres(t));
});

/**
 * Migration 8: the fleet's attacker addresses kept folded (fleet_attackers), marked on ingest and brought up
 * to date before a page is read. Hosts push at once (their addresses overlapping, some dropped, outcomes
 * and times moving) while pages are read; the page must then say what the fold over the latest documents
 * says, and no mark may be left behind.
 */
async function concurrentPushes(target: string): Promise<void> {
  const base = await fixtureDoc();
  const T0 = new Date("2026-11-21T00:00:00.000Z");
  const store = await openServerStore(target);
  try {
    const outcomes = ["succeeded", "likely", "unknown", "blocked", "failed", undefined];
    const hosts: string[] = [];
    for (let i = 0; i < 12; i++) {
      const e = await enroll(store, (await createEnrollToken(store, T0)).token, `web${i}`, T0);
      assert.ok(e.ok);
      hosts.push(e.hostId);
    }
    const latest = new Map<string, HostDoc>();
    const docOf = (i: number, round: number): Doc => {
      const d = variant(base, i, new Date(T0.getTime() + (round * 100 + i) * 60_000).toISOString());
      // Six of twenty addresses, a different six each round; one host ends with none.
      const n = i === 11 && round === 3 ? 0 : 6;
      (d.sections.logs as { attackers: unknown[] }).attackers = Array.from({ length: n }, (_, j) => ({
        ip: `192.0.2.${(i * 3 + round * 5 + j) % 20}`,
        firstSeen: new Date(T0.getTime() - ((i + j + round) % 7) * 3600_000).toISOString(),
        lastSeen: new Date(T0.getTime() + ((i * j + round) % 5) * 3600_000).toISOString(),
        requests: i + j + 1,
        outcome: outcomes[(i + j + round) % outcomes.length],
        attacks: [],
      }));
      return d;
    };
    for (let round = 0; round < 4; round++) {
      const reads: Array<Promise<unknown>> = [];
      await Promise.all(
        hosts.map(async (id, i) => {
          const d = docOf(i, round);
          if (i % 4 === 0) reads.push(attackersPage(store, 2, { limit: 5, offset: 0 }));
          const at = new Date(T0.getTime() + (round * 100 + i) * 60_000);
          assert.equal((await ingest(store, id, ingestOf(d), at)).stored, true);
          latest.set(id, { hostId: id, name: `web${i}`, document: d });
        }),
      );
      await Promise.all(reads);
      const docs = [...latest.values()];
      for (const min of [1, 2, 3]) {
        const got = await attackersPage(store, min, ALL);
        const want = fleetAttackers(docs, min);
        assert.deepEqual(got.attackers, want, `round ${round}, minHosts ${min}`);
        assert.equal(got.total, want.length);
      }
      const marks = await store.db
        .selectFrom("attacker_ips_dirty")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      assert.equal(Number(marks.n), 0, "no mark left after a page");
    }
    // The folded rows are exactly the grouping of host_attackers.
    const folded = await store.db.selectFrom("fleet_attackers").selectAll().orderBy("ip").execute();
    const rows = await store.db.selectFrom("host_attackers").select(["ip", "host_id"]).execute();
    const byIp = new Map<string, number>();
    for (const r of rows) byIp.set(r.ip, (byIp.get(r.ip) ?? 0) + 1);
    assert.deepEqual(
      folded.map((f) => [f.ip, Number(f.hosts)]),
      [...byIp].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
  } finally {
    await store.close();
  }
}

test("SQLite: the fleet's attackers kept folded through concurrent pushes and reads", async (t) => {
  await concurrentPushes(path.join(tempDir(t, "mamori-fold-"), "server.db"));
});

test("PostgreSQL: the fleet's attackers kept folded through concurrent pushes and reads", {
  skip: pgSkip,
}, async (t) => {
  await concurrentPushes(await startPostgres(t));
});
