import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { z } from "zod";
import { reportSchema } from "../../src/core/contract.ts";
import { atLeast, SEVERITIES } from "../../src/core/finding.ts";
import { FIXTURE_NOW, FIXTURE_ROOTS, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import {
  FIXTURES as HUNT_FIXTURES,
  FIXTURE_NOW as HUNT_NOW,
  fixtureRoot as huntFixtureRoot,
} from "../hunt/helpers/fixture.ts";

/** SARIF 2.1.0, the parts GitHub code scanning and other readers rely on. */
const sarifSchema = z.object({
  version: z.literal("2.1.0"),
  $schema: z.string(),
  runs: z
    .array(
      z.object({
        tool: z.object({
          driver: z.object({
            name: z.literal("mamori"),
            version: z.string(),
            rules: z.array(
              z.object({
                id: z.string().min(1),
                shortDescription: z.object({ text: z.string() }),
                defaultConfiguration: z.object({ level: z.enum(["error", "warning", "note", "none"]) }),
                properties: z.object({ "security-severity": z.string().regex(/^\d+(\.\d+)?$/) }),
              }),
            ),
          }),
        }),
        results: z.array(
          z.object({
            ruleId: z.string(),
            ruleIndex: z.number().int().nonnegative(),
            level: z.enum(["error", "warning", "note", "none"]),
            message: z.object({ text: z.string().min(1) }),
            locations: z.array(
              z.object({
                physicalLocation: z.object({
                  artifactLocation: z.object({ uri: z.string().min(1) }),
                  region: z.object({ startLine: z.number().int().positive() }).optional(),
                }),
              }),
            ),
            partialFingerprints: z.object({ mamoriFindingId: z.string() }),
          }),
        ),
      }),
    )
    .length(1),
});

const roots = fs.readdirSync(FIXTURE_ROOTS).sort();

test("the fixture roots are all here (a missing one would silently shrink this test)", () => {
  assert.ok(roots.length >= 10, roots.join(" "));
});

for (const name of roots) {
  test(`audit --root fixtures/roots/${name}: JSON contract, SARIF 2.1.0 and exit codes`, async () => {
    const base = ["audit", "--root", fixtureRoot(name), "--now", FIXTURE_NOW];

    const r = await mamori([...base, "--format", "json"]);
    // Progress and diagnostics go to stderr: standard output is exactly one JSON document.
    const doc = JSON.parse(r.stdout);
    const parsed = reportSchema.safeParse(doc);
    assert.ok(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`);
    assert.equal(
      new Set(doc.findings.map((f: { id: string }) => f.id)).size,
      doc.findings.length,
      "ids unique",
    );
    for (const threshold of SEVERITIES) {
      const expected = doc.findings.some((f: { severity: (typeof SEVERITIES)[number] }) =>
        atLeast(f.severity, threshold),
      )
        ? 1
        : 0;
      const code =
        threshold === "low"
          ? r.code
          : (await mamori([...base, "--format", "json", "--severity-threshold", threshold])).code;
      assert.equal(code, expected, `${name}: exit code at --severity-threshold ${threshold}`);
    }

    const s = await mamori([...base, "--format", "sarif"]);
    assert.equal(s.code, r.code, "SARIF and JSON give the same exit code");
    const sarif = JSON.parse(s.stdout);
    const checked = sarifSchema.safeParse(sarif);
    assert.ok(checked.success, `${name}: ${JSON.stringify(checked.error?.issues.slice(0, 3))}`);
    const run = sarif.runs[0];
    const ruleIds: string[] = run.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.equal(run.results.length, doc.findings.length);
    for (const [i, result] of run.results.entries()) {
      assert.equal(ruleIds[result.ruleIndex], result.ruleId, `result ${i}: ruleIndex points at its rule`);
      const finding = doc.findings.find(
        (f: { id: string }) => f.id === result.partialFingerprints.mamoriFindingId,
      );
      assert.ok(finding, `result ${i} is a finding of the JSON report`);
      const withPath = finding.evidence.filter((e: { path?: string }) => e.path).slice(0, 10);
      assert.equal(result.locations.length, withPath.length, `result ${i}: one location per evidence path`);
      for (const [j, e] of withPath.entries()) {
        const loc = result.locations[j].physicalLocation;
        if (e.line) assert.equal(loc.region?.startLine, e.line, `result ${i}: line of ${e.path}`);
        assert.ok(!/[\s#?]/.test(loc.artifactLocation.uri), `a valid URI: ${loc.artifactLocation.uri}`);
      }
    }
  });
}

// The hunt area's recorded servers (miners, backdoors, persistence): their findings follow the same contract.
for (const name of fs.readdirSync(HUNT_FIXTURES).sort()) {
  test(`hunt --root fixtures/hunt/${name}: JSON contract`, async (t) => {
    const r = await mamori([
      "hunt",
      "--root",
      huntFixtureRoot(t, name),
      "--format",
      "json",
      "--sample-ms",
      "0",
      "--now",
      HUNT_NOW,
    ]);
    const parsed = reportSchema.safeParse(JSON.parse(r.stdout));
    assert.ok(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`);
    const expected = parsed.data.findings.some((f) => atLeast(f.severity, "low")) ? 1 : 0;
    assert.equal(r.code, expected, `${name}: exit code`);
  });
}
