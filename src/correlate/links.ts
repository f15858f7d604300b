import type { IncidentLink } from "../core/document.ts";
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
  const clean = p.replace(/[?#].*$/, "").replace(/\/+$/, "");
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

function mentions(haystack: string, value: string | undefined): boolean {
  if (!value || haystack === "") return false;
  return tokens(value).some((t) => t.length >= 4 && haystack.includes(t));
}

function hostText(n: Node): string {
  return [n.haystack, (n.exe ?? "").toLowerCase(), (n.path ?? "").toLowerCase(), ...n.remotes].join("\n");
}

/** The success time an event most plausibly follows: the last one before it (allowing clock skew). */
export function anchorTime(exploit: Node, t: number): number | undefined {
  const times = exploit.successTimes.length > 0 ? exploit.successTimes : [];
  let best: number | undefined;
  for (const s of times) if (s <= t + SKEW_MS) best = s;
  if (best === undefined && exploit.outcome === "succeeded" && exploit.time !== undefined) {
    if (exploit.time <= t + SKEW_MS) best = exploit.time;
  }
  return best;
}

function exploitLink(x: Node, h: Node): { score: number; reasons: string[] } {
  let score = 0;
  const reasons: string[] = [];
  const text = hostText(h);
  const ind = [...x.indicators.urls, ...x.indicators.files, ...x.indicators.ips];
  if (
    ind.some((i) => mentions(text, i)) ||
    h.remotes.some((r) => x.indicators.ips.includes(r.split(":")[0] ?? ""))
  ) {
    score += 3;
    reasons.push("indicator");
  }
  if (h.time !== undefined) {
    const t0 = anchorTime(x, h.time);
    if (t0 !== undefined && h.time - t0 <= WINDOW_MS) {
      score += 1;
      reasons.push("time-window");
      if (h.time - t0 <= SOON_MS) {
        score += 1;
        reasons.push("soon-after");
      }
      if (h.user && WEB_USERS.has(h.user)) {
        score += 1;
        reasons.push("web-user");
      }
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
    mentions(hostText(a), v),
  );
  const bMentionsA = [a.exe, a.kind === "file" || a.kind === "persistence" ? a.path : undefined].some((v) =>
    mentions(hostText(b), v),
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
