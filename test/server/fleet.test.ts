import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { openServerStore } from "../../src/server/store/db.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, run, type ServerProcess, startServerProcess } from "./harness.ts";
import { pgSkip, startPostgres } from "./pg.ts";

/**
 * The fleet end to end, with real processes only: `mamori server` on 127.0.0.1 over TLS, `mamori server
 * token/api-key/revoke`, and `mamori audit --push` enrolling and sending the compromised fixture's scan
 * with the server's certificate pinned; then what each credential may and may not do.
 */
async function scenario(t: { after: (fn: () => Promise<void> | void) => void }, db: string[]): Promise<void> {
  const base = tempDir(t, "mamori-fleet-");
  const data = path.join(base, "data");
  const srv: ServerProcess = await startServerProcess(t, ["--data", data, ...db]);
  assert.equal(fs.statSync(data).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(data, "tls-key.pem")).mode & 0o777, 0o600);
  const url = `https://127.0.0.1:${srv.port}`;
  const token = async (extra: string[] = []) => {
    const r = await run(["server", "token", "--data", data, ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  assert.match(key, /^mmk_/);
  const hosts = async (auth = key) =>
    call(srv.port, data, "GET", "/api/v1/hosts", {
      headers: auth ? { authorization: `Bearer ${auth}` } : {},
    });
  assert.deepEqual((await hosts()).json, { hosts: [] });

  // A wrong pinned fingerprint: the agent refuses before sending anything, so the token stays unused.
  const tok1 = await token();
  const stateA = path.join(base, "agent-a");
  const wrong = srv.fingerprint.replace(/^../, srv.fingerprint.startsWith("00") ? "11" : "00");
  const refused = await run(
    [
      "audit",
      "--root",
      COMPROMISED,
      "--format",
      "json",
      "--push",
      url,
      "--token",
      tok1,
      "--server-fingerprint",
      wrong,
    ],
    { MAMORI_STATE_DIR: stateA },
  );
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /is not the pinned/);
  assert.equal(
    fs.existsSync(path.join(stateA, "servers")) && fs.readdirSync(path.join(stateA, "servers")).length,
    0,
  );

  // Enroll with the token and the right fingerprint (lower case, no colons: both accepted).
  const pin = srv.fingerprint.replaceAll(":", "").toLowerCase();
  const a = await run(
    [
      "audit",
      "--root",
      COMPROMISED,
      "--format",
      "json",
      "--push",
      url,
      "--token",
      tok1,
      "--server-fingerprint",
      pin,
    ],
    { MAMORI_STATE_DIR: stateA },
  );
  assert.equal(a.code, 1, a.stderr); // findings at or above the threshold, as without --push
  assert.match(a.stderr, /Enrolled with .* as host ([0-9a-f]{32})/);
  assert.match(a.stderr, /Report sent to/);
  const hostA = /as host ([0-9a-f]{32})/.exec(a.stderr)?.[1] as string;
  const localDoc = JSON.parse(a.stdout) as { findings: Array<{ severity: string }>; incidents: unknown[] };
  const credFiles = fs.readdirSync(path.join(stateA, "servers"));
  assert.equal(credFiles.length, 1);
  const credFile = path.join(stateA, "servers", credFiles[0] as string);
  assert.equal(fs.statSync(credFile).mode & 0o777, 0o600);
  const credA = (JSON.parse(fs.readFileSync(credFile, "utf8")) as { credential: string }).credential;

  const listed = (await hosts()).json as { hosts: Array<Record<string, unknown>> };
  assert.equal(listed.hosts.length, 1);
  const h = listed.hosts[0] as Record<string, unknown>;
  assert.deepEqual(Object.keys(h).sort(), ["id", "incidents", "lastScanAt", "name", "worstSeverity"]);
  assert.equal(h.id, hostA);
  assert.equal(h.name, "web1");
  assert.equal(h.worstSeverity, "critical");
  assert.ok(localDoc.incidents.length >= 1);
  assert.equal(h.incidents, localDoc.incidents.length);
  assert.ok(!Number.isNaN(Date.parse(h.lastScanAt as string)));
  const rep = await call(srv.port, data, "GET", `/api/v1/hosts/${hostA}/report`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(rep.status, 200);
  assert.equal((rep.json as { findings: unknown[] }).findings.length, localDoc.findings.length);

  // The token was used once: a second host cannot enroll with it.
  const stateB = path.join(base, "agent-b");
  const reused = await run(
    ["audit", "--root", COMPROMISED, "--push", url, "--token", tok1, "--server-fingerprint", pin],
    {
      MAMORI_STATE_DIR: stateB,
    },
  );
  assert.equal(reused.code, 2);
  assert.match(reused.stderr, /token-used/);
  // An expired token (made two days ago, valid for 24 hours) is refused.
  const expiredTok = await expiredToken(data);
  const expired = await call(srv.port, data, "POST", "/api/v1/enroll", {
    body: JSON.stringify({ token: expiredTok, hostname: "x" }),
  });
  assert.deepEqual([expired.status, expired.json], [401, { error: "token-expired" }]);
  // A made-up token is refused the same way, without saying more.
  const madeUp = await call(srv.port, data, "POST", "/api/v1/enroll", {
    body: JSON.stringify({ token: `mmt_${"A".repeat(43)}`, hostname: "x" }),
  });
  assert.deepEqual([madeUp.status, madeUp.json], [401, { error: "token-invalid" }]);

  // Host B enrolls (without --server-fingerprint: trusted on first use, and said so).
  const b = await run(["audit", "--root", COMPROMISED, "--push", url, "--token", await token()], {
    MAMORI_STATE_DIR: stateB,
  });
  assert.equal(b.code, 1, b.stderr);
  assert.ok(b.stderr.includes(`trusting the certificate seen on first use, ${srv.fingerprint}`), b.stderr);
  const hostB = /as host ([0-9a-f]{32})/.exec(b.stderr)?.[1] as string;
  assert.notEqual(hostB, hostA);

  // Host A's credential: cannot write host B, cannot read anything, is no API key.
  const body = JSON.stringify({ report: JSON.parse(a.stdout) });
  const asA = { authorization: `Bearer ${credA}` };
  const crossWrite = await call(srv.port, data, "POST", `/api/v1/hosts/${hostB}/reports`, {
    headers: asA,
    body,
  });
  assert.deepEqual([crossWrite.status, crossWrite.json], [403, { error: "forbidden" }]);
  assert.equal(
    (await call(srv.port, data, "GET", `/api/v1/hosts/${hostB}/report`, { headers: asA })).status,
    401,
  );
  assert.equal(
    (await call(srv.port, data, "GET", `/api/v1/hosts/${hostA}/report`, { headers: asA })).status,
    401,
  );
  assert.equal((await hosts(credA)).status, 401);
  // No key, a wrong key, a token as a key: 401.
  assert.deepEqual([(await hosts("")).status, (await hosts("")).json], [401, { error: "unauthorized" }]);
  assert.equal((await hosts(`mmk_${"B".repeat(43)}`)).status, 401);
  assert.equal((await hosts(key.slice(0, -2))).status, 401);
  // An API key cannot push a report as a host.
  const asKey = { authorization: `Bearer ${key}` };
  assert.equal(
    (await call(srv.port, data, "POST", `/api/v1/hosts/${hostA}/reports`, { headers: asKey, body })).status,
    401,
  );
  // Its own host: accepted; a document that is not a report is refused; a body over the limit is refused unread.
  assert.equal(
    (await call(srv.port, data, "POST", `/api/v1/hosts/${hostA}/reports`, { headers: asA, body })).status,
    201,
  );
  const bad = await call(srv.port, data, "POST", `/api/v1/hosts/${hostA}/reports`, {
    headers: asA,
    body: JSON.stringify({ report: { schemaVersion: 1, findings: "no" } }),
  });
  assert.deepEqual([bad.status, bad.json], [400, { error: "invalid-report" }]);
  const badFacts = await call(srv.port, data, "POST", `/api/v1/hosts/${hostA}/reports`, {
    headers: asA,
    body: JSON.stringify({
      report: JSON.parse(a.stdout),
      facts: { kind: "mamori-facts", schemaVersion: 1, areas: 7 },
    }),
  });
  assert.deepEqual([badFacts.status, badFacts.json], [400, { error: "invalid-facts" }]);
  const deep = await call(srv.port, data, "POST", `/api/v1/hosts/${hostA}/reports`, {
    headers: asA,
    body: `{"report":${"[".repeat(100_000)}`,
  });
  assert.equal(deep.status, 400);
  const big = await call(srv.port, data, "POST", `/api/v1/hosts/${hostA}/reports`, {
    headers: { ...asA, "content-length": String(200 * 1024 * 1024) },
  }).catch(() => ({ status: 413 }));
  assert.equal(big.status, 413);
  // Unauthenticated requests may not make the server buffer much either.
  const bigEnroll = await call(srv.port, data, "POST", "/api/v1/enroll", {
    body: JSON.stringify({ token: "x".repeat(100 * 1024), hostname: "x" }),
  }).catch(() => ({ status: 413 }));
  assert.equal(bigEnroll.status, 413);

  // Revoked: host A's next push is refused.
  const rv = await run(["server", "revoke", hostA, "--data", data]);
  assert.equal(rv.code, 0, rv.stderr);
  const afterRevoke = await run(["audit", "--root", COMPROMISED, "--push", url], {
    MAMORI_STATE_DIR: stateA,
  });
  assert.equal(afterRevoke.code, 2);
  assert.match(afterRevoke.stderr, /refused: 401 unauthorized/);

  // The listing still has both hosts.
  assert.equal(((await hosts()).json as { hosts: unknown[] }).hosts.length, 2);
  await srv.stop();
  // What the CLI pushed is stored with its FactsBundle, and every change is in the audit log.
  const store = await openServerStore(db[1] ?? path.join(data, "server.db"));
  try {
    const withFacts = await store.db
      .selectFrom("reports")
      .select("facts")
      .where("host_id", "=", hostB)
      .execute();
    assert.equal(withFacts.length, 1);
    const facts = withFacts[0]?.facts;
    assert.equal((typeof facts === "string" ? JSON.parse(facts) : facts).kind, "mamori-facts");
    const actions = (await store.db.selectFrom("audit_log").select(["action", "target"]).execute()).map(
      (r) => `${r.action} ${r.target}`,
    );
    for (const want of [
      `host.enroll ${hostA}`,
      `host.enroll ${hostB}`,
      `host.revoke ${hostA}`,
      "api-key.create",
    ])
      assert.ok(
        actions.some((x) => x.startsWith(want)),
        want,
      );
  } finally {
    await store.close();
  }
}

/** A token made by `mamori server token` run with the clock two days back (in-process, same data dir). */
async function expiredToken(data: string): Promise<string> {
  const { mamori } = await import("../helpers/cli.ts");
  const r = await mamori(["server", "token", "--data", data], { now: new Date(Date.now() - 48 * 3600_000) });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

test("fleet on SQLite: enroll, push over pinned TLS, list hosts, and every refusal", async (t) => {
  await scenario(t, []);
});

test("fleet on PostgreSQL: the same with --db postgres://, remembered for token/api-key/revoke", {
  skip: pgSkip,
}, async (t) => {
  const url = await startPostgres(t);
  await scenario(t, ["--db", url]);
});
