import assert from "node:assert/strict";
import { test } from "node:test";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { memoryReleaser } from "../../src/watch/memory.ts";

const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;

test("after a scan-like burst of short-lived objects, the releaser gives the young generation back", () => {
  const release = memoryReleaser();
  // Survivors through several scavenges make V8 grow the young generation, as a log scan does.
  let keep: unknown[] = [];
  for (let round = 0; round < 40; round++) {
    keep = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `line ${i} ${round}` }));
  }
  assert.ok(keep.length > 0);
  keep = [];
  const grown = newSpace();
  release();
  const after = newSpace();
  assert.ok(after <= grown, `${after} > ${grown}`);
  assert.ok(after <= 8 * 2 ** 20, `young generation still ${(after / 2 ** 20).toFixed(1)} MB after release`);
});

test("the releaser leaves no global gc behind in other contexts", () => {
  memoryReleaser();
  assert.equal(vm.runInNewContext("typeof gc"), "undefined");
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
});
