/**
 * Who did what: from an exploit finding's evidence lines, whether its attacker ran commands or only
 * read files, and which attacker of an incident planted what the host shows. Pure: no I/O.
 *
 * A file read through a traversal cannot write a file or start a process, so a reader is never named
 * as the one who broke in when someone else ran commands; the attacker whose payload names what was
 * found (URL, file name) and whose commands ran before it appeared is.
 */
import type { Evidence } from "../core/finding.ts";
import { byCodeUnit } from "../core/order.ts";
import { percentDecode } from "../core/percent-decode.ts";
import type { Node } from "./nodes.ts";

/** What a request did when it worked. */
export type Action = "ran" | "read" | "exploited";

/**
 * The attacker's part in an incident, strongest first: ran commands that left what was found,
 * ran commands, another working exploit, read files, only tried.
 */
export type Role = "planted" | "ran" | "exploited" | "read" | "tried";
export const ROLE_RANK: Role[] = ["planted", "ran", "exploited", "read", "tried"];

const METHOD = /^[A-Z]{3,10} /;
/** Programs that run the attacker's input when Apache treats them as a CGI script. */
const INTERPRETER =
  /\/(?:(?:ba|da|z|k|c|tc|a)?sh|busybox|env|perl\d*|python[\d.]*|php[\d.]*|ruby|node|lua)$/i;
/** Error-log messages that say a CGI program really ran (its missing headers are the attacker's output). */
const RAN_MESSAGE = /End of script output before headers: (?:(?:ba|da|z)?sh|busybox|env|perl|python[\d.]*)\b/;

/** The path a request line reached, decoded as far as double encoding goes, with dot segments resolved. */
export function targetOf(request: string): { path: string; traversal: boolean; method?: string } | undefined {
  const m = /^([A-Z]{3,10}) (\S+)/.exec(request);
  if (!m) return undefined;
  let p = (m[2] as string).split("?")[0] as string;
  for (let i = 0; i < 3; i++) {
    const d = percentDecode(p);
    if (d === p) break;
    p = d;
  }
  p = p.replace(/\\/g, "/");
  const out: string[] = [];
  let traversal = false;
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      traversal = true;
      out.pop();
    } else out.push(seg);
  }
  return { path: `/${out.join("/")}`, traversal, method: m[1] };
}

/** What one evidence line of an exploit did, when it worked. */
export function actionOfRequest(value: string): Action {
  if (!METHOD.test(value)) return RAN_MESSAGE.test(value) ? "ran" : "exploited";
  const t = targetOf(value);
  if (!t) return "exploited";
  if (INTERPRETER.test(t.path)) return "ran";
  if (t.traversal) return "read";
  return "exploited";
}

/** Evidence lines that belong to a success (their time is one of the success times). */
export function successEvidence(n: Node): Evidence[] {
  const times = new Set(n.successTimes);
  const ev = n.finding.evidence.filter((e) => typeof e.value === "string" && e.value !== "");
  const hit = ev.filter((e) => e.time !== undefined && times.has(Date.parse(e.time)));
  if (hit.length > 0) return hit;
  return n.outcome === "succeeded" ? ev.slice(0, 1) : [];
}

// Nodes are made afresh for each correlate() call; the join asks this once per candidate pair.
const actionCache = new WeakMap<Node, Action | "none">();

/** The strongest thing the successful requests of one finding did, or undefined for attempts only. */
export function actionOf(n: Node): Action | undefined {
  const hit = actionCache.get(n);
  if (hit) return hit === "none" ? undefined : hit;
  const ev = successEvidence(n);
  let act: Action | undefined;
  if (ev.length > 0) {
    const acts = new Set(ev.map((e) => actionOfRequest(String(e.value))));
    act = acts.has("ran") ? "ran" : acts.has("exploited") ? "exploited" : "read";
  }
  actionCache.set(n, act ?? "none");
  return act;
}

/** Files a reader got, from the successful traversal requests (at most a few, for the story). */
export function filesRead(n: Node, max = 5): string[] {
  const out = new Set<string>();
  for (const e of successEvidence(n)) {
    const t = targetOf(String(e.value));
    if (t?.traversal && !INTERPRETER.test(t.path)) out.add(t.path);
    if (out.size >= max) break;
  }
  return [...out];
}

/** An error-log line (no request line in its evidence): it confirms an access-log event, it is not one. */
export function fromErrorLog(n: Node): boolean {
  // A guessed login's evidence is the login page's targets, not error-log messages.
  if (n.finding.check === "logs.login") return false;
  const ev = n.finding.evidence.filter((e) => typeof e.value === "string");
  return ev.length > 0 && ev.every((e) => !METHOD.test(String(e.value)));
}

/** The evidence line of the success at `ms` (the line a timeline entry or the story points at). */
export function evidenceAt(n: Node, ms: number | undefined): Evidence | undefined {
  const ev = n.finding.evidence.filter((e) => e.path);
  if (ms !== undefined) {
    const at = ev.find((e) => e.time !== undefined && Date.parse(e.time) === ms);
    if (at) return at;
  }
  return ev[0];
}

export interface AttackerRole {
  ip: string;
  role: Role;
  /** The findings of this attacker in the incident. */
  nodes: Node[];
  firstSuccess?: number;
  /** Files it read, when it only read. */
  files: string[];
}

function better(a: Role, b: Role): Role {
  return ROLE_RANK.indexOf(a) <= ROLE_RANK.indexOf(b) ? a : b;
}

/**
 * Every attacker of an incident with its role. `tied` holds the exploit nodes whose payload names a
 * host artefact of the incident (an "indicator" link); `hostTime` is when the first artefact appeared.
 */
export function rolesOf(exploits: Node[], tied: Set<Node>, firstHost: number | undefined): AttackerRole[] {
  const by = new Map<string, AttackerRole>();
  for (const x of exploits) {
    const ip = x.ip ?? "?";
    const r = by.get(ip) ?? { ip, role: "tried" as Role, nodes: [], files: [] };
    r.nodes.push(x);
    const act = actionOf(x);
    if (act) {
      const first = x.successTimes[0] ?? x.time;
      if (first !== undefined && (r.firstSuccess === undefined || first < r.firstSuccess))
        r.firstSuccess = first;
      r.role = better(r.role, act);
      if (act === "read") for (const f of filesRead(x)) if (!r.files.includes(f)) r.files.push(f);
    }
    by.set(ip, r);
  }
  // Ran commands, and what was found is named in their requests or appeared after their commands.
  for (const r of by.values()) {
    if (r.role !== "ran" && r.role !== "exploited") continue;
    const namesIt = r.nodes.some((n) => tied.has(n));
    const before =
      r.firstSuccess !== undefined && firstHost !== undefined && r.firstSuccess <= firstHost + 5_000;
    if (namesIt && (before || firstHost === undefined)) r.role = "planted";
  }
  if (![...by.values()].some((r) => r.role === "planted")) {
    // Nobody's payload names the artefacts: the one whose commands ran last before them is the likeliest.
    let best: AttackerRole | undefined;
    let at = -Infinity;
    for (const r of by.values()) {
      if (r.role !== "ran" || firstHost === undefined) continue;
      const last = Math.max(
        ...r.nodes.flatMap((n) => n.successTimes.filter((s) => s <= firstHost + 5_000)),
        -Infinity,
      );
      if (last > at) {
        at = last;
        best = r;
      }
    }
    if (best && at > -Infinity) best.role = "planted";
  }
  return [...by.values()].sort(
    (a, b) =>
      ROLE_RANK.indexOf(a.role) - ROLE_RANK.indexOf(b.role) ||
      (a.firstSuccess ?? Number.MAX_SAFE_INTEGER) - (b.firstSuccess ?? Number.MAX_SAFE_INTEGER) ||
      byCodeUnit(a.ip, b.ip),
  );
}
