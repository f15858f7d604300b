import * as fs from "node:fs";
import * as path from "node:path";
import type { ApacheImpact, VersionRange } from "../types.ts";
import { compareUpstream, isUpstreamVersion } from "../versions.ts";
import { type ApacheRecord, parseApacheRecord } from "./apache-cve-json.ts";
import { CVE_ID, compareCveIds, oneLine } from "./common.ts";

/**
 * Apache's own words about CVEs its JSON does not carry yet: the security team's per-CVE mails to
 * oss-security ("Severity: moderate / Affected versions: - Apache HTTP Server 2.4.0 through 2.4.68 /
 * Timeline: 2026-10-01: 2.4.69 released") and a TSV of the same facts, one row per CVE.
 * Each becomes the same ApacheRecord a CVE JSON record would give, with source "apache".
 */

const IMPACTS: readonly ApacheImpact[] = ["critical", "important", "moderate", "low"];

function impactOf(text: string | undefined): ApacheImpact {
  const s = text?.trim().toLowerCase() ?? "";
  return (IMPACTS as readonly string[]).includes(s) ? (s as ApacheImpact) : "unknown";
}

/**
 * "Apache HTTP Server 2.4.0 through 2.4.68", "Apache HTTP Server through 2.4.68",
 * "Apache HTTP Server before 2.4.69", "2.4.60 to 2.4.68", "2.4.55": one range, or undefined.
 */
export function parseAffectedText(text: string): VersionRange | undefined {
  const s = text
    .replace(/^[-*\s]*/, "")
    .replace(/^Apache HTTP Server\s*/i, "")
    .trim();
  const version = (v: string | undefined) => (v && isUpstreamVersion(v) ? v : undefined);
  let m = /^(\d+\.\d+\.\d+)\s+(?:through|to|-)\s+(\d+\.\d+\.\d+)$/i.exec(s);
  if (m && version(m[1]) && version(m[2])) return fromZero({ from: m[1], to: m[2] });
  m = /^(?:through|up to(?: and including)?)\s+(\d+\.\d+\.\d+)$/i.exec(s);
  if (m && version(m[1])) return { to: m[1] };
  m = /^(?:before|prior to)\s+(\d+\.\d+\.\d+)$/i.exec(s);
  if (m && version(m[1])) return { lessThan: m[1] };
  m = /^(\d+\.\d+\.\d+)\s+(?:before|up to)\s+(\d+\.\d+\.\d+)$/i.exec(s);
  if (m && version(m[1]) && version(m[2])) return fromZero({ from: m[1], lessThan: m[2] });
  m = /^(\d+\.\d+\.\d+)$/.exec(s);
  if (m && version(m[1])) return { exact: [m[1] as string] };
  return undefined;
}

function fromZero(r: VersionRange): VersionRange {
  return r.from === "0" ? { ...r, from: undefined } : r;
}

/** One oss-security mail from the Apache httpd security team (headers, then the announcement text). */
export function parseApacheAnnouncement(text: string): ApacheRecord {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const header = (name: string) =>
    lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1);
  const subject = oneLine(header("Subject") ?? "");
  // "CVE-2026-57941: Apache HTTP Server: mod_http2 ..." (split by hand: no regex over the free text).
  const colon = subject.indexOf(":");
  const id = colon > 0 ? subject.slice(0, colon) : "";
  const title = subject.slice(colon + 1).trim();
  if (!CVE_ID.test(id) || !title) throw new Error("no CVE id in the Subject line");
  const body = sectionsOf(lines);
  const severity = /^Severity:\s*(\S+)/im.exec(text)?.[1];
  const affected: VersionRange[] = [];
  for (const line of body.get("affected versions") ?? []) {
    const r = parseAffectedText(line);
    if (!r) throw new Error(`affected version not understood: ${oneLine(line).slice(0, 80)}`);
    affected.push(r);
  }
  if (!affected.length) throw new Error("no affected versions");
  const fixedIn: string[] = [];
  let published: string | undefined;
  for (const line of body.get("timeline") ?? []) {
    const m = /^(\d{4}-\d{2}-\d{2}):\s*(\d+\.\d+\.\d+)\s+released/i.exec(line.trim());
    if (m) {
      fixedIn.push(m[2] as string);
      if (!published || (m[1] as string) < published) published = m[1];
    }
  }
  if (!fixedIn.length) throw new Error("no release in the timeline");
  const date = /^Date:\s*(.+)$/im.exec(text)?.[1];
  const mailDate =
    date && !Number.isNaN(Date.parse(date)) ? new Date(date).toISOString().slice(0, 10) : undefined;
  return {
    id,
    title,
    impact: impactOf(severity),
    affected,
    fixedIn: [...new Set(fixedIn)].sort(compareUpstream),
    published: published ?? mailDate,
    source: "apache",
  };
}

/** "Affected versions:" / "Timeline:" headings and their non-empty lines, keyed by lower-case heading. */
function sectionsOf(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const heading = /^([A-Z][A-Za-z ]+):\s*$/.exec(line.trim());
    if (heading) {
      current = [];
      out.set((heading[1] as string).toLowerCase(), current);
      continue;
    }
    if (current && line.trim()) current.push(line.trim());
  }
  return out;
}

/**
 * The TSV derived from the mails: cve, title, apache_severity, affected_versions, fixed_in, public_date, ...
 * Columns are found by their header names, so added columns do not matter.
 */
export function parseApacheCveTsv(text: string): ApacheRecord[] {
  const rows = text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((l) => l.trim());
  const head = (rows.shift() ?? "").split("\t");
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`TSV has no ${name} column`);
    return i;
  };
  const [cCve, cTitle, cSev, cAff, cFix, cPub] = [
    col("cve"),
    col("title"),
    col("apache_severity"),
    col("affected_versions"),
    col("fixed_in"),
    col("public_date"),
  ];
  return rows.map((row, n) => {
    const f = row.split("\t");
    const id = f[cCve]?.trim() ?? "";
    if (!CVE_ID.test(id)) throw new Error(`row ${n + 2}: no CVE id`);
    const range = parseAffectedText(f[cAff] ?? "");
    if (!range) throw new Error(`row ${n + 2}: affected versions not understood`);
    const fixed = (f[cFix] ?? "").split(/[,\s]+/).filter(isUpstreamVersion);
    if (!fixed.length) throw new Error(`row ${n + 2}: no fixed_in version`);
    const pub = /^\d{4}-\d{2}-\d{2}$/.test(f[cPub]?.trim() ?? "") ? f[cPub]?.trim() : undefined;
    const record: ApacheRecord = {
      id,
      title: oneLine(f[cTitle] ?? id),
      impact: impactOf(f[cSev]),
      affected: [range],
      fixedIn: fixed.sort(compareUpstream),
      source: "apache",
    };
    if (pub) record.published = pub;
    return record;
  });
}

export interface UpstreamDirResult {
  records: ApacheRecord[];
  /** How many records each kind of file gave (before the better kind replaced them). */
  counts: { cveJson: number; announcements: number; tsv: number };
  /** The newest date any record gives: when this data was current. */
  newest?: string;
}

/**
 * A folder of Apache's later records (as ../shared/vulndata/upstream-2026-late): cvelistV5/*.json
 * (CVE JSON 5), oss-security/*.txt (the team's mails), *.tsv. For each CVE the richest form wins:
 * CVE JSON, then the mail, then the TSV row. A file that does not parse is an error naming the file:
 * the snapshot is built from reviewed data, so a broken file is a mistake to fix, not to skip.
 */
export function readApacheUpdatesDir(dir: string): UpstreamDirResult {
  const byId = new Map<string, ApacheRecord>();
  const counts = { cveJson: 0, announcements: 0, tsv: 0 };
  const files = (sub: string, ext: string) => {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) return [];
    return fs
      .readdirSync(d)
      .filter((f) => f.endsWith(ext))
      .sort()
      .map((f) => path.join(d, f));
  };
  const read = (file: string, parse: (text: string) => ApacheRecord[]): ApacheRecord[] => {
    try {
      return parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  // Lowest precedence first: later kinds overwrite.
  for (const f of files(".", ".tsv"))
    for (const r of read(f, parseApacheCveTsv)) {
      byId.set(r.id, r);
      counts.tsv++;
    }
  for (const f of files("oss-security", ".txt"))
    for (const r of read(f, (t) => [parseApacheAnnouncement(t)])) {
      byId.set(r.id, { ...r, published: r.published ?? byId.get(r.id)?.published });
      counts.announcements++;
    }
  for (const f of files("cvelistV5", ".json"))
    for (const r of read(f, (t) => [parseApacheRecord(JSON.parse(t))])) {
      byId.set(r.id, r);
      counts.cveJson++;
    }
  const records = [...byId.values()].sort((a, b) => compareCveIds(a.id, b.id));
  const newest = records
    .map((r) => r.published)
    .filter((p): p is string => Boolean(p))
    .sort()
    .at(-1);
  return { records, counts, newest };
}
