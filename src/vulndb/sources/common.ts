import { type MessageKey, type Params, translator } from "../../i18n/index.ts";

/** A source that could not be read or failed its sanity check; `source` names it for the one-line message. */
/**
 * A feed that failed. The message is English (logs, tests); `key` and `params` give the same sentence
 * from the dictionary, so the CLI says it in the user's language.
 */
export class SourceError extends Error {
  readonly source: string;
  readonly key: MessageKey;
  readonly params: Params;
  constructor(source: string, key: MessageKey, params: Params = {}) {
    super(translator("en")(key, params));
    this.source = source;
    this.key = key;
    this.params = params;
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
