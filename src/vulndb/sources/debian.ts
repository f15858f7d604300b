import { compareDpkg } from "../versions.ts";
import { asString, CVE_ID, isObject, SourceError } from "./common.ts";
import { type DistroFacts, type DistroIndex, factsFor, setFixed as setFixedWith } from "./distro-index.ts";

export type { DistroFacts, DistroIndex } from "./distro-index.ts";

export const DEBIAN_SOURCE = "Debian security tracker";

/** When two advisories fix one CVE in one release (a regression update), the later version is the safe one. */
function setFixed(f: DistroFacts, key: string, version: string): void {
  setFixedWith(f, key, version, compareDpkg);
}

/**
 * The security tracker's data/DSA/list and data/DLA/list, restricted to one source package:
 *   [04 Jan 2022] DSA-5035-1 apache2 - security update
 *   	{CVE-2021-44224 CVE-2021-44790}
 *   	[buster] - apache2 2.4.38-3+deb10u7
 */
export function parseDebianAdvisoryList(
  text: string,
  pkg = "apache2",
  index: DistroIndex = new Map(),
): DistroIndex {
  let advisory: string | undefined;
  let date: string | undefined;
  let cves: string[] = [];
  for (const line of text.split("\n")) {
    const head = /^\[([^\]]+)\]\s+(D[SL]A-\d+-\d+)\s+(\S+)/.exec(line);
    if (head) {
      advisory = head[3] === pkg ? head[2] : undefined;
      date = advisoryDate(head[1] as string);
      cves = [];
      continue;
    }
    if (!advisory) continue;
    const ids = /^\s+\{([^}]*)\}/.exec(line);
    if (ids) {
      cves = (ids[1] as string).split(/\s+/).filter((c) => CVE_ID.test(c));
      continue;
    }
    const fix = /^\s+\[([a-z]+)\]\s+-\s+(\S+)\s+(\S+)/.exec(line);
    if (fix && fix[2] === pkg) {
      for (const cve of cves) {
        const f = factsFor(index, cve);
        setFixed(f, `debian:${fix[1]}`, fix[3] as string);
        f.advisories.add(advisory);
        if (date && (!f.firstAdvisory || date < f.firstAdvisory)) f.firstAdvisory = date;
      }
    }
  }
  return index;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** "04 Jan 2022" -> "2022-01-04". */
function advisoryDate(text: string): string | undefined {
  const m = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/.exec(text.trim());
  const month = m ? MONTHS.indexOf((m[2] as string).toLowerCase()) : -1;
  if (!m || month < 0) return undefined;
  return `${m[3]}-${String(month + 1).padStart(2, "0")}-${(m[1] as string).padStart(2, "0")}`;
}

/**
 * The tracker's JSON (https://security-tracker.debian.org/tracker/data/json):
 * { "apache2": { "CVE-…": { "releases": { "bookworm": { "status": "resolved", "fixed_version": "2.4.57-2" } } } } }.
 * A resolved fixed_version "0" is the tracker's way of saying the release was never affected.
 */
export function parseDebianTracker(raw: unknown, pkg = "apache2"): DistroIndex {
  if (!isObject(raw)) throw new SourceError(DEBIAN_SOURCE, "vulndb.fail.notObject");
  const packageData = raw[pkg];
  if (!isObject(packageData)) throw new SourceError(DEBIAN_SOURCE, "vulndb.fail.noPackage", { pkg });
  const index: DistroIndex = new Map();
  for (const [cve, entry] of Object.entries(packageData)) {
    if (!CVE_ID.test(cve) || !isObject(entry) || !isObject(entry.releases)) continue;
    for (const [release, r] of Object.entries(entry.releases)) {
      if (!isObject(r) || !/^[a-z]+$/.test(release)) continue;
      const status = asString(r.status);
      const fixed = asString(r.fixed_version);
      const key = `debian:${release}`;
      if (status === "resolved" && fixed) setFixed(factsFor(index, cve), key, fixed);
      else if (status === "open" || status === "undetermined") factsFor(index, cve).open.add(key);
    }
  }
  return index;
}

/**
 * When each Debian release became stable. An advisory only lists releases that were already out, so a
 * CVE fixed by an advisory before a release came out was fixed in that release before it shipped.
 */
export const DEBIAN_RELEASE_DATES: Record<string, string> = {
  etch: "2007-04-08",
  lenny: "2009-02-14",
  squeeze: "2011-02-06",
  wheezy: "2013-05-04",
  jessie: "2015-04-25",
  stretch: "2017-06-17",
  buster: "2019-07-06",
  bullseye: "2021-08-14",
  bookworm: "2023-06-10",
  trixie: "2025-08-09",
};

/** Debian's release numbers, for an os-release that gives VERSION_ID but no codename. */
export const DEBIAN_CODENAMES: Record<string, string> = {
  "6": "squeeze",
  "7": "wheezy",
  "8": "jessie",
  "9": "stretch",
  "10": "buster",
  "11": "bullseye",
  "12": "bookworm",
  "13": "trixie",
  "14": "forky",
};
