import type { TimelineEntry } from "../core/document.ts";
import type { TimeSource } from "../core/finding.ts";
import { joinText, type MsgBuilder, type Text } from "../core/message.ts";
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

/** "access_log line 18842" for an exploit's first evidence line. */
export function whereText(n: Node, t: MsgBuilder): Text | undefined {
  const ev = n.finding.evidence.find((e) => e.path);
  if (!ev?.path) return undefined;
  return ev.line ? t("incident.where.line", { file: base(ev.path), line: ev.line }) : base(ev.path);
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

function attackOf(n: Node): string {
  return str(n.finding.data?.attack) ?? n.finding.cves[0] ?? n.finding.check;
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
    const where = whereText(n, t);
    const src: Text = where ? [t("incident.source.log"), ": ", where] : t("incident.source.log");
    const first = Date.parse(str(d.firstSeen) ?? "");
    const attack = attackOf(n);
    const ip = n.ip ?? "?";
    const file = n.finding.evidence.find((e) => e.path)?.path;
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
    const succ = n.successTimes.length > 0 ? n.successTimes : n.time !== undefined ? [n.time] : [];
    for (const s of succ.slice(0, 5))
      out.push({
        time: iso(s),
        source: src,
        text: t(
          n.outcome === "succeeded" || n.successTimes.length > 0
            ? "incident.tl.success"
            : "incident.tl.attempt",
          {
            attack,
            ip,
          },
        ),
        findingId: id,
        timeSource: "log",
        kind: "exploit",
      });
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
    const where = whereText(anchor, t);
    const time = t0 ?? anchor.time;
    const params = {
      time: time !== undefined ? clock(time) : "?",
      ip: anchor.ip ?? "?",
      where: where ?? anchor.finding.check,
      attack: attackOf(anchor),
      version: str(exposure?.finding.data?.version) ?? "?",
      installation: exposure?.path ?? "?",
    };
    const succeeded = t0 !== undefined;
    if (succeeded && exposure) parts.push(t("incident.story.exploitVia", params));
    else if (succeeded) parts.push(t("incident.story.exploit", params));
    else parts.push(t("incident.story.attempt", params));
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
  const lone = input.nodes.filter((n) => n.kind === "network" && !shownNetwork.has(n.finding.id));
  if (lone.length > 0)
    parts.push(
      t("incident.story.network", {
        remotes: lone.map(remoteText).join(", "),
        pids: [...new Set(lone.map((n) => n.pid ?? "?"))].join(", "),
      }),
    );
  return joinText(parts, " ");
}
