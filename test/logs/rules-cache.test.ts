import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readRules, rulesDir } from "../../src/rules/logs.ts";
import { readRuleFiles } from "../../src/rules/logs-schema.ts";

/** What detection depends on: the spec and the compiled expressions. */
const shape = (rules: ReturnType<typeof readRules>) =>
  rules.map((r) => ({
    ...r,
    all: r.all.map((c) => [c.fields, c.decode, String(c.re)]),
    anyOf: r.anyOf.map((c) => [c.fields, c.decode, String(c.re)]),
    none: r.none.map((c) => [c.fields, c.decode, String(c.re)]),
  }));

test("the rules cache gives the rules the YAML gives, and is dropped when a rule file changes", () => {
  const tmp = mkdtempSync(join(tmpdir(), "mamori-rules-"));
  try {
    const dir = join(tmp, "logs");
    cpSync(rulesDir(), dir, { recursive: true });
    const cache = join(tmp, "cache", "rules.json");
    const fromYaml = readRuleFiles(dir);
    assert.deepEqual(shape(readRules(dir, cache)), shape(fromYaml)); // writes the cache
    assert.deepEqual(shape(readRules(dir, cache)), shape(fromYaml)); // reads it

    // The cache is what is read while it matches the files...
    const c = JSON.parse(readFileSync(cache, "utf8"));
    c.rules[0].name = "from the cache";
    writeFileSync(cache, JSON.stringify(c));
    assert.equal(readRules(dir, cache)[0]?.name, "from the cache");

    // ...and a changed rule file is read from YAML again (and the cache rewritten).
    const first = fromYaml[0]?.file as string;
    const changed = join(dir, first.slice(first.lastIndexOf("/") + 1));
    writeFileSync(changed, readFileSync(changed, "utf8").replace(/^ {2}en: .*$/m, "  en: changed"));
    assert.equal(readRules(dir, cache)[0]?.name.en, "changed");
    assert.equal(JSON.parse(readFileSync(cache, "utf8")).rules[0].name.en, "changed");

    // A damaged cache is ignored.
    writeFileSync(cache, "{ not json");
    assert.equal(readRules(dir, cache)[0]?.name.en, "changed");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
