import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";

const VULNERABLE = path.resolve("test/fixtures/roots/upstream-2.4.49");
const LOG = path.resolve("test/fixtures/roots/compromised-2.4.49/usr/local/apache2/logs/access_log");
const NOW = new Date("2026-12-01T00:00:00Z");

test("--exit-code N: N when findings at or above the threshold exist; 1 without it", async () => {
  const plain = await mamori(["audit", "--root", VULNERABLE, "--format", "json"], { now: NOW });
  assert.equal(plain.code, 1);
  const five = await mamori(["audit", "--root", VULNERABLE, "--format", "json", "--exit-code", "5"], {
    now: NOW,
  });
  assert.equal(five.code, 5);
  assert.equal(five.stdout, plain.stdout);
  const zero = await mamori(["audit", "--root", VULNERABLE, "--format", "json", "--exit-code", "0"], {
    now: NOW,
  });
  assert.equal(zero.code, 0);
  const logs = await mamori(["logs", LOG, "--format", "json", "--exit-code", "7"], { now: NOW });
  assert.equal(logs.code, 7, logs.stderr);
});

test("--exit-code refuses the codes that mean an error or an incomplete check, and non-numbers", async () => {
  for (const bad of ["2", "3", "abc", "126", "-1"]) {
    const r = await mamori(["audit", "--root", VULNERABLE, "--exit-code", bad]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /invalid value for --exit-code/);
  }
});

test("--quiet drops warning lines on stderr and keeps the report", async () => {
  const missing = "/nonexistent-dir/access.log";
  const loud = await mamori(["logs", LOG, missing, "--format", "json"], { now: NOW });
  assert.match(loud.stderr, /nonexistent-dir/);
  const quiet = await mamori(["logs", LOG, missing, "--format", "json", "--quiet"], { now: NOW });
  assert.equal(quiet.stderr, "");
  assert.equal(quiet.stdout, loud.stdout);
  assert.equal(quiet.code, loud.code);
  // An error is still said: --quiet hides warnings, not failures.
  const err = await mamori(["logs", missing, "--quiet"], { now: NOW });
  assert.equal(err.code, 2);
  assert.notEqual(err.stderr, "");
});
