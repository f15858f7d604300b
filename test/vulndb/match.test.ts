import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { severityRank } from "../../src/core/finding.ts";
import { loadVulnDb } from "../../src/vulndb/load.ts";
import {
  distroKey,
  distroUpgradeTarget,
  matchCves,
  matchSeverity,
  severityFor,
  upgradeTarget,
} from "../../src/vulndb/match.ts";
import type { CveMatch, PackageOwner, VulnDb } from "../../src/vulndb/types.ts";

const repo = path.resolve(import.meta.dirname, "../..");

function snapshot(): VulnDb {
  const db = loadVulnDb(path.join(repo, "data"), new Diagnostics(), new Date("2026-11-25T00:00:00Z"));
  assert.ok(db, "the committed snapshot loads");
  return db;
}

const db = snapshot();
const find = (ms: CveMatch[], id: string) => ms.find((m) => m.cve.id === id);

function debian(version: string, release?: string): PackageOwner {
  return {
    manager: "dpkg",
    name: "apache2",
    source: "apache2",
    version,
    distro: "debian",
    release,
    origin: "distro",
  };
}

test("the snapshot holds Apache's 244 records, the 24 newer ones from OSV and the 20 of 2.4.69", () => {
  assert.equal(db.cves.length, 244 + 24 + 20);
  assert.equal(db.cves.filter((c) => c.source === "osv-bitnami").length, 24);
  assert.equal(new Set(db.cves.map((c) => c.id)).size, db.cves.length, "no duplicate ids");
});

test("2.4.49 is open to CVE-2021-41773 and CVE-2021-42013 by its upstream version", () => {
  const ms = matchCves(db, { upstreamVersion: "2.4.49" });
  const m = find(ms, "CVE-2021-41773");
  assert.equal(m?.status, "affected");
  assert.equal(m?.basis, "upstream-version");
  assert.match(m?.because ?? "", /2\.4\.49/);
  const long = find(matchCves(db, { upstreamVersion: "2.4.20" }), "CVE-2017-9798");
  assert.match(long?.because ?? "", /17 listed versions from 2\.4\.1 to 2\.4\.27/);
  assert.equal(find(ms, "CVE-2021-42013")?.status, "affected");
});

test("2.4.50 is open to CVE-2021-42013 but not CVE-2021-41773; 2.4.51 to neither", () => {
  const at50 = matchCves(db, { upstreamVersion: "2.4.50" });
  assert.equal(find(at50, "CVE-2021-42013")?.status, "affected");
  assert.equal(find(at50, "CVE-2021-41773"), undefined);
  const at51 = matchCves(db, { upstreamVersion: "2.4.51" });
  assert.equal(find(at51, "CVE-2021-42013"), undefined);
  assert.equal(find(at51, "CVE-2021-41773"), undefined);
  // 2.4.51 is still open to what 2.4.52 fixed.
  assert.equal(find(at51, "CVE-2021-44790")?.status, "affected");
});

test("2.4.48 predates the path traversal bug: not affected", () => {
  const ms = matchCves(db, { upstreamVersion: "2.4.48" });
  assert.equal(find(ms, "CVE-2021-41773"), undefined);
  assert.equal(find(ms, "CVE-2021-42013"), undefined);
  assert.equal(find(ms, "CVE-2021-40438")?.status, "affected");
});

test("Debian buster 2.4.38-3+deb10u7: CVE-2021-44790 fixed by DSA-5035-1, CVE-2022-22720 still open", () => {
  const ms = matchCves(db, { upstreamVersion: "2.4.38", owner: debian("2.4.38-3+deb10u7", "buster") });
  const fixed = find(ms, "CVE-2021-44790");
  assert.equal(fixed?.status, "fixed");
  assert.equal(fixed?.basis, "distro-data");
  assert.match(fixed?.because ?? "", /DSA-5035-1/);
  const open = find(ms, "CVE-2022-22720");
  assert.equal(open?.status, "affected");
  assert.equal(open?.basis, "upstream-version");
  assert.match(open?.because ?? "", /no entry/);
  assert.equal(open?.caveat, undefined, "deb10u7 is older than the data's newest buster fix");
  // A fix that came later (deb10u9, DLA-3351-1) is not in deb10u7.
  const later = find(ms, "CVE-2021-33193");
  assert.equal(later?.status, "affected");
  assert.equal(later?.basis, "distro-data");
  assert.equal(later?.fixedVersion, "2.4.38-3+deb10u9");
  assert.equal(distroUpgradeTarget(ms, debian("2.4.38-3+deb10u7", "buster")), "2.4.38-3+deb10u9");
  // CVE-2021-41773 never touched 2.4.38.
  assert.equal(find(ms, "CVE-2021-41773"), undefined);
});

test("a CVE Debian fixed by advisory before a release came out counts as fixed in that release", () => {
  // CVE-2019-0211 (in KEV) was fixed for stretch by DSA-4422-1 on 2019-04-03; buster came out on 2019-07-06
  // with the fix already in, so no buster advisory exists.
  const ms = matchCves(db, { upstreamVersion: "2.4.38", owner: debian("2.4.38-3", "buster") });
  const m = find(ms, "CVE-2019-0211");
  assert.equal(m?.status, "fixed");
  assert.equal(m?.basis, "distro-data");
  assert.match(m?.because ?? "", /DSA-4422-1.*2019-07-06/);
  // The same CVE on stretch is judged by stretch's own fixed version.
  const stretch = matchCves(db, { upstreamVersion: "2.4.25", owner: debian("2.4.25-3+deb9u6", "stretch") });
  assert.equal(find(stretch, "CVE-2019-0211")?.status, "affected");
  assert.equal(find(stretch, "CVE-2019-0211")?.fixedVersion, "2.4.25-3+deb9u7");
  // A CVE whose first advisory came after the release came out does not get this benefit.
  assert.equal(find(ms, "CVE-2022-22720")?.status, "affected");
});

test("Debian's 2.4.38-3+deb10u10 counts as fixed for what its updates fixed though it says 2.4.38", () => {
  const ms = matchCves(db, { upstreamVersion: "2.4.38", owner: debian("2.4.38-3+deb10u10", "10") });
  for (const id of ["CVE-2021-44790", "CVE-2021-33193", "CVE-2020-1927", "CVE-2021-40438"]) {
    assert.equal(find(ms, id)?.status, "fixed", id);
  }
  const unknown = find(ms, "CVE-2022-22720");
  assert.equal(unknown?.status, "affected");
  assert.equal(
    unknown?.caveat,
    "distro-data-stale",
    "the package is newer than every buster fix in the data",
  );
  // The same package judged upstream (as a third-party build would be) is open to all of them.
  const upstream = matchCves(db, { upstreamVersion: "2.4.38" });
  assert.equal(find(upstream, "CVE-2021-44790")?.status, "affected");
});

test("bookworm's current package: judged by upstream, as the Debian lists here predate bookworm", () => {
  const owner = debian("2.4.66-1~deb12u1", "bookworm");
  const ms = matchCves(db, { upstreamVersion: "2.4.66", owner });
  assert.ok(ms.length > 0);
  assert.ok(ms.every((m) => m.status === "affected" && m.basis === "upstream-version"));
  assert.ok(ms.every((m) => m.caveat === "backports-likely"));
  assert.ok(find(ms, "CVE-2026-23918"), "2.4.66 is the one version the HTTP/2 double free affects");
  assert.equal(find(ms, "CVE-2025-55753"), undefined, "fixed in 2.4.66 upstream");
  // With tracker data for bookworm the same package is judged by Debian's fixes.
  const withTracker: VulnDb = {
    ...db,
    cves: db.cves.map((c) =>
      c.id === "CVE-2026-23918"
        ? { ...c, distroFixed: { ...c.distroFixed, "debian:bookworm": "2.4.66-1~deb12u1" } }
        : c.id === "CVE-2026-28780"
          ? { ...c, distroOpen: ["debian:bookworm"] }
          : c,
    ),
  };
  const judged = matchCves(withTracker, { upstreamVersion: "2.4.66", owner });
  assert.equal(find(judged, "CVE-2026-23918")?.status, "fixed");
  assert.equal(find(judged, "CVE-2026-28780")?.status, "affected");
  assert.equal(find(judged, "CVE-2026-28780")?.basis, "distro-data");
});

test("third-party builds (sury, ppa) are judged by Apache's ranges, not Debian's fixes", () => {
  const owner: PackageOwner = {
    ...debian("2.4.38-3+deb10u7+deb.sury.org+1", "buster"),
    origin: "third-party",
  };
  const ms = matchCves(db, { upstreamVersion: "2.4.38", owner });
  const m = find(ms, "CVE-2021-44790");
  assert.equal(m?.status, "affected");
  assert.equal(m?.basis, "upstream-version");
  assert.match(m?.because ?? "", /not the distro's own build/);
});

test("a release the data does not cover (Ubuntu 23.04, RHEL 7, Alpine 3.18): upstream judgement, flagged as likely backported", () => {
  const owners: PackageOwner[] = [
    {
      manager: "dpkg",
      name: "apache2",
      version: "2.4.55-1ubuntu2.1",
      distro: "ubuntu",
      release: "lunar",
      origin: "distro",
    },
    {
      manager: "rpm",
      name: "httpd",
      version: "2.4.6-99.el7_9.1",
      distro: "rhel",
      release: "7",
      origin: "distro",
    },
    {
      manager: "apk",
      name: "apache2",
      version: "2.4.57-r0",
      distro: "alpine",
      release: "3.18",
      origin: "distro",
    },
  ];
  for (const owner of owners) {
    const up = owner.version.split("-")[0] as string;
    const ms = matchCves(db, { upstreamVersion: up, owner });
    assert.ok(ms.length > 0, owner.distro);
    for (const m of ms) {
      assert.equal(m.status, "affected");
      assert.equal(m.basis, "upstream-version");
      assert.ok(m.caveat === "backports-likely" || m.caveat === "possibly-affected");
      assert.match(m.because, /backports/);
      assert.match(m.because, /mamori db update/);
      // Missing data alone never makes a critical ("act now") finding.
      if (m.caveat === "backports-likely") assert.notEqual(matchSeverity(m), "critical", m.cve.id);
    }
  }
});

test("a banner version is matched with the weakest basis", () => {
  const ms = matchCves(db, { upstreamVersion: "2.4.49", versionFrom: "banner" });
  assert.equal(find(ms, "CVE-2021-41773")?.basis, "banner");
});

test("an unreadable version matches nothing rather than everything", () => {
  assert.deepEqual(matchCves(db, { upstreamVersion: "" }), []);
  assert.deepEqual(matchCves(db, { upstreamVersion: "Apache" }), []);
  // A ServerTokens Minor/Major banner hides the patch level: "2.4" must not be read as 2.4.0.
  assert.deepEqual(matchCves(db, { upstreamVersion: "2.4", versionFrom: "banner" }), []);
  assert.deepEqual(matchCves(db, { upstreamVersion: "2" }), []);
  // Trailing text from `apache2 -v` does not get in the way.
  assert.ok(find(matchCves(db, { upstreamVersion: "2.4.49 (Unix)" }), "CVE-2021-41773"));
});

test("the Debian release comes from the codename, the number or the +debNNu suffix", () => {
  assert.equal(distroKey(debian("2.4.38-3+deb10u7", "buster")), "debian:buster");
  assert.equal(distroKey(debian("2.4.38-3+deb10u7", "10")), "debian:buster");
  assert.equal(distroKey(debian("2.4.62-1~deb12u2")), "debian:bookworm");
  assert.equal(distroKey({ ...debian("2.4.62-1"), distro: undefined }), undefined);
  assert.equal(distroKey({ ...debian("2.4.38-3+deb10u7+rpi1"), distro: "raspbian" }), "debian:buster");
});

test("severity follows Apache's impact and a KEV-listed CVE is at least high", () => {
  const byId = (id: string) => db.cves.find((c) => c.id === id) as VulnDb["cves"][number];
  assert.equal(severityFor(byId("CVE-2021-41773")), "critical");
  assert.equal(severityFor(byId("CVE-2021-44790")), "high");
  const kev = db.cves.filter((c) => c.kev);
  assert.deepEqual(
    kev.map((c) => c.id),
    ["CVE-2019-0211", "CVE-2021-40438", "CVE-2021-41773", "CVE-2021-42013", "CVE-2024-38475"],
  );
  for (const c of kev) assert.ok(severityRank(severityFor(c)) >= severityRank("high"), c.id);
  // Every Apache CVE in KEV is already important or critical, so the floor is shown on a moderate and a low one.
  for (const id of ["CVE-2021-33193", "CVE-2017-9798"]) {
    const plain = byId(id);
    assert.ok(severityRank(severityFor(plain)) < severityRank("high"), id);
    const exploited = { ...plain, kev: { dateAdded: "2026-01-01", knownRansomware: false, name: "test" } };
    assert.equal(severityFor(exploited), "high", id);
  }
  // Records from OSV have no Apache impact: their CVSS level stands in.
  assert.equal(severityFor(byId("CVE-2026-28780")), "critical");
});

test("the upgrade target fixes every CVE on the branch, including ones the first target would bring", () => {
  assert.equal(upgradeTarget(db, "2.4.49"), "2.4.69");
  assert.equal(upgradeTarget(db, "2.4.69"), undefined);
  assert.equal(upgradeTarget(db, "2.4"), undefined, "no target without a patch level");
  assert.equal(upgradeTarget(db, "2.2.34"), "2.4.69", "2.2 gets no more fixes: move to the newest branch");
  // A database that ends at the traversal bugs: 2.4.49 needs 2.4.51, not just 2.4.50.
  const small: VulnDb = { ...db, cves: db.cves.filter((c) => /CVE-2021-4(1773|2013)/.test(c.id)) };
  assert.equal(upgradeTarget(small, "2.4.49"), "2.4.51");
  assert.equal(upgradeTarget(small, "2.4.48"), undefined);
});
