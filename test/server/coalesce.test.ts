import assert from "node:assert/strict";
import { test } from "node:test";
import { Coalescer } from "../../src/server/fleet/coalesce.ts";

/**
 * Identical reads at once share computations, but never one that began before the read was asked: a read
 * must see every write acknowledged before it.
 */
test("coalesced reads: at most two computations for many at once, none begun before its request", async () => {
  const c = new Coalescer<number>();
  let writes = 0;
  let computations = 0;
  const gates: Array<() => void> = [];
  // A computation reads the "database" (the write counter) when it starts and ends when let go.
  const compute = () => {
    computations++;
    const seen = writes;
    return new Promise<number>((r) => gates.push(() => r(seen)));
  };
  const first = c.run("k", compute);
  writes++; // acknowledged after the first read began
  const later = Array.from({ length: 15 }, () => c.run("k", compute));
  assert.equal(computations, 1, "the later reads wait for the first to end");
  const other = c.run("other", compute);
  assert.equal(computations, 2, "another key is not held up");
  gates[0]?.();
  assert.equal(await first, 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(computations, 3, "one computation for all fifteen");
  gates[2]?.(); // the shared one
  const got = await Promise.all(later);
  assert.deepEqual(got, Array(15).fill(1), "each saw the write acknowledged before it asked");
  gates[1]?.();
  assert.equal(await other, 1);
  // Nothing is kept: the next read computes again; an error reaches every read that shared it.
  const again = c.run("k", compute);
  assert.equal(computations, 4);
  gates[3]?.();
  assert.equal(await again, 1);
  const failing = () => Promise.reject(new Error("down"));
  const a = c.run("k", failing);
  await assert.rejects(a, /down/);
  const b = c.run("k", () => Promise.resolve(7));
  assert.equal(await b, 7);
});
