import assert from "node:assert/strict";
import { test } from "node:test";
import { type Finding, findingId, sortFindings } from "../../src/core/finding.ts";

const f = (
  check: string,
  severity: Finding["severity"],
  confidence: Finding["confidence"] = "likely",
): Finding => ({
  id: findingId(check, severity),
  check,
  severity,
  confidence,
  title: check,
  detail: "",
  cves: [],
  evidence: [],
  remediation: "",
});

test("findings sort by severity, then confidence, then what happened before what merely applies", () => {
  const sorted = sortFindings([
    f("apache.cve", "critical"),
    f("apache.exposure", "critical"),
    f("exposure.port", "low"),
    f("logs.exploit", "critical"),
    f("process.miner", "critical", "confirmed"),
    f("apache.config.indexes", "medium"),
  ]).map((x) => x.check);
  assert.deepEqual(sorted, [
    "process.miner",
    "logs.exploit",
    "apache.exposure",
    "apache.cve",
    "apache.config.indexes",
    "exposure.port",
  ]);
});

test("of one severity, an attack that worked comes before one that was only tried, however sure the latter", () => {
  const tried = {
    ...f("logs.exploit", "critical", "confirmed"),
    id: "logs.exploit:a",
    data: { outcome: "failed" },
  };
  const worked = {
    ...f("logs.exploit", "critical", "likely"),
    id: "logs.exploit:b",
    data: { outcome: "succeeded" },
  };
  const high = {
    ...f("logs.exploit", "high", "likely"),
    id: "logs.exploit:c",
    data: { outcome: "succeeded" },
  };
  assert.deepEqual(
    sortFindings([high, tried, worked]).map((x) => x.id),
    ["logs.exploit:b", "logs.exploit:a", "logs.exploit:c"],
  );
});

test("finding ids are stable for the same thing and differ for different things", () => {
  assert.equal(findingId("process.miner", 42, "/tmp/x"), findingId("process.miner", 42, "/tmp/x"));
  assert.notEqual(findingId("process.miner", 42, "/tmp/x"), findingId("process.miner", 43, "/tmp/x"));
  assert.notEqual(findingId("a", "b", "c"), findingId("a", "bc"));
});
