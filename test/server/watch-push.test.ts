import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
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
