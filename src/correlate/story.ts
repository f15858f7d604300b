import type { TimelineEntry } from "../core/document.ts";
import type { TimeSource } from "../core/finding.ts";
import { joinText, type MsgBuilder, type Text } from "../core/message.ts";
import { isMessageKey } from "../i18n/index.ts";
import {
  type Action,
  type AttackerRole,
  actionOfRequest,
  evidenceAt,
  filesRead,
  fromErrorLog,
  targetOf,
} from "./attribution.ts";
import { type Node, num, str, strings } from "./nodes.ts";

/** "2026-11-25 03:14:07 UTC" for the first time in a paragraph, "03:14:07" after it on the same day. */
export function clock(ms: number, previous?: number): string {
  const iso = new Date(ms).toISOString();
  const day = iso.slice(0, 10);
  const hms = iso.slice(11, 19);
  if (previous !== undefined && new Date(previous).toISOString().slice(0, 10) === day) return hms;
  return `${day} ${hms} UTC`;
}

export function delayText(ms: number, t: MsgBuilder): Text {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return t("incident.delay.seconds", { n: s });
  if (s < 7200) return t("incident.delay.minutes", { n: Math.round(s / 60) });
  if (s < 172800) return t("incident.delay.hours", { n: Math.round(s / 3600) });
  return t("incident.delay.days", { n: Math.round(s / 86400) });
}

function base(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** "access_log line 18842": the evidence line of the event at `ms` (the first evidence line without one). */
export function whereText(n: Node, t: MsgBuilder, ms?: number): Text | undefined {
  const ev = evidenceAt(n, ms);
  if (!ev?.path) return undefined;
  // A time with no evidence line of its own names the file only: never another line's number.
  const exact =
    ms === undefined ||
    (ev.time !== undefined
      ? Date.parse(ev.time) === ms
      : n.finding.evidence.filter((e) => e.path).length === 1 && n.successTimes.length <= 1);
  return ev.line && exact ? t("incident.where.line", { file: base(ev.path), line: ev.line }) : base(ev.path);
}

export function timeSourceText(src: TimeSource | undefined, t: MsgBuilder): Text {
  switch (src) {
    case "log":
      return t("incident.source.log");
    case "proc":
      return t("incident.source.proc");
    case "mtime":
      return t("incident.source.mtime");
    case "ctime":
      return t("incident.source.ctime");
    case "package":
      return t("incident.source.package");
    default:
      return t("incident.source.scan");
  }
}

function attackOf(n: Node, t: MsgBuilder): Text {
  const id = str(n.finding.data?.attack);
  // A login finding names a behaviour scenario: said by its name in the reader's language.
  const key = `logs.scenario.${id}`;
  if (n.finding.check === "logs.login" && id && isMessageKey(key)) return t(key);
  return id ?? n.finding.cves[0] ?? n.finding.check;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The timeline entries one finding contributes, each saying where its time came from. */
export function timelineOf(n: Node, t: MsgBuilder): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const id = n.finding.id;
  const d = n.finding.data ?? {};
  if (n.kind === "exploit") {
    const attack = attackOf(n, t);
    const ip = n.ip ?? "?";
    const file = n.finding.evidence.find((e) => e.path)?.path;
    const sourceAt = (ms: number): Text => {
      const where = whereText(n, t, ms);
      return where ? [t("incident.source.log"), ": ", where] : t("incident.source.log");
    };
    const succ = n.successTimes.length > 0 ? n.successTimes : n.time !== undefined ? [n.time] : [];
    const worked = n.outcome === "succeeded" || n.successTimes.length > 0;
    if (n.finding.check === "logs.login") {
      // Password guessing: when it began, and the login that was let in.
      const began = Date.parse(str(d.firstSeen) ?? "");
      if (!Number.isNaN(began) && (succ[0] === undefined || began < succ[0]))
        out.push({
          time: iso(began),
          source: file ? [t("incident.source.log"), `: ${base(file)}`] : t("incident.source.log"),
          text: t("incident.tl.loginTries", { attack, ip }),
          findingId: id,
          timeSource: "log",
          kind: "exploit",
        });
      for (const s of succ.slice(0, 5))
        out.push({
          time: iso(s),
          source: sourceAt(s),
          text: t("incident.tl.loginGuessed", { ip }),
          findingId: id,
          timeSource: "log",
          kind: "exploit",
        });
      return out;
    }
    if (fromErrorLog(n)) {
      // The error log confirms what an access-log request did; it is not an attack of its own.
      for (const s of succ.slice(0, 5))
        out.push({
          time: iso(s),
          source: sourceAt(s),
          text: t("incident.tl.errorLog", { ip, message: String(evidenceAt(n, s)?.value ?? "") }),
          findingId: id,
          timeSource: "log",
          kind: "exploit",
        });
      return out;
    }
    const first = Date.parse(str(d.firstSeen) ?? "");
    if (!Number.isNaN(first) && (n.successTimes.length === 0 || first < (n.successTimes[0] ?? 0)))
      out.push({
        time: iso(first),
        // The evidence line is the success; the first attempt is elsewhere in the same log.
        source: file ? [t("incident.source.log"), `: ${base(file)}`] : t("incident.source.log"),
        text: t("incident.tl.firstAttempt", { attack, ip }),
        findingId: id,
        timeSource: "log",
        kind: "exploit",
      });
    for (const s of succ.slice(0, 5)) {
      const value = evidenceAt(n, s)?.value;
      const act: Action | undefined =
        worked && typeof value === "string" ? actionOfRequest(value) : undefined;
      const target = act === "read" && typeof value === "string" ? targetOf(value)?.path : undefined;
      out.push({
        time: iso(s),
        source: sourceAt(s),
        text:
          act === "ran"
            ? t("incident.tl.ran", { attack, ip })
            : target
              ? t("incident.tl.read", { attack, ip, path: target })
              : t(worked ? "incident.tl.success" : "incident.tl.attempt", { attack, ip }),
        findingId: id,
        timeSource: "log",
        kind: "exploit",
      });
    }
    return out;
  }
  if (n.time === undefined) return out;
  const source = timeSourceText(n.timeSource, t);
  if (n.kind === "process") {
    out.push({
      time: iso(n.time),
      source,
      text: t("incident.tl.process", {
        exe: n.exe ?? strings(d.argv)[0] ?? n.finding.title,
        pid: n.pid ?? "?",
        user: n.user ?? "?",
      }),
      findingId: id,
      timeSource: n.timeSource,
      kind: "process",
    });
  } else if (n.kind === "file" || n.kind === "persistence") {
    const where = n.path ? (n.line ? `${n.path}:${n.line}` : n.path) : n.finding.title;
    out.push({
      time: iso(n.time),
      source,
      text: t(n.kind === "file" ? "incident.tl.file" : "incident.tl.persistence", { path: where }),
      findingId: id,
      timeSource: n.timeSource,
      kind: n.kind,
    });
    const ctime = Date.parse(str(d.ctime) ?? "");
    if (!Number.isNaN(ctime) && Math.abs(ctime - n.time) > 1000)
      out.push({
        time: iso(ctime),
        source: t("incident.source.ctime"),
        text: t("incident.tl.ctime", { path: n.path ?? where }),
        findingId: id,
        timeSource: "ctime",
        kind: n.kind,
      });
  } else if (n.kind === "network") {
    out.push({
      time: iso(n.time),
      source,
      text: t("incident.tl.network", { remote: n.remotes.join(", ") || "?", pid: n.pid ?? "?" }),
      findingId: id,
      timeSource: n.timeSource,
      kind: "network",
    });
  }
  return out;
}

export interface StoryInput {
  nodes: Node[];
  anchor?: Node;
  anchorTime?: number;
  exposure?: Node;
  /** Network nodes joined to a process (by pid or remote), by process finding id. */
  connections: Map<string, Node[]>;
  /** Ids of every network node some process's connections hold (the lists may be cut short). */
  shown?: Set<string>;
  /** Every attacker with its part, the anchor's first. */
  roles?: AttackerRole[];
  /** What the anchor's requests name that the host shows (URLs, file names, addresses). */
  named?: string[];
}

function remoteText(n: Node): string {
  const d = n.finding.data ?? {};
  const domain = str(d.domain);
  const remote = n.remotes.join(", ");
  return domain ? `${domain} (${remote})` : remote;
}

/** One paragraph: how they got in, what ran, what stays, where it talked to. */
export function story(input: StoryInput, t: MsgBuilder): Text {
  const parts: Text[] = [];
  const { anchor, anchorTime: t0, exposure } = input;
  let last: number | undefined;
  if (anchor) {
    const time = t0 ?? anchor.time;
    const where = whereText(anchor, t, time);
    const params = {
      time: time !== undefined ? clock(time) : "?",
      ip: anchor.ip ?? "?",
      where: where ?? anchor.finding.check,
      attack: attackOf(anchor, t),
      version: str(exposure?.finding.data?.version) ?? "?",
      installation: exposure?.path ?? "?",
    };
    const succeeded = t0 !== undefined;
    if (succeeded && anchor.finding.check === "logs.login")
      parts.push(t("incident.story.loginGuessed", params));
    else if (succeeded && exposure) parts.push(t("incident.story.exploitVia", params));
    else if (succeeded) parts.push(t("incident.story.exploit", params));
    else parts.push(t("incident.story.attempt", params));
    const role = input.roles?.find((r) => r.ip === anchor.ip)?.role;
    const named = (input.named ?? []).slice(0, 5).join(", ");
    if (role === "planted" && named) parts.push(t("incident.story.planted", { names: named }));
    else if (role === "planted" || role === "ran") parts.push(t("incident.story.ran"));
    last = time;
  } else if (exposure) {
    parts.push(
      t("incident.story.exposed", {
        version: str(exposure.finding.data?.version) ?? "?",
        installation: exposure.path ?? "?",
      }),
    );
  }
  const shownNetwork = new Set<string>();
  const timed = input.nodes
    .filter((n) => n !== anchor && n.kind !== "exploit" && n.kind !== "exposure" && n.kind !== "network")
    .sort((a, b) => (a.time ?? Number.MAX_SAFE_INTEGER) - (b.time ?? Number.MAX_SAFE_INTEGER));
  for (const n of timed) {
    const ref = anchor ? (t0 ?? anchor.time) : undefined;
    const rel = n.time !== undefined && ref !== undefined && n.time >= ref - 5000;
    const when = n.time !== undefined ? clock(n.time, last) : undefined;
    if (n.kind === "process") {
      const exe = n.exe ?? strings(n.finding.data?.argv)[0] ?? n.finding.title;
      const user = n.user ?? "?";
      if (rel && n.time !== undefined && ref !== undefined)
        parts.push(t("incident.story.processAfter", { delay: delayText(n.time - ref, t), exe, user }));
      else if (when) parts.push(t("incident.story.processAt", { time: when, exe, user }));
      else parts.push(t("incident.story.processSeen", { exe, user }));
      const conns = input.connections.get(n.finding.id) ?? [];
      for (const c of conns) shownNetwork.add(c.finding.id);
      const remotes = [...new Set([...conns.map(remoteText), ...(conns.length ? [] : n.remotes)])];
      const cpu = num(n.finding.data?.cpuSeconds);
      if (remotes.length > 0) parts.push(t("incident.story.connected", { remotes: remotes.join(", ") }));
      if (cpu !== undefined && cpu >= 60)
        parts.push(t("incident.story.cpu", { minutes: Math.round(cpu / 60) }));
    } else if (n.kind === "persistence") {
      const path = n.path ? (n.line ? `${n.path}:${n.line}` : n.path) : n.finding.title;
      parts.push(
        when
          ? t("incident.story.persistence", { path, time: when })
          : t("incident.story.persistenceSeen", { path }),
      );
    } else if (n.kind === "file") {
      const path = n.path ?? n.finding.title;
      if (n.ctime !== undefined && n.time !== undefined && n.ctime - n.time > 1000)
        parts.push(t("incident.story.fileCtime", { path, time: clock(n.ctime, last), mtime: clock(n.time) }));
      else
        parts.push(
          when ? t("incident.story.file", { path, time: when }) : t("incident.story.fileSeen", { path }),
        );
    }
    if (n.time !== undefined) last = n.time;
  }
  for (const r of input.roles ?? []) {
    if (anchor && r.ip === anchor.ip) continue;
    const at = r.firstSuccess !== undefined ? clock(r.firstSuccess) : "?";
    if (r.role === "read") {
      const files = r.files.length > 0 ? r.files : r.nodes.flatMap((x) => filesRead(x));
      parts.push(t("incident.story.otherRead", { ip: r.ip, time: at, files: files.join(", ") || "?" }));
    } else if (r.role === "ran" || r.role === "planted")
      parts.push(t("incident.story.otherRan", { ip: r.ip, time: at }));
    else if (r.role === "exploited") parts.push(t("incident.story.otherExploited", { ip: r.ip, time: at }));
    else parts.push(t("incident.story.otherTried", { ip: r.ip }));
  }
  const lone = input.nodes.filter(
    (n) => n.kind === "network" && !shownNetwork.has(n.finding.id) && !input.shown?.has(n.finding.id),
  );
  if (lone.length > 0)
    parts.push(
      t("incident.story.network", {
        remotes: lone.map(remoteText).join(", "),
        pids: [...new Set(lone.map((n) => n.pid ?? "?"))].join(", "),
      }),
    );
  return joinText(parts, " ");
}
