import * as fs from "node:fs";
import * as path from "node:path";
import { type Diagnostics, errorCode } from "../core/diagnostics.ts";
import { msg } from "../core/message.ts";
import { vulnDbSchema } from "./schema.ts";
import type { VulnDb } from "./types.ts";

export const VULNDB_FILE = "vulndb.json";
/** After this many days the data may miss new CVEs or fixes, so every run says to refresh it. */
export const STALE_AFTER_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export function vulnDbPath(dataDir: string): string {
  return path.join(dataDir, VULNDB_FILE);
}

/**
 * Reads and validates data/vulndb.json. Missing or damaged data is a Diagnostics entry and undefined,
 * never an exception: the rest of the audit still runs without it.
 */
export function loadVulnDb(dataDir: string, diag: Diagnostics, now: Date): VulnDb | undefined {
  const file = vulnDbPath(dataDir);
  const db = readVulnDb(file);
  if (!db.ok) {
    const detail =
      db.reason === "ENOENT"
        ? msg("vulndb.missing", { path: file })
        : db.reason === "parse"
          ? msg("vulndb.parse", { path: file, reason: db.message })
          : msg("vulndb.unreadable", { path: file, reason: db.message });
    diag.couldNotCheck({ area: "vulndb", path: file, reason: db.reason, detail });
    return undefined;
  }
  const age = vulnDbAge(db.value, now);
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
  | { ok: false; reason: "ENOENT" | "parse" | string; message: string };

/** The file itself, without diagnostics: `db status` and `db update` use it too. */
export function readVulnDb(file: string): ReadResult {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = errorCode(err);
    return { ok: false, reason: code, message: code };
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
 * Whole days since the oldest source was fetched (or since the build, without sources); never negative.
 * Records kept from an earlier snapshot do not count: they are there only because no feed has them yet.
 */
export function vulnDbAgeDays(db: VulnDb, now: Date): number {
  return vulnDbAge(db, now).days;
}

function vulnDbAge(db: VulnDb, now: Date): { days: number; source: string } {
  let oldest = { time: Date.parse(db.meta.builtAt), source: "builtAt" };
  const fetched = db.meta.sources.filter((s) => !s.kept);
  if (fetched.length) {
    oldest = { time: Number.POSITIVE_INFINITY, source: "" };
    for (const s of fetched) {
      const time = Date.parse(s.fetchedAt);
      if (time < oldest.time) oldest = { time, source: s.name };
    }
  }
  return { days: Math.max(0, Math.floor((now.getTime() - oldest.time) / DAY_MS)), source: oldest.source };
}
