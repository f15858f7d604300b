import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { type EmulatedVersion, emulate, type Scenario, startEmulation } from "./helpers/emulation.ts";

const LAB_TABLE = "../shared/vulndata/lab-table.md";

interface ProbeJson {
  targets: Array<{
    url: string;
    error?: string;
    checks: Array<{
      id: string;
      cves: string[];
      verdict: string;
      confidence: string;
      evidence: Array<{ method: string; path: string; status?: number; bytes: number; note?: string }>;
    }>;
  }>;
}

async function probe(args: string[]): Promise<{ code: number; doc: ProbeJson; stderr: string }> {
  const r = await mamori(["probe", "--rate", "1000", "--format", "json", ...args]);
  return {
    code: r.code,
    doc: (JSON.parse(r.stdout || "{}").sections?.probe ?? { targets: [] }) as ProbeJson,
    stderr: r.stderr,
  };
}

function checkOf(doc: ProbeJson, id: string) {
  const c = doc.targets[0]?.checks.find((x) => x.id === id);
  assert.ok(c, `check ${id} missing`);
  return c;
}

test("emulation of 2.4.49/2.4.50 path handling reproduces every cell of lab-table.md", () => {
  const text = fs.readFileSync(LAB_TABLE, "utf8");
  const legend = [...text.matchAll(/^- ([^:]+): `(GET|POST) ([^`]+)`$/gm)].map((m) => m[3] as string);
  assert.equal(legend.length, 14);
  let rows = 0;
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const version = cells[1];
    if (version !== "2.4.49" && version !== "2.4.50") continue;
    const scenario = cells[2] as Scenario;
    legend.forEach((path, i) => {
      const want = Number.parseInt(cells[3 + i] ?? "", 10);
      const got = emulate(version as EmulatedVersion, scenario, path).status;
      assert.equal(got, want, `${version} ${scenario} ${path}`);
    });
    rows++;
  }
  assert.equal(rows, 8);
});

const EXPECT: Record<EmulatedVersion, { "cve-2021-41773": string; "cve-2021-42013": string }> = {
  "2.4.49": { "cve-2021-41773": "vulnerable", "cve-2021-42013": "vulnerable" },
  "2.4.50": { "cve-2021-41773": "not-vulnerable", "cve-2021-42013": "vulnerable" },
};

for (const version of ["2.4.49", "2.4.50"] as const) {
  for (const scenario of ["stock", "granted-root", "vulhub-like", "debian-like"] as const) {
    test(`emulation ${version} ${scenario}: probe reports the CVEs of that version, reading no file`, async (t) => {
      const emu = await startEmulation(t, version, scenario);
      const { code, doc } = await probe([`http://127.0.0.1:${emu.port}/`]);
      assert.equal(code, 1);
      for (const id of ["cve-2021-41773", "cve-2021-42013"] as const) {
        const c = checkOf(doc, id);
        assert.equal(c.verdict, EXPECT[version][id], `${id}: ${JSON.stringify(c.evidence)}`);
        assert.equal(c.confidence, "likely");
        // The control (plain ../) was rejected: this is Apache's parser answering, not a proxy.
        assert.ok(c.evidence.some((e) => e.path.includes("/../../") && e.status === 400));
      }
      // Without --confirm-read no request names an existing file, and nothing is ever POSTed.
      for (const r of emu.requests) {
        assert.doesNotMatch(r, /passwd|common-licenses|bin\/sh/);
        assert.match(r, /^(GET|TRACE) /);
      }
      // Raw paths reached the server unnormalised.
      assert.ok(emu.requests.some((r) => r.includes("/icons/.%2e/%2e%2e/")));
      assert.ok(emu.requests.some((r) => r.includes("/icons/.%%32%65/.%%32%65/")));
      assert.equal(checkOf(doc, "banner").verdict, "vulnerable");
      assert.equal(checkOf(doc, "banner").confidence, "possible");
    });
  }
}

test("emulation 2.4.49 and 2.4.50: --confirm-read reads only the harmless file, through a non-script alias", async (t) => {
  for (const [version, id] of [
    ["2.4.49", "cve-2021-41773"],
    ["2.4.50", "cve-2021-42013"],
  ] as const) {
    const emu = await startEmulation(t, version, "debian-like");
    const { doc } = await probe([`http://127.0.0.1:${emu.port}/`, "--confirm-read"]);
    const c = checkOf(doc, id);
    assert.equal(c.verdict, "vulnerable");
    assert.equal(c.confidence, "confirmed");
    const read = c.evidence.find((e) => e.path.endsWith("usr/share/common-licenses/Apache-2.0"));
    assert.equal(read?.status, 200);
    assert.ok(read?.path.startsWith("/icons/"));
    assert.match(read?.note ?? "", /content not shown/);
    assert.ok(!JSON.stringify(doc).includes("Apache License"), "the file content is never in the report");
    const reads = emu.requests.filter((r) => /common-licenses|passwd/.test(r));
    assert.ok(reads.every((r) => r.includes("common-licenses/Apache-2.0") && r.startsWith("GET /icons/")));
  }
});

test("emulation 2.4.49 stock: --confirm-read cannot read (no /icons/ alias, / denied), stays likely", async (t) => {
  const emu = await startEmulation(t, "2.4.49", "stock");
  const { doc } = await probe([`http://127.0.0.1:${emu.port}/`, "--confirm-read"]);
  const c = checkOf(doc, "cve-2021-41773");
  assert.equal(c.verdict, "vulnerable");
  assert.equal(c.confidence, "likely");
  assert.ok(c.evidence.some((e) => /could not be read/.test(e.note ?? "")));
});

test("emulation 2.4.49: the JSON follows the probe contract (schemaVersion 1, raw paths, verdict enum)", async (t) => {
  const emu = await startEmulation(t, "2.4.49", "vulhub-like");
  const r = await mamori([
    "probe",
    "--rate",
    "1000",
    "--format",
    "json",
    `http://127.0.0.1:${emu.port}/`,
    "::garbage::",
  ]);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.tool.name, "mamori");
  assert.equal(typeof doc.tool.version, "string");
  assert.equal(doc.sections.probe.targets.length, 2);
  assert.equal(typeof doc.sections.probe.targets[1].error, "string");
  assert.deepEqual(doc.sections.probe.targets[1].checks, []);
  for (const c of doc.sections.probe.targets[0].checks) {
    assert.equal(typeof c.id, "string");
    assert.ok(Array.isArray(c.cves));
    assert.ok(["vulnerable", "not-vulnerable", "inconclusive"].includes(c.verdict), c.verdict);
    assert.ok(["confirmed", "likely", "possible"].includes(c.confidence), c.confidence);
    for (const e of c.evidence) {
      assert.equal(typeof e.method, "string");
      assert.equal(typeof e.path, "string");
      assert.equal(typeof e.bytes, "number");
      if (e.status !== undefined) assert.equal(typeof e.status, "number");
    }
  }
  const cve = doc.sections.probe.targets[0].checks.find((c: { id: string }) => c.id === "cve-2021-41773");
  assert.deepEqual(cve.cves, ["CVE-2021-41773"]);
  // The path in the evidence is exactly what went on the wire.
  for (const e of cve.evidence) assert.ok(emu.requests.includes(`${e.method} ${e.path}`), e.path);
});

test("emulation 2.4.49 with ServerTokens Prod: the banner cannot tell, the traversal still finds it", async (t) => {
  const emu = await startEmulation(t, "2.4.49", "debian-like", "Apache");
  const { doc } = await probe([`http://127.0.0.1:${emu.port}/`]);
  assert.equal(checkOf(doc, "banner").verdict, "inconclusive");
  assert.equal(checkOf(doc, "cve-2021-41773").verdict, "vulnerable");
  assert.equal(checkOf(doc, "cve-2021-41773").confidence, "likely");
});
