import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { serializeVulnDb } from "../../src/vulndb/assemble.ts";
import { buildSnapshot } from "../../src/vulndb/snapshot.ts";
import { parseApacheRecord } from "../../src/vulndb/sources/apache-cve-json.ts";
import { parseDebianAdvisoryList, parseDebianTracker } from "../../src/vulndb/sources/debian.ts";
import { parseKev } from "../../src/vulndb/sources/kev.ts";
import type { CveRecord, VersionRange } from "../../src/vulndb/types.ts";
import { compareUpstream } from "../../src/vulndb/versions.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");
const built = buildSnapshot(vulndata);
const byId = new Map(built.cves.map((c) => [c.id, c]));

function tsv(file: string): Array<Record<string, string>> {
  const [head, ...lines] = fs.readFileSync(path.join(vulndata, file), "utf8").trimEnd().split("\n");
  const cols = (head as string).split("\t");
  return lines.map((l) => Object.fromEntries(l.split("\t").map((v, i) => [cols[i], v])));
}

const eq = (a: string | undefined, b: string | undefined) =>
  a === b || (a !== undefined && b !== undefined && compareUpstream(a, b) === 0);

/** Finds the range a TSV segment describes among the parsed ranges; the TSV was made independently of this code. */
function hasSegment(ranges: VersionRange[], seg: string): boolean {
  const from0 = (v: string) => (v === "0" ? undefined : v);
  let m = /^(\S+)\.\.(\S+) \((\d+) versions\)$/.exec(seg);
  if (m) {
    return ranges.some(
      (r) =>
        !r.possible &&
        r.exact?.length === Number(m?.[3]) &&
        eq(r.exact[0], m?.[1]) &&
        eq(r.exact.at(-1), m?.[2]),
    );
  }
  m = /^\?=(\S+)$/.exec(seg);
  if (m) return ranges.some((r) => r.possible && r.exact?.some((v) => eq(v, m?.[1])));
  m = /^=?(\d[\w.-]*)$/.exec(seg);
  if (m) return ranges.some((r) => !r.possible && r.exact?.some((v) => eq(v, m?.[1])));
  m = /^(\S+) <= x <= (\S+)$/.exec(seg);
  if (m) return ranges.some((r) => eq(r.from, from0(m?.[1] as string)) && eq(r.to, m?.[2]) && !r.lessThan);
  m = /^(\S+) <= x < (\S+)$/.exec(seg);
  if (m) return ranges.some((r) => eq(r.from, from0(m?.[1] as string)) && eq(r.lessThan, m?.[2]) && !r.to);
  m = /^<=(\S+)$/.exec(seg);
  if (m) return ranges.some((r) => eq(r.to, m?.[1]));
  m = /^(?:!<|>=)(\S+)$/.exec(seg);
  if (m) return ranges.some((r) => eq(r.from, m?.[1]));
  throw new Error(`unknown TSV segment ${seg}`);
}

test("every Apache record parses to the ranges, fixed-in versions and dates of httpd-cves.tsv", () => {
  const rows = tsv("httpd-cves.tsv");
  assert.equal(rows.length, 244);
  const problems: string[] = [];
  for (const row of rows) {
    const rec = byId.get(row.cve as string);
    if (!rec) {
      problems.push(`${row.cve}: missing`);
      continue;
    }
    for (const seg of (row.affected_versions as string).split("; ")) {
      if (!hasSegment(rec.affected, seg))
        problems.push(`${rec.id}: no range for "${seg}" in ${JSON.stringify(rec.affected)}`);
    }
    // The TSV keeps "2.2.35-never" but drops "1.3-never"; compare real releases only.
    const fixed = (row.fixed_in as string)
      .split(", ")
      .filter((v) => v && !v.endsWith("-never"))
      .sort(compareUpstream);
    if (JSON.stringify(fixed) !== JSON.stringify(rec.fixedIn))
      problems.push(`${rec.id}: fixedIn ${rec.fixedIn} vs ${fixed}`);
    if (row.public_date !== rec.published)
      problems.push(`${rec.id}: published ${rec.published} vs ${row.public_date}`);
    if (row.apache_impact !== rec.impact && !(row.apache_impact === "n/a" && rec.impact === "unknown"))
      problems.push(`${rec.id}: impact ${rec.impact} vs ${row.apache_impact}`);
    if ((row.title as string).replace(/\s+/g, " ").trim() !== rec.title) problems.push(`${rec.id}: title`);
  }
  assert.deepEqual(problems, []);
});

test("the 24 CVEs newer than Apache's snapshot come from OSV with the bounds Bitnami gives", () => {
  const rows = tsv("httpd-cves-after-snapshot.bitnami.tsv");
  assert.equal(rows.length, 24);
  for (const row of rows) {
    const rec = byId.get(row.cve as string) as CveRecord;
    assert.equal(rec?.source, "osv-bitnami", row.cve);
    assert.deepEqual(rec.fixedIn, [row.fixed_in]);
    const introduced = /introduced=(\S+)/.exec(row["introduced/last_affected/fixed events"] as string)?.[1];
    assert.deepEqual(rec.affected, [
      introduced === "0" ? { lessThan: row.fixed_in } : { from: introduced, lessThan: row.fixed_in },
    ]);
    assert.equal(rec.cvssSeverity, (row.bitnami_severity as string).toLowerCase());
  }
});

test('KEV joins by CVE id, so the entry named product "Apache" is found too', () => {
  const kevRows = tsv("kev/apache-httpd-in-kev.tsv");
  const listed = built.cves.filter((c) => c.kev);
  assert.deepEqual(
    listed.map((c) => c.id),
    kevRows.map((r) => r.cve),
  );
  for (const r of kevRows) {
    const kev = byId.get(r.cve as string)?.kev;
    assert.equal(kev?.dateAdded, r.date_added);
    assert.equal(kev?.dueDate, r.due_date);
    assert.equal(kev?.knownRansomware, r.known_ransomware === "Known");
  }
  assert.ok(kevRows.some((r) => r.kev_product === "Apache"));
  assert.equal(built.meta.kev?.count, 1404);
});

test("Debian advisories: fixed version per release, the later one when an update is repeated", () => {
  const text = [
    "[04 Jan 2022] DSA-5035-1 apache2 - security update",
    "\t{CVE-2021-44224 CVE-2021-44790}",
    "\t[buster] - apache2 2.4.38-3+deb10u7",
    "[01 Jan 2022] DSA-9999-1 openssl - security update",
    "\t{CVE-2021-44790}",
    "\t[buster] - openssl 9.9",
    "[03 Mar 2023] DLA-3351-1 apache2 - security update",
    "\t{CVE-2021-44790}",
    "\t[buster] - apache2 2.4.38-3+deb10u9",
    "        [bullseye] - apache2 2.4.52-1~deb11u2 (medium)",
    "\tNOTE: a note",
  ].join("\n");
  const index = parseDebianAdvisoryList(text);
  const f = index.get("CVE-2021-44790");
  assert.equal(f?.fixed.get("debian:buster"), "2.4.38-3+deb10u9");
  assert.equal(f?.fixed.get("debian:bullseye"), "2.4.52-1~deb11u2");
  assert.deepEqual([...(f?.advisories ?? [])].sort(), ["DLA-3351-1", "DSA-5035-1"]);
  assert.equal(index.get("CVE-2021-44224")?.fixed.get("debian:buster"), "2.4.38-3+deb10u7");
  assert.equal(f?.firstAdvisory, "2022-01-04", "the earlier of the two advisories");
  const rec = byId.get("CVE-2021-44790");
  assert.equal(rec?.distroFixed["debian:buster"], "2.4.38-3+deb10u7");
  assert.deepEqual(rec?.advisories, ["ALSA-2022:0258", "DLA-2907-1", "DSA-5035-1", "USN-5212-1"]);
  assert.deepEqual(rec?.distroFirstAdvisory, { debian: "2022-01-04" });
});

test('Debian tracker JSON: resolved, never affected ("0") and open releases', () => {
  const index = parseDebianTracker({
    apache2: {
      "CVE-2023-25690": {
        releases: {
          bookworm: { status: "resolved", fixed_version: "2.4.56-1" },
          bullseye: { status: "resolved", fixed_version: "2.4.56-1~deb11u1" },
          buster: { status: "open", fixed_version: null },
        },
      },
      "CVE-2021-41773": { releases: { bullseye: { status: "resolved", fixed_version: "0" } } },
      "TEMP-0000000-ABCDEF": { releases: {} },
    },
    openssl: {},
  });
  assert.equal(index.get("CVE-2023-25690")?.fixed.get("debian:bookworm"), "2.4.56-1");
  assert.ok(index.get("CVE-2023-25690")?.open.has("debian:buster"));
  assert.equal(index.get("CVE-2021-41773")?.fixed.get("debian:bullseye"), "0");
  assert.equal(index.has("TEMP-0000000-ABCDEF"), false);
  assert.throws(() => parseDebianTracker({ openssl: {} }), /apache2/);
});

test("odd records: '!<' lower bounds, '?=' possibles, lessThan, 'changes' and never-fixed branches", () => {
  assert.deepEqual(byId.get("CVE-2021-33193")?.affected, [{ from: "2.4.17", to: "2.4.48" }]);
  assert.deepEqual(byId.get("CVE-2017-9798")?.unfixedBranches, ["2.2"]);
  assert.deepEqual(byId.get("CVE-2025-55753")?.affected, [{ from: "2.4.30", lessThan: "2.4.66" }]);
  const split = parseApacheRecord({
    dataType: "CVE_RECORD",
    dataVersion: "5.1",
    cveMetadata: { cveId: "CVE-2099-0001" },
    containers: {
      cna: {
        title: "t",
        affected: [
          {
            product: "Apache HTTP Server",
            versions: [
              {
                version: "2.4.0",
                lessThan: "2.4.60",
                status: "affected",
                versionType: "semver",
                changes: [
                  { at: "2.4.30", status: "unaffected" },
                  { at: "2.4.50", status: "affected" },
                ],
              },
            ],
          },
          {
            product: "Apache Tomcat",
            versions: [{ version: "9.0.0", lessThan: "9.0.9", status: "affected" }],
          },
        ],
        metrics: [{ other: { type: "Textual description of severity", content: { text: "Important" } } }],
        timeline: [{ time: "2099-01-01", value: "2.4.60 released" }],
      },
    },
  });
  assert.deepEqual(split.affected, [
    { from: "2.4.0", lessThan: "2.4.30" },
    { from: "2.4.50", lessThan: "2.4.60" },
  ]);
  assert.equal(split.impact, "important");
  assert.deepEqual(split.fixedIn, ["2.4.60"]);
  assert.throws(() => parseApacheRecord({ hello: 1 }), /format/);
  assert.throws(() => parseApacheRecord([]), /object/);
});

test("the consolidated JSON and the per-CVE files give the same records", () => {
  const all = JSON.parse(
    fs.readFileSync(path.join(vulndata, "httpd-vulnerabilities-consolidated.json"), "utf8"),
  ) as unknown[];
  assert.equal(all.length, 244);
  for (const raw of all) {
    const r = parseApacheRecord(raw);
    const rec = byId.get(r.id);
    assert.deepEqual(r.affected, rec?.affected, r.id);
    assert.deepEqual(r.fixedIn, rec?.fixedIn, r.id);
  }
});

test("the committed data/vulndb.json is exactly what the build script makes from ../shared", () => {
  const committed = fs.readFileSync(path.join(repo, "data/vulndb.json"), "utf8");
  assert.equal(serializeVulnDb(built), committed, "run: node scripts/build-vulndb.ts");
  assert.equal(serializeVulnDb(buildSnapshot(vulndata)), committed, "the build is deterministic");
});

test("KEV parser rejects a feed without its vulnerabilities array", () => {
  assert.throws(() => parseKev({ title: "x" }), /vulnerabilities/);
  assert.equal(
    parseKev({ vulnerabilities: [{ cveID: "CVE-1-1" }] }).count,
    0,
    "entries without a date are skipped",
  );
});
