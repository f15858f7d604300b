/**
 * The linear stand-ins of src/core/cut.ts give what the regexes they replace gave (issue 10, hole 6),
 * on random strings over the characters that matter (set members, white space, line breaks).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cutFrom, cutSpacedComment, trimEndOf } from "../../src/core/cut.ts";

const ALPHABET = ["a", "/", ":", "#", "?", ">", "=", " ", "\t", "\n", "\r", "\u2028", "x"];

function* strings(n: number): Generator<string> {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  for (let i = 0; i < n; i++) {
    let s = "";
    for (let len = rnd() % 12; len > 0; len--) s += ALPHABET[rnd() % ALPHABET.length];
    yield s;
  }
}

test("trimEndOf, cutFrom and cutSpacedComment equal the regexes they replace", () => {
  for (const s of strings(20_000)) {
    assert.equal(trimEndOf(s, "/"), s.replace(/\/+$/, ""), JSON.stringify(s));
    assert.equal(trimEndOf(s, "="), s.replace(/=+$/, ""), JSON.stringify(s));
    assert.equal(cutFrom(s, ">"), s.replace(/>.*$/, ""), JSON.stringify(s));
    assert.equal(cutFrom(s, ":"), s.replace(/:.*$/, ""), JSON.stringify(s));
    assert.equal(cutFrom(s, "#"), s.replace(/#.*$/, ""), JSON.stringify(s));
    assert.equal(cutFrom(s, "/?"), s.replace(/[/?].*$/, ""), JSON.stringify(s));
    assert.equal(cutFrom(s, "?#"), s.replace(/[?#].*$/, ""), JSON.stringify(s));
    assert.equal(cutSpacedComment(s), s.replace(/\s+#.*$/, ""), JSON.stringify(s));
    assert.equal(s.trimEnd(), s.replace(/\s+$/, ""), JSON.stringify(s));
  }
});

test("a hostile 1 MB run is cut in one pass", () => {
  const run = "#".repeat(1 << 20);
  assert.equal(cutFrom(`${run}\n`, "#"), `${run}\n`);
  assert.equal(cutSpacedComment(`${" ".repeat(1 << 20)}x`), `${" ".repeat(1 << 20)}x`);
  assert.equal(trimEndOf(`${"/".repeat(1 << 20)}a`, "/"), `${"/".repeat(1 << 20)}a`);
});
