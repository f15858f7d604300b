/**
 * Issue 14: every distro judged by its own data. Expected sets come from the mirrors' index.tsv files in
 * ../shared (written from the records by hand-checked scripts), not from the snapshot the matcher reads.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { severityRank } from "../../src/core/finding.ts";
import { loadVulnDb } from "../../src/vulndb/load.ts";
import { coveringRange, matchCves, matchSeverity } from "../../src/vulndb/match.ts";
import { parseAlpineSecdb, secdbYamlToJson } from "../../src/vulndb/sources/alpine-secdb.ts";
import { DISTRO_FEEDS, distroFeed } from "../../src/vulndb/sources/distro-feeds.ts";
import { osvEcosystem, parseDistroOsvRecord, serverSourcePackage } from "../../src/vulndb/sources/osv.ts";
import type { CveMatch, PackageOwner, VulnDb } from "../../src/vulndb/types.ts";
import { compareDpkg, compareRpm } from "../../src/vulndb/versions.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const distroDir = path.join(repo, "../shared/vulndata/distro");
const db = loadVulnDb(path.join(repo, "data"), new Diagnostics(), new Date("2026-11-25T00:00:00Z")) as VulnDb;

function owner(
  manager: PackageOwner["manager"],
  distro: string,
  release: string,
  version: string,
  name?: string,
) {
  const o: PackageOwner = {
    manager,
    name: name ?? (manager === "rpm" ? "httpd" : "apache2"),
    version,
    distro,
    release,
    origin: "distro",
  };
  return o;
}

/** index.tsv rows: release -> [fixed version, CVEs] of each advisory. */
function ubuntuIndex(codename: string): Array<[string, string[]]> {
  return fs
    .readFileSync(path.join(distroDir, "ubuntu-osv/index.tsv"), "utf8")
    .split("\n")
    .filter((l) => !l.startsWith("#") && l.includes("\t"))
    .map((l) => l.split("\t"))
    .filter((c) => c[3] === codename && c[4] === "apache2")
    .map((c) => [c[5] as string, (c[6] as string).split(" ")]);
}

function almaIndex(release: string): Array<[string, string[]]> {
  return fs
    .readFileSync(path.join(distroDir, "almalinux-osv/index.tsv"), "utf8")
    .split("\n")
    .map((l) => l.split("\t"))
    .filter((c) => c[0] === `almalinux${release}`)
    .flatMap((c) => {
      const httpd = /(?:^|\s)httpd=(\S+)/.exec(c[4] ?? "");
      return httpd ? [[httpd[1] as string, (c[5] as string).split(" ")] as [string, string[]]] : [];
    });
}

/** The CVEs an installed version still lacks by the index: the newest fix of each CVE is newer than it. */
function unfixedByIndex(rows: Array<[string, string[]]>, installed: string, compare: typeof compareDpkg) {
  const newest = new Map<string, string>();
  for (const [fixed, cves] of rows)
    for (const c of cves) {
      const old = newest.get(c);
      if (!old || compare(fixed, old) > 0) newest.set(c, fixed);
    }
  const inApache = (id: string, upstream: string) => {
    const cve = db.cves.find((c) => c.id === id);
    return cve !== undefined && coveringRange(cve, upstream) !== undefined;
  };
  return (upstream: string) =>
    [...newest]
      .filter(([id, fixed]) => compare(installed, fixed) < 0 && inApache(id, upstream))
      .map(([id]) => id)
      .sort();
}

const ids = (ms: CveMatch[]) => ms.map((m) => m.cve.id).sort();
const affected = (ms: CveMatch[]) => ms.filter((m) => m.status === "affected");
const byDistroData = (ms: CveMatch[]) =>
  affected(ms).filter((m) => m.basis === "distro-data" && m.fixedVersion);

function assertKevHigh(ms: CveMatch[]): void {
  for (const m of affected(ms))
    if (m.cve.kev) assert.ok(severityRank(matchSeverity(m)) >= severityRank("high"), `${m.cve.id} is KEV`);
}

/** Distro-fixed CVEs judged from data the distro is silent on never become critical ("act now"). */
function assertSilentNotCritical(ms: CveMatch[]): void {
  for (const m of affected(ms))
    if (m.caveat && m.caveat !== "possibly-affected") assert.notEqual(matchSeverity(m), "critical", m.cve.id);
}

test("the feed registry: unique ids, each with a parser and the distros it judges; mirrored feeds parse cleanly", () => {
  const idList = DISTRO_FEEDS.map((f) => f.id);
  assert.deepEqual(idList, [...new Set(idList)]);
  for (const f of DISTRO_FEEDS) {
    assert.match(f.url, /^https:\/\//);
    assert.ok(f.distros.length > 0);
  }
  for (const id of ["ubuntu-osv", "almalinux-osv", "alpine-secdb"]) {
    const feed = distroFeed(id);
    assert.ok(feed?.mirror);
    const dir = path.join(distroDir, feed.mirror);
    const files = fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((n) => fs.statSync(path.join(dir, n)).isFile() && feed.accepts(n))
      .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), "utf8") }));
    const r = feed.parse(files);
    assert.deepEqual(r.skipped, [], id);
    assert.ok(r.index.size > 20, id);
  }
});

test("OSV ecosystems map to the snapshot's release keys; unknown and extended-support streams are skipped", () => {
  const table: Array<[string, string | undefined]> = [
    ["Ubuntu:20.04:LTS", "ubuntu:20.04"],
    ["Ubuntu:Pro:16.04:LTS", "ubuntu:16.04"],
    ["Ubuntu:25.10", "ubuntu:25.10"],
    ["AlmaLinux:8", "almalinux:8"],
    ["AlmaLinux:10", "almalinux:10"],
    ["Rocky Linux:9", "rocky:9"],
    ["Debian:12", "debian:bookworm"],
    ["Alpine:v3.20", "alpine:3.20"],
    ["SUSE:Linux Enterprise Server 15 SP5", "sles:15.5"],
    ["openSUSE:Leap 15.6", "opensuse-leap:15.6"],
    ["Red Hat:enterprise_linux:9::appstream", "rhel:9"],
    ["Red Hat:rhel_eus:9.2::appstream", undefined],
    ["npm", undefined],
    ["Ubuntu:Pro:trusty", undefined],
  ];
  for (const [eco, key] of table) {
    const e = osvEcosystem(eco);
    assert.equal(e ? `${e.distro}:${e.release}` : undefined, key, eco);
  }
  assert.equal(osvEcosystem("Ubuntu:Pro:16.04:LTS")?.pro, true);
  assert.equal(serverSourcePackage("dpkg", "apache2-bin"), "apache2");
  assert.equal(serverSourcePackage("rpm", "httpd-core"), "httpd");
  assert.equal(serverSourcePackage("rpm", "mod_ssl"), "httpd");
  assert.equal(serverSourcePackage("rpm", "httpd-tools"), "httpd");
  assert.equal(serverSourcePackage("rpm", "mod_http2"), "mod_http2");
  assert.equal(serverSourcePackage("rpm", "openssl"), undefined);
});

test("distro OSV records of Rocky, Debian, SUSE and Red Hat: fixed per release, open without a fix, others ignored", () => {
  const rec = (ecosystem: string, name: string, fixed?: string) => ({
    package: { ecosystem, name },
    ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, ...(fixed ? [{ fixed }] : [])] }],
  });
  const index = parseDistroOsvRecord({
    id: "RLSA-2026:1234",
    related: ["CVE-2026-28780"],
    affected: [
      rec("Rocky Linux:9", "httpd", "2.4.62-13.el9_8.1"),
      rec("Rocky Linux:9", "mod_ssl", "1:2.4.62-13.el9_8.1"),
      rec("Rocky Linux:9", "openssl", "1:3.0.7-99.el9"),
    ],
  });
  parseDistroOsvRecord(
    {
      id: "DSA-9999-1",
      upstream: ["CVE-2026-28780"],
      affected: [rec("Debian:12", "apache2", "2.4.66-1~deb12u1")],
    },
    index,
  );
  parseDistroOsvRecord(
    {
      id: "SUSE-SU-2026:1",
      aliases: ["CVE-2026-28780"],
      affected: [rec("SUSE:Linux Enterprise Server 15 SP6", "apache2", "2.4.58-150600.5.40.1")],
    },
    index,
  );
  parseDistroOsvRecord(
    {
      id: "RHSA-2026:9",
      related: ["CVE-2026-28780"],
      affected: [rec("Red Hat:enterprise_linux:8::appstream", "httpd")],
    },
    index,
  );
  const f = index.get("CVE-2026-28780");
  assert.deepEqual(Object.fromEntries(f?.fixed ?? []), {
    "rocky:9": "2.4.62-13.el9_8.1",
    "debian:bookworm": "2.4.66-1~deb12u1",
    "sles:15.6": "2.4.58-150600.5.40.1",
  });
  assert.deepEqual([...(f?.open ?? [])], ["rhel:8"]);
  assert.deepEqual([...(f?.advisories ?? [])].sort(), [
    "DSA-9999-1",
    "RHSA-2026:9",
    "RLSA-2026:1234",
    "SUSE-SU-2026:1",
  ]);
});

test("hostile or broken feed files are skipped one by one; a feed with nothing usable fails with a clear error", () => {
  const feed = distroFeed("ubuntu-osv");
  assert.ok(feed);
  const good = fs.readFileSync(path.join(distroDir, "ubuntu-osv/usn/USN-5090-1.json"), "utf8");
  const r = feed.parse([
    { name: "usn/a.json", text: good },
    { name: "usn/b.json", text: good.slice(0, 500) },
    { name: "usn/c.json", text: "[]" },
    { name: "usn/d.json", text: '{"affected": [{"package": 7, "ranges": "x"}], "related": [{}]}' },
    { name: "usn/e.json", text: '{"__proto__": {"polluted": 1}, "affected": null}' },
  ]);
  assert.equal(r.index.get("CVE-2021-40438")?.fixed.get("ubuntu:20.04"), "2.4.41-4ubuntu3.5");
  assert.deepEqual(
    r.skipped.map((s) => s.name),
    ["usn/b.json", "usn/c.json"],
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => feed.parse([{ name: "x.json", text: "{" }]), /could not be read|records/);
});

test("Alpine secdb JSON and the mirror's YAML give the same fixes per branch; '0' means never affected", () => {
  const yaml = fs.readFileSync(path.join(distroDir, "alpine-secdb/apache2-secfixes-by-branch.yaml"), "utf8");
  const branches = secdbYamlToJson(yaml);
  assert.equal(branches.length, 9);
  const index = new Map();
  for (const b of branches) parseAlpineSecdb(b, "apache2", index);
  assert.equal(index.get("CVE-2019-10097")?.fixed.get("alpine:3.10"), "2.4.41-r0");
  const json = parseAlpineSecdb({
    distroversion: "v3.20",
    packages: [
      { pkg: { name: "apache2", secfixes: { "2.4.62-r0": ["CVE-2024-40725"], "0": ["CVE-2007-6750"] } } },
      { pkg: { name: "nginx", secfixes: { "1.0-r0": ["CVE-2024-40898"] } } },
      { pkg: { name: "apache2", secfixes: { "../x": ["CVE-2024-1"], "2.4.63-r0": "CVE-2025-1" } } },
    ],
  });
  assert.deepEqual(Object.fromEntries(json.get("CVE-2024-40725")?.fixed ?? []), {
    "alpine:3.20": "2.4.62-r0",
  });
  assert.equal(json.get("CVE-2007-6750")?.fixed.get("alpine:3.20"), "0");
  assert.equal(json.get("CVE-2024-40898"), undefined);
});

// ---- Ubuntu ----

for (const [release, codename, upstream, patched, old] of [
  ["18.04", "bionic", "2.4.29", "2.4.29-1ubuntu4.27", "2.4.29-1ubuntu4"],
  ["20.04", "focal", "2.4.41", "2.4.41-4ubuntu3.21", "2.4.41-4ubuntu3"],
  ["22.04", "jammy", "2.4.52", "2.4.52-1ubuntu4.23", "2.4.52-1ubuntu4"],
  ["24.04", "noble", "2.4.58", "2.4.58-1ubuntu8.15", "2.4.58-1ubuntu8"],
] as const) {
  test(`Ubuntu ${release}: patched ${patched} gets no CVE Ubuntu fixed; ${old} gets exactly the ones it did not fix`, () => {
    const rows = ubuntuIndex(codename);
    const fixedIds = new Set(rows.flatMap(([, c]) => c));
    const good = matchCves(db, {
      upstreamVersion: upstream,
      owner: owner("dpkg", "ubuntu", codename, patched),
    });
    assert.deepEqual(
      ids(affected(good)).filter((id) => fixedIds.has(id)),
      [],
      "no CVE the distro fixed",
    );
    assert.deepEqual(ids(byDistroData(good)), []);
    assertSilentNotCritical(good);
    const bad = matchCves(db, { upstreamVersion: upstream, owner: owner("dpkg", "ubuntu", codename, old) });
    assert.deepEqual(ids(byDistroData(bad)), unfixedByIndex(rows, old, compareDpkg)(upstream));
    assert.ok(byDistroData(bad).length > 0);
    assertKevHigh(bad);
    assertSilentNotCritical(bad);
    for (const m of affected(bad).filter((x) => x.basis !== "distro-data"))
      assert.ok(m.caveat, `${m.cve.id}: data silent, so lower confidence`);
  });
}

test("Ubuntu 20.04 one behind (3.17): exactly USN-6885-1's CVEs, CVE-2024-38475 (KEV) among them", () => {
  const ms = matchCves(db, {
    upstreamVersion: "2.4.41",
    owner: owner("dpkg", "ubuntu", "focal", "2.4.41-4ubuntu3.17"),
  });
  const expected = unfixedByIndex(ubuntuIndex("focal"), "2.4.41-4ubuntu3.17", compareDpkg)("2.4.41");
  assert.deepEqual(ids(byDistroData(ms)), expected);
  const kev = ms.find((m) => m.cve.id === "CVE-2024-38475");
  assert.equal(kev?.status, "affected");
  assert.equal(kev?.fixedVersion, "2.4.41-4ubuntu3.19");
  assert.match(kev?.because ?? "", /Ubuntu 20\.04 fixed it in 2\.4\.41-4ubuntu3\.19 \(USN-6885-1\)/);
  assert.ok(severityRank(matchSeverity(kev as CveMatch)) >= severityRank("high"));
});

test("Ubuntu 20.04 3.21 is newer than every fix in the data: the CVEs it is silent on say so, at most high", () => {
  const ms = matchCves(db, {
    upstreamVersion: "2.4.41",
    owner: owner("dpkg", "ubuntu", "20.04", "2.4.41-4ubuntu3.21"),
  });
  const open = affected(ms);
  // Ubuntu's own per-CVE records may still list a CVE as open for focal: that is distro data, not silence.
  for (const m of open.filter((x) => x.basis === "distro-data")) {
    console.log(`# Ubuntu 20.04 data lists ${m.cve.id} as open`);
    assert.equal(m.dataset?.name, "Ubuntu 20.04", m.cve.id);
  }
  const silent = open.filter((m) => m.basis !== "distro-data");
  assert.ok(silent.length > 0);
  for (const m of silent) {
    assert.equal(m.basis, "upstream-version");
    assert.equal(m.caveat === "distro-data-stale" || m.caveat === "possibly-affected", true, m.cve.id);
    assert.equal(m.dataset?.name, "Ubuntu 20.04");
    assert.notEqual(matchSeverity(m), "critical");
  }
  assert.match(silent.find((m) => m.caveat === "distro-data-stale")?.because ?? "", /mamori db update/);
  assert.equal(ms.find((m) => m.cve.id === "CVE-2021-40438")?.status, "fixed");
});

test("Ubuntu Pro: a fix only in an +esm build says the host needs Ubuntu Pro", () => {
  const cve = db.cves.find((c) => c.id === "CVE-2022-26377");
  assert.equal(cve?.distroFixed["ubuntu:16.04"], "2.4.18-2ubuntu3.17+esm6");
  const ms = matchCves(db, {
    upstreamVersion: "2.4.18",
    owner: owner("dpkg", "ubuntu", "xenial", "2.4.18-2ubuntu3.17"),
  });
  const m = ms.find((x) => x.cve.id === "CVE-2022-26377");
  assert.equal(m?.status, "affected");
  assert.match(m?.because ?? "", /Ubuntu Pro/);
  const esm = matchCves(db, {
    upstreamVersion: "2.4.18",
    owner: owner("dpkg", "ubuntu", "xenial", "2.4.18-2ubuntu3.17+esm6"),
  });
  assert.equal(esm.find((x) => x.cve.id === "CVE-2022-26377")?.status, "fixed");
});

// ---- AlmaLinux, Rocky, RHEL ----

test("AlmaLinux 9: patched 2.4.62-13.el9_8.5 gets no CVE AlmaLinux fixed; 2.4.53-7.el9 gets exactly the ones it did not fix", () => {
  const rows = almaIndex("9");
  const fixedIds = new Set(rows.flatMap(([, c]) => c));
  const good = matchCves(db, {
    upstreamVersion: "2.4.62",
    owner: owner("rpm", "almalinux", "9", "2.4.62-13.el9_8.5", "httpd-core"),
  });
  assert.deepEqual(
    ids(affected(good)).filter((id) => fixedIds.has(id)),
    [],
  );
  assertSilentNotCritical(good);
  const bad = matchCves(db, {
    upstreamVersion: "2.4.53",
    owner: owner("rpm", "almalinux", "9", "2.4.53-7.el9", "httpd-core"),
  });
  assert.deepEqual(ids(byDistroData(bad)), unfixedByIndex(rows, "2.4.53-7.el9", compareRpm)("2.4.53"));
  assert.ok(
    byDistroData(bad).some((m) => m.cve.id === "CVE-2024-38475"),
    "KEV CVE-2024-38475, fixed in 2.4.57-11.el9_4",
  );
  assertKevHigh(bad);
  assertSilentNotCritical(bad);
  // CVE-2024-27316 was fixed on EL9 in mod_http2 only: the httpd version cannot tell.
  const h2 = bad.find((m) => m.cve.id === "CVE-2024-27316");
  assert.equal(h2?.caveat, "separate-package");
  assert.match(h2?.because ?? "", /mod_http2 2\.0\.26-2\.el9_4/);
});

test("AlmaLinux 8 module stream: the newest httpd:2.4 build is clean; one behind lacks exactly ALSA-2026:42828's CVEs", () => {
  const rows = almaIndex("8");
  const patched = "2.4.37-65.module_el8.10.0+4233+8b7d9181.9";
  const behind = "2.4.37-65.module_el8.10.0+4190+704ad79b.8";
  const good = matchCves(db, { upstreamVersion: "2.4.37", owner: owner("rpm", "almalinux", "8", patched) });
  assert.deepEqual(
    ids(affected(good)).filter((id) => rows.some(([, c]) => c.includes(id))),
    [],
  );
  const bad = matchCves(db, { upstreamVersion: "2.4.37", owner: owner("rpm", "almalinux", "8", behind) });
  const expected = unfixedByIndex(rows, behind, compareRpm)("2.4.37");
  assert.deepEqual(ids(byDistroData(bad)), expected);
  assert.ok(expected.includes("CVE-2026-44631"));
  assertKevHigh(bad);
});

test("Rocky 9 and RHEL 8 are judged with AlmaLinux's errata standing in, and say so", () => {
  const rocky = matchCves(db, {
    upstreamVersion: "2.4.62",
    owner: owner("rpm", "rocky", "9.6", "2.4.62-13.el9_8.5", "httpd-core"),
  });
  const fixedIds = new Set(almaIndex("9").flatMap(([, c]) => c));
  assert.deepEqual(
    ids(affected(rocky)).filter((id) => fixedIds.has(id)),
    [],
  );
  assert.deepEqual(rocky[0]?.dataset, { key: "almalinux:9", name: "AlmaLinux 9", standInFor: "Rocky Linux" });
  const oldRocky = matchCves(db, {
    upstreamVersion: "2.4.57",
    owner: owner("rpm", "rocky", "9", "2.4.57-5.el9", "httpd-core"),
  });
  assert.equal(oldRocky.find((m) => m.cve.id === "CVE-2024-38475")?.status, "affected");
  assertKevHigh(oldRocky);
  // RHEL's own module build ids are far larger than AlmaLinux's: only release and respin count.
  const rhel = matchCves(db, {
    upstreamVersion: "2.4.37",
    owner: owner("rpm", "rhel", "8", "2.4.37-65.module+el8.10.0+22069+b47f5c72.9"),
  });
  assert.deepEqual(
    ids(affected(rhel)).filter((id) => almaIndex("8").some(([, c]) => c.includes(id))),
    [],
  );
  assert.equal(rhel[0]?.dataset?.standInFor, "Red Hat Enterprise Linux");
  const oldRhel = matchCves(db, {
    upstreamVersion: "2.4.37",
    owner: owner("rpm", "rhel", "8", "2.4.37-43.module+el8.5.0+13806+b30d9eec"),
  });
  const m = oldRhel.find((x) => x.cve.id === "CVE-2021-44790");
  assert.equal(m?.status, "affected");
  assert.equal(m?.fixedVersion, "2.4.37-43.module_el8.5.0+2609+b30d9eec.1.alma");
});

// ---- Alpine ----

test("Alpine: a branch secdb covers is judged by its fixes; a branch it does not cover says so", () => {
  const fixed = matchCves(db, {
    upstreamVersion: "2.4.41",
    owner: owner("apk", "alpine", "3.10", "2.4.41-r0"),
  });
  assert.deepEqual(ids(byDistroData(fixed)), []);
  const older = matchCves(db, {
    upstreamVersion: "2.4.39",
    owner: owner("apk", "alpine", "3.10", "2.4.39-r0"),
  });
  const m = older.find((x) => x.cve.id === "CVE-2019-10081");
  assert.equal(m?.status, "affected");
  assert.equal(m?.basis, "distro-data");
  assert.equal(m?.fixedVersion, "2.4.41-r0");
  // Alpine ships upstream releases: silence in secdb leaves the upstream judgement as it is.
  for (const x of affected(older).filter((y) => y.basis !== "distro-data"))
    assert.notEqual(x.caveat, "distro-data-silent");
  const uncovered = matchCves(db, {
    upstreamVersion: "2.4.62",
    owner: owner("apk", "alpine", "3.20", "2.4.62-r0"),
  });
  for (const x of affected(uncovered)) {
    assert.ok(x.caveat === "backports-likely" || x.caveat === "possibly-affected");
    assert.match(x.because, /no Alpine 3\.20 data/);
  }
});
