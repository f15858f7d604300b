import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { ReportDocument } from "../../src/core/document.ts";
import { FIXTURE_NOW, FIXTURE_ROOTS, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DATA_DIR, FIXTURE_NOW as HUNT_NOW, fixtureRoot as huntRoot } from "../hunt/helpers/fixture.ts";

/** What a judgement says, without when and by which command it was made. */
function judged(doc: ReportDocument) {
  return {
    findings: doc.findings,
    incidents: doc.incidents,
    notChecked: doc.notChecked,
    warnings: doc.warnings,
    sections: doc.sections,
    host: doc.host,
  };
}

async function json(argv: string[]): Promise<ReportDocument> {
  const r = await mamori(argv);
  assert.ok(r.stdout, `exit ${r.code}: ${r.stderr}`);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 3, r.stderr);
  return JSON.parse(r.stdout) as ReportDocument;
}

/** audit, audit --save-facts + check, and collect + check agree on one root in one language. */
async function sameThreeWays(
  t: { after: (fn: () => void) => void },
  root: string,
  now: string,
  lang: string,
) {
  const dir = tempDir(t);
  const saved = path.join(dir, "saved.json");
  const collected = path.join(dir, "collected.json");
  const common = ["--now", now, "--lang", lang, "--data-dir", DATA_DIR];
  const audit = await json(["audit", "--root", root, "--format", "json", ...common]);
  const auditSaving = await json([
    "audit",
    "--root",
    root,
    "--format",
    "json",
    "--save-facts",
    saved,
    ...common,
  ]);
  const c = await mamori(["collect", "--root", root, "--output", collected, ...common]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.stdout, "");
  assert.equal(fs.statSync(collected).mode & 0o777, 0o600);
  const fromSaved = await json(["check", saved, "--format", "json", ...common]);
  const fromCollected = await json(["check", collected, "--format", "json", ...common]);
  assert.deepEqual(judged(auditSaving), judged(audit));
  assert.deepEqual(judged(fromSaved), judged(audit));
  assert.deepEqual(judged(fromCollected), judged(audit));
  assert.equal(fromCollected.command, "check");
  assert.equal(fromCollected.lang, lang);
  return audit.findings.length;
}

for (const name of fs.readdirSync(FIXTURE_ROOTS).sort()) {
  for (const lang of ["ja", "en"]) {
    test(`roots/${name} (${lang}): audit == collect + check`, async (t) => {
      const n = await sameThreeWays(t, fixtureRoot(name), FIXTURE_NOW, lang);
      if (name === "upstream-2.4.49") assert.ok(n > 3, "the vulnerable root has findings to compare");
    });
  }
}

for (const name of [
  "kinsing",
  "perfctl",
  "teamtnt",
  "8220",
  "allowlisted-miner",
  "clean-busy",
  "bad-input",
]) {
  for (const lang of ["ja", "en"]) {
    test(`hunt/${name} (${lang}): audit == collect + check`, async (t) => {
      const n = await sameThreeWays(t, huntRoot(t, name), HUNT_NOW, lang);
      if (name === "kinsing") assert.ok(n > 3, "the compromised root has findings to compare");
    });
  }
}
