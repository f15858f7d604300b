/**
 * The spellings a rule literal stands for (src/rules/spellings.ts): what a client may send for the same
 * decoded bytes, and none that would send a large share of benign lines to a rule.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { NAMED } from "../../src/collect/logs/engine/decode.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { compileSpec, specOf } from "../../src/rules/logs-compile.ts";
import { spellingsOf } from "../../src/rules/spellings.ts";

test("punctuation raw or encoded, a space as +, %20 or %09, and the whole encoded twice", () => {
  const s = spellingsOf("%3c%3f");
  for (const want of ["%3c%3f", "<%3f", "%253c%253f"]) assert.ok(s.includes(want), `${want} in ${s}`);
  const f = spellingsOf("for+%25");
  for (const want of ["for+%25", "for%20%25", "for%09%25"]) assert.ok(f.includes(want), `${want} in ${f}`);
  assert.ok(spellingsOf("$(").includes("%24("), "an encoded dollar before a raw parenthesis");
  assert.ok(spellingsOf("$(").includes("%2524%2528"));
});

test("no spelling that benign lines are full of", () => {
  // One character alone keeps its written spelling: `;` is in nearly every User-Agent.
  assert.deepEqual(spellingsOf("%3b"), ["%3b", "%253b"]);
  // Never a raw space for an encoded one (`like+` is not `like Gecko`).
  assert.ok(!spellingsOf("like+").some((s) => s.includes(" ")));
  // Never the characters that part a query raw for encoded ones (`%3dhttp` is not every link parameter).
  assert.ok(!spellingsOf("%3dhttp").includes("=http"));
  assert.ok(!spellingsOf("%3c%3f").includes("%3c?"));
  // Two characters raw are too common (`..` from `.%2e`).
  assert.ok(!spellingsOf(".%2e").includes(".."));
  assert.ok(spellingsOf(".%2e").includes("%2e%2e"));
});

test("letters and digits stay as written, case folded", () => {
  assert.deepEqual(spellingsOf("Whoami"), ["whoami"]);
  assert.ok(spellingsOf("%66%72ee").every((s) => s.includes("%66%72") || s.includes("%2566%2572")));
});

test("a rule handed to the reading thread carries its literals as written and gets the same spellings", () => {
  for (const rule of loadRules()) {
    const spec = specOf(rule);
    assert.deepEqual(spec.prefilter, rule.written);
    assert.deepEqual(compileSpec(spec, rule.file).prefilter, rule.prefilter);
  }
});

test("a rule that decodes as a lax application does is tested where HTML references or overlong UTF-8 show", () => {
  const rules = loadRules();
  const deep = rules.find((r) => r.id === "attack-xss");
  assert.ok(deep);
  for (const name of Object.keys(NAMED)) {
    assert.ok(deep.prefilter.includes(`&${name};`), `&${name}; (decode.ts NAMED)`);
    assert.ok(deep.prefilter.includes(`%26${name}%3b`), `%26${name}%3b`);
  }
  for (const m of ["&#", "%26%23", "%2526%2523", "%c0%", "%25c0%25", "\\xc0"])
    assert.ok(deep.prefilter.includes(m), m);
  // A rule whose conditions read only raw or once-decoded values gets none of them.
  const shallow = rules.find((r) =>
    [...r.all, ...r.anyOf].every((c) => c.decode === "raw" || c.decode === "once"),
  );
  assert.ok(shallow);
  assert.ok(!shallow.prefilter.includes("%c0%"), shallow.id);
  const raw = rules.find((r) => [...r.all, ...r.anyOf].every((c) => c.decode === "raw"));
  assert.ok(raw && !raw.prefilter.includes("%u00"), raw?.id);
  assert.ok(deep.prefilter.includes("%u00") && deep.prefilter.includes("%25u00"));
});
