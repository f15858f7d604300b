import * as path from "node:path";
import { type Diagnostics, errorCode } from "../core/diagnostics.ts";
import type { VerifiedDir } from "../core/dirfd.ts";
import { type Msg, msg } from "../core/message.ts";
import { openDataDir, readDataFile, refusalOf } from "../core/trusted-data.ts";

export { RefusedDataError } from "../core/trusted-data.ts";

import { feedById, feedOfSource } from "./feeds.ts";
import { vulnDbSchema } from "./schema.ts";
import type { VulnDb } from "./types.ts";

export const VULNDB_FILE = "vulndb.json";
/** After this many days the data may miss new CVEs or fixes, so every run says to refresh it. */
export const STALE_AFTER_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Larger files are refused, not parsed: the shipped one is about 200 KB, distro feeds make it a few MB. */
export const MAX_VULNDB_BYTES = 64 * 1024 * 1024;

export function vulnDbPath(dataDir: string): string {
  return path.join(dataDir, VULNDB_FILE);
}

/**
 * Reads and validates data/vulndb.json. Missing or damaged data is a Diagnostics entry and undefined,
 * never an exception: the rest of the audit still runs without it.
 */
export function loadVulnDb(
  dataDir: string,
  diag: Diagnostics,
  now: Date,
  host?: HostRelevance,
): VulnDb | undefined {
  const file = vulnDbPath(dataDir);
  const db = readVulnDb(file);
  if (!db.ok) {
    diag.couldNotCheck({ area: "vulndb", path: file, reason: db.reason, detail: readProblem(file, db) });
    return undefined;
  }
  const age = vulnDbAge(db.value, now, host);
  if (age.days > STALE_AFTER_DAYS) {
    diag.warn({
      area: "vulndb",
      path: file,
      reason: "stale",
      detail: msg("vulndb.stale", { days: age.days, source: age.source }),
    });
  }
  return db.value;
}

export type ReadResult =
  | { ok: true; value: VulnDb }
  | {
      ok: false;
      reason: "ENOENT" | "parse" | "untrusted" | "not-regular" | "too-large" | string;
      message: string;
      /** Set when the file or its directory was refused: which one, and why. */
      why?: Msg;
    };

/** The sentence for a failed read: missing, damaged, refused (which path and why) or unreadable. */
export function readProblem(file: string, db: ReadResult & { ok: false }): Msg {
  if (db.why) return msg("vulndb.refused", { path: file, why: db.why });
  if (db.reason === "ENOENT") return msg("vulndb.missing", { path: file });
  if (db.reason === "parse") return msg("vulndb.parse", { path: file, reason: db.message });
  return msg("vulndb.unreadable", { path: file, reason: db.message });
}

/**
 * The file itself, without diagnostics: `db status` and `db update` use it too. Read through its verified
 * directory (openDataDir): as root, a directory or file another user could change is refused, so is
 * anything but a regular file, or one larger than MAX_VULNDB_BYTES.
 */
export function readVulnDb(file: string): ReadResult {
  let text: string;
  let dir: VerifiedDir | undefined;
  try {
    dir = openDataDir(path.dirname(file));
    text = readDataFile(dir, path.basename(file), MAX_VULNDB_BYTES).toString("utf8");
  } catch (err) {
    const refused = refusalOf(err, file, MAX_VULNDB_BYTES);
    if (refused)
      return { ok: false, reason: refused.reason, message: (err as Error).message, why: refused.why };
    const code = errorCode(err);
    return { ok: false, reason: code, message: code };
  } finally {
    dir?.close();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: "parse", message: err instanceof Error ? err.message : String(err) };
  }
  const parsed = vulnDbSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "(top)";
    return { ok: false, reason: "parse", message: `${where}: ${issue?.message ?? "invalid"}` };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Which sources decide how current the data is for one host: the upstream ones (Apache, KEV) always,
 * a distro's feed only where that distro's packages are judged. `distros` are os-release IDs of the
 * package owners (empty: Apache built from source, judged upstream only). Undefined: every source.
 */
export interface HostRelevance {
  distros: readonly string[];
}

type Source = VulnDb["meta"]["sources"][number];

/** Whether a source's age matters for this host (see HostRelevance). */
export function sourceMatters(s: Source, host?: HostRelevance): boolean {
  const covers = coveredDistros(s);
  if (!covers) return !s.kept;
  if (!host) return !s.kept;
  return covers.some((d) => host.distros.includes(d));
}

/** The distros a source judges, from its feed; undefined for upstream data that judges every host. */
function coveredDistros(s: Source): readonly string[] | undefined {
  const id = feedOfSource(s);
  const feed = id ? feedById(id) : undefined;
  if (feed?.distros) return feed.distros;
  // A feed this version does not know: its name still says which distro it is about.
  const m = /\b(debian|ubuntu|almalinux|rocky|alpine|rhel|centos|suse|fedora)\b/i.exec(s.name);
  return !feed && m ? [(m[1] as string).toLowerCase()] : undefined;
}

/**
 * Whole days since the oldest source that matters was fetched (or since the build, without sources);
 * never negative. Records kept from an earlier snapshot do not count: they are there only because no
 * feed has them yet. A distro's data counts, kept or not, only on a host whose packages it judges.
 */
export function vulnDbAgeDays(db: VulnDb, now: Date, host?: HostRelevance): number {
  return vulnDbAge(db, now, host).days;
}

export function vulnDbAge(db: VulnDb, now: Date, host?: HostRelevance): { days: number; source: string } {
  let oldest = { time: Date.parse(db.meta.builtAt), source: "builtAt" };
  const fetched = db.meta.sources.filter((s) => sourceMatters(s, host));
  if (fetched.length) {
    oldest = { time: Number.POSITIVE_INFINITY, source: "" };
    for (const s of fetched) {
      const time = Date.parse(s.fetchedAt);
      if (time < oldest.time) oldest = { time, source: s.name };
    }
  }
  return { days: ageDays(oldest.time, now), source: oldest.source };
}

export function ageDays(time: number, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - time) / DAY_MS));
}
