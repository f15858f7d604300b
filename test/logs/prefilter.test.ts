import assert from "node:assert/strict";
import { test } from "node:test";
import { pairScanner } from "../../src/collect/logs/engine/pairscan-wasm.ts";
import {
  buildPrefilter,
  holdsLiteralIn,
  pairCounts,
  quadCounts,
  scanRegion,
} from "../../src/collect/logs/engine/prefilter.ts";
import { prefilterFor } from "../../src/collect/logs/scan.ts";
import { loadRules } from "../../src/rules/logs.ts";

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

test("the loop's four-byte check skips pairs only where no literal can be (near misses, case, region edges)", () => {
  // Literals anchored inside (a window of four bytes around the pair) beside ones that are not.
  const literals = ["mozila/", "get http", "%3f", "..", "/etc/passwd", "union+select"];
  const parts = [
    "Mozilla/5.0 ",
    "MOZILA/",
    "mozil",
    "a/",
    "GET /x HTTP/1.1",
    "get HTTP",
    "Get",
    " http",
    "%3F",
    ".",
    "/ETC/",
    "passwd",
    "UNION+",
    "Select",
    "\n",
    "\n",
    "x",
  ];
  let seed = 11;
  for (let round = 0; round < 200; round++) {
    let text = "";
    const n = 20 + (round % 60);
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      text += parts[seed % parts.length];
    }
    const buf = Buffer.from(text, "latin1");
    const sample = Buffer.from("GET /x HTTP/1.1 Mozilla/5.0 ".repeat(40), "latin1");
    for (const pf of [
      buildPrefilter(literals),
      buildPrefilter(literals, pairCounts(sample, 0, sample.length), quadCounts(sample, 0, sample.length)),
      buildPrefilter(literals, pairCounts(buf, 0, buf.length), quadCounts(buf, 0, buf.length)),
    ]) {
      const want = naive(text, literals);
      for (const engine of ["js", "wasm"] as const) {
        const got = scanRegion(buf, 0, buf.length, pf, engine);
        assert.deepEqual(got.lines, want.hits, `${engine} ${JSON.stringify(text)}`);
        assert.equal(got.newlines, want.newlines, `${engine} ${JSON.stringify(text)}`);
      }
      // The walk over part of one line (a line's request on): the same answer per line.
      let ls = 0;
      for (const [i, l] of text.split("\n").entries()) {
        const from = ls + (i % 3);
        const part = l.slice(i % 3).toLowerCase();
        assert.equal(
          holdsLiteralIn(buf, from, ls + l.length, pf),
          literals.some((x) => part.includes(x)),
          JSON.stringify(l),
        );
        ls += l.length + 1;
      }
      // Inside a larger buffer: a literal cut by the region's edges is no hit.
      const padded = Buffer.concat([
        Buffer.from("mozila/get http\n", "latin1"),
        buf,
        Buffer.from("mozila/", "latin1"),
      ]);
      const inner = scanRegion(padded, 16, 16 + buf.length, pf, "wasm");
      assert.deepEqual(inner, scanRegion(padded, 16, 16 + buf.length, pf, "js"));
    }
  }
});

test("where only a literal's pair shows, the WebAssembly loop goes on without returning", () => {
  const w = pairScanner();
  assert.ok(w);
  const line = '1.2.3.4 - - [01/Mar/2024:00:00:00 +0000] "GET /a HTTP/1.1" 200 5 "-" "Mozilla/5.0"\n';
  const buf = Buffer.from(line.repeat(2000), "latin1");
  const pf = buildPrefilter(["mozila/", "get http"], pairCounts(buf, 0, 65536), quadCounts(buf, 0, 65536));
  const next = w.next;
  let calls = 0;
  w.next = (a, e) => {
    calls++;
    return next(a, e);
  };
  try {
    assert.deepEqual(scanRegion(buf, 0, buf.length, pf, "wasm").starts, []);
  } finally {
    w.next = next;
  }
  // One call to the end: every `il`/`la` of `Mozilla/` and ` H` of ` HTTP` is checked in the loop.
  assert.equal(calls, 1);
});

test("small files share one prefilter anchored as typical logs; a larger start anchors its own, finding the same lines", () => {
  const rules = loadRules();
  const line = (p: string) =>
    `203.0.113.5 - - [12/Mar/2024:03:14:07 +0000] "GET ${p} HTTP/1.1" 200 196 "-" "x"\n`;
  const small = Buffer.from(line("/index.html") + line("/cgi-bin/.%2e/.%2e/etc/passwd"));
  const a = prefilterFor(rules, small);
  assert.equal(prefilterFor(rules, Buffer.from(line("/other"))), a);
  assert.notEqual(prefilterFor(rules, small, ["wp-login.php"]), a);
  const big = Buffer.from(line("/index.html").repeat(3000) + line("/cgi-bin/.%2e/.%2e/etc/passwd"));
  const own = prefilterFor(rules, big);
  assert.notEqual(own, a);
  assert.deepEqual(scanRegion(big, 0, big.length, own), scanRegion(big, 0, big.length, a));
  assert.equal(scanRegion(big, 0, big.length, a).starts.length, 1);
});
