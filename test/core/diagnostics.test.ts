/**
 * What a scan could not check: each (area, path, reason) once, in the order found, whatever the count
 * (a hostile tree gives tens of thousands), and a list replaced as a whole keeps that rule.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Diagnostics } from "../../src/core/diagnostics.ts";

test("each (area, path, reason) is listed once, 50,000 of them each looked up, not searched for", () => {
  const d = new Diagnostics();
  const n = 50_000;
  for (let i = 0; i < n; i++) d.couldNotCheck({ area: "hunt", path: `/tmp/f${i}`, reason: "EACCES" });
  for (let i = 0; i < n; i++) d.couldNotCheck({ area: "hunt", path: `/tmp/f${i}`, reason: "EACCES" });
  assert.equal(d.notChecked.length, n);
  d.couldNotCheck({ area: "hunt", path: "/tmp/f1", reason: "ELOOP" });
  d.couldNotCheck({ area: "logs", path: "/tmp/f1", reason: "EACCES" });
  d.couldNotCheck({ area: "logs", reason: "EACCES" });
  d.couldNotCheck({ area: "logs", reason: "EACCES" });
  assert.equal(d.notChecked.length, n + 3);
  assert.equal(d.notChecked[0]?.path, "/tmp/f0");
});

test("replacing the lists keeps the same arrays, drops repeats and still refuses the ones now listed", () => {
  const d = new Diagnostics();
  const list = d.notChecked;
  d.couldNotCheck({ area: "a", path: "/old", reason: "x" });
  const warnings = Array.from({ length: 150_000 }, (_, i) => ({ area: "w", reason: `r${i}` }));
  d.replace(
    [
      { area: "a", path: "/new", reason: "x" },
      { area: "a", path: "/new", reason: "x" },
    ],
    warnings,
  );
  assert.equal(d.notChecked, list);
  assert.deepEqual(d.notChecked, [{ area: "a", path: "/new", reason: "x" }]);
  assert.equal(d.warnings.length, 150_000);
  d.couldNotCheck({ area: "a", path: "/new", reason: "x" });
  d.couldNotCheck({ area: "a", path: "/old", reason: "x" });
  assert.deepEqual(
    d.notChecked.map((e) => e.path),
    ["/new", "/old"],
  );
});
