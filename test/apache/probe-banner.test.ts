import assert from "node:assert/strict";
import { test } from "node:test";
import { traversalCvesFor } from "../../src/checks/apache/exposure.ts";
import { bannerVerdict, deferToDedicated, parseServerHeader } from "../../src/probe/analyse.ts";
import type { ProbeCheck } from "../../src/probe/types.ts";
import { startEmulation } from "../exposure/helpers/emulation.ts";
import { mamori } from "../helpers/cli.ts";

const check = (id: string, cves: string[], verdict: ProbeCheck["verdict"]): ProbeCheck => ({
  id,
  cves,
  verdict,
  confidence: verdict === "inconclusive" ? "possible" : "likely",
  evidence: [],
});

test("banner: a 2.4.50 banner claims only CVE-2021-42013 (the audit's ranges), never 41773 that 2.4.50 fixed", () => {
  const v = bannerVerdict(parseServerHeader("Apache/2.4.50 (Unix)"));
  assert.equal(v.verdict, "vulnerable");
  assert.deepEqual(v.cves, ["CVE-2021-42013"]);
  assert.deepEqual(v.cves, traversalCvesFor("2.4.50"));
  assert.deepEqual(bannerVerdict(parseServerHeader("Apache/2.4.49 (Unix)")).cves, traversalCvesFor("2.4.49"));
});

test("banner defers to a dedicated check that reached a different verdict; agreeing claims stay", () => {
  const dedicated = [
    check("cve-2021-41773", ["CVE-2021-41773"], "not-vulnerable"),
    check("cve-2021-42013", ["CVE-2021-42013"], "vulnerable"),
  ];
  // A 2.4.49 banner on a server whose parser rejects the 41773 form: the banner keeps only 42013.
  const b49 = check("banner", ["CVE-2021-41773", "CVE-2021-42013"], "vulnerable");
  const d = deferToDedicated(b49, dedicated);
  assert.equal(d.check.verdict, "vulnerable");
  assert.deepEqual(d.check.cves, ["CVE-2021-42013"]);
  assert.deepEqual(d.deferredTo, ["cve-2021-41773"]);
  // A banner saying "other version" on a server the traversal shows open: no claim is left.
  const other = check("banner", ["CVE-2021-41773", "CVE-2021-42013"], "not-vulnerable");
  const o = deferToDedicated(other, [check("cve-2021-42013", ["CVE-2021-42013"], "vulnerable")]);
  assert.deepEqual(o.check.cves, ["CVE-2021-41773"]);
  const all = deferToDedicated(
    other,
    dedicated.slice(1).concat(check("x", ["CVE-2021-41773"], "vulnerable")),
  );
  assert.equal(all.check.verdict, "inconclusive");
  // An inconclusive dedicated check decides nothing.
  const same = deferToDedicated(b49, [check("cve-2021-41773", ["CVE-2021-41773"], "inconclusive")]);
  assert.equal(same.check, b49);
});

test("probe against 2.4.50: the banner check is never 'vulnerable' to CVE-2021-41773", async (t) => {
  for (const scenario of ["stock", "debian-like"] as const) {
    const emu = await startEmulation(t, "2.4.50", scenario);
    const r = await mamori(["probe", "--rate", "1000", "--format", "json", `http://127.0.0.1:${emu.port}/`]);
    const checks = JSON.parse(r.stdout).sections.probe.targets[0].checks as ProbeCheck[];
    const byId = (id: string) => checks.find((c) => c.id === id) as ProbeCheck;
    assert.equal(byId("cve-2021-41773").verdict, "not-vulnerable");
    const banner = byId("banner");
    for (const c of checks.filter((x) => x.verdict !== "inconclusive" && x.id !== "banner"))
      for (const cve of c.cves)
        if (banner.cves.includes(cve) && banner.verdict !== "inconclusive")
          assert.equal(banner.verdict, c.verdict, `banner contradicts ${c.id} on ${cve}`);
    assert.ok(!(banner.verdict === "vulnerable" && banner.cves.includes("CVE-2021-41773")));
    assert.doesNotMatch(banner.summary ?? "", /41773/);
  }
});
