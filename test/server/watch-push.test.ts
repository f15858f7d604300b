import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { openServerStore } from "../../src/server/store/db.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, run, startServerProcess } from "./harness.ts";

test("watch --once --push enrolls and sends its scan like audit --push", async (t) => {
  const base = tempDir(t, "mamori-wpush-");
  const data = path.join(base, "data");
  const srv = await startServerProcess(t, ["--data", data]);
  const url = `https://127.0.0.1:${srv.port}`;
  const tok = (await run(["server", "token", "--data", data])).stdout.trim();
  const w = await run(
    [
      "watch",
      "--once",
      "--root",
      COMPROMISED,
      "--db",
      path.join(base, "h.db"),
      "--push",
      url,
      "--token",
      tok,
      "--server-fingerprint",
      srv.fingerprint,
    ],
    { MAMORI_STATE_DIR: path.join(base, "state") },
  );
  assert.equal(w.code, 1, w.stderr); // critical findings open, pushed all the same
  assert.match(w.stderr, /Report sent to/);
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const r = await call(srv.port, data, "GET", "/api/v1/hosts", {
    headers: { authorization: `Bearer ${key}` },
  });
  const hosts = (r.json as { hosts: Array<{ name: string; worstSeverity: string; incidents: number }> })
    .hosts;
  assert.deepEqual(
    hosts.map((h) => [h.name, h.worstSeverity, h.incidents > 0]),
    [["web1", "critical", true]],
  );
  // The FactsBundle went with the report (the server judges it again when its data changes).
  const store = await openServerStore(path.join(data, "server.db"));
  try {
    const rows = await store.db.selectFrom("reports").select("facts").execute();
    assert.equal(rows.length, 1);
    const facts = JSON.parse(String(rows[0]?.facts)) as { kind: string; areas: Record<string, unknown> };
    assert.equal(facts.kind, "mamori-facts");
    assert.ok(facts.areas.apache, Object.keys(facts.areas).join(","));
  } finally {
    await store.close();
  }
  // A push that fails (server gone) makes the run fail, after the scan was stored.
  await srv.stop();
  const down = await run(
    ["watch", "--once", "--root", COMPROMISED, "--db", path.join(base, "h.db"), "--push", url],
    {
      MAMORI_STATE_DIR: path.join(base, "state"),
    },
  );
  assert.equal(down.code, 2, down.stderr);
  assert.match(down.stderr, /could not send the report/);
});

test("a certificate trusted on first use stays pinned: a server with another certificate is refused", async (t) => {
  const { rmSync } = await import("node:fs");
  const base = tempDir(t, "mamori-tofu-");
  const data = path.join(base, "data");
  const first = await startServerProcess(t, ["--data", data]);
  const tok = (await run(["server", "token", "--data", data])).stdout.trim();
  const env = { MAMORI_STATE_DIR: path.join(base, "state") };
  const a = await run(
    ["audit", "--root", COMPROMISED, "--push", `https://127.0.0.1:${first.port}`, "--token", tok],
    env,
  );
  assert.equal(a.code, 1, a.stderr);
  assert.ok(a.stderr.includes(first.fingerprint));
  await first.stop();
  // Same address, same database, a new key and certificate: to the agent, an impostor.
  rmSync(path.join(data, "tls-cert.pem"));
  rmSync(path.join(data, "tls-key.pem"));
  const second = await startServerProcess(t, ["--data", data, "--listen", `127.0.0.1:${first.port}`]);
  assert.notEqual(second.fingerprint, first.fingerprint);
  const b = await run(["audit", "--root", COMPROMISED, "--push", `https://127.0.0.1:${second.port}`], env);
  assert.equal(b.code, 2);
  assert.ok(b.stderr.includes(`is not the pinned ${first.fingerprint}`), b.stderr);
  // Told the new fingerprint explicitly (the administrator replaced the certificate), it goes through.
  const c = await run(
    [
      "audit",
      "--root",
      COMPROMISED,
      "--push",
      `https://127.0.0.1:${second.port}`,
      "--server-fingerprint",
      second.fingerprint,
    ],
    env,
  );
  assert.equal(c.code, 1, c.stderr);
  assert.match(c.stderr, /Report sent to/);
});

test("the host credential is rotated after 30 days; the old one is refused once the new one is used", async (t) => {
  const { readFileSync, readdirSync } = await import("node:fs");
  const base = tempDir(t, "mamori-rotate-");
  const data = path.join(base, "data");
  const srv = await startServerProcess(t, ["--data", data]);
  const url = `https://127.0.0.1:${srv.port}`;
  const env = { MAMORI_STATE_DIR: path.join(base, "state") };
  const tok = (await run(["server", "token", "--data", data])).stdout.trim();
  const a = await run(
    ["audit", "--root", COMPROMISED, "--push", url, "--token", tok, "--server-fingerprint", srv.fingerprint],
    env,
  );
  assert.equal(a.code, 1, a.stderr);
  assert.doesNotMatch(a.stderr, /replaced/);
  const dir = path.join(base, "state", "servers");
  const file = path.join(dir, readdirSync(dir)[0] as string);
  const before = JSON.parse(readFileSync(file, "utf8")) as { credential: string; hostId: string };
  // 40 days on: the push goes through with the old credential, then the agent takes a new one.
  const later = new Date(Date.now() + 40 * 86400_000).toISOString();
  const b = await run(["audit", "--root", COMPROMISED, "--push", url, "--now", later], env);
  assert.equal(b.code, 1, b.stderr);
  assert.match(b.stderr, /Host credential for .* replaced/);
  const after = JSON.parse(readFileSync(file, "utf8")) as { credential: string; issuedAt: string };
  assert.notEqual(after.credential, before.credential);
  assert.equal(after.issuedAt, later);
  const c = await run(["audit", "--root", COMPROMISED, "--push", url, "--now", later], env);
  assert.equal(c.code, 1, c.stderr);
  assert.doesNotMatch(c.stderr, /replaced/);
  // The new credential has been used: the old one is refused now.
  const old = await call(srv.port, data, "POST", `/api/v1/hosts/${before.hostId}/reports`, {
    headers: { authorization: `Bearer ${before.credential}` },
    body: "{}",
  });
  assert.equal(old.status, 401);
});
