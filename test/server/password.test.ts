import assert from "node:assert/strict";
import { test } from "node:test";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../../src/server/password.ts";
import { FailureLimit } from "../../src/server/rate-limit.ts";

test("passwords: scrypt with a fresh salt, verified only by the right password; malformed or absurd hashes are no", async () => {
  const a = await hashPassword("correct horse battery staple");
  const b = await hashPassword("correct horse battery staple");
  assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword("correct horse battery staple", a), true);
  assert.equal(await verifyPassword("correct horse battery stapl", a), false);
  assert.equal(await verifyPassword("", DUMMY_HASH), false);
  assert.equal(await verifyPassword("x", "plain"), false);
  // A cost no one configured (2^30 would be 128 GiB per guess) is refused, not attempted.
  assert.equal(await verifyPassword("x", a.replace("$32768$", "$1073741824$")), false);
});

test("failure limit: blocks after max failures in the window, forgets them after it, stays bounded", () => {
  const l = new FailureLimit(3, 1000, 100);
  for (let i = 0; i < 3; i++) l.fail("k", i);
  assert.equal(l.blocked("k", 10), true);
  assert.equal(l.blocked("other", 10), false);
  assert.equal(l.blocked("k", 1003), false);
  for (let i = 0; i < 10_000; i++) l.fail(`ip${i}`, 5);
  assert.equal(l.blocked("ip9999", 6), false); // one failure each
  assert.ok((l as unknown as { hits: Map<string, number[]> }).hits.size <= 100);
});
