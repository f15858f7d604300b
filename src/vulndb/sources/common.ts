/** A source that could not be read or failed its sanity check; `source` names it for the one-line message. */
export class SourceError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(message);
    this.source = source;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/** Titles are shown in reports: one line, single spaces. */
export function oneLine(v: string): string {
  return v.replace(/\s+/g, " ").trim();
}

/** "2021-10-04T00:00:00Z" -> "2021-10-04"; anything that is not a date -> undefined. */
export function isoDate(v: unknown): string | undefined {
  const s = asString(v);
  if (!s) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(s);
  return m ? m[1] : undefined;
}

/** CVE ids sort by year, then by number (CVE-2021-9999 before CVE-2021-10000). */
export function compareCveIds(a: string, b: string): number {
  const pa = /^CVE-(\d+)-(\d+)$/.exec(a);
  const pb = /^CVE-(\d+)-(\d+)$/.exec(b);
  if (pa && pb) return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

export const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
