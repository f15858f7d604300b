/**
 * The ignore file (like Trivy's .trivyignore.yaml): findings an operator has looked at and accepted, each
 * with a reason and an expiry. Ignored findings are never dropped silently: the report counts them, JSON
 * lists them, an expired entry stops applying and says so, a malformed entry is named by its line and
 * the other entries still apply. As root the file must be one only root can change (trusted-file.ts):
 * whoever can write it could hide their own miner.
 */
import { isMap, isSeq, LineCounter, parseDocument, type YAMLMap } from "yaml";
import type { NotChecked } from "./diagnostics.ts";
import type { Finding, Severity } from "./finding.ts";
import { msg, type Text } from "./message.ts";
import { readTrustedText, UntrustedFileError } from "./trusted-file.ts";

export const DEFAULT_IGNORE_PATH = "/etc/mamori/ignore.yaml";

export interface IgnoreEntry {
  /** A CVE id, a finding id (`check:hash`) or a check / rule id (`process.miner`, a log rule's id). */
  id: string;
  /** Only findings whose evidence names this exact path. */
  path?: string;
  /** Only on the host of this name (one file shared by several servers). */
  host?: string;
  /** Only findings about this exact client address (a log finding from your own vulnerability scanner). */
  ip?: string;
  reason: string;
  /** YYYY-MM-DD: the entry applies through the end of that day (UTC). */
  expires: string;
  /** Where the entry is written: "file:line". */
  source: string;
}

export interface IgnoreRules {
  entries: IgnoreEntry[];
  /** Entries skipped and files refused, as report warnings. */
  problems: NotChecked[];
  /** List every ignored finding in the report's warnings too (--show-ignored). */
  show?: boolean;
}

/** One ignored finding as the report keeps it (JSON `ignored`). */
export interface IgnoredFinding {
  id: string;
  check: string;
  severity: Severity;
  title: Text;
  cves: string[];
  rule: {
    id: string;
    reason: string;
    expires: string;
    source: string;
    path?: string;
    host?: string;
    ip?: string;
  };
}

const MAX_ENTRIES = 5000;
const MAX_FIELD = 500;
const KEYS = new Set(["id", "path", "host", "ip", "reason", "expires"]);
const CVE = /^CVE-\d{4}-\d{4,7}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function emptyIgnore(): IgnoreRules {
  return { entries: [], problems: [] };
}

/**
 * Parses the entries of an ignore file, or of the `ignore:` key of config.yaml (`key: "ignore"`). The file
 * is a list of entries or a map with an `ignore:` list. A malformed entry is a problem naming its line.
 */
export function parseIgnore(text: string, file: string, key?: string): IgnoreRules {
  const out = emptyIgnore();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line ?? lc.linePos(e?.pos?.[0] ?? 0).line;
    out.problems.push(problem(msg("ignore.yaml", { file, line })));
    return out;
  }
  let list: unknown = doc.contents;
  if (isMap(list)) list = (list as YAMLMap).get("ignore", true);
  else if (key) list = undefined;
  if (list === undefined || list === null) return out;
  if (!isSeq(list)) {
    out.problems.push(problem(msg("ignore.notList", { file })));
    return out;
  }
  for (const item of list.items.slice(0, MAX_ENTRIES)) {
    const range = (item as { range?: [number, number, number] } | null)?.range;
    const source = `${file}:${range ? lc.linePos(range[0]).line : "?"}`;
    const parsed = entryOf(isMap(item) ? (item.toJSON() as Record<string, unknown>) : undefined, source);
    if ("why" in parsed) out.problems.push(problem(msg("ignore.malformed", { source, why: parsed.why })));
    else out.entries.push(parsed);
  }
  if (list.items.length > MAX_ENTRIES)
    out.problems.push(problem(msg("ignore.tooMany", { file, max: MAX_ENTRIES })));
  return out;
}

function entryOf(raw: Record<string, unknown> | undefined, source: string): IgnoreEntry | { why: Text } {
  if (!raw) return { why: msg("ignore.why.notMap") };
  const unknown = Object.keys(raw).find((k) => !KEYS.has(k));
  if (unknown !== undefined) return { why: msg("ignore.why.unknownKey", { key: unknown.slice(0, 40) }) };
  const str = (k: string): string | undefined => {
    const v = raw[k];
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return typeof v === "string" || typeof v === "number" ? String(v).trim() : undefined;
  };
  const id = str("id");
  if (!id || id.length > MAX_FIELD) return { why: msg("ignore.why.id") };
  const reason = str("reason");
  if (!reason || reason.length > MAX_FIELD) return { why: msg("ignore.why.reason") };
  const expires = str("expires");
  if (!expires || !validDate(expires)) return { why: msg("ignore.why.expires") };
  const entry: IgnoreEntry = { id: CVE.test(id) ? id.toUpperCase() : id, reason, expires, source };
  for (const k of ["path", "host", "ip"] as const) {
    if (raw[k] === undefined) continue;
    const v = str(k);
    if (!v || v.length > 4096 || /[*?[]/.test(v) || (k === "path" && !v.startsWith("/")))
      return { why: msg(`ignore.why.${k}`) };
    entry[k] = v;
  }
  return entry;
}

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Whether the entry still applies at `now`: through the end of its expiry day, UTC. */
export function isActive(e: IgnoreEntry, now: Date): boolean {
  return now.getTime() <= Date.parse(`${e.expires}T23:59:59.999Z`);
}

/**
 * Reads one ignore file (or the `ignore:` list of config.yaml). A missing default file is no rules; a
 * file another user can change is refused whole (a warning, no finding ignored); a missing file the user
 * named is an error for the caller (`missing: true`).
 */
export function loadIgnoreFile(
  file: string,
  opts: { key?: string; required?: boolean; uid?: number } = {},
): IgnoreRules & { missing?: boolean } {
  let text: string;
  try {
    text = readTrustedText(file, { uid: opts.uid, maxBytes: 1024 * 1024 });
  } catch (err) {
    if (err instanceof UntrustedFileError)
      return { ...emptyIgnore(), problems: [problem(msg("ignore.untrusted", { file, why: err.why }))] };
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    if (code === "ENOENT" && !opts.required) return emptyIgnore();
    if (code === "ENOENT") return { ...emptyIgnore(), missing: true };
    return { ...emptyIgnore(), problems: [problem(msg("ignore.unreadable", { file, reason: code }))] };
  }
  return parseIgnore(text, file, opts.key);
}

export function mergeIgnore(...all: IgnoreRules[]): IgnoreRules {
  return {
    entries: all.flatMap((r) => r.entries),
    problems: all.flatMap((r) => r.problems),
    show: all.some((r) => r.show),
  };
}

function problem(detail: Text): NotChecked {
  return { area: "ignore", reason: "ignore", detail };
}

function pathsOf(f: Finding): Set<string> {
  const out = new Set<string>();
  for (const e of f.evidence) if (e.path) out.add(e.path);
  for (const k of ["path", "exe", "file"]) {
    const v = f.data?.[k];
    if (typeof v === "string") out.add(v);
  }
  return out;
}

function ipsOf(f: Finding): Set<string> {
  const out = new Set<string>();
  for (const e of f.evidence) if (e.ip) out.add(e.ip);
  if (typeof f.data?.ip === "string") out.add(f.data.ip);
  return out;
}

function scoped(e: IgnoreEntry, f: Finding, hostname: string): boolean {
  if (e.host !== undefined && e.host.toLowerCase() !== hostname.toLowerCase()) return false;
  if (e.path !== undefined && !pathsOf(f).has(e.path)) return false;
  if (e.ip !== undefined && !ipsOf(f).has(e.ip)) return false;
  return true;
}

function named(e: IgnoreEntry, f: Finding): boolean {
  if (e.id === f.id || e.id === f.check) return true;
  for (const k of ["attack", "rule", "ruleId"]) if (f.data?.[k] === e.id) return true;
  return false;
}

/**
 * Splits findings into those kept and those an active entry ignores. A CVE entry ignores a finding only
 * when every CVE it lists is ignored (a finding that also names another CVE stays). Expired entries apply
 * to nothing and each gives a warning; so does, once, the number of findings ignored.
 */
export function applyIgnore(
  findings: Finding[],
  rules: IgnoreRules | undefined,
  hostname: string,
  now: Date,
): { kept: Finding[]; ignored: IgnoredFinding[]; warnings: NotChecked[] } {
  if (!rules || (rules.entries.length === 0 && rules.problems.length === 0))
    return { kept: findings, ignored: [], warnings: [] };
  const warnings: NotChecked[] = [...rules.problems];
  const active: IgnoreEntry[] = [];
  for (const e of rules.entries) {
    if (isActive(e, now)) active.push(e);
    else warnings.push(problem(msg("ignore.expired", { source: e.source, id: e.id, expires: e.expires })));
  }
  const kept: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const f of findings) {
    const entry = matchOf(f, active, hostname);
    if (!entry) {
      kept.push(f);
      continue;
    }
    ignored.push({
      id: f.id,
      check: f.check,
      severity: f.severity,
      title: f.title,
      cves: f.cves,
      rule: {
        id: entry.id,
        reason: entry.reason,
        expires: entry.expires,
        source: entry.source,
        ...(entry.path ? { path: entry.path } : {}),
        ...(entry.host ? { host: entry.host } : {}),
        ...(entry.ip ? { ip: entry.ip } : {}),
      },
    });
  }
  if (ignored.length > 0) {
    warnings.push(problem(msg(rules.show ? "ignore.countShown" : "ignore.count", { count: ignored.length })));
    if (rules.show)
      for (const i of ignored)
        warnings.push(
          problem(
            msg("ignore.shown", {
              title: i.title,
              id: i.id,
              reason: i.rule.reason,
              expires: i.rule.expires,
              source: i.rule.source,
            }),
          ),
        );
  }
  return { kept, ignored, warnings };
}

function matchOf(f: Finding, active: IgnoreEntry[], hostname: string): IgnoreEntry | undefined {
  const direct = active.find((e) => !CVE.test(e.id) && named(e, f) && scoped(e, f, hostname));
  if (direct) return direct;
  if (f.cves.length === 0) return undefined;
  let first: IgnoreEntry | undefined;
  for (const cve of f.cves) {
    const e = active.find((x) => x.id === cve.toUpperCase() && scoped(x, f, hostname));
    if (!e) return undefined;
    first ??= e;
  }
  return first;
}
