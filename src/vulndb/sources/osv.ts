import type { CveRecord, VersionRange } from "../types.ts";
import { comparatorFor, compareUpstream, type VersionScheme } from "../versions.ts";
import type { ApacheRecord } from "./apache-cve-json.ts";
import { asArray, asString, CVE_ID, isObject, isoDate, oneLine } from "./common.ts";
import { DEBIAN_CODENAMES } from "./debian.ts";
import { type DistroIndex, factsFor, setFixed, setOpen } from "./distro-index.ts";

const LEVELS = ["critical", "high", "medium", "low"] as const;

/**
 * An OSV record (Bitnami's "apache" package) for a CVE that Apache's own JSON snapshot lacks.
 * OSV has no Apache impact level, so the record keeps Bitnami's CVSS-based level apart.
 */
export function parseOsvRecord(raw: unknown): ApacheRecord {
  if (!isObject(raw)) throw new Error("record is not an object");
  const id = asArray(raw.aliases).find((a): a is string => typeof a === "string" && CVE_ID.test(a));
  if (!id) throw new Error("record has no CVE alias");
  const affected: VersionRange[] = [];
  const fixedIn: string[] = [];
  for (const a of asArray(raw.affected)) {
    if (!isObject(a)) continue;
    for (const r of asArray(a.ranges)) {
      if (!isObject(r) || (r.type !== "SEMVER" && r.type !== "ECOSYSTEM")) continue;
      let from: string | undefined;
      for (const e of asArray(r.events)) {
        if (!isObject(e)) continue;
        const introduced = asString(e.introduced);
        const fixed = asString(e.fixed);
        const last = asString(e.last_affected);
        if (introduced !== undefined) from = introduced === "0" ? undefined : introduced;
        else if (fixed) {
          affected.push(from ? { from, lessThan: fixed } : { lessThan: fixed });
          fixedIn.push(fixed);
          from = undefined;
        } else if (last) {
          affected.push(from ? { from, to: last } : { to: last });
          from = undefined;
        }
      }
    }
  }
  const sev = asString(
    isObject(raw.database_specific) ? raw.database_specific.severity : undefined,
  )?.toLowerCase();
  const record: ApacheRecord = {
    id,
    title: oneLine(asString(raw.summary) ?? id),
    impact: "unknown",
    affected,
    fixedIn: [...new Set(fixedIn)].sort(compareUpstream),
    published: isoDate(raw.published),
    source: "osv-bitnami",
  };
  if (sev && (LEVELS as readonly string[]).includes(sev))
    record.cvssSeverity = sev as CveRecord["cvssSeverity"];
  return record;
}

// ---- OSV records of distributions (Ubuntu USN / UBUNTU-CVE, AlmaLinux and Rocky errata, Debian, Alpine...) ----

export interface OsvEcosystem {
  /** The distro module id, and prefix of the release key ("almalinux"). */
  distro: string;
  /** The release part of the key ("9", "20.04", "bookworm", "3.20"). */
  release: string;
  scheme: VersionScheme;
  /** Ubuntu Pro (ESM) or another paid stream: the fix reaches only hosts subscribed to it. */
  pro?: boolean;
}

/**
 * The release an OSV ecosystem names, as the key mamori's snapshot uses. Unknown ecosystems, and Red Hat's
 * extended-support streams (their versions are another series), give undefined and are skipped.
 */
export function osvEcosystem(ecosystem: string): OsvEcosystem | undefined {
  const e = ecosystem.trim();
  let m = /^Ubuntu:(Pro:)?(?:FIPS[^:]*:)?(\d{2}\.\d{2})(?::LTS)?$/.exec(e);
  if (m) return { distro: "ubuntu", release: m[2] as string, scheme: "dpkg", pro: Boolean(m[1]) };
  m = /^AlmaLinux:(\d+)$/.exec(e);
  if (m) return { distro: "almalinux", release: m[1] as string, scheme: "rpm" };
  m = /^Rocky Linux:(\d+)$/.exec(e);
  if (m) return { distro: "rocky", release: m[1] as string, scheme: "rpm" };
  m = /^Red Hat:enterprise_linux:(\d+)(?::|$)/.exec(e);
  if (m) return { distro: "rhel", release: m[1] as string, scheme: "rpm" };
  m = /^Debian:(\d+)$/.exec(e);
  if (m && DEBIAN_CODENAMES[m[1] as string])
    return { distro: "debian", release: DEBIAN_CODENAMES[m[1] as string] as string, scheme: "dpkg" };
  m = /^Alpine:v(\d+\.\d+)$/.exec(e);
  if (m) return { distro: "alpine", release: m[1] as string, scheme: "apk" };
  m = /^SUSE:Linux Enterprise Server (\d+)(?: SP(\d+))?$/.exec(e);
  if (m) return { distro: "sles", release: `${m[1]}${m[2] ? `.${m[2]}` : ""}`, scheme: "rpm" };
  m = /^openSUSE:Leap (\d+\.\d+)$/.exec(e);
  if (m) return { distro: "opensuse-leap", release: m[1] as string, scheme: "rpm" };
  return undefined;
}

/**
 * The web server's own source package per package manager, and the binary packages built from it:
 * a fix in any of them is a fix of the server. mod_http2 and mod_md are separate source packages on EL9/EL10.
 */
const SERVER_SOURCE: Record<VersionScheme, string> = {
  dpkg: "apache2",
  rpm: "httpd",
  apk: "apache2",
  upstream: "apache",
};
const RPM_FROM_HTTPD = new Set([
  "httpd",
  "httpd-core",
  "httpd-tools",
  "httpd-devel",
  "httpd-filesystem",
  "httpd-manual",
  "mod_ssl",
  "mod_ldap",
  "mod_session",
  "mod_proxy_html",
  "mod_lua",
]);
/** Separately built modules whose fixes count for the server, kept apart under "<key>/<package>". */
const SEPARATE_MODULES = new Set(["mod_http2", "mod_md"]);

/** The source package of a binary package: apache2 for apache2-bin, httpd for httpd-core and mod_ssl. */
export function serverSourcePackage(scheme: VersionScheme, name: string): string | undefined {
  if (scheme === "rpm") {
    if (RPM_FROM_HTTPD.has(name)) return "httpd";
    // SUSE names its package apache2 (apache2-prefork, apache2-utils...).
    if (name === "apache2" || name.startsWith("apache2-")) return "apache2";
    return SEPARATE_MODULES.has(name) ? name : undefined;
  }
  if (name === "apache2" || name.startsWith("apache2-")) return SERVER_SOURCE[scheme];
  return undefined;
}

/** The CVE ids a record is about: its own id, aliases, Ubuntu's "upstream" and errata's "related". */
function cveIds(raw: Record<string, unknown>): string[] {
  const ids = [raw.id, ...asArray(raw.aliases), ...asArray(raw.upstream), ...asArray(raw.related)]
    .map((v) => (typeof v === "string" ? v.replace(/^UBUNTU-/, "") : ""))
    .filter((v) => CVE_ID.test(v));
  return [...new Set(ids)];
}

/** Ubuntu lists per release which of the notice's CVEs it fixed there (database_specific.cves_map). */
function releaseCves(entry: Record<string, unknown>): string[] | undefined {
  const map = isObject(entry.database_specific) ? entry.database_specific.cves_map : undefined;
  if (!isObject(map) || !Array.isArray(map.cves)) return undefined;
  return map.cves
    .map((c) => (isObject(c) ? asString(c.id) : asString(c)))
    .filter((c): c is string => c !== undefined && CVE_ID.test(c));
}

interface ReleaseEntry {
  key: string;
  scheme: VersionScheme;
  /** Fixed version of the server's source package, if the record has one for this release. */
  fixed?: string;
  /** The server package is listed with no fix: still open. */
  open: boolean;
  /** Fixed versions of separately built modules (mod_http2...). */
  modules: Map<string, string>;
  cves?: string[];
}

/** rpm epochs of the httpd family differ (mod_ssl 1:, httpd none); httpd's own entry is the one to use. */
const PREFERRED = ["httpd", "httpd-core", "apache2", "apache2-bin"];

/**
 * One distro OSV record (USN-*, UBUNTU-CVE-*, ALSA-*, RLSA-*, DSA-*, ALPINE-*...) into the distro index:
 * per CVE and release, the version of the server's source package that fixed it, or "open" when the
 * record lists the package without a fix. Records about other packages add nothing.
 */
export function parseDistroOsvRecord(raw: unknown, index: DistroIndex = new Map()): DistroIndex {
  if (!isObject(raw)) throw new Error("record is not an object");
  const ids = cveIds(raw);
  const advisory = asString(raw.id);
  const releases = new Map<string, ReleaseEntry & { from: string }>();
  for (const a of asArray(raw.affected)) {
    if (!isObject(a) || !isObject(a.package)) continue;
    const eco = osvEcosystem(asString(a.package.ecosystem) ?? "");
    const name = asString(a.package.name);
    if (!eco || !name) continue;
    const source = serverSourcePackage(eco.scheme, name);
    if (!source) continue;
    const key = `${eco.distro}:${eco.release}`;
    let r = releases.get(key);
    if (!r) {
      r = { key, scheme: eco.scheme, open: false, modules: new Map(), from: "" };
      releases.set(key, r);
    }
    const cves = releaseCves(a);
    if (cves) r.cves = [...new Set([...(r.cves ?? []), ...cves])];
    const compare = comparatorFor(eco.scheme);
    for (const range of asArray(a.ranges)) {
      if (!isObject(range) || range.type !== "ECOSYSTEM") continue;
      const events = asArray(range.events).filter(isObject);
      const fixed = events.map((e) => asString(e.fixed)).find((v) => v !== undefined);
      const introduced = events.some((e) => asString(e.introduced) !== undefined);
      if (!SEPARATE_MODULES.has(source)) {
        if (!fixed) {
          if (introduced) r.open = true;
          continue;
        }
        const rank = (n: string) => (PREFERRED.includes(n) ? 0 : 1);
        if (r.fixed === undefined || rank(name) < rank(r.from)) {
          r.fixed = rank(name) === 0 ? fixed : fixed.replace(/^\d+:/, "");
          r.from = name;
        } else if (rank(name) === rank(r.from) && compare(fixed, r.fixed) > 0) r.fixed = fixed;
      } else if (fixed) {
        const old = r.modules.get(source);
        if (old === undefined || compare(fixed, old) > 0) r.modules.set(source, fixed);
      }
    }
  }
  for (const r of releases.values()) {
    const compare = comparatorFor(r.scheme);
    for (const cve of r.cves ?? ids) {
      const f = factsFor(index, cve);
      if (r.fixed !== undefined) setFixed(f, r.key, r.fixed, compare);
      // An advisory that rebuilt the whole module stream (EL8 httpd:2.4) lists mod_http2 at whatever
      // version the stream had: only an advisory without the server package is a fix of the module.
      // EL8's module stream ("module_el8") ships mod_http2 with httpd, and an advisory that lists only the
      // module is a gap in the errata, not a separate fix: those are left out.
      else
        for (const [mod, v] of r.modules)
          if (!/module[_+]el/.test(v)) setFixed(f, `${r.key}/${mod}`, v, compare);
      if (r.fixed === undefined && r.open) setOpen(f, r.key);
      if (advisory && !CVE_ID.test(advisory) && !advisory.startsWith("UBUNTU-CVE-"))
        f.advisories.add(advisory);
    }
  }
  return index;
}
