import type { Params, Translator } from "../i18n/index.ts";

/**
 * Times as a reader of human output wants them: local wall-clock time with its zone, one format
 * everywhere ("2026-11-18 12:12:30 JST", "2026-11-18 03:12:30 UTC", "2026-11-18 04:12:30 +01:00").
 * The zone is resolved once by the CLI (from TZ) and passed in; JSON and SARIF keep UTC ISO.
 */

const UTC = "UTC";

/** The IANA zone from a TZ value ("Asia/Tokyo", ":Asia/Tokyo", "UTC"); undefined when Intl does not know it. */
export function zoneOf(tz: string | undefined): string | undefined {
  if (tz === undefined || tz === "") return undefined;
  const name = tz.startsWith(":") ? tz.slice(1) : tz;
  // A path form (":/usr/share/zoneinfo/Asia/Tokyo") names the zone after zoneinfo/.
  const zone = name.includes("zoneinfo/") ? name.slice(name.indexOf("zoneinfo/") + 9) : name;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zone of this run: TZ when it names a zone, else the system's zone, else UTC. */
export function resolveTimeZone(env: NodeJS.ProcessEnv): string {
  return zoneOf(env.TZ) ?? zoneOf(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? UTC;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** "JST", "UTC", "EST" where the zone has a common abbreviation, else the offset ("+05:30"). */
function zoneLabel(zone: string, at: Date): string {
  if (zone === UTC || zone === "Etc/UTC" || zone === "Etc/GMT") return UTC;
  for (const locale of ["en-US", "ja-JP"]) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value;
    if (name && /^[A-Z]{2,5}$/.test(name) && name !== "GMT") return name;
  }
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /GMT([+-]\d\d:\d\d)/.exec(parts ?? "");
  return m?.[1] ?? UTC;
}

function wallClock(at: Date, zone: string): { day: string; time: string } {
  const p = Object.fromEntries(
    formatter(zone)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}

/** "2026-11-18 12:12:30 JST": a moment in the reader's zone. */
export function localTime(at: Date | number | string, zone: string = UTC): string {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const { day, time } = wallClock(d, zone);
  return `${day} ${time} ${zoneLabel(zone, d)}`;
}

// ISO 8601 in UTC as mamori writes it, and the "2026-11-20 03:14:07 UTC" form of incident stories.
const ISO_UTC = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d{1,9})?Z$/;
const STORY_UTC = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC$/;
const HMS = /^\d\d:\d\d:\d\d$/;
const ISO_IN_TEXT = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z\b/g;

/** A UTC timestamp string in the reader's zone; anything else unchanged. */
export function localizeTime(s: string, zone: string = UTC): string {
  const m = ISO_UTC.exec(s) ?? STORY_UTC.exec(s);
  return m ? localTime(Date.parse(`${m[1]}T${m[2]}Z`), zone) : s;
}

/** Every UTC ISO timestamp inside a sentence, in the reader's zone. */
export function localizeTimesIn(s: string, zone: string = UTC): string {
  return s.includes("T") ? s.replace(ISO_IN_TEXT, (iso) => localTime(iso, zone)) : s;
}

/**
 * A translator whose time parameters come out in the reader's zone. Incident stories name the first
 * time in full and later ones on the same day as "03:14:20"; those follow the last full time seen, so
 * the short form stays right (and becomes the full form when the local day differs).
 */
export function zonedTranslator(t: Translator, zone: string = UTC): Translator {
  let lastDay: string | undefined; // the UTC day of the last full time
  let lastLocalDay: string | undefined;
  const one = (v: string | number): string | number => {
    if (typeof v !== "string") return v;
    const m = ISO_UTC.exec(v) ?? STORY_UTC.exec(v);
    if (m) {
      const ms = Date.parse(`${m[1]}T${m[2]}Z`);
      lastDay = m[1];
      lastLocalDay = wallClock(new Date(ms), zone).day;
      return localTime(ms, zone);
    }
    if (HMS.test(v) && lastDay !== undefined) {
      const d = new Date(`${lastDay}T${v}Z`);
      if (Number.isNaN(d.getTime())) return v;
      const local = wallClock(d, zone);
      return local.day === lastLocalDay ? local.time : localTime(d, zone);
    }
    return localizeTimesIn(v, zone);
  };
  return (key, params?: Params) => {
    if (!params) return t(key);
    const out: Params = {};
    for (const [k, v] of Object.entries(params)) out[k] = one(v);
    return t(key, out);
  };
}
