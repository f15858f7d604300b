import type { ReportDocument } from "../core/document.ts";
import type { Finding } from "../core/finding.ts";
import { normGuest } from "./guest.ts";
import type { Action } from "./types.ts";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

// Programs the system itself ships: a process running them is stopped, the file is left alone.
const SYSTEM = /^\/(usr\/(s?bin|lib\d*|libexec|share)|s?bin|lib\d*)\//;

function isCronLike(p: string): boolean {
  return /cron|\/rc\.local$|\/\.?(bashrc|profile|bash_profile)$|\/profile\.d\//.test(p);
}

/**
 * The unit to mask for a unit file, only when the file is in one of the system's own unit directories
 * (or a *.wants directory there), anchored at the root: a user's ~/.config/systemd/user/systemd/system/
 * ssh.service is the user's file, and masking by its name would mask root's ssh.service. The name is the
 * finding's unit data where it has one, else the file's.
 */
const SYSTEM_UNIT_FILE =
  /^\/(?:etc|run|lib|usr\/lib|usr\/local\/lib)\/systemd\/system\/(?:[^/]+\.wants\/)?([^/]+\.(?:service|timer|socket|path))$/;
function systemUnit(p: string, unit: unknown): string | undefined {
  const m = SYSTEM_UNIT_FILE.exec(normGuest(p));
  if (!m) return undefined;
  const named = str(unit);
  return named !== undefined && /^[^/]+\.(service|timer|socket|path)$/.test(named) ? named : m[1];
}

function intOrZero(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** The containment actions one finding calls for (none for findings that describe no running thing). */
export function actionsFor(f: Finding, doc: Pick<ReportDocument, "findings">): Action[] {
  const d = f.data ?? {};
  const out: Action[] = [];
  const id = f.id;
  if (f.check.startsWith("process.")) {
    const pid = num(d.pid);
    const exe = str(d.exe);
    if (pid !== undefined)
      out.push({
        kind: "kill",
        pid,
        exe,
        startTime: str(d.startTime) ?? f.time,
        startTicks: num(d.startTicks),
        findingId: id,
      });
    // The program is moved only if it is the process's own (checked by the rails when it is done):
    // root's perl in /opt that an attacker runs stays where it is.
    if (exe && !SYSTEM.test(exe) && d.exeDeleted !== true)
      out.push({ kind: "quarantine", path: exe, findingId: id, runBy: { uid: intOrZero(d.uid) } });
  } else if (f.check.startsWith("network.")) {
    const pid = num(d.pid);
    // The start time that proves the pid is the same process comes from the process finding.
    const proc = doc.findings.find((p) => p.check.startsWith("process.") && num(p.data?.pid) === pid);
    if (pid !== undefined)
      out.push({
        kind: "kill",
        pid,
        exe: str(proc?.data?.exe),
        startTime: str(proc?.data?.startTime) ?? proc?.time,
        startTicks: num(proc?.data?.startTicks),
        findingId: id,
      });
  } else if (f.check.startsWith("persistence.")) {
    const p = str(d.path) ?? f.evidence.find((e) => e.path)?.path;
    const line = num(d.line) ?? f.evidence.find((e) => e.line)?.line;
    const unit = p ? systemUnit(p, d.unit) : undefined;
    if (unit) out.push({ kind: "disable-unit", name: unit, findingId: id });
    else if (p && line !== undefined && isCronLike(p))
      out.push({ kind: "disable-cron", path: p, line, findingId: id });
    else if (p) out.push({ kind: "quarantine", path: p, findingId: id });
  } else if (f.check.startsWith("file.")) {
    const p = str(d.path) ?? f.evidence.find((e) => e.path)?.path;
    if (p) out.push({ kind: "quarantine", path: p, findingId: id });
  }
  // A process or file that is only "possibly" bad (eight memfd processes of a busy host) is shown, not acted on.
  if (f.confidence === "possible")
    for (const a of out) if (a.kind === "kill" || a.kind === "quarantine") a.lowConfidence = true;
  return out;
}

function key(a: Action): string {
  switch (a.kind) {
    case "kill":
      return `kill:${a.pid}`;
    case "quarantine":
      return `q:${a.path}`;
    case "disable-cron":
      return `cron:${a.path}:${a.line}`;
    case "disable-unit":
      return `unit:${a.name}`;
  }
}

/** Processes first (so nothing rewrites what we move), then files, cron lines and units; each thing once. */
export function dedupe(actions: Action[]): Action[] {
  const order = { kill: 0, quarantine: 1, "disable-cron": 2, "disable-unit": 3 };
  const seen = new Map<string, Action>();
  for (const a of actions) {
    const k = key(a);
    const prev = seen.get(k);
    // Keep the one that knows most about the process it would kill.
    const next =
      !prev || (a.kind === "kill" && prev.kind === "kill" && !prev.startTime && a.startTime) ? a : prev;
    // One sure finding about the same thing is enough to act on it.
    const low = (x: Action | undefined) =>
      x === undefined || ("lowConfidence" in x && x.lowConfidence === true);
    seen.set(k, low(a) && low(prev) ? next : clearLow(next));
  }
  return [...seen.values()].sort((a, b) => order[a.kind] - order[b.kind]);
}

function clearLow(a: Action): Action {
  return a.kind === "kill" || a.kind === "quarantine" ? { ...a, lowConfidence: undefined } : a;
}

export interface Selection {
  findingIds: string[];
  allCritical: boolean;
}

/** Actions for the selected findings; unknown ids are returned so the command can say so. */
export function planFromReport(
  doc: ReportDocument,
  sel: Selection,
): { actions: Action[]; unknown: string[]; noAction: string[] } {
  const chosen = new Map<string, Finding>();
  const unknown: string[] = [];
  for (const id of new Set(sel.findingIds)) {
    const f = doc.findings.find((x) => x.id === id);
    if (f) chosen.set(id, f);
    else unknown.push(id);
  }
  if (sel.allCritical) for (const f of doc.findings) if (f.severity === "critical") chosen.set(f.id, f);
  const actions: Action[] = [];
  const noAction: string[] = [];
  for (const f of chosen.values()) {
    const a = actionsFor(f, doc);
    if (a.length === 0) noAction.push(f.id);
    actions.push(...a);
  }
  return { actions, unknown, noAction };
}
