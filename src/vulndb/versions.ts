/**
 * Version ordering for the four schemes mamori meets: Apache's own release numbers and the
 * dpkg, rpm and apk package versions that distros wrap around them. Each returns <0, 0 or >0.
 */

export type VersionScheme = "upstream" | "dpkg" | "rpm" | "apk";

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isAlpha = (c: string | undefined): boolean =>
  c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Compares digit strings of any length without Number overflow ("0010" = "10"). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");
  if (x.length !== y.length) return sign(x.length - y.length);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---- Apache upstream ("2.4.49", "2.3.5-alpha", "2.4") ----

const UPSTREAM = /^(\d+(?:\.\d+)*)(?:[-_.]?([A-Za-z]+)\.?(\d*))?/;

/**
 * True when the text names one Apache release (major.minor.patch). "2.4" from a ServerTokens Minor banner
 * is not one: read as 2.4.0 it would match every CVE of the branch.
 */
export function isUpstreamVersion(v: string): boolean {
  return /^\d+\.\d+\.\d+/.test(v.trim());
}

/**
 * Apache release numbers compare component by component as numbers (2.4.49 > 2.4.5);
 * a missing component counts as 0 ("2.4" = "2.4.0"); a pre-release tag (2.3.5-alpha) sorts before the release.
 */
export function compareUpstream(a: string, b: string): number {
  const ma = UPSTREAM.exec(a.trim());
  const mb = UPSTREAM.exec(b.trim());
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  const pa = (ma[1] as string).split(".");
  const pb = (mb[1] as string).split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const c = compareDigits(pa[i] ?? "0", pb[i] ?? "0");
    if (c !== 0) return c;
  }
  const ta = ma[2]?.toLowerCase();
  const tb = mb[2]?.toLowerCase();
  if (ta === tb) return compareDigits(ma[3] || "0", mb[3] || "0");
  if (ta === undefined) return 1;
  if (tb === undefined) return -1;
  return ta < tb ? -1 : 1;
}

/** "2.4" of "2.4.49": Apache fixes each branch separately. */
export function upstreamBranch(v: string): string {
  const m = /^(\d+)\.(\d+)/.exec(v.trim());
  return m ? `${m[1]}.${m[2]}` : v;
}

// ---- dpkg (Debian policy 5.6.12) ----

export interface DpkgVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** `[epoch:]version[-release]`, the shape dpkg and rpm versions share: the release follows the last dash. */
function splitEpochRelease(v: string): { epoch: number; version: string; release?: string } {
  let s = v.trim();
  let epoch = 0;
  const colon = s.indexOf(":");
  if (colon > 0 && /^\d+$/.test(s.slice(0, colon))) {
    epoch = Number(s.slice(0, colon));
    s = s.slice(colon + 1);
  }
  const dash = s.lastIndexOf("-");
  if (dash <= 0) return { epoch, version: s };
  return { epoch, version: s.slice(0, dash), release: s.slice(dash + 1) };
}

export function parseDpkg(v: string): DpkgVersion {
  const { epoch, version, release } = splitEpochRelease(v);
  return { epoch, upstream: version, revision: release ?? "" };
}

/** dpkg's character weight: "~" before everything (even the end), letters before non-letters. */
function dpkgOrder(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAlpha(c)) return c.charCodeAt(0);
  if (c === "~") return -1;
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = dpkgOrder(a[i]);
      const bc = dpkgOrder(b[j]);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    const si = i;
    while (isDigit(a[i])) i++;
    const sj = j;
    while (isDigit(b[j])) j++;
    const c = compareDigits(a.slice(si, i) || "0", b.slice(sj, j) || "0");
    if (c !== 0) return c;
  }
  return 0;
}

export function compareDpkg(a: string, b: string): number {
  const x = parseDpkg(a);
  const y = parseDpkg(b);
  if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
  return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

// ---- rpm (rpmvercmp with epoch:version-release, "~" and "^") ----

function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const sep = (c: string | undefined) =>
    c !== undefined && !isDigit(c) && !isAlpha(c) && c !== "~" && c !== "^";
  while (i < a.length || j < b.length) {
    while (sep(a[i])) i++;
    while (sep(b[j])) j++;
    // "~" sorts before everything, even the end: 1.0~rc1 < 1.0.
    if (a[i] === "~" || b[j] === "~") {
      if (a[i] !== "~") return 1;
      if (b[j] !== "~") return -1;
      i++;
      j++;
      continue;
    }
    // "^" sorts after the end but before anything else: 1.0 < 1.0^git1 < 1.0.1.
    if (a[i] === "^" || b[j] === "^") {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== "^") return 1;
      if (b[j] !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = isDigit(a[i]);
    const same = numeric ? isDigit : isAlpha;
    const si = i;
    while (i < a.length && same(a[i])) i++;
    const sj = j;
    while (j < b.length && same(b[j])) j++;
    const sa = a.slice(si, i);
    const sb = b.slice(sj, j);
    // A number against letters: the number is newer.
    if (sb === "") return numeric ? 1 : -1;
    const c = numeric ? compareDigits(sa, sb) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (c !== 0) return c;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface RpmVersion {
  epoch: number;
  version: string;
  release?: string;
}

export function parseRpm(v: string): RpmVersion {
  return splitEpochRelease(v);
}

export function compareRpm(a: string, b: string): number {
  const x = parseRpm(a);
  const y = parseRpm(b);
  if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  // rpm compares releases only when both sides have one.
  if (x.release === undefined || y.release === undefined) return 0;
  return rpmvercmp(x.release, y.release);
}

// ---- apk (Alpine: 1.2.3a_rc1_p2-r4) ----

// Pre-release suffixes sort before the bare version, post-release ones after it.
const APK_SUFFIX_RANK: Record<string, number> = {
  alpha: 0,
  beta: 1,
  pre: 2,
  rc: 3,
  "": 4,
  cvs: 5,
  svn: 6,
  git: 7,
  hg: 8,
  p: 9,
};

interface ApkVersion {
  numbers: string[];
  letter: string;
  suffixes: Array<{ rank: number; n: string }>;
  revision: string;
}

function parseApk(v: string): ApkVersion | undefined {
  const m = /^(\d+(?:\.\d+)*)([a-z]?)((?:_[a-z]+\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/.exec(v.trim());
  if (!m) return undefined;
  const suffixes: ApkVersion["suffixes"] = [];
  for (const s of (m[3] as string).split("_").slice(1)) {
    const sm = /^([a-z]+)(\d*)$/.exec(s);
    const rank = sm ? APK_SUFFIX_RANK[sm[1] as string] : undefined;
    if (!sm || rank === undefined) return undefined;
    suffixes.push({ rank, n: sm[2] || "0" });
  }
  return { numbers: (m[1] as string).split("."), letter: m[2] as string, suffixes, revision: m[4] ?? "0" };
}

export function compareApk(a: string, b: string): number {
  const x = parseApk(a);
  const y = parseApk(b);
  if (!x || !y) return compareUpstream(a, b);
  for (let i = 0; i < Math.min(x.numbers.length, y.numbers.length); i++) {
    const c = compareDigits(x.numbers[i] as string, y.numbers[i] as string);
    if (c !== 0) return c;
  }
  if (x.numbers.length !== y.numbers.length) return sign(x.numbers.length - y.numbers.length);
  if (x.letter !== y.letter) return x.letter < y.letter ? -1 : 1;
  for (let i = 0; i < Math.max(x.suffixes.length, y.suffixes.length); i++) {
    const sa = x.suffixes[i] ?? { rank: APK_SUFFIX_RANK[""] as number, n: "0" };
    const sb = y.suffixes[i] ?? { rank: APK_SUFFIX_RANK[""] as number, n: "0" };
    if (sa.rank !== sb.rank) return sign(sa.rank - sb.rank);
    const c = compareDigits(sa.n, sb.n);
    if (c !== 0) return c;
  }
  return compareDigits(x.revision, y.revision);
}

export function comparatorFor(
  scheme: VersionScheme | "dpkg" | "rpm" | "apk",
): (a: string, b: string) => number {
  switch (scheme) {
    case "dpkg":
      return compareDpkg;
    case "rpm":
      return compareRpm;
    case "apk":
      return compareApk;
    default:
      return compareUpstream;
  }
}

// ---- rpm rebuilds (AlmaLinux/Rocky data judging a RHEL or CentOS package, and the other way round) ----

/**
 * The parts of an EL release that every rebuild shares: "65.module_el8.10.0+4233+8b7d9181.9" and RHEL's
 * "65.module+el8.10.0+22069+b47f5c72.9" both become "65.module_el8.10.0.9". The module build counter
 * ("+4233+8b7d9181") is each build system's own, so comparing it across distros means nothing, and
 * AlmaLinux marks its respins ".alma" / ".alma.1" on top of Red Hat's release.
 */
export function rebuildRelease(release: string): string {
  return release
    .replace(/module\+el/g, "module_el")
    .replace(/\+\d+\+[0-9a-f]{6,}/g, "")
    .replace(/\.(?:alma|rocky)(?:\.\d+)?$/i, "");
}

/** rpm ordering for data of one EL rebuild applied to a package of another (see rebuildRelease). */
export function compareRpmRebuild(a: string, b: string): number {
  const x = parseRpm(a);
  const y = parseRpm(b);
  if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  if (x.release === undefined || y.release === undefined) return 0;
  return rpmvercmp(rebuildRelease(x.release), rebuildRelease(y.release));
}
