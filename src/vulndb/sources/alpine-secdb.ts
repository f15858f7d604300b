import { compareApk } from "../versions.ts";
import { asArray, asString, CVE_ID, isObject, SourceError } from "./common.ts";
import { type DistroIndex, factsFor, setFixed } from "./distro-index.ts";

export const ALPINE_SOURCE = "Alpine security database (secdb)";

/**
 * One branch of Alpine's secdb (https://secdb.alpinelinux.org/v3.20/main.json):
 *   { "distroversion": "v3.20", "packages": [ { "pkg": { "name": "apache2",
 *     "secfixes": { "2.4.62-r0": ["CVE-2024-40725", ...] } } } ] }
 * A CVE listed under a version is fixed from that apk version on; under "0", the branch was never affected
 * (kept as fixed version "0", which the matcher reads as "not affected").
 */
export function parseAlpineSecdb(raw: unknown, pkg = "apache2", index: DistroIndex = new Map()): DistroIndex {
  if (!isObject(raw)) throw new SourceError(ALPINE_SOURCE, "vulndb.fail.notObject");
  const branch = /^v?(\d+\.\d+)$/.exec(asString(raw.distroversion) ?? "");
  if (!branch) throw new SourceError(ALPINE_SOURCE, "vulndb.fail.notObject");
  const key = `alpine:${branch[1]}`;
  for (const p of asArray(raw.packages)) {
    const body = isObject(p) && isObject(p.pkg) ? p.pkg : undefined;
    if (!body || body.name !== pkg || !isObject(body.secfixes)) continue;
    for (const [version, cves] of Object.entries(body.secfixes)) {
      if (!/^(0|\d[\w.~-]*)$/.test(version)) continue;
      for (const c of asArray(cves)) {
        // Entries may carry a note after the id ("CVE-2019-10097 (not affected)"); the id comes first.
        const id = asString(c)?.split(/\s+/)[0];
        if (id && CVE_ID.test(id)) setFixed(factsFor(index, id), key, version, apkOrder);
      }
    }
  }
  return index;
}

/** "0" (never affected) ranks below any real fix: a branch that also lists a fix version is judged by it. */
function apkOrder(a: string, b: string): number {
  if (a === "0" || b === "0") return a === b ? 0 : a === "0" ? -1 : 1;
  return compareApk(a, b);
}

/**
 * The secdb YAML (the same data as main.json; the mirror in ../shared keeps the YAML of v3.3-v3.11):
 * only the shape secdb writes is read: a "# ---- alpine-secdb vX.Y/main.yaml" header per branch, then
 * "- pkg:", "name:", "secfixes:", "<version>:" and "- CVE-…" lines. Gives one secdb object per branch.
 */
export function secdbYamlToJson(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let branch:
    | {
        distroversion: string;
        packages: Array<{ pkg: { name: string; secfixes: Record<string, string[]> } }>;
      }
    | undefined;
  let pkg: { name: string; secfixes: Record<string, string[]> } | undefined;
  let version: string | undefined;
  for (const line of text.split("\n")) {
    const head = /^#\s*-+\s*alpine-secdb\s+(v\d+\.\d+)\//.exec(line);
    if (head) {
      branch = { distroversion: head[1] as string, packages: [] };
      out.push(branch);
      pkg = undefined;
      continue;
    }
    if (/^\s*#/.test(line) || !branch) continue;
    if (/^\s*-\s*pkg:\s*$/.test(line)) {
      pkg = { name: "", secfixes: {} };
      branch.packages.push({ pkg });
      version = undefined;
      continue;
    }
    const name = /^\s+name:\s*(\S+)\s*$/.exec(line);
    if (name && pkg) {
      pkg.name = name[1] as string;
      continue;
    }
    const ver = /^\s+["']?([0-9][\w.~-]*)["']?:\s*$/.exec(line);
    if (ver && pkg) {
      version = ver[1] as string;
      pkg.secfixes[version] = [];
      continue;
    }
    // A list item: "- CVE-…"; trimmed by hand, a regex over runs of blanks backtracks on hostile input.
    const trimmed = line.trim();
    if (trimmed.startsWith("- ") && pkg && version) pkg.secfixes[version]?.push(trimmed.slice(2).trim());
  }
  return out;
}
