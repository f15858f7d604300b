import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = path.resolve("test/fixtures/roots/compromised-2.4.49");
const NOW = new Date("2026-12-01T00:00:00Z");

/** The `mamori respond` lines a plain audit prints, as argv. */
async function printedRespondCommands(): Promise<string[][]> {
  const audit = await mamori(["audit", "--root", ROOT], { now: NOW });
  const lines = audit.stdout.split("\n").filter((l) => /^\s*\$ mamori respond /.test(l));
  assert.ok(lines.length > 0, "a compromised host gets respond commands");
  for (const l of lines) {
    assert.doesNotMatch(l, /report\.json/, "a plain audit left no report file");
    assert.doesNotMatch(l, /--apply/, "the guidance shows the dry run only");
    assert.ok(l.endsWith(`--root ${ROOT}`), `acts on the root that was audited: ${l}`);
  }
  return lines.map((l) => l.trim().slice(2).split(" ").slice(1));
}

test("after a plain audit, the printed respond command runs as shown: it scans again when nothing is stored", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "history.db");
  const env = { MAMORI_DB: db };
  const [incidentCmd] = (await printedRespondCommands()).filter((a) => a.includes("--incident"));
  assert.ok(incidentCmd);
  const r = await mamori([...incidentCmd, "--quarantine-dir", path.join(dir, "q")], { now: NOW, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /No report file given and no stored scan: scanning .* now/);
  assert.match(r.stdout, /^Dry run: nothing was changed/);
  assert.match(r.stdout, /would: move \/tmp\/kdevtmpfsi into the quarantine/);
  // The apply command is its own block, without a report file either.
  const apply = r.stdout.split("\n").filter((l) => l.includes("mamori respond") && l.includes("--apply"));
  assert.equal(apply.length, 1);
  assert.match(apply[0] ?? "", /^ {4}mamori respond --finding \S+ .*--apply$/);
  assert.doesNotMatch(apply[0] ?? "", /report\.json/);
  assert.equal(fs.existsSync(db), false, "looking for a stored scan created no database");
  assert.ok(fs.existsSync(path.join(ROOT, "tmp/kdevtmpfsi")), "a dry run changed nothing");
});

test("with a stored scan that has the incident, respond uses it and says so", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "history.db");
  const saved = await mamori(["audit", "--root", ROOT, "--db", db], { now: NOW });
  assert.notEqual(saved.code, 2, saved.stderr);
  const [incidentCmd] = (await printedRespondCommands()).filter((a) => a.includes("--incident"));
  assert.ok(incidentCmd);
  const r = await mamori([...incidentCmd, "--quarantine-dir", path.join(dir, "q")], {
    now: NOW,
    env: { MAMORI_DB: db },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Using the stored scan \S+ of /);
  assert.doesNotMatch(r.stderr, /scanning/);
  // An id the stored scan does not have: scanned again rather than refused.
  const other = await mamori(
    [
      "respond",
      "--finding",
      "file.suspicious:0000000000000000",
      "--root",
      ROOT,
      "--quarantine-dir",
      path.join(dir, "q"),
    ],
    { now: NOW, env: { MAMORI_DB: db } },
  );
  assert.match(other.stderr, /does not have what was named: scanning/);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /file\.suspicious:0000000000000000/);
});
