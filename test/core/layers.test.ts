import assert from "node:assert/strict";
import { test } from "node:test";
import { checkIo, violations } from "../../scripts/import-graph.ts";

/**
 * Imports that still break the layer rules on the way to issue 11 ("facts and findings as contracts").
 * This list only shrinks: a new violation fails the test, and so does an entry that no longer exists.
 * `node scripts/import-graph.ts --list` prints the graph and what is left.
 */
const KNOWN = new Set([
  "checks/apache/untrusted.ts -> collect/apache/index.ts",
  "collect/logs/lines.ts -> checks/logs/format.ts",
  "collect/logs/parallel.ts -> checks/logs/format.ts",
  "collect/logs/parallel.ts -> checks/logs/prefilter.ts",
  "collect/logs/run.ts -> checks/logs/analyze.ts",
  "collect/logs/run.ts -> checks/logs/entry.ts",
  "collect/logs/run.ts -> checks/logs/format.ts",
  "collect/logs/scan.ts -> checks/logs/entry.ts",
  "collect/logs/scan.ts -> checks/logs/format.ts",
  "collect/logs/scan.ts -> checks/logs/match.ts",
  "collect/logs/scan.ts -> checks/logs/prefilter.ts",
  "collect/logs/scanner.ts -> checks/logs/analyze.ts",
  "core/context.ts -> collect/rootfs.ts",
  "report/logs-story.ts -> collect/logs/run.ts",
]);

test("no new import against the layers (collect -> facts -> checks -> correlate -> report, cli on top)", () => {
  const now = violations();
  const added = now.filter((v) => !KNOWN.has(v));
  assert.deepEqual(added, [], `new imports against the layers:\n${added.join("\n")}`);
  const gone = [...KNOWN].filter((v) => !now.includes(v));
  assert.deepEqual(gone, [], `fixed, so remove them from KNOWN:\n${gone.join("\n")}`);
});

test("checks do no I/O: no file under src/checks imports fs, child_process, net, http or workers", () => {
  assert.deepEqual(checkIo(), []);
});
