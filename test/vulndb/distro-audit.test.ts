/** `mamori audit` on the Ubuntu fixture roots: the report says whose data judged the package, and only that. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RenderedFinding } from "../../src/report/localize.ts";
import { verdictOf } from "../../src/report/verdict.ts";
import { auditJson, fixtureRoot } from "../helpers/audit.ts";

interface Finding {
  check: string;
  severity: string;
  confidence: string;
  cves: string[];
  detail: string;
  data?: Record<string, unknown>;
}

async function audit(root: string): Promise<{ verdict: string; cves: Finding[] }> {
  const { code, stderr, doc } = await auditJson(fixtureRoot(root));
  assert.ok(code === 0 || code === 1, stderr);
  const d = doc as { findings: Finding[] };
  // The verdict line of the human report ("Act now" / "At risk" / "Safe").
  const { verdict } = verdictOf(d.findings as unknown as RenderedFinding[], "low");
  return { verdict, cves: d.findings.filter((f) => f.check === "apache.cve") };
}

test("patched Ubuntu 20.04 (2.4.41-4ubuntu3.21): no 'act now', no CVE Ubuntu fixed, no claim of data it did not use", async () => {
  const { verdict, cves } = await audit("ubuntu2004-patched");
  assert.notEqual(verdict, "act-now");
  const all = cves.flatMap((f) => f.cves);
  for (const fixed of ["CVE-2021-40438", "CVE-2024-38475", "CVE-2021-44790", "CVE-2023-25690"])
    assert.ok(!all.includes(fixed), `${fixed} was fixed by Ubuntu`);
  // Ubuntu's own record lists CVE-2026-57941 (Apache 2.4.69's batch) as unfixed for every release: that one is
  // confirmed from Ubuntu's data, not a claim from Apache's ranges.
  const openInUbuntu = cves.filter((f) => f.data?.basis === "distro-data");
  assert.deepEqual(
    openInUbuntu.flatMap((f) => f.cves),
    ["CVE-2026-57941"],
  );
  for (const f of cves.filter((x) => x.data?.basis !== "distro-data")) {
    assert.notEqual(f.severity, "critical", f.cves.join(" "));
    assert.equal(f.confidence, "possible");
    assert.doesNotMatch(f.detail, /judged with .*security data \(backported/);
    assert.match(f.detail, /Ubuntu 20\.04 security data mamori has does not mention these CVEs/);
    assert.match(f.detail, /mamori db update/);
  }
});

test("first Ubuntu 20.04 build (2.4.41-4ubuntu3): the fixes it lacks, confirmed, KEV ones high, judged with Ubuntu 20.04 data", async () => {
  const { verdict, cves } = await audit("ubuntu2004-old");
  assert.equal(verdict, "act-now");
  const kev = cves.find((f) => f.cves.length === 1 && f.cves[0] === "CVE-2021-40438");
  assert.equal(kev?.severity, "high");
  assert.equal(kev?.confidence, "confirmed");
  assert.match(kev?.detail ?? "", /judged with Ubuntu 20\.04 security data/);
  assert.equal(kev?.data?.distroTarget, "2.4.41-4ubuntu3.19");
});

for (const release of ["1804", "2204", "2404"])
  test(`patched Ubuntu ${release.slice(0, 2)}.${release.slice(2)}: no confirmed CVE; the old build has confirmed ones`, async () => {
    const good = await audit(`ubuntu${release}-patched`);
    assert.notEqual(good.verdict, "act-now");
    // Only what Ubuntu's own data lists as unfixed (CVE-2026-57941) may be confirmed on a patched host.
    assert.ok(
      good.cves.every(
        (f) =>
          f.severity !== "critical" &&
          (f.confidence === "possible" ||
            (f.data?.basis === "distro-data" && f.cves.join() === "CVE-2026-57941")),
      ),
    );
    const behind = await audit(`ubuntu${release}-behind`);
    assert.ok(behind.cves.some((f) => f.confidence === "confirmed"));
    const old = await audit(`ubuntu${release}-old`);
    assert.ok(
      old.cves.filter((f) => f.confidence === "confirmed").flatMap((f) => f.cves).length >
        behind.cves.filter((f) => f.confidence === "confirmed").flatMap((f) => f.cves).length,
    );
  });
