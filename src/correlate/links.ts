import type { IncidentLink } from "../core/document.ts";
import { actionOf } from "./attribution.ts";
import type { Node } from "./nodes.ts";

/** Users Apache runs its children as on the distributions mamori knows. */
export const WEB_USERS = new Set(["www-data", "apache", "httpd", "daemon", "nobody", "wwwrun", "http"]);

/** A process may start a little before the log line is written (the log is written when the request ends). */
export const SKEW_MS = 5_000;
/** Things that appear within this long after a successful exploit are linked to it by time. */
export const WINDOW_MS = 24 * 3600_000;
/** ... and counted as "soon after" (a stronger link) within this long. */
export const SOON_MS = 15 * 60_000;

// Names too common to link two findings by: every server runs these.
const GENERIC = new Set([
  "sh",
  "bash",
  "dash",
  "curl",
  "wget",
  "python",
  "python3",
  "perl",
  "php",
  "busybox",
  "crontab",
  "root",
  "index.html",
  "tmp",
  "null",
]);

function basename(p: string): string {
  // As p.replace(/[?#].*$/, "").replace(/\/+$/, ""), in linear time on a hostile value (issue 10):
  // the query or fragment is cut at the first ? or # with no line end after it.
  let end = p.length;
  const lineStart =
    Math.max(p.lastIndexOf("\n"), p.lastIndexOf("\r"), p.lastIndexOf("\u2028"), p.lastIndexOf("\u2029")) + 1;
  const q = p.slice(lineStart).search(/[?#]/);
  if (q >= 0) end = lineStart + q;
  while (end > 0 && p[end - 1] === "/") end--;
  const clean = p.slice(0, end);
  return clean.slice(clean.lastIndexOf("/") + 1).toLowerCase();
}

/** Tokens worth searching for: the whole value, and its file name when that is distinctive. */
export function tokens(value: string): string[] {
  const out = [value.toLowerCase()];
  const base = basename(value);
  if (base.length >= 4 && !GENERIC.has(base) && base !== out[0]) out.push(base);
  try {
    if (/^[a-z]+:\/\//i.test(value)) {
      const host = new URL(value).hostname.toLowerCase();
      if (host) out.push(host);
    }
  } catch {
    // not a URL after all
  }
  return out;
}

// Words are memoised per node object; nodes are made afresh for each correlate() call.
const wordCache = new WeakMap<Node, Set<string>>();

function cachedTokens(value: string): string[] {
  return tokens(value).filter((x) => x.length >= 4);
}

/**
 * The words of a finding's text (command lines, cron lines, paths, remotes), with each word's file
 * name, URL host and address without port: "job1" must not match inside "job12", so matching is
 * by whole word, never by substring.
 */
export function wordsOf(n: Node): Set<string> {
  let out = wordCache.get(n);
  if (out) return out;
  out = new Set<string>();
  const text = [n.haystack, n.exe ?? "", n.path ?? "", ...n.remotes].join("\n").toLowerCase();
  for (const w of text.split(/[\s'"|;&<>()`,=]+/)) {
    if (!w) continue;
    out.add(w);
    const b = basename(w);
    if (b.length >= 4 && !GENERIC.has(b)) out.add(b);
    const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:@]+)/.exec(w)?.[1];
    if (host) out.add(host);
    const addr = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(w)?.[1];
    if (addr) out.add(addr);
  }
  wordCache.set(n, out);
  return out;
}

function mentions(n: Node, value: string | undefined): boolean {
  if (!value) return false;
  const words = wordsOf(n);
  return cachedTokens(value).some((t) => words.has(t));
}

/** Tokens by which other findings may name this one (its executable, its file), for the join's index. */
export function identifiers(n: Node): string[] {
  const own = [n.exe, n.kind === "file" || n.kind === "persistence" ? n.path : undefined];
  if (n.kind === "exploit") own.push(...n.indicators.urls, ...n.indicators.files, ...n.indicators.ips);
  return own.filter((v): v is string => !!v).flatMap(cachedTokens);
}

/**
 * The success time an event most plausibly follows: the last one at or before it, else the first one
 * up to SKEW_MS after it (a process may start before its request is logged, when the request ends).
 */
export function anchorTime(exploit: Node, t: number): number | undefined {
  const times =
    exploit.successTimes.length > 0
      ? exploit.successTimes
      : exploit.outcome === "succeeded" && exploit.time !== undefined
        ? [exploit.time]
        : [];
  let best: number | undefined;
  for (const s of times) if (s <= t) best = s;
  if (best !== undefined) return best;
  for (const s of times) if (s <= t + SKEW_MS) return s;
  return undefined;
}

/** The URLs, file names and addresses of an exploit's payload that a host finding shows. */
export function namedIndicators(x: Node, h: Node): string[] {
  const ind = [...x.indicators.urls, ...x.indicators.files, ...x.indicators.ips];
  const out = ind.filter((i) => mentions(h, i));
  for (const r of h.remotes) {
    const ip = r.split(":")[0] ?? "";
    if (x.indicators.ips.includes(ip) && !out.includes(ip)) out.push(ip);
  }
  return out;
}

function exploitLink(x: Node, h: Node): { score: number; reasons: string[] } {
  let score = 0;
  const reasons: string[] = [];
  if (namedIndicators(x, h).length > 0) {
    score += 3;
    reasons.push("indicator");
  }
  // A file whose mtime was set back still shows when it really changed in its ctime.
  const times = [h.time, h.ctime].filter((v): v is number => v !== undefined);
  for (const at of times) {
    const t0 = anchorTime(x, at);
    if (t0 !== undefined && at - t0 <= WINDOW_MS) {
      score += 1;
      reasons.push("time-window");
      if (at !== h.time) reasons.push("ctime");
      if (at - t0 <= SOON_MS) {
        score += 1;
        reasons.push("soon-after");
      }
      // Reading a file runs nothing as the web server user: only time links a reader to what appeared.
      if (h.user && WEB_USERS.has(h.user) && actionOf(x) !== "read") {
        score += 1;
        reasons.push("web-user");
      }
      break;
    }
  }
  return { score, reasons };
}

function hostLink(a: Node, b: Node): { score: number; reasons: string[] } {
  const reasons: string[] = [];
  if (a.pid !== undefined && a.pid === b.pid && (a.kind === "network" || b.kind === "network"))
    reasons.push("pid");
  if (a.remotes.some((r) => b.remotes.includes(r))) reasons.push("remote");
  const aMentionsB = [b.exe, b.kind === "file" || b.kind === "persistence" ? b.path : undefined].some((v) =>
    mentions(a, v),
  );
  const bMentionsA = [a.exe, a.kind === "file" || a.kind === "persistence" ? a.path : undefined].some((v) =>
    mentions(b, v),
  );
  if (aMentionsB || bMentionsA) reasons.push("path");
  return { score: reasons.length > 0 ? 3 : 0, reasons };
}

/** How strongly two findings are linked, and why. Score 3+ strong, 2 medium, 1 weak. */
export function link(a: Node, b: Node): IncidentLink | undefined {
  if (a.kind === "exposure" || b.kind === "exposure") return undefined;
  if (a.kind === "exploit" && b.kind === "exploit") return undefined;
  const r =
    a.kind === "exploit" ? exploitLink(a, b) : b.kind === "exploit" ? exploitLink(b, a) : hostLink(a, b);
  if (r.score <= 0) return undefined;
  return {
    from: a.finding.id,
    to: b.finding.id,
    reasons: r.reasons,
    strength: r.score >= 3 ? "strong" : r.score === 2 ? "medium" : "weak",
  };
}
