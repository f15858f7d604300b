import { TRAVERSAL_CVES, traversalCvesFor } from "../checks/apache/exposure.ts";
import type { Confidence } from "../core/finding.ts";
import type { ProbeCheck, ProbeVerdict } from "./types.ts";

/** What a Server header or an Apache error page says about the server. */
export interface Banner {
  product?: string;
  version?: string;
  /** "(Debian)", "(Ubuntu)", "(Red Hat)"...: a distribution build, which backports fixes. */
  distro?: string;
  /** Where it came from: the Server header or the error page signature. */
  source: "header" | "error-page";
  raw: string;
}

const DISTROS =
  /\((Debian|Ubuntu|Red Hat|Red Hat Enterprise Linux|CentOS|Fedora|Rocky Linux|AlmaLinux|Amazon|SUSE|openSUSE|Raspbian)\)/i;

export function parseServerHeader(value: string): Banner | undefined {
  const m = /^\s*([A-Za-z](?=.*$)[\w.-]*)(?:\/(\d+(?:\.\d+)*))?(.*)$/.exec(value);
  if (!m) return undefined;
  return {
    product: m[1],
    version: m[2],
    distro: DISTROS.exec(m[3] ?? "")?.[1],
    source: "header",
    raw: value.slice(0, 200),
  };
}

/** `<address>Apache/2.4.71 (Debian) Server at example.org Port 80</address>` from an error page. */
export function parseErrorSignature(body: string): Banner | undefined {
  const m =
    /<address>\s*([^<\s](?:[^<]{0,198}?[^<\s])?)\s+Server at\s+(?:[^<\s][^<]{0,199})?<\/address>/i.exec(body);
  if (!m?.[1]) return undefined;
  const b = parseServerHeader(m[1]);
  return b ? { ...b, source: "error-page", raw: m[0].slice(0, 300) } : undefined;
}

export function isApache(b: Banner | undefined): boolean {
  return /^apache$/i.test(b?.product ?? "");
}

/**
 * What the banner alone says about CVE-2021-41773/42013: never more than "possible". `cves` are the CVEs the
 * verdict is about: for a vulnerable version only those its version carries (the audit's ranges: 2.4.50 has
 * 42013, not 41773), so a banner saying 2.4.50 never calls the server open to a CVE 2.4.50 fixed.
 */
export function bannerVerdict(b: Banner | undefined): {
  verdict: ProbeVerdict;
  confidence: Confidence;
  reason: "none" | "not-apache" | "no-version" | "distro" | "vulnerable-version" | "other-version";
  cves: string[];
} {
  const all = [...TRAVERSAL_CVES];
  const no = (reason: "none" | "not-apache" | "no-version" | "distro") =>
    ({ verdict: "inconclusive", confidence: "possible", reason, cves: all }) as const;
  if (!b) return no("none");
  if (!isApache(b)) return no("not-apache");
  if (!b.version) return no("no-version");
  if (b.distro) return no("distro");
  const carried = traversalCvesFor(b.version);
  if (carried.length > 0)
    return { verdict: "vulnerable", confidence: "possible", reason: "vulnerable-version", cves: carried };
  return { verdict: "not-vulnerable", confidence: "possible", reason: "other-version", cves: all };
}

/**
 * A weaker check never contradicts a dedicated one: the banner gives up its claim on every CVE whose own
 * check reached a definite, different verdict (a 2.4.50 banner against a traversal check that saw 2.4.50's
 * parser reject the 41773 form, or a changed banner on a server the traversal shows open). With no claim
 * left it is inconclusive, and `deferredTo` names the checks that decided.
 */
export function deferToDedicated(
  banner: ProbeCheck,
  dedicated: ProbeCheck[],
): { check: ProbeCheck; deferredTo: string[] } {
  if (banner.verdict === "inconclusive") return { check: banner, deferredTo: [] };
  const contradicted = (cve: string) =>
    dedicated.some(
      (c) => c.cves.includes(cve) && c.verdict !== "inconclusive" && c.verdict !== banner.verdict,
    );
  const kept = banner.cves.filter((cve) => !contradicted(cve));
  if (kept.length === banner.cves.length) return { check: banner, deferredTo: [] };
  const deferredTo = dedicated
    .filter((c) => c.cves.some((cve) => banner.cves.includes(cve) && !kept.includes(cve)))
    .map((c) => c.id);
  if (kept.length > 0) return { check: { ...banner, cves: kept }, deferredTo };
  return { check: { ...banner, verdict: "inconclusive", confidence: "possible" }, deferredTo };
}

/** Statuses that vulnerable 2.4.49/2.4.50 builds gave to traversal requests (lab-table.md): not the 400 of a fixed parser. */
export const TRAVERSAL_PASSED = new Set([200, 403, 404, 500]);

/** The traversal answers through one prefix. */
export interface PrefixAnswers {
  prefix: string;
  /** A plain request for a file that does not exist: must not be 400, or 400 tells nothing. */
  baseline?: number;
  /** A literal `../` traversal above the root: every Apache answers 400; anything else is not Apache's parser. */
  control?: number;
  single?: number;
  double?: number;
}

export type PrefixReading = "passed" | "rejected" | "unusable" | "ambiguous";

/** How one encoded form fared through one prefix. */
export function readPrefix(a: PrefixAnswers, form: "single" | "double"): PrefixReading {
  const status = a[form];
  if (a.baseline === undefined || a.baseline === 400 || a.baseline >= 500) return "unusable";
  if (a.control !== 400) return "unusable";
  if (status === 400) return "rejected";
  if (status !== undefined && TRAVERSAL_PASSED.has(status)) return "passed";
  return "ambiguous";
}

/**
 * The verdict for one CVE form across prefixes: one prefix that lets the encoded `..` through is enough;
 * not-vulnerable needs at least one prefix where the server showed Apache's parser and rejected the form.
 */
export function traversalVerdict(
  answers: PrefixAnswers[],
  form: "single" | "double",
  apacheSeen: boolean,
): { verdict: ProbeVerdict; confidence: Confidence; via?: string } {
  const readings = answers.map((a) => ({ a, r: readPrefix(a, form) }));
  const passed = readings.find((x) => x.r === "passed");
  if (passed)
    return { verdict: "vulnerable", confidence: apacheSeen ? "likely" : "possible", via: passed.a.prefix };
  if (readings.some((x) => x.r === "rejected") && !readings.some((x) => x.r === "ambiguous"))
    return { verdict: "not-vulnerable", confidence: apacheSeen ? "likely" : "possible" };
  return { verdict: "inconclusive", confidence: "possible" };
}

/** Traversal path through a prefix: `.%2e/%2e%2e/...` (41773) or `.%%32%65/...` (42013), then the target. */
export function traversalPath(
  prefix: string,
  form: "single" | "double" | "literal",
  depth: number,
  rest: string,
): string {
  const p = prefix.endsWith("/") ? prefix : `${prefix}/`;
  const tail = rest.replace(/^\/+/, "");
  if (form === "literal") return `${p}${"../".repeat(depth)}${tail}`;
  if (form === "single") return `${p}.%2e/${"%2e%2e/".repeat(depth - 1)}${tail}`;
  return `${p}${".%%32%65/".repeat(depth)}${tail}`;
}

/** `.git/HEAD` content shape: a symbolic ref or a bare commit id. */
export function looksLikeGitHead(body: string): boolean {
  return /^(ref: refs\/[^\s]+|[0-9a-f]{40}|[0-9a-f]{64})\s*$/.test(body.trim()) && body.length < 512;
}

/** `.env` shape: mostly KEY=value lines. Returns the keys with their values redacted, or undefined. */
export function envKeys(body: string, contentType: string | undefined): string[] | undefined {
  if (/html/i.test(contentType ?? "") || /<(html|body|head|!doctype)/i.test(body)) return undefined;
  const lines = body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) return undefined;
  const keys: string[] = [];
  for (const l of lines) {
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=/.exec(l);
    if (m?.[1]) keys.push(m[1]);
  }
  if (keys.length === 0 || keys.length < lines.length * 0.8) return undefined;
  return keys;
}

export function isDirectoryListing(body: string): boolean {
  return /<title>\s*Index of \//i.test(body) || /<h1>\s*Index of \//i.test(body);
}
