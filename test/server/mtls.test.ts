import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, run, startServerProcess } from "./harness.ts";

/**
 * Mutual TLS with certificates made by the real openssl: `mamori server --tls-client-ca` answers the
 * agent endpoints only for a client certificate its CA signed (none, or one of another CA, is refused);
 * API keys and the dashboard are not asked for one; the agent's certificate is kept for --from-server.
 */
function openssl(args: string[], cwd: string): void {
  const r = spawnSync("/usr/bin/openssl", args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

function makeCa(dir: string, name: string): void {
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${name}-ca.key`,
      "-out",
      `${name}-ca.pem`,
      "-days",
      "2",
      "-subj",
      `/CN=${name} CA`,
    ],
    dir,
  );
}

function makeClient(dir: string, ca: string, name: string): void {
  openssl(
    [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ],
    dir,
  );
  fs.writeFileSync(path.join(dir, `${name}.ext`), "extendedKeyUsage=clientAuth\n");
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}-ca.pem`,
      "-CAkey",
      `${ca}-ca.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    ],
    dir,
  );
}

test("--tls-client-ca: agents need a client certificate the CA signed; API keys do not", {
  skip: fs.existsSync("/usr/bin/openssl") ? false : "needs openssl",
}, async (t) => {
  const base = tempDir(t, "mamori-mtls-");
  const pki = path.join(base, "pki");
  fs.mkdirSync(pki, { mode: 0o755 });
  makeCa(pki, "fleet");
  makeCa(pki, "rogue");
  makeClient(pki, "fleet", "agent");
  makeClient(pki, "rogue", "intruder");
  const data = path.join(base, "data");
  const srv = await startServerProcess(t, [
    "--data",
    data,
    "--tls-client-ca",
    path.join(pki, "fleet-ca.pem"),
  ]);
  const url = `https://127.0.0.1:${srv.port}`;
  const push = async (state: string, cert?: string) => {
    const tok = (await run(["server", "token", "--data", data])).stdout.trim();
    return run(
      [
        "audit",
        "--root",
        COMPROMISED,
        "--push",
        url,
        "--token",
        tok,
        "--server-fingerprint",
        srv.fingerprint,
        ...(cert
          ? [
              "--tls-client-cert",
              path.join(pki, `${cert}.pem`),
              "--tls-client-key",
              path.join(pki, `${cert}.key`),
            ]
          : []),
      ],
      { MAMORI_STATE_DIR: path.join(base, state) },
    );
  };
  const none = await push("s-none");
  assert.match(none.stderr, /client-certificate/, none.stderr);
  assert.doesNotMatch(none.stderr, /as host [0-9a-f]{32}/);
  const rogue = await push("s-rogue", "intruder");
  assert.match(rogue.stderr, /client-certificate/, rogue.stderr);
  const good = await push("s-good", "agent");
  assert.equal(good.code, 1, good.stderr);
  const host = /as host ([0-9a-f]{32})/.exec(good.stderr)?.[1];
  assert.ok(host, good.stderr);
  // Half a pair is a usage error before any scan.
  const half = await run([
    "audit",
    "--root",
    COMPROMISED,
    "--push",
    url,
    "--tls-client-cert",
    path.join(pki, "agent.pem"),
  ]);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /--tls-client-cert and --tls-client-key go together/);

  // People and scripts with an API key are not asked for a certificate.
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const hosts = await call(srv.port, data, "GET", "/api/v1/hosts", {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(hosts.status, 200);
  assert.deepEqual(
    (hosts.json as { hosts: Array<{ id: string }> }).hosts.map((h) => h.id),
    [host],
  );
  // A host credential without the certificate is refused even where an API key is not (the data)...
  const findEnrollment = (dir: string): string | undefined => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const f = findEnrollment(p);
        if (f) return f;
      } else if (fs.readFileSync(p, "utf8").includes('"credential"')) return p;
    }
    return undefined;
  };
  const enrollment = JSON.parse(fs.readFileSync(findEnrollment(path.join(base, "s-good")) as string, "utf8"));
  const bare = await call(srv.port, data, "GET", "/api/v1/data/vulndb", {
    headers: { authorization: `Bearer ${enrollment.credential}` },
  });
  assert.equal(bare.status, 403);
  assert.equal(enrollment.clientCertFile, path.join(pki, "agent.pem"));
  // ...and the agent's `db update --from-server` uses the certificate its push kept.
  const dataDir = path.join(base, "agent-data");
  fs.mkdirSync(dataDir);
  const fromServer = await run(["db", "update", "--from-server", url, "--data-dir", dataDir], {
    MAMORI_STATE_DIR: path.join(base, "s-good"),
  });
  assert.equal(fromServer.code, 0, fromServer.stderr);
  assert.ok(fs.existsSync(path.join(dataDir, "vulndb.json")));
  const bad = await run([
    "server",
    "--data",
    path.join(base, "d2"),
    "--listen",
    "127.0.0.1:0",
    "--tls-client-ca",
    path.join(pki, "agent.key"),
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /agent\.key/);
});
