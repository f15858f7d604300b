import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { ReportDocument } from "../../src/core/document.ts";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { REJUDGE_CVE as CVE, localFeeds, snapshotWithout } from "../helpers/local-feeds.ts";
import { tempDir } from "../helpers/tmp.ts";

async function cvesOf(facts: string, dataDir: string): Promise<string[]> {
  const r = await mamori(["check", facts, "--format", "json", "--now", FIXTURE_NOW, "--data-dir", dataDir]);
  assert.ok(r.stdout, r.stderr);
  const doc = JSON.parse(r.stdout) as ReportDocument;
  return doc.findings.flatMap((f) => f.cves ?? []);
}

test("facts saved with an older snapshot show a new CVE once db update brings it", async (t) => {
  const dataDir = tempDir(t);
  fs.writeFileSync(path.join(dataDir, "vulndb.json"), snapshotWithout(CVE));

  const facts = path.join(tempDir(t), "facts.json");
  const a = await mamori([
    "audit",
    "--root",
    fixtureRoot("upstream-2.4.49"),
    "--format",
    "json",
    "--now",
    FIXTURE_NOW,
    "--data-dir",
    dataDir,
    "--save-facts",
    facts,
  ]);
  assert.equal(a.code, 1, a.stderr);
  const savedBytes = fs.readFileSync(facts);
  const before = await cvesOf(facts, dataDir);
  assert.ok(before.length > 0, "the old snapshot already finds CVEs in 2.4.49");
  assert.ok(!before.includes(CVE));

  const u = await mamori([
    "db",
    "update",
    "--data-dir",
    dataDir,
    "--now",
    FIXTURE_NOW,
    ...(await localFeeds(t)),
  ]);
  assert.equal(u.code, 0, u.stderr);

  const after = await cvesOf(facts, dataDir);
  assert.ok(after.includes(CVE), `${CVE} after the update: ${after.join(" ")}`);
  for (const c of before) assert.ok(after.includes(c), c);
  assert.deepEqual(fs.readFileSync(facts), savedBytes, "judging never writes the facts");
});
