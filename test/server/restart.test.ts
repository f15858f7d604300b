import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { openServerStore } from "../../src/server/store/db.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, run, startServerProcess } from "./harness.ts";
import { pgSkip, startPostgres } from "./pg.ts";

/**
 * The server is killed (SIGKILL, no shutdown) while reports stream in. Every report it answered 201 for
 * must be in the database after a restart: 2xx is sent only after the commit.
 */
async function killMidIngest(
  t: { after: (fn: () => Promise<void> | void) => void },
  db: string[],
): Promise<void> {
  const data = path.join(tempDir(t, "mamori-restart-"), "data");
  const srv = await startServerProcess(t, ["--data", data, ...db]);
  const tok = (await run(["server", "token", "--data", data])).stdout.trim();
  const enr = await call(srv.port, data, "POST", "/api/v1/enroll", {
    body: JSON.stringify({ token: tok, hostname: "web1" }),
  });
  assert.equal(enr.status, 201);
  const { hostId, credential } = enr.json as { hostId: string; credential: string };
  const scan = await run(["audit", "--root", COMPROMISED, "--format", "json"]);
  const doc = JSON.parse(scan.stdout) as { findings: Array<{ id: string; title: string }> };
  // A heavy report (many findings to extract), so that the kill lands while others are being stored.
  const findings = doc.findings.flatMap((f) =>
    Array.from({ length: 30 }, (_, i) => ({ ...f, id: `${f.id}#${i}` })),
  );
  // Each report differs (a finding's title): an unchanged one would not be stored again.
  const body = (i: number) =>
    JSON.stringify({
      report: {
        ...doc,
        findings: findings.map((f, j) => (j === 0 ? { ...f, title: `${f.title} #${i}` } : f)),
      },
    });
  const acked: string[] = [];
  let failed = 0;
  let killed: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: 16 }, async (_, i) => {
      try {
        const r = await call(srv.port, data, "POST", `/api/v1/hosts/${hostId}/reports`, {
          headers: { authorization: `Bearer ${credential}` },
          body: body(i),
        });
        if (r.status === 201) {
          acked.push((r.json as { reportId: string }).reportId);
          killed ??= srv.stop("SIGKILL");
        } else failed++;
      } catch {
        failed++;
      }
    }),
  );
  await killed;
  assert.ok(acked.length >= 1, "no report was accepted before the kill");
  assert.ok(failed >= 1, `the kill came after every report was stored (${acked.length} accepted)`);

  // Restart on the same data: it comes up, and every accepted report is there.
  const again = await startServerProcess(t, ["--data", data]);
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const hosts = await call(again.port, data, "GET", "/api/v1/hosts", {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(
    (hosts.json as { hosts: Array<{ worstSeverity: string }> }).hosts[0]?.worstSeverity,
    "critical",
  );
  await again.stop();
  const store = await openServerStore(db[1] ?? path.join(data, "server.db"));
  try {
    const rows = await store.db.selectFrom("reports").select(["id", "findings"]).execute();
    const ids = new Set(rows.map((r) => r.id));
    for (const id of acked) assert.ok(ids.has(id), `accepted report ${id} lost`);
    // Stored whole: every report present has all its extracted findings.
    for (const r of rows) {
      const n = await store.db
        .selectFrom("report_findings")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("report_id", "=", r.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(n.n), Number(r.findings));
      assert.equal(Number(r.findings), findings.length);
    }
  } finally {
    await store.close();
  }
}

test("SQLite: a server killed mid-ingest loses no accepted report", async (t) => {
  await killMidIngest(t, []);
});

test("PostgreSQL: a server killed mid-ingest loses no accepted report", { skip: pgSkip }, async (t) => {
  await killMidIngest(t, ["--db", await startPostgres(t)]);
});
