import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { REJUDGE_CVE, snapshotWithout } from "../helpers/local-feeds.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, run, startServerProcess } from "./harness.ts";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Air-gapped fleets: only the server is updated; an enrolled host takes the server's vulnerability data
 * and IOC lists with `mamori db update --from-server`, over the pinned TLS and its own credential, and a
 * second run is answered 304 (ETag) and changes nothing.
 */
test("agents take the server's data with db update --from-server (ETag, 304), only with a credential", async (t) => {
  const base = tempDir(t, "mamori-agentdata-");
  const data = path.join(base, "data");
  const srv = await startServerProcess(t, ["--data", data]);
  const url = `https://127.0.0.1:${srv.port}`;
  const env = { MAMORI_STATE_DIR: path.join(base, "state") };
  const agentData = path.join(base, "agent-data");
  fs.mkdirSync(path.join(agentData, "iocs"), { recursive: true });
  fs.writeFileSync(path.join(agentData, "vulndb.json"), snapshotWithout(REJUDGE_CVE));

  // Not enrolled yet: a clear refusal, nothing written.
  const before = await run(["db", "update", "--from-server", url, "--data-dir", agentData], env);
  assert.equal(before.code, 2);
  assert.match(before.stderr, /not enrolled with/);

  const tok = (await run(["server", "token", "--data", data])).stdout.trim();
  const a = await run(
    ["audit", "--root", COMPROMISED, "--push", url, "--token", tok, "--server-fingerprint", srv.fingerprint],
    env,
  );
  assert.equal(a.code, 1, a.stderr);

  // The server has a new IOC list (added by the administrator) besides the shipped ones.
  const list = {
    lists: [
      {
        name: "fleet-test",
        source: "test",
        kind: "generic",
        updated: "2026-11-01",
        domains: ["bad.example.net"],
        ips: ["203.0.113.77"],
        ipPorts: [],
        sha256: [],
        sshKeys: [],
        ports: [],
      },
    ],
  };
  const listFile = path.join(base, "fleet-test.json");
  fs.writeFileSync(listFile, JSON.stringify(list));
  const upd = await run(["server", "db-update", "--data", data, "--no-feeds", "--ioc-file", listFile]);
  assert.equal(upd.code, 0, upd.stderr);

  const first = await run(["db", "update", "--from-server", url, "--data-dir", agentData], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /vulnerability data updated, IOC lists updated/);
  const serverDb = fs.readFileSync(path.join(data, "vulndata", "vulndb.json"));
  assert.deepEqual(fs.readFileSync(path.join(agentData, "vulndb.json")), serverDb);
  assert.ok(serverDb.includes(REJUDGE_CVE));
  assert.deepEqual(
    JSON.parse(fs.readFileSync(path.join(agentData, "iocs", "fleet-test.json"), "utf8")),
    list,
  );
  assert.ok(fs.existsSync(path.join(agentData, "iocs", "malware.json")), "the shipped lists come too");

  // Nothing changed on the server: both parts answered 304, the files untouched.
  const mtime = fs.statSync(path.join(agentData, "vulndb.json")).mtimeMs;
  const second = await run(["db", "update", "--from-server", url, "--data-dir", agentData], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /vulnerability data already current, IOC lists already current/);
  assert.equal(fs.statSync(path.join(agentData, "vulndb.json")).mtimeMs, mtime);

  // The HTTP contract directly: ETag is the sha256, If-None-Match gives 304, no credential gives 401.
  const cred = JSON.parse(
    fs.readFileSync(
      path.join(base, "state", "servers", fs.readdirSync(path.join(base, "state", "servers"))[0] as string),
      "utf8",
    ),
  ) as { credential: string };
  const auth = { authorization: `Bearer ${cred.credential}` };
  const full = await call(srv.port, data, "GET", "/api/v1/data/vulndb", { headers: auth });
  assert.equal(full.status, 200);
  assert.equal(full.headers.etag, `"${sha(serverDb)}"`);
  const cached = await call(srv.port, data, "GET", "/api/v1/data/vulndb", {
    headers: { ...auth, "if-none-match": `"${sha(serverDb)}"` },
  });
  assert.equal(cached.status, 304);
  assert.equal(cached.text, "");
  assert.equal((await call(srv.port, data, "GET", "/api/v1/data/vulndb")).status, 401);
  assert.equal(
    (await call(srv.port, data, "GET", "/api/v1/data/iocs", { headers: { authorization: "Bearer mmh_x" } }))
      .status,
    401,
  );
  // An API key may read it too (scripts mirroring the data).
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const iocs = await call(srv.port, data, "GET", "/api/v1/data/iocs", {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(iocs.status, 200);
  assert.deepEqual((iocs.json as { files: Record<string, unknown> }).files["fleet-test.json"], list);

  // A revoked host gets nothing more.
  const hostId = /as host ([0-9a-f]{32})/.exec(a.stderr)?.[1] as string;
  assert.equal((await run(["server", "revoke", hostId, "--data", data])).code, 0);
  const revoked = await run(["db", "update", "--from-server", url, "--data-dir", agentData], env);
  assert.equal(revoked.code, 2);
  assert.match(revoked.stderr, /401/);
});
