import assert from "node:assert/strict";
import { test } from "node:test";
import { checkApache as checkApacheKeyed } from "../../src/checks/apache/index.ts";
import type { ApacheFacts, ApacheInstallation } from "../../src/collect/apache/index.ts";
import type { CveRecord, PackageOwner, VulnDb } from "../../src/vulndb/types.ts";
import { checkCtx, rendered } from "../helpers/messages.ts";

const rec = (
  id: string,
  impact: CveRecord["impact"],
  to: string,
  fixed: string,
  extra: Partial<CveRecord> = {},
): CveRecord => ({
  id,
  title: `title of ${id}`,
  impact,
  affected: [{ from: "2.4.0", to }],
  fixedIn: [fixed],
  distroFixed: {},
  ...extra,
});

// A small hand-made snapshot: two KEV entries (one rated low by Apache), a moderate and two important ones.
const DB: VulnDb = {
  meta: { builtAt: "2026-11-01T00:00:00Z", sources: [] },
  cves: [
    rec("CVE-2021-41773", "important", "2.4.49", "2.4.50", {
      affected: [{ exact: ["2.4.49"] }],
      kev: { dateAdded: "2021-11-03", knownRansomware: true, name: "Path Traversal" },
      distroFixed: { "debian:bookworm": "0" },
    }),
    rec("CVE-2099-0001", "low", "2.4.60", "2.4.61", {
      kev: { dateAdded: "2099-01-01", knownRansomware: false, name: "x" },
    }),
    rec("CVE-2099-0002", "moderate", "2.4.70", "2.4.71", {
      distroFixed: { "debian:bookworm": "2.4.62-1~deb12u3" },
    }),
    rec("CVE-2099-0003", "important", "2.4.70", "2.4.71", {
      distroFixed: { "debian:bookworm": "2.4.62-1~deb12u1" },
    }),
    rec("CVE-2099-0004", "important", "2.4.70", "2.4.71"),
  ],
};

const ctx = checkCtx();
const checkApache = (...a: Parameters<typeof checkApacheKeyed>) => rendered(checkApacheKeyed(...a));

function inst(version: string, owner?: PackageOwner): ApacheInstallation {
  return {
    binary: owner ? "/usr/sbin/apache2" : "/usr/local/apache2/bin/httpd",
    aliases: [],
    pids: [],
    owner: owner ? { found: { owner, source: "/var/lib/dpkg/status", line: 3 } } : {},
    version,
    product: `Apache/${version}`,
    versionSource: owner ? "package" : "binary-file",
  };
}

const facts = (i: ApacheInstallation): ApacheFacts => ({
  live: false,
  installations: [i],
  distroId: "debian",
  distroVersion: "12",
  distroLike: [],
});

test("upstream build: every applying CVE appears, KEV ones alone and never below high, the rest grouped", () => {
  const i = inst("2.4.49");
  const every = checkApache(facts(i), ctx, DB);
  const f = every.filter((x) => x.check === "apache.cve");
  // CVE-2021-41773 has one verdict: the exposure finding, which judges it with the configuration.
  const exp = every.filter((x) => x.cves.includes("CVE-2021-41773"));
  assert.deepEqual(
    exp.map((x) => x.check),
    ["apache.exposure"],
  );
  const all = f.flatMap((x) => x.cves).sort();
  assert.deepEqual(all, ["CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0003", "CVE-2099-0004"]);
  const kevLow = f.find((x) => x.cves.length === 1 && x.cves[0] === "CVE-2099-0001");
  assert.equal(kevLow?.severity, "high", "KEV-listed is never below high");
  const grouped = f.find((x) => x.cves.includes("CVE-2099-0003"));
  assert.deepEqual(grouped?.cves, ["CVE-2099-0003", "CVE-2099-0004"]);
  assert.equal(grouped?.severity, "high");
  assert.equal(grouped?.confidence, "likely");
  // No package manager: build the release that fixes everything.
  assert.match(grouped?.remediation ?? "", /Build and install Apache httpd 2\.4\.71 or later/);
  assert.deepEqual(grouped?.commands, []);
  // Ids are stable across runs.
  assert.deepEqual(
    f.map((x) => x.id),
    checkApache(facts(i), ctx, DB)
      .filter((x) => x.check === "apache.cve")
      .map((x) => x.id),
  );
});

test("Debian package: distro fixes count (backport and 'never affected'), the rest stays, with apt commands", () => {
  const owner: PackageOwner = {
    manager: "dpkg",
    name: "apache2-bin",
    source: "apache2",
    version: "2.4.62-1~deb12u2",
    distro: "debian",
    release: "bookworm",
    origin: "distro",
  };
  const out = checkApache(facts(inst("2.4.62", owner)), ctx, DB);
  const ids = out
    .filter((x) => x.check === "apache.cve")
    .flatMap((x) => x.cves)
    .sort();
  // 0003 fixed by deb12u1 (installed deb12u2); 0002 fixed only in deb12u3; 0004 has no Debian entry.
  assert.deepEqual(ids, ["CVE-2099-0002", "CVE-2099-0004"]);
  const c2 = out.find((x) => x.cves.includes("CVE-2099-0002"));
  assert.equal(c2?.confidence, "confirmed");
  assert.match(c2?.remediation ?? "", /to 2\.4\.62-1~deb12u3 or later/);
  assert.deepEqual(c2?.commands, ["apt-get update", "apt-get install --only-upgrade apache2"]);
  assert.equal(out.find((x) => x.check === "apache.exposure")?.data?.verdict, "not-vulnerable");
});

test("rpm and apk installations get dnf/yum and apk commands", () => {
  const rpm: PackageOwner = {
    manager: "rpm",
    name: "httpd",
    version: "2.4.37-62.el8",
    distro: "rocky",
    release: "8",
    origin: "distro",
  };
  const f8 = checkApache({ ...facts(inst("2.4.37", rpm)), distroId: "rocky", distroVersion: "8.9" }, ctx, DB);
  assert.deepEqual(f8.find((x) => x.check === "apache.cve")?.commands, ["dnf upgrade httpd"]);
  const f7 = checkApache({ ...facts(inst("2.4.6", rpm)), distroId: "centos", distroVersion: "7" }, ctx, DB);
  assert.deepEqual(f7.find((x) => x.check === "apache.cve")?.commands, ["yum update httpd"]);
  const apk: PackageOwner = {
    manager: "apk",
    name: "apache2",
    version: "2.4.58-r0",
    distro: "alpine",
    release: "3.19",
    origin: "distro",
  };
  const fa = checkApache(
    { ...facts(inst("2.4.58", apk)), distroId: "alpine", distroVersion: "3.19.1" },
    ctx,
    DB,
  );
  assert.deepEqual(fa.find((x) => x.check === "apache.cve")?.commands, ["apk update", "apk upgrade apache2"]);
});

test("end-of-life branches: 2.2 gets apache.eol, high", () => {
  const f = checkApache(facts(inst("2.2.34")), ctx, undefined).find((x) => x.check === "apache.eol");
  assert.equal(f?.severity, "high");
  assert.match(f?.title ?? "", /2\.2 branch gets no security fixes/);
  assert.equal(
    checkApache(facts(inst("2.4.62")), ctx, undefined).find((x) => x.check === "apache.eol"),
    undefined,
  );
});
