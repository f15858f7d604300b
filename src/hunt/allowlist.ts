import { parse } from "yaml";

/**
 * `--allowlist FILE`: items the operator accepts (their own miner, a build user), each with a reason
 * and an expiry date. Identified by path plus sha256, by user, or by pool; an expired entry stops
 * suppressing and is reported so it gets reviewed.
 */
export interface AllowEntry {
  path?: string;
  sha256?: string;
  user?: string;
  pool?: string;
  reason: string;
  expires: string;
  /** 1-based position in the file, for messages. */
  index: number;
}

export class AllowlistError extends Error {}

export function parseAllowlist(text: string): AllowEntry[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new AllowlistError(err instanceof Error ? err.message : String(err));
  }
  const items = Array.isArray(doc) ? doc : ((doc as { allow?: unknown } | null)?.allow ?? []);
  if (!Array.isArray(items)) throw new AllowlistError("expected a list of entries (or `allow:` with a list)");
  return items.map((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const str = (k: string) => (e[k] === undefined || e[k] === null ? undefined : String(e[k]));
    const entry: AllowEntry = {
      path: str("path"),
      sha256: str("sha256")?.toLowerCase(),
      user: str("user"),
      pool: str("pool")?.toLowerCase(),
      reason: str("reason") ?? "",
      expires: e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : (str("expires") ?? ""),
      index: i + 1,
    };
    if (!entry.reason) throw new AllowlistError(`entry ${i + 1}: a reason is required`);
    if (!entry.expires || Number.isNaN(Date.parse(entry.expires)))
      throw new AllowlistError(`entry ${i + 1}: an expiry date (expires: YYYY-MM-DD) is required`);
    if (entry.path && !entry.sha256)
      throw new AllowlistError(
        `entry ${i + 1}: a path needs its sha256 (a path alone can be reused by anyone)`,
      );
    if (!entry.path && !entry.user && !entry.pool)
      throw new AllowlistError(`entry ${i + 1}: give path plus sha256, user, or pool`);
    return entry;
  });
}

/** An entry is active until the end of its expiry day (UTC). */
export function isExpired(e: AllowEntry, now: Date): boolean {
  const end = Date.parse(e.expires.length <= 10 ? `${e.expires}T23:59:59.999Z` : e.expires);
  return now.getTime() > end;
}

export interface AllowSubject {
  exe?: string;
  path?: string;
  sha256?: string;
  user?: string;
  pools?: string[];
}

export function allowMatches(e: AllowEntry, s: AllowSubject): boolean {
  if (e.path) {
    const p = s.exe ?? s.path;
    if (p !== e.path || !s.sha256 || s.sha256 !== e.sha256) return false;
  }
  if (e.user && s.user !== e.user) return false;
  if (e.pool) {
    const pools = (s.pools ?? []).map((p) => p.toLowerCase());
    if (!pools.some((p) => p === e.pool || p.endsWith(`.${e.pool}`) || p.startsWith(`${e.pool}:`)))
      return false;
  }
  return true;
}
