import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { z } from "zod";
import {
  reportSchema as readerSchema,
  reportContractSchema as reportSchema,
} from "../../src/core/contract.ts";
import { atLeast, SEVERITIES } from "../../src/core/finding.ts";
import { reportSectionsSchema } from "../../src/core/sections/index.ts";
import { gapsOf } from "../../src/report/coverage.ts";
import { FIXTURE_NOW, FIXTURE_ROOTS, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
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
    assert.deepEqual(Object.keys(doc.sections).sort(), ["apache", "exposure", "hunt", "inventory", "logs"]);
    const ports = await mamori([
      "ports",
      "--root",
      fixtureRoot(name),
      "--now",
      FIXTURE_NOW,
      "--format",
      "json",
    ]);
    const portsDoc = reportSchema.safeParse(JSON.parse(ports.stdout));
    assert.ok(portsDoc.success, `ports ${name}: ${JSON.stringify(portsDoc.error?.issues.slice(0, 3))}`);
    assert.deepEqual(Object.keys(portsDoc.data.sections), ["exposure"]);
    assert.equal(
      new Set(doc.findings.map((f: { id: string }) => f.id)).size,
      doc.findings.length,
      "ids unique",
    );
    for (const threshold of SEVERITIES) {
      // 1 with findings at the threshold; else 3 when a question stayed open (no Apache, no log read...).
      const expected = doc.findings.some((f: { severity: (typeof SEVERITIES)[number] }) =>
        atLeast(f.severity, threshold),
      )
        ? 1
        : gapsOf(doc).length > 0
          ? 3
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
    assert.deepEqual(Object.keys(parsed.data.sections), ["hunt"]);
    const expected = parsed.data.findings.some((f) => atLeast(f.severity, "low")) ? 1 : 0;
    assert.equal(r.code, expected, `${name}: exit code`);
  });
}

// The exposure area's recorded servers (listening sockets, firewall rules), through audit and ports.
const EXPOSURE_FIXTURES = path.resolve(import.meta.dirname, "../fixtures/exposure");
for (const name of fs.readdirSync(EXPOSURE_FIXTURES).sort()) {
  test(`audit and ports --root fixtures/exposure/${name}: sections as their schemas say`, async () => {
    for (const command of ["audit", "ports"]) {
      const root = path.join(EXPOSURE_FIXTURES, name);
      const r = await mamori([command, "--root", root, "--now", FIXTURE_NOW, "--format", "json"]);
      const parsed = reportSchema.safeParse(JSON.parse(r.stdout));
      assert.ok(parsed.success, `${command} ${name}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`);
      assert.ok(parsed.data.sections.exposure, `${command} ${name}: an exposure section`);
    }
  });
}

// `mamori logs` over a real access log with attacks: the logs section with events, attackers and hours.
test("logs FILE: JSON contract, the logs section as its schema says", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, "access_log");
  fs.writeFileSync(
    file,
    [
      '203.0.113.5 - - [20/Nov/2026:03:14:07 +0000] "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 200 12 "-" "curl/7.68.0"',
      '203.0.113.5 - - [20/Nov/2026:03:15:07 +0000] "GET /index.html HTTP/1.1" 200 120 "-" "curl/7.68.0"',
      '198.51.100.7 - - [20/Nov/2026:04:14:07 +0000] "GET /icons/.%2e/%2e%2e/etc/passwd HTTP/1.1" 403 120 "-" "x"',
      '198.51.100.7 - - [20/Nov/2026:05:14:07 +0000] "GET /.env HTTP/1.1" 404 120 "-" "x"',
      "",
    ].join("\n"),
  );
  const r = await mamori(["logs", file, "--format", "json", "--now", "2026-11-21T00:00:00Z"]);
  const parsed = reportSchema.safeParse(JSON.parse(r.stdout));
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3)));
  const logs = parsed.data.sections.logs;
  assert.ok(logs && logs.events.length >= 2 && logs.attackers.length >= 1, JSON.stringify(logs));
  // The per-hour counts add up to every timed event, each with its outcome.
  assert.equal(
    logs.hours.reduce((n, h) => n + h.count, 0),
    logs.events.filter((e) => e.time).length,
  );
  assert.ok(logs.hours.some((h) => h.outcome === "succeeded"));
});

test("probe --format json: the report, its targets in sections.probe", async () => {
  // Nothing listens on this port: the target reports an error, the document keeps its shape.
  const r = await mamori(["probe", "http://127.0.0.1:9/", "--format", "json", "--timeout", "2"]);
  const parsed = reportSchema.safeParse(JSON.parse(r.stdout));
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3)));
  assert.equal(parsed.data.command, "probe");
  assert.equal(parsed.data.sections.probe?.targets[0]?.error?.includes("ECONNREFUSED"), true);
});

test("a renamed, unknown or mistyped section field fails the contract; a reader drops that section only", async () => {
  const root = path.join(EXPOSURE_FIXTURES, "public-services");
  const r = await mamori(["ports", "--root", root, "--now", FIXTURE_NOW, "--format", "json"]);
  const doc = JSON.parse(r.stdout);
  assert.ok(reportSectionsSchema.safeParse(doc.sections).success);
  const listener = doc.sections.exposure.listeners[0];
  assert.ok(listener, "public-services has a listener");

  const renamed = structuredClone(doc);
  renamed.sections.exposure.listeners[0].addrs = listener.addresses;
  delete renamed.sections.exposure.listeners[0].addresses;
  assert.equal(reportSchema.safeParse(renamed).success, false, "a renamed listener field");

  const topRenamed = structuredClone(doc);
  topRenamed.sections.exposure.sockets = topRenamed.sections.exposure.listeners;
  delete topRenamed.sections.exposure.listeners;
  assert.equal(reportSchema.safeParse(topRenamed).success, false, "a renamed top-level field");

  const extra = structuredClone(doc);
  extra.sections.exposure.perHour = [];
  assert.equal(reportSchema.safeParse(extra).success, false, "an unknown top-level field");

  const area = structuredClone(doc);
  area.sections.processes = [];
  assert.equal(reportSchema.safeParse(area).success, false, "an unknown area");

  const typed = structuredClone(doc);
  typed.sections.exposure.listeners[0].port = String(listener.port);
  assert.equal(reportSchema.safeParse(typed).success, false, "a mistyped field");

  // `mamori report` reads older or hand-made files: the bad section is left out, the rest is kept.
  const read = readerSchema.safeParse(renamed);
  assert.ok(read.success);
  assert.equal(read.data.sections.exposure, undefined);
  assert.equal(read.data.findings.length, doc.findings.length);
});
