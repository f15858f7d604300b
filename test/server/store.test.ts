import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { sql } from "kysely";
import { appliedVersions, openServerStore, type ServerStore } from "../../src/server/store/db.ts";
import { SERVER_MIGRATIONS } from "../../src/server/store/migrations.ts";
import {
  apiKeyOf,
  createApiKey,
  createEnrollToken,
  enroll,
  getHost,
  hostCount,
  hostOfCredential,
  ingestReport,
  latestReport,
  listHosts,
  revokeHost,
  revokeToken,
  rotateCredential,
} from "../../src/server/store/repo.ts";
import { tempDir } from "../helpers/tmp.ts";
import { pgSkip, startPostgres } from "./pg.ts";

const T0 = new Date("2026-03-01T00:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

function report(hostname: string, sev: string[], incidents: string[], extra = "") {
  const doc = {
    host: { hostname },
    findings: sev.map((s, i) => ({ id: `f${i}`, check: "a.b", severity: s, title: `t${i}${extra}` })),
    incidents: incidents.map((s, i) => ({ id: `i${i}`, severity: s, title: "x" })),
  };
  return {
    hostname,
    scannedAt: T0.toISOString(),
    findings: doc.findings,
    incidents: doc.incidents,
    document: JSON.stringify(doc),
  };
}

async function exercise(store: ServerStore): Promise<void> {
  assert.deepEqual(
    await appliedVersions(store),
    SERVER_MIGRATIONS.map((m) => m.version),
  );
  const tok = await createEnrollToken(store, T0, 3600_000);
  assert.match(tok.token, /^mmt_[A-Za-z0-9_-]{43}$/);
  // The token is stored as a hash only.
  const stored = await store.db.selectFrom("enroll_tokens").select("token_hash").execute();
  assert.ok(stored.every((r) => r.token_hash !== tok.token && !r.token_hash.includes(tok.token.slice(4))));

  const a = await enroll(store, tok.token, "web1", later(1000));
  assert.ok(a.ok);
  assert.deepEqual(await enroll(store, tok.token, "web1", later(2000)), { ok: false, reason: "used" });
  const expired = await createEnrollToken(store, T0, 1000);
  assert.deepEqual(await enroll(store, expired.token, "x", later(1000)), { ok: false, reason: "expired" });
  const revoked = await createEnrollToken(store, T0);
  assert.ok(await revokeToken(store, revoked.token, later(1)));
  assert.deepEqual(await enroll(store, revoked.token, "x", later(2)), { ok: false, reason: "revoked" });
  assert.deepEqual(await enroll(store, "mmt_nonsense", "x", later(2)), { ok: false, reason: "invalid" });

  assert.equal(await hostOfCredential(store, a.credential, later(2)), a.hostId);
  // Agents racing with one token: one host between them (on PostgreSQL truly concurrent, pool of 8).
  const raced = await createEnrollToken(store, T0);
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) => enroll(store, raced.token, `r${i}`, later(3))),
  );
  assert.equal(results.filter((r) => r.ok).length, 1);
  const winner = results.find((r) => r.ok) as { ok: true; hostId: string; credential: string };
  assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === "used"));
  // One character changed (never to itself: the last character of a random credential may well be "A").
  const flipped = `${a.credential.slice(0, -1)}${a.credential.endsWith("A") ? "B" : "A"}`;
  assert.equal(await hostOfCredential(store, flipped, later(2)), undefined);
  // Rotation: the old credential works until the new one is first used, then never again.
  const rotated = await rotateCredential(store, a.hostId, later(3000));
  assert.notEqual(rotated, a.credential);
  assert.equal(await hostOfCredential(store, a.credential, later(3001)), a.hostId);
  assert.equal(await hostOfCredential(store, rotated, later(3002)), a.hostId);
  assert.equal(await hostOfCredential(store, a.credential, later(3003)), undefined);
  assert.equal(await hostOfCredential(store, rotated, later(3004)), a.hostId);

  const b = await enroll(store, (await createEnrollToken(store, T0)).token, "web2", later(1));
  assert.ok(b.ok);
  // A hostile name and text with NUL characters are stored (JSONB refuses \u0000: replaced before storing).
  await ingestReport(
    store,
    a.hostId,
    report("web1", ["high", "critical", "low"], ["critical"], "\u0000"),
    later(5),
  );
  await ingestReport(store, b.hostId, report("<b>web2</b>", ["medium"], []), later(6));
  const hosts = await listHosts(store);
  assert.deepEqual(hosts, [
    { id: a.hostId, name: "web1", lastScanAt: T0.toISOString(), worstSeverity: "critical", incidents: 1 },
    {
      id: b.hostId,
      name: "<b>web2</b>",
      lastScanAt: T0.toISOString(),
      worstSeverity: "medium",
      incidents: 0,
    },
    // The raced enrollment's host, which has not reported: last.
    {
      id: winner.hostId,
      name: `r${results.indexOf(winner)}`,
      lastScanAt: null,
      worstSeverity: null,
      incidents: 0,
    },
  ]);
  // Pages cut by the database in the same order; names by code point ("zz-Beta" before "zz-alpha") on both.
  for (const name of ["zz-alpha", "zz-Beta"]) {
    const e = await enroll(store, (await createEnrollToken(store, T0)).token, name, later(7));
    assert.ok(e.ok);
  }
  const all = await listHosts(store);
  assert.deepEqual(all.slice(0, 3), hosts);
  assert.deepEqual(
    all.slice(3).map((h) => h.name),
    ["zz-Beta", "zz-alpha"],
  );
  assert.deepEqual(await listHosts(store, { limit: 2 }), all.slice(0, 2));
  assert.deepEqual(await listHosts(store, { limit: 2, offset: 2 }), all.slice(2, 4));
  assert.deepEqual(await listHosts(store, { offset: 3 }), all.slice(3));
  assert.deepEqual(await listHosts(store, { limit: 10, offset: 5 }), []);
  assert.equal(await hostCount(store), 5);
  assert.deepEqual(await getHost(store, b.hostId), all[1]);
  assert.equal(await getHost(store, "0".repeat(32)), undefined);
  // Migration 4's index on the audit log (action, target).
  const index =
    store.dialect === "pg"
      ? await sql<{ n: string }>`select indexname as n from pg_indexes where tablename = 'audit_log'`.execute(
          store.db,
        )
      : await sql<{
          n: string;
        }>`select name as n from sqlite_master where type = 'index' and tbl_name = 'audit_log'`.execute(
          store.db,
        );
  assert.ok(
    index.rows.some((r) => r.n === "audit_log_action_target"),
    JSON.stringify(index.rows),
  );
  if (store.dialect === "sqlite") {
    const plan = await sql<{
      detail: string;
    }>`explain query plan select id from audit_log where action = 'pull.fail' and target = 'x'`.execute(
      store.db,
    );
    assert.match(plan.rows.map((r) => r.detail).join(" "), /audit_log_action_target/);
  }
  const doc = (await latestReport(store, a.hostId)) as { findings: unknown[] };
  assert.equal(doc.findings.length, 3);
  assert.equal(await latestReport(store, "0".repeat(32)), undefined);

  assert.ok(await revokeHost(store, a.hostId, later(10)));
  assert.equal(await hostOfCredential(store, rotated, later(11)), undefined);

  const key = await createApiKey(store, T0);
  assert.equal((await apiKeyOf(store, key.key))?.role, "admin");
  assert.equal(await apiKeyOf(store, tok.token), undefined);
  const log = await store.db.selectFrom("audit_log").select("action").execute();
  for (const action of [
    "token.create",
    "host.enroll",
    "report.ingest",
    "host.revoke",
    "api-key.create",
    "credential.rotate",
    "credential.retire-old",
  ])
    assert.ok(
      log.some((r) => r.action === action),
      action,
    );
}

test("server store on SQLite: migrations, one-time tokens, credentials, reports, hosts by risk, audit log", async (t) => {
  const file = path.join(tempDir(t, "mamori-srv-"), "server.db");
  const store = await openServerStore(file);
  try {
    await exercise(store);
  } finally {
    await store.close();
  }
  // Opening again finds the migrations applied.
  const again = await openServerStore(file);
  assert.equal((await listHosts(again)).length, 5);
  await again.close();
});

test("server store on PostgreSQL: the same, with documents in JSONB", { skip: pgSkip }, async (t) => {
  const url = await startPostgres(t);
  const store = await openServerStore(url);
  try {
    await exercise(store);
    const type = await sql<{
      t: string;
    }>`select data_type as t from information_schema.columns where table_name = 'reports' and column_name = 'document'`.execute(
      store.db,
    );
    assert.equal(type.rows[0]?.t, "jsonb");
    // Queryable inside the document.
    const n = await sql<{
      n: string;
    }>`select count(*) as n from reports where document->'host'->>'hostname' = 'web1'`.execute(store.db);
    assert.equal(Number(n.rows[0]?.n), 1);
  } finally {
    await store.close();
  }
  await (await openServerStore(url)).close();
});
