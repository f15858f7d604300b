import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type TestContext, test } from "node:test";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { localFeeds, REJUDGE_CVE, snapshotWithout } from "../helpers/local-feeds.ts";
import { tempDir } from "../helpers/tmp.ts";
import { call, run, startServerProcess } from "./harness.ts";
import { pgSkip, startPostgres } from "./pg.ts";

interface Doc {
  scannedAt: string;
  findings: Array<{ id: string; cves?: string[] }>;
  rejudged?: { dataVersion: string };
}
const cves = (d: Doc) => d.findings.flatMap((f) => f.cves ?? []);

/**
 * Re-judging with real processes: agents push the facts of upstream-2.4.49 judged with data that lacks
 * CVE-2021-44790; `mamori server db-update` reads a feed that has it, and the host's report on the server
 * shows it without a new scan. Then a second host, pushed after that, gets it when the server restarts
 * with yet newer data (the version noticed at start).
 */
async function scenario(t: TestContext, db: string[]): Promise<void> {
  const base = tempDir(t, "mamori-rejudge-");
  const data = path.join(base, "data");
  // The server's judging data starts without the CVE too (the data directory is the server's: 0700).
  fs.mkdirSync(path.join(data, "vulndata"), { recursive: true, mode: 0o700 });
  fs.chmodSync(data, 0o700);
  fs.writeFileSync(path.join(data, "vulndata", "vulndb.json"), snapshotWithout(REJUDGE_CVE));
  const agentData = path.join(base, "agent-data");
  fs.mkdirSync(agentData);
  fs.writeFileSync(path.join(agentData, "vulndb.json"), snapshotWithout(REJUDGE_CVE));

  // --db is remembered in the data directory: db-update and the restart below use the same database.
  let srv = await startServerProcess(t, ["--data", data, ...db]);
  const url = `https://127.0.0.1:${srv.port}`;
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const auth = { authorization: `Bearer ${key}` };
  const push = async (state: string) => {
    const tok = (await run(["server", "token", "--data", data])).stdout.trim();
    const a = await run(
      [
        "audit",
        "--root",
        fixtureRoot("upstream-2.4.49"),
        "--format",
        "json",
        "--now",
        FIXTURE_NOW,
        "--data-dir",
        agentData,
        "--push",
        url,
        "--token",
        tok,
        "--server-fingerprint",
        srv.fingerprint,
      ],
      { MAMORI_STATE_DIR: path.join(base, state) },
    );
    assert.equal(a.code, 1, a.stderr);
    return /as host ([0-9a-f]{32})/.exec(a.stderr)?.[1] as string;
  };
  const report = async (id: string) => {
    const r = await call(srv.port, data, "GET", `/api/v1/hosts/${id}/report`, { headers: auth });
    assert.equal(r.status, 200, r.text);
    return r.json as Doc;
  };
  const hostA = await push("agent-a");
  const before = await report(hostA);
  assert.ok(cves(before).length > 0, "2.4.49 has CVEs in the old data already");
  assert.ok(!cves(before).includes(REJUDGE_CVE));
  const listedBefore = (
    (await call(srv.port, data, "GET", "/api/v1/hosts", { headers: auth })).json as {
      hosts: Array<{ id: string; lastScanAt: string }>;
    }
  ).hosts.find((h) => h.id === hostA);

  // The update, while the server runs (another process on the same database).
  const u = await run(["server", "db-update", "--data", data, ...(await localFeeds(t))]);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, /Server data updated/);
  assert.match(u.stdout, /new findings? on 1 host\b/);
  assert.ok(u.stdout.includes(REJUDGE_CVE), u.stdout);
  t.diagnostic(u.stdout);

  const after = await report(hostA);
  assert.ok(cves(after).includes(REJUDGE_CVE), cves(after).join(" "));
  for (const c of cves(before)) assert.ok(cves(after).includes(c), `kept ${c}`);
  assert.equal(after.scannedAt, before.scannedAt, "no new scan: the facts' time");
  assert.ok(after.rejudged?.dataVersion);
  const listed = (
    (await call(srv.port, data, "GET", "/api/v1/hosts", { headers: auth })).json as {
      hosts: Array<{ id: string; lastScanAt: string }>;
    }
  ).hosts.find((h) => h.id === hostA);
  assert.equal(listed?.lastScanAt, listedBefore?.lastScanAt);

  // Listed as new, with the CVE, and only once: the same data judged again raises nothing.
  const news = async () =>
    (
      (await call(srv.port, data, "GET", "/api/v1/findings/new", { headers: auth })).json as {
        newFindings: Array<{ hostId: string; findings: Array<{ cves: string[] }> }>;
      }
    ).newFindings;
  const n1 = await news();
  assert.equal(n1.length, 1);
  assert.equal(n1[0]?.hostId, hostA);
  assert.ok(n1[0]?.findings.some((f) => f.cves.includes(REJUDGE_CVE)));
  // Titles in the reader's language, from the keyed form the event keeps (which stays out of the answer).
  const titles = async (lang: string) =>
    (
      (await call(srv.port, data, "GET", `/api/v1/findings/new?lang=${lang}`, { headers: auth })).json as {
        newFindings: Array<{ findings: Array<{ title: string; message?: unknown }> }>;
      }
    ).newFindings[0]?.findings ?? [];
  const [enTitles, jaTitles] = [await titles("en"), await titles("ja")];
  assert.ok(
    enTitles.length > 0 && enTitles.every((f) => /^[\x20-\x7e]+$/.test(f.title)),
    JSON.stringify(enTitles),
  );
  assert.ok(
    jaTitles.some((f) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(f.title)),
    JSON.stringify(jaTitles),
  );
  assert.ok([...enTitles, ...jaTitles].every((f) => f.message === undefined));
  const again = await run(["server", "db-update", "--data", data, "--no-feeds"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already judged/);
  assert.equal((await news()).length, 1);
  // Without an API key, nothing.
  assert.equal((await call(srv.port, data, "GET", "/api/v1/findings/new")).status, 401);

  // A second host pushed now still carries its agent's old judgement...
  const hostB = await push("agent-b");
  assert.ok(!cves(await report(hostB)).includes(REJUDGE_CVE));
  // ...and newer data placed while the server is down is noticed at start.
  await srv.stop();
  fs.copyFileSync(path.resolve("data/vulndb.json"), path.join(data, "vulndata", "vulndb.json"));
  srv = await startServerProcess(t, ["--data", data]);
  const deadline = Date.now() + 30_000;
  while (!/Judged the stored facts of 2 host/.test(srv.output()) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  assert.match(srv.output(), /Judged the stored facts of 2 hosts/);
  assert.ok(cves(await report(hostB)).includes(REJUDGE_CVE));
  assert.equal((await news()).length, 2);
}

test("new vulnerability data on the server raises new findings from stored facts, without a new scan", (t) =>
  scenario(t, []));

test("re-judging on PostgreSQL: facts read back from JSONB", { skip: pgSkip }, async (t) =>
  scenario(t, ["--db", await startPostgres(t)]),
);
