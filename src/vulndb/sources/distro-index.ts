/**
 * What every distro feed parses into: per CVE, the fixed package version per release key
 * ("ubuntu:20.04", "almalinux:9", "debian:bookworm"), the releases still open, and the advisories.
 * A fix shipped in another source package than the web server's own (EL9's mod_http2) is keyed
 * "almalinux:9/mod_http2": the httpd package's version says nothing about it.
 */
export interface DistroFacts {
  fixed: Map<string, string>;
  open: Set<string>;
  advisories: Set<string>;
  /** Date of the earliest Debian advisory that fixed it in any release (ISO date). */
  firstAdvisory?: string;
}

export type DistroIndex = Map<string, DistroFacts>;

export function factsFor(index: DistroIndex, cve: string): DistroFacts {
  let f = index.get(cve);
  if (!f) {
    f = { fixed: new Map(), open: new Set(), advisories: new Set() };
    index.set(cve, f);
  }
  return f;
}

/**
 * When two advisories fix one CVE in one release (a regression or incomplete-fix update), the later
 * version is the safe one: OSV's ranges say every version before each "fixed" is affected.
 */
export function setFixed(
  f: DistroFacts,
  key: string,
  version: string,
  compare: (a: string, b: string) => number,
): void {
  const old = f.fixed.get(key);
  if (old === undefined || compare(version, old) > 0) f.fixed.set(key, version);
  f.open.delete(key);
}

/** A release with no fix yet; a fix from another record for the same release wins. */
export function setOpen(f: DistroFacts, key: string): void {
  if (!f.fixed.has(key)) f.open.add(key);
}

/** Adds one index into another (several feeds, several files of one feed). */
export function mergeIndex(
  into: DistroIndex,
  from: DistroIndex,
  compare: (key: string) => (a: string, b: string) => number,
): DistroIndex {
  for (const [cve, f] of from) {
    const t = factsFor(into, cve);
    for (const [key, v] of f.fixed) setFixed(t, key, v, compare(key));
    for (const key of f.open) setOpen(t, key);
    for (const a of f.advisories) t.advisories.add(a);
    if (f.firstAdvisory && (!t.firstAdvisory || f.firstAdvisory < t.firstAdvisory))
      t.firstAdvisory = f.firstAdvisory;
  }
  return into;
}
