import { branchOf } from "../../facts/constants.ts";

export { branchOf };

/** Compares dotted upstream versions numerically ("2.4.9" < "2.4.49"); for <IfVersion> and branch tests. */
export function compareUpstream(a: string, b: string): number {
  const pa = a.split(/[.]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The upstream part of a package version: "1:2.4.38-3+deb10u7" -> "2.4.38", "2.4.57-r0" -> "2.4.57". */
export function upstreamOfPackageVersion(v: string): string | undefined {
  const m = /^(?:\d+:)?(\d+\.\d+(?:\.\d+)?)/.exec(v.trim());
  return m?.[1];
}

/**
 * Third-party builds repackage upstream (Ondřej Surý's deb.sury.org and Launchpad PPAs): the distro's
 * security data does not describe them, so they are judged by upstream version ranges.
 */
export function isThirdPartyVersion(v: string): boolean {
  return /deb\.sury\.org|~ppa|\+ppa|ppa\d|~bpo\d*\+sury/i.test(v);
}
