import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compareApk,
  compareDpkg,
  compareRpm,
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
]);

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
]);

test("the branch of a version is its first two components", () => {
  assert.equal(upstreamBranch("2.4.49"), "2.4");
  assert.equal(upstreamBranch("2.2.35-never"), "2.2");
  assert.equal(upstreamBranch("1.3"), "1.3");
});
