import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compareApk,
  compareDpkg,
  compareRpm,
  compareRpmRebuild,
  compareUpstream,
  upstreamBranch,
} from "../../src/vulndb/versions.ts";

type Row = [string, "<" | "=" | ">", string];

function check(name: string, compare: (a: string, b: string) => number, rows: Row[]): void {
  test(name, () => {
    for (const [a, op, b] of rows) {
      const want = op === "<" ? -1 : op === "=" ? 0 : 1;
      assert.equal(Math.sign(compare(a, b)), want, `${a} ${op} ${b}`);
      // The ordering must be antisymmetric, or sorting gives different answers by input order.
      assert.equal(Math.sign(compare(b, a)), want === 0 ? 0 : -want, `${b} vs ${a}`);
    }
  });
}

check("upstream Apache versions compare numerically per component", compareUpstream, [
  ["2.4.49", ">", "2.4.5"],
  ["2.4.50", ">", "2.4.49"],
  ["2.4.9", "<", "2.4.10"],
  ["2.4", "=", "2.4.0"],
  ["2.4.0", "<", "2.4.1"],
  ["2.2.34", "<", "2.4.0"],
  ["1.3.42", "<", "2.0.35"],
  ["2.3.5-alpha", "<", "2.3.5"],
  ["2.3.4-alpha", "<", "2.3.5-alpha"],
  ["2.3.8-beta", ">", "2.3.8-alpha"],
  ["2.4.66", "<", "2.4.67"],
  ["0", "<", "2.4.0"],
  ["10.0.0", ">", "9.9.9"],
]);

check("dpkg versions follow Debian policy", compareDpkg, [
  ["2.4.38-3+deb10u10", ">", "2.4.38-3+deb10u7"],
  ["2.4.38-3+deb10u7", "=", "2.4.38-3+deb10u7"],
  ["2.4.62-1~deb12u2", "<", "2.4.62-1"],
  ["2.4.62-1~deb12u1", "<", "2.4.62-1~deb12u2"],
  ["2.4.57-2", "<", "2.4.62-1~deb12u1"],
  ["1:2.0", ">", "3.0"],
  ["0:3.0", "=", "3.0"],
  ["1.0~rc1", "<", "1.0"],
  ["1.0~~", "<", "1.0~"],
  ["1.0~", "<", "1.0"],
  ["1.0", "<", "1.0a"],
  ["1.0a", "<", "1.0+"],
  ["1.0a", "<", "1.0."],
  ["1.0-1", "<", "1.0-1.1"],
  ["1.0", "=", "1.0-"],
  ["1.00", "=", "1.0"],
  ["2.4.41-4ubuntu3.17", ">", "2.4.41-4ubuntu3.9"],
  ["2.4.52-1ubuntu4.6", "<", "2.4.52-1ubuntu4.10"],
  ["2.4.25-3+deb9u13", ">", "2.4.25-3+deb9u9"],
  ["2.4.38-3+deb10u10", "<", "2.4.38-4"],
  ["2.4.65-1~deb12u1+deb.sury.org+1", ">", "2.4.65-1~deb12u1"],
  ["12345678901234567890", "<", "12345678901234567891"],
  // Ubuntu Pro (ESM) builds sort after the standard build they extend, before the next one.
  ["2.4.41-4ubuntu3.23+esm7", ">", "2.4.41-4ubuntu3.23"],
  ["2.4.41-4ubuntu3.23+esm7", ">", "2.4.41-4ubuntu3.23+esm2"],
  ["2.4.41-4ubuntu3.23+esm7", "<", "2.4.41-4ubuntu3.24"],
  ["2.4.18-2ubuntu3.17+esm6", ">", "2.4.18-2ubuntu3.17"],
  ["2.4.7-1ubuntu4.22+esm5", "<", "2.4.7-1ubuntu4.23"],
  ["2.4.41-4ubuntu3", "<", "2.4.41-4ubuntu3.1"],
  ["2.4.58-1ubuntu8.15", ">", "2.4.58-1ubuntu8.2"],
  ["2.4.52-1ubuntu4.3~esm1", "<", "2.4.52-1ubuntu4.3"],
  ["1:2.4.41-1", ">", "2.4.99-1"],
]);

check("rpm versions follow rpmvercmp with epoch, ~ and ^", compareRpm, [
  ["2.4.57-5.el9", "<", "2.4.57-11.el9"],
  ["2.4.6-97.el7_9.5", ">", "2.4.6-97.el7_9.4"],
  ["2.4.6-97.el7_9", "<", "2.4.6-97.el7_9.1"],
  ["1:2.4.6-1", ">", "2.4.62-1"],
  ["0:2.4.6-1", "=", "2.4.6-1"],
  ["1.0~rc1-1", "<", "1.0-1"],
  ["1.0~rc1", "<", "1.0~rc2"],
  ["1.0", "<", "1.0^git1"],
  ["1.0^git1", "<", "1.0.1"],
  ["1.0^git1", "<", "1.0^git2"],
  ["1.0a", ">", "1.0"],
  ["1.0.a", "<", "1.0.1"],
  ["2.4.6", "=", "2.4.6-97.el7"],
  ["1.001", "=", "1.1"],
  ["1_0", "=", "1.0"],
  ["2.4.62-1.fc40", "<", "2.4.62-2.fc40"],
  // EL8 module-stream releases (AlmaLinux errata): release number, then EL minor, then build, then respin.
  ["2.4.37-65.module_el8.10.0+4233+8b7d9181.9", ">", "2.4.37-65.module_el8.10.0+4190+704ad79b.8"],
  ["2.4.37-65.module_el8.10.0+3872+9b8ab21e.1", ">", "2.4.37-65.module_el8.10.0+3860+a6e26e50"],
  ["2.4.37-43.module_el8.5.0+2609+b30d9eec.1.alma", ">", "2.4.37-43.module_el8.5.0+2597+c4b14997.alma"],
  ["2.4.37-47.module_el8.6.0+2872+fe0ff7aa.1.alma", ">", "2.4.37-43.module_el8.5.0+2631+6f259f31.3.alma"],
  ["2.4.37-64.module_el8.10.0+3761+75f8c656", "<", "2.4.37-65.module_el8.10.0+3860+a6e26e50"],
  ["2.4.37-51.module+el8.7.0+18026+7b35e6ab.1", ">", "2.4.37-51.module+el8.7.0+17980+b0ed9d8a"],
  ["1:2.4.37-65.module_el8.10.0+4233+8b7d9181.9", ">", "2.4.99-1.el8"],
  ["2.4.62-13.el9_8.5", ">", "2.4.62-13.el9_8.1"],
  ["2.4.62-13.el9_8.5", ">", "2.4.62-7.el9_7.3"],
  ["2.4.62-1.el9", "<", "2.4.62-1.el9_5"],
  ["2.4.57-11.el9_4.1", ">", "2.4.57-11.el9_4"],
  ["2.4.63-13.el10_2.4", ">", "2.4.63-13.el10_2.1"],
  ["2.0^20240101-1", "<", "2.0.1-1"],
  ["2.0~beta1^git-1", "<", "2.0-1"],
]);

check(
  "rpm versions across rebuilds (RHEL vs AlmaLinux/Rocky) ignore build ids and rebuild tags",
  compareRpmRebuild,
  [
    // RHEL's module build ids are far larger than AlmaLinux's; the release number and respin decide.
    ["2.4.37-65.module+el8.10.0+22069+b47f5c72.8", "<", "2.4.37-65.module_el8.10.0+4233+8b7d9181.9"],
    ["2.4.37-65.module+el8.10.0+22069+b47f5c72.9", "=", "2.4.37-65.module_el8.10.0+4233+8b7d9181.9"],
    ["2.4.37-43.module+el8.5.0+13806+b30d9eec.1", "=", "2.4.37-43.module_el8.5.0+2609+b30d9eec.1.alma"],
    ["2.4.37-43.module+el8.5.0+13806+b30d9eec", "<", "2.4.37-43.module_el8.5.0+2609+b30d9eec.1.alma"],
    ["2.4.37-47.module+el8.6.0+14526+ce2d5fac.2", ">", "2.4.37-43.module_el8.5.0+2631+6f259f31.3.alma"],
    ["2.4.62-13.el9_8.5", "=", "2.4.62-13.el9_8.5"],
    ["2.4.62-4.el9_6.4", "<", "2.4.62-13.el9_8.5"],
    ["1.15.7-8.module_el8.9.0+3809+48080a14.5.alma.1", "=", "1.15.7-8.module+el8.9.0+21024+48080a14.5"],
  ],
);

check("apk versions follow Alpine's ordering", compareApk, [
  ["2.4.62-r0", "<", "2.4.62-r1"],
  ["2.4.62-r10", ">", "2.4.62-r9"],
  ["2.4.62_rc1-r0", "<", "2.4.62-r0"],
  ["2.4.62_alpha1", "<", "2.4.62_beta1"],
  ["2.4.62_beta2", "<", "2.4.62_rc1"],
  ["2.4.62_p1", ">", "2.4.62"],
  ["2.4.62_git20240101", ">", "2.4.62"],
  ["2.4.62a", ">", "2.4.62"],
  ["2.4.62", "<", "2.4.62.1"],
  ["2.4.9", "<", "2.4.10"],
  ["2.4.62", "=", "2.4.62-r0"],
  ["2.4.63-r0", ">", "2.4.62-r5"],
  ["2.4.41-r0", ">", "2.4.39-r0"],
  ["2.4.62_p1-r0", "<", "2.4.62_p2-r0"],
  ["2.4.62_p1-r3", ">", "2.4.62_p1-r2"],
  ["2.4.62_rc2-r5", "<", "2.4.62-r0"],
  ["2.4.62_p1", "<", "2.4.63_rc1"],
  ["2.4.35-r0", "<", "2.4.35-r1"],
]);

test("the branch of a version is its first two components", () => {
  assert.equal(upstreamBranch("2.4.49"), "2.4");
  assert.equal(upstreamBranch("2.2.35-never"), "2.2");
  assert.equal(upstreamBranch("1.3"), "1.3");
});
