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
