import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";

const NO_APACHE = path.resolve("test/fixtures/roots/no-apache");

test("probe to a refused port exits 3 with a line saying the target was not probed", async () => {
  // A port that was just free: nothing listens, the connection is refused.
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  const r = await mamori(["probe", `http://127.0.0.1:${port}/`, "--lang", "en"]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /1 target could not be probed/);
});

test("--severity-threshold is case-insensitive", async () => {
  const r = await mamori(["audit", "--root", NO_APACHE, "--severity-threshold", "HIGH", "--format", "json"]);
  assert.notEqual(r.code, 2, r.stderr);
});

test("a missing allowlist is one line in words, not ENOENT", async () => {
  const r = await mamori(["hunt", "--root", NO_APACHE, "--allowlist", "/nonexistent/allow.yaml"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "mamori: allowlist /nonexistent/allow.yaml: not found\n");
});

test("a reader that closes the pipe early ends mamori quietly (no EPIPE stack trace)", () => {
  const root = path.resolve("test/fixtures/roots/compromised-2.4.49");
  // `mamori audit | head -c 10`, with mamori's own stderr and exit status kept.
  const r = spawnSync(
    "/bin/bash",
    [
      "-c",
      `"$0" audit --root "$1" --format json | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}" >&2`,
      path.resolve("bin/mamori"),
      root,
    ],
    { encoding: "utf8" },
  );
  assert.doesNotMatch(r.stderr, /EPIPE|node:events|Unhandled/);
  assert.match(r.stderr.trim(), /^[01]$/);
});

test("diff with one scan each of two hosts says so, not only 'need two scans'", async (t) => {
  const dir = (await import("../helpers/tmp.ts")).tempDir(t);
  const db = path.join(dir, "h.db");
  for (const r of ["debian12", "rhel8"])
    await mamori(["audit", "--root", path.resolve("test/fixtures/roots", r), "--db", db, "--format", "json"]);
  const d = await mamori(["diff", "--db", db, "--lang", "en"]);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /the other stored scans are of other hosts/);
});
