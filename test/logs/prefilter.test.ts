import assert from "node:assert/strict";
import { test } from "node:test";
import { pairScanner } from "../../src/collect/logs/engine/pairscan-wasm.ts";
import { buildPrefilter, pairCounts, scanRegion } from "../../src/collect/logs/engine/prefilter.ts";

/** Naive reference: split into lines, test each with includes() (case-insensitive). */
function naive(text: string, literals: string[]) {
  const lines = text.split("\n");
  const hits: number[] = [];
  lines.forEach((l, i) => {
    if (literals.some((x) => l.toLowerCase().includes(x.toLowerCase()))) hits.push(i);
  });
  return { hits, newlines: lines.length - 1 };
}

test("the byte-pair prefilter finds exactly the lines a naive search finds, with their line numbers", () => {
  const literals = ["%2e", "${", "eval-stdin", "<", "..", "/.env", "%%"];
  const parts = [
    "GET /a",
    "%2E",
    "$",
    "{",
    "\n",
    "\n\n",
    "eval-",
    "stdin",
    "x",
    "<",
    ".",
    "/.ENV",
    "%",
    "Mozilla/5.0 ",
  ];
  let seed = 7;
  for (let round = 0; round < 300; round++) {
    let text = "";
    const n = 5 + (round % 40);
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      text += parts[seed % parts.length];
    }
    const buf = Buffer.from(text, "latin1");
    for (const counts of [undefined, pairCounts(buf, 0, buf.length)]) {
      const pf = buildPrefilter(literals, counts);
      const want = naive(text, literals);
      for (const engine of ["js", "wasm"] as const) {
        const got = scanRegion(buf, 0, buf.length, pf, engine);
        assert.deepEqual(got.lines, want.hits, `${engine} ${JSON.stringify(text)}`);
        assert.equal(got.newlines, want.newlines, `${engine} ${JSON.stringify(text)}`);
      }
    }
  }
});

test("the WebAssembly loop is available on Node 24 (else the JavaScript loop is used)", () => {
  assert.ok(pairScanner());
});

test("both loops agree on a region inside a larger buffer (offsets, newline counts, a hit at the last byte)", () => {
  const text = `${"GET /a HTTP/1.1\n".repeat(500)}x %2e y\n\n${"z".repeat(37)}\${`;
  const buf = Buffer.from(`PADDING\n${text}`, "latin1");
  const pf = buildPrefilter(["%2e", "${"]);
  const js = scanRegion(buf, 8, buf.length, pf, "js");
  const wasm = scanRegion(buf, 8, buf.length, pf, "wasm");
  assert.deepEqual(wasm, js);
  assert.deepEqual(js.lines, [500, 502]);
});
