import type { CheckContext } from "../core/context.ts";
import type { Incident, IncidentLink } from "../core/document.ts";
import {
  type Confidence,
  type Finding,
  findingId,
  maxSeverity,
  type Severity,
  severityRank,
} from "../core/finding.ts";
import type { MsgBuilder } from "../core/message.ts";
import { byCodeUnit } from "../core/order.ts";
import { fromErrorLog, rolesOf } from "./attribution.ts";
import { anchorTime, identifiers, link, namedIndicators, WINDOW_MS, wordsOf } from "./links.ts";
import { type Node, str, succeeded, toNode } from "./nodes.ts";
import { story, timelineOf } from "./story.ts";

export { WEB_USERS } from "./links.ts";

const HARD = new Set(["indicator", "pid", "path", "remote"]);

/**
 * Joins findings from independent sources into incidents with a timeline. Pure: no I/O.
 *
 * Findings are nodes; two are linked when an attacker's payload names what the other shows (indicator),
 * they share a pid, path or remote address, or one happened soon after a successful exploit
 * (time window, web server user). Linked groups that span at least two independent sources
 * (logs, processes, files, network) become incidents; everything else stays a plain finding.
 */
export function correlate(findings: Finding[], ctx: CheckContext): Incident[] {
  const nodes = findings.map(toNode).filter((n): n is Node => n !== undefined);
  const events = nodes.filter((n) => n.kind !== "exposure");
  // A "not vulnerable" verdict is evidence of the opposite: it can never be an incident's entry point.
  const exposures = nodes.filter(
    (n) => n.kind === "exposure" && n.finding.data?.verdict !== "not-vulnerable",
  );

  const parent = events.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const links: IncidentLink[] = [];
  for (const [i, j] of candidatePairs(events)) {
    const l = link(events[i] as Node, events[j] as Node);
    if (!l || l.strength === "weak") continue;
    links.push(l);
    parent[find(i)] = find(j);
  }
  links.sort((a, b) => byCodeUnit(a.from, b.from) || byCodeUnit(a.to, b.to));
  const groups = new Map<number, Node[]>();
  events.forEach((n, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), n]);
  });

  const sourcesOf = (g: Node[]) => new Set(g.map((n) => n.source).filter((s) => s !== undefined));
  const incidentGroups = [...groups.values()].filter((g) => sourcesOf(g).size >= 2);
  joinSameHole(incidentGroups, events);

  const incidents: Incident[] = [];
  for (const members of incidentGroups) {
    const sources = sourcesOf(members);
    const ids = new Set(members.map((n) => n.finding.id));
    const own = links.filter((l) => ids.has(l.from) && ids.has(l.to));
    incidents.push(buildIncident(members, own, exposures, [...sources].sort(), ctx.t));
  }
  return incidents.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) || byCodeUnit(a.startedAt ?? "", b.startedAt ?? ""),
  );
}

/**
 * Everyone who got in through the same hole is part of the break-in, whatever the gap in time: an
 * attacker who read /etc/passwd through the CVE a miner was planted through two weeks later stays in the
 * incident, as a reader. Only successes join, only ones no incident holds yet, and only through a CVE
 * that one of the incident's own successful exploits used.
 */
function joinSameHole(incidentGroups: Node[][], events: Node[]): void {
  const held = new Set(incidentGroups.flat());
  for (const g of incidentGroups) {
    const cves = new Set(
      g.filter((n) => n.kind === "exploit" && succeeded(n)).flatMap((n) => n.finding.cves),
    );
    if (cves.size === 0) continue;
    for (const n of events) {
      if (held.has(n) || n.kind !== "exploit" || !succeeded(n)) continue;
      if (!n.finding.cves.some((c) => cves.has(c))) continue;
      g.push(n);
      held.add(n);
    }
  }
}

/**
 * Pairs worth scoring, found through indexes instead of comparing every pair: a word one finding
 * names that another contains, a shared pid or remote, or a host event within the window after a
 * successful exploit. Keeps the join near-linear on reports with thousands of findings.
 */
function candidatePairs(nodes: Node[]): Array<[number, number]> {
  const n = nodes.length;
  const seen = new Set<number>();
  const out: Array<[number, number]> = [];
  const add = (a: number, b: number) => {
    if (a === b) return;
    const [i, j] = a < b ? [a, b] : [b, a];
    const k = i * n + j;
    if (!seen.has(k)) {
      seen.add(k);
      out.push([i, j]);
    }
  };
  const byWord = new Map<string, number[]>();
  const byPid = new Map<number, number[]>();
  const byRemote = new Map<string, number[]>();
  const push = <K>(m: Map<K, number[]>, k: K, i: number) => {
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  };
  nodes.forEach((node, i) => {
    if (node.kind !== "exploit") for (const w of wordsOf(node)) push(byWord, w, i);
    if (node.pid !== undefined) push(byPid, node.pid, i);
    for (const r of node.remotes) {
      push(byRemote, r, i);
      push(byRemote, r.split(":")[0] ?? r, i);
    }
  });
  nodes.forEach((node, j) => {
    for (const tok of identifiers(node)) for (const i of byWord.get(tok) ?? []) add(i, j);
    if (node.kind === "exploit")
      for (const ip of node.indicators.ips) for (const i of byRemote.get(ip) ?? []) add(i, j);
  });
  for (const group of [...byPid.values(), ...byRemote.values()])
    for (let a = 0; a < group.length; a++)
      for (let b = a + 1; b < group.length && b < a + 50; b++) add(group[a] as number, group[b] as number);
  const hosts = nodes
    .flatMap((node, i) =>
      node.kind === "exploit"
        ? []
        : [node.time, node.ctime].filter((t) => t !== undefined).map((t) => ({ t, i })),
    )
    .sort((a, b) => a.t - b.t);
  nodes.forEach((x, j) => {
    if (!succeeded(x)) return;
    const times = x.successTimes.length > 0 ? x.successTimes : x.time !== undefined ? [x.time] : [];
    const first = Math.min(...times);
    const last = Math.max(...times);
    for (const h of hosts) {
      const t = h.t;
      if (t < first - 5_000) continue;
      if (t > last + WINDOW_MS) break;
      add(h.i, j);
    }
  });
  return out;
}

function sourceOf(members: Node[], id: string): string | undefined {
  return members.find((n) => n.finding.id === id)?.source;
}

function confidenceOf(members: Node[], links: IncidentLink[], sources: string[]): Confidence {
  const success = members.some(succeeded);
  const cross = links.filter((l) => sourceOf(members, l.from) !== sourceOf(members, l.to));
  const hard = cross.some((l) => l.reasons.some((r) => HARD.has(r)));
  const timeAndUser = cross.some((l) => l.reasons.includes("soon-after") && l.reasons.includes("web-user"));
  if ((hard || timeAndUser) && (success || sources.length >= 3)) return "confirmed";
  if (hard || timeAndUser || (success && cross.some((l) => l.strength !== "weak"))) return "likely";
  return "possible";
}

function buildIncident(
  members: Node[],
  links: IncidentLink[],
  exposures: Node[],
  sources: string[],
  t: MsgBuilder,
): Incident {
  const exploits = members.filter((n) => n.kind === "exploit");
  const hosts = members.filter((n) => n.kind !== "exploit");
  const hostTimes = hosts.filter((n) => n.time !== undefined).map((n) => n.time as number);
  const firstHost = hostTimes.length > 0 ? Math.min(...hostTimes) : undefined;
  const hostIds = new Set(hosts.map((n) => n.finding.id));
  const tiedIds = new Set(
    links
      .filter((l) => l.reasons.includes("indicator") && (hostIds.has(l.from) || hostIds.has(l.to)))
      .flatMap((l) => [l.from, l.to]),
  );
  const tied = new Set(exploits.filter((x) => tiedIds.has(x.finding.id)));
  const roles = rolesOf(exploits, tied, firstHost);
  // The anchor is the success of the attacker who planted (or ran commands) that the first host event
  // follows; a reader is never the anchor. With no success at all, an attempt whose payload names what is here.
  const lead = roles[0];
  let anchor: Node | undefined;
  let t0: number | undefined;
  if (lead && lead.role !== "read" && lead.role !== "tried") {
    const own = lead.nodes.filter((x) => succeeded(x) && !fromErrorLog(x));
    for (const x of own.length > 0 ? own : lead.nodes.filter(succeeded)) {
      const at = firstHost !== undefined ? anchorTime(x, firstHost) : (x.successTimes[0] ?? x.time);
      if (at !== undefined && (t0 === undefined || at < t0)) {
        anchor = x;
        t0 = at;
      }
    }
    if (!anchor) anchor = own[0] ?? lead.nodes.find(succeeded);
    if (anchor && t0 === undefined) t0 = anchor.successTimes[0] ?? anchor.time;
  } else if (lead?.role === "tried") anchor = [...tied].find((x) => !fromErrorLog(x)) ?? lead.nodes[0];
  const named = anchor
    ? [
        ...new Set(
          roles
            .find((r) => r.ip === (anchor as Node).ip)
            ?.nodes.flatMap((x) => hosts.flatMap((h) => namedIndicators(x, h))) ?? [],
        ),
      ]
    : [];

  const exploitCves = new Set(exploits.flatMap((x) => x.finding.cves));
  // A guessed password is no Apache hole: an incident that only logins explain has no Apache entry point.
  const byRequest = exploits.filter((x) => x.finding.check !== "logs.login");
  const exposure =
    byRequest.length === 0
      ? undefined
      : (exposures.find((e) => e.finding.cves.some((c) => exploitCves.has(c))) ??
        (exploitCves.size === 0 ? exposures[0] : undefined));

  const connections = new Map<string, Node[]>();
  for (const p of members.filter((n) => n.kind === "process")) {
    const conns = members.filter(
      (n) =>
        n.kind === "network" &&
        ((n.pid !== undefined && n.pid === p.pid) || n.remotes.some((r) => p.remotes.includes(r))),
    );
    connections.set(p.finding.id, conns);
  }

  const timeline = members
    .flatMap((n) => timelineOf(n, t))
    .sort((a, b) => byCodeUnit(a.time, b.time) || byCodeUnit(JSON.stringify(a.text), JSON.stringify(b.text)));
  const confidence = confidenceOf(members, links, sources);
  let severity: Severity = members.reduce<Severity>((s, n) => maxSeverity(s, n.finding.severity), "info");
  if (
    confidence !== "possible" &&
    (members.some(succeeded) || severityRank(severity) >= severityRank("high"))
  )
    severity = "critical";
  else if (confidence === "possible" && severity === "critical") severity = "high";
  else severity = maxSeverity(severity, "medium");

  const attackers = roles.map((r) => r.ip).filter((ip) => ip !== "?");
  const first = members
    .map((n) => ({ n, at: n === anchor && t0 !== undefined ? t0 : n.time }))
    .filter((x) => x.at !== undefined)
    .sort((a, b) => (a.at as number) - (b.at as number) || byCodeUnit(a.n.finding.id, b.n.finding.id))[0];
  const root = anchor ?? first?.n ?? (members[0] as Node);
  const process = members.find((n) => n.kind === "process");
  // What was planted: the running program, else the dropped file, else what keeps it coming back.
  const what =
    process?.exe ??
    process?.finding.title ??
    members.find((n) => n.kind === "file" && n.path)?.path ??
    members.find((n) => n.kind !== "exploit" && n.path)?.path ??
    root.finding.title;

  return {
    id: findingId("incident", root.finding.id),
    severity,
    confidence,
    title: anchor
      ? t("incident.title.breakIn", { ip: anchor.ip ?? "?", what })
      : t("incident.title.host", { what }),
    summary: story({ nodes: members, anchor, anchorTime: t0, exposure, connections, roles, named }, t),
    findingIds: [...members, ...(exposure ? [exposure] : [])].map((n) => n.finding.id),
    timeline,
    attackers: attackers.length > 0 ? attackers : undefined,
    attackerRoles:
      attackers.length > 0
        ? roles.filter((r) => r.ip !== "?").map((r) => ({ ip: r.ip, role: r.role }))
        : undefined,
    entryPoint: exposure
      ? {
          installation: exposure.path,
          version: str(exposure.finding.data?.version),
          cves: exposure.finding.cves,
          findingId: exposure.finding.id,
        }
      : undefined,
    startedAt: first?.at !== undefined ? new Date(first.at).toISOString() : undefined,
    sources,
    links,
  };
}
