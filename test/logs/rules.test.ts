import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { matchEntry } from "../../src/collect/logs/engine/match.ts";
import { buildPrefilter, candidateLines } from "../../src/collect/logs/engine/prefilter.ts";
import { loadRules } from "../../src/rules/logs.ts";

const rules = loadRules();

test("every rule file validates and there is one per attack named in the brief", () => {
  const ids = new Set(rules.map((r) => r.id));
  for (const id of [
    "cve-2021-41773",
    "cve-2021-42013",
    "cve-2021-44228",
    "cve-2017-9841",
    "thinkphp-rce",
    "pearcmd-lfi",
    "cve-2014-6271",
    "cve-2024-4577",
    "cve-2022-22947",
    "cve-2022-26134",
    "cve-2023-1389",
    "cve-2018-13379",
    "cve-2021-43798",
    "cve-2019-11510",
    "path-traversal",
    "webshell",
    "download-exec",
    "recon-secrets",
  ])
    assert.ok(ids.has(id), id);
});

for (const rule of rules) {
  test(`rule ${rule.id}: positive samples match it (and pass its prefilter), negatives do not`, () => {
    const pf = buildPrefilter(rule.prefilter);
    for (const line of rule.samples.positive) {
      const e = parseLine(line, 1, undefined);
      assert.ok(e, `unparsed: ${line}`);
      const got = matchEntry(rules, e);
      assert.equal(got?.id, rule.id, `positive ${line} -> ${got?.id}`);
      const buf = Buffer.from(`${line}\n`);
      assert.equal(candidateLines(buf, 0, buf.length, pf).length, 1, `prefilter misses ${line}`);
    }
    for (const line of rule.samples.negative) {
      const e = parseLine(line, 1, undefined);
      assert.ok(e, `unparsed: ${line}`);
      assert.notEqual(matchEntry(rules, e)?.id, rule.id, `negative ${line}`);
    }
  });
}
