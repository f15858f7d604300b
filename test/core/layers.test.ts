import assert from "node:assert/strict";
import { test } from "node:test";
import { checkIo, violations } from "../../scripts/import-graph.ts";

/**
 * The layers of DESIGN.md as a build rule (issue 11): collect never imports checks, report or cli; checks
 * never import collect and do no I/O; no lower layer imports cli. `node scripts/import-graph.ts --list`
 * prints the folder graph and anything against the rules.
 */
test("no import against the layers (collect -> facts -> checks -> correlate -> report, cli on top)", () => {
  assert.deepEqual(violations(), []);
});

test("checks do no I/O: no file under src/checks imports fs, child_process, net, http or workers", () => {
  assert.deepEqual(checkIo(), []);
});

test("the rule itself catches an import against the layers", () => {
  const edges = [
    { from: "collect/logs/run.ts", to: "checks/logs/analyze.ts", typeOnly: false },
    { from: "checks/apache/cves.ts", to: "facts/apache.ts", typeOnly: true },
    { from: "core/context.ts", to: "collect/rootfs.ts", typeOnly: true },
  ];
  assert.deepEqual(violations(edges), [
    "collect/logs/run.ts -> checks/logs/analyze.ts",
    "core/context.ts -> collect/rootfs.ts",
  ]);
});
