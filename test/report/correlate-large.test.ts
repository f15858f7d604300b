/**
 * A hostile report: 10,000 miners with the same executable, all connected to one pool (10,000
 * connections), one incident. The join used to score every pair and copy each group on every member
 * (hours at this size); now the pairs it scores and the links it lists are bounded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding } from "../../src/core/finding.ts";
import { msg } from "../../src/core/message.ts";
import { correlate, FAN, MAX_LINKS } from "../../src/correlate/index.ts";

const blank = {
  severity: "high" as const,
  confidence: "likely" as const,
  title: "",
  detail: "",
  cves: [],
  evidence: [],
  remediation: "",
};

test("20,000 findings naming one miner and one pool make one incident with bounded links, within a 60 s timeout the old quadratic join exceeded by far", {
  timeout: 60_000,
}, () => {
  const n = 10_000;
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    findings.push({
      ...blank,
      id: `process.miner:${i}`,
      check: "process.miner",
      time: "2026-11-18T12:00:00Z",
      timeSource: "proc",
      data: { pid: 100_000 + i, exe: "/tmp/kdevtmpfsi", user: "www-data", remotes: ["176.31.105.53:3333"] },
    });
    findings.push({
      ...blank,
      id: `network.pool:${i}`,
      check: "network.pool",
      data: { pid: 100_000 + i, remoteAddress: "176.31.105.53", remotePort: 3333 },
    });
  }
  const incidents = correlate(findings, { now: () => new Date("2026-11-20T12:00:00Z"), lang: "en", t: msg });
  assert.equal(incidents.length, 1);
  const [inc] = incidents;
  assert.ok(inc);
  assert.equal(inc.findingIds.length, 2 * n, "every miner and connection is in the incident");
  assert.equal(inc.links?.length, MAX_LINKS);
  // Scored pairs: each of the 2n nodes with at most FAN per shared word, pid and remote (not n²/2).
  const omitted = inc.linksOmitted ?? 0;
  assert.ok(omitted > 0 && omitted + MAX_LINKS <= 2 * n * 4 * FAN, `links ${omitted + MAX_LINKS}`);
  assert.equal(inc.confidence, "likely", "a pid and a remote shared across sources, no exploit in the logs");
});
