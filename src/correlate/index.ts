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
 * Bounds that keep the join near-linear on a hostile report (thousands of findings naming one thing):
 * a word named by more than FAN findings and found in more than FAN pairs each namer with the first FAN
 * holders and each holder with the first FAN namers (every pair links, so the group is the same), a host
 * event is scored against at most TIME_FAN exploits' windows, and an incident lists at most MAX_LINKS
 * links (`linksOmitted` counts the rest) and MAX_CONNECTIONS connections per process.
 */
export const FAN = 50;
export const TIME_FAN = 5_000;
export const TIME_PAIRS = 250_000;
export const MAX_LINKS = 1_000;
export const MAX_CONNECTIONS = 64;

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
    const g = groups.get(root);
    if (g) g.push(n);
    else groups.set(root, [n]);
  });

  const sourcesOf = (g: Node[]) => new Set(g.map((n) => n.source).filter((s) => s !== undefined));
  const incidentGroups = [...groups.values()].filter((g) => sourcesOf(g).size >= 2);
  joinSameHole(incidentGroups, events);

  // Each incident's links (both ends among its members), found through an index, not a scan per incident.
  const groupsOf = new Map<string, Set<number>>();
  incidentGroups.forEach((g, k) => {
    for (const n of g) {
      const s = groupsOf.get(n.finding.id);
      if (s) s.add(k);
      else groupsOf.set(n.finding.id, new Set([k]));
    }
  });
  const ownLinks = incidentGroups.map((): IncidentLink[] => []);
  for (const l of links) {
    const to = groupsOf.get(l.to);
    if (!to) continue;
    for (const k of groupsOf.get(l.from) ?? []) if (to.has(k)) ownLinks[k]?.push(l);
  }
  const incidents: Incident[] = [];
  incidentGroups.forEach((members, k) => {
    const sources = sourcesOf(members);
    incidents.push(buildIncident(members, ownLinks[k] ?? [], exposures, [...sources].sort(), ctx.t));
  });
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
  // Successes no incident holds, by CVE (event order kept): a CVE's list is used up by the first group naming it.
  const byCve = new Map<string, number[]>();
  events.forEach((n, i) => {
    if (held.has(n) || n.kind !== "exploit" || !succeeded(n)) return;
    for (const c of new Set(n.finding.cves)) {
      const l = byCve.get(c);
      if (l) l.push(i);
      else byCve.set(c, [i]);
    }
  });
  for (const g of incidentGroups) {
    const cves = new Set(
      g.filter((n) => n.kind === "exploit" && succeeded(n)).flatMap((n) => n.finding.cves),
    );
    const joined: number[] = [];
    for (const c of cves) {
      for (const i of byCve.get(c) ?? []) {
        const n = events[i] as Node;
        if (held.has(n)) continue;
        held.add(n);
        joined.push(i);
      }
      byCve.delete(c);
    }
    for (const i of joined.sort((a, b) => a - b)) g.push(events[i] as Node);
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
  // Who names a word (identifiers, payload addresses) and who holds it: every such pair links, so
  // pairing each side with the other's first FAN keeps the groups while the pairs stay near-linear.
  const namesWord = new Map<string, number[]>();
  const namesRemote = new Map<string, number[]>();
  nodes.forEach((node, j) => {
    for (const tok of new Set(identifiers(node))) push(namesWord, tok, j);
    if (node.kind === "exploit") for (const ip of new Set(node.indicators.ips)) push(namesRemote, ip, j);
  });
  const cross = (namers: Map<string, number[]>, holders: Map<string, number[]>) => {
    for (const [tok, js] of namers) {
      const is = holders.get(tok);
      if (!is) continue;
      for (const j of js) for (const i of is.slice(0, FAN)) add(i, j);
      for (const i of is) for (const j of js.slice(0, FAN)) add(i, j);
    }
  };
  cross(namesWord, byWord);
  cross(namesRemote, byRemote);
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
  // Host events in a success's window, the nearest TIME_FAN for each, TIME_PAIRS in all (each one is
  // scored; a hostile report with thousands of successes and host events stays bounded).
  let timePairs = 0;
  nodes.forEach((x, j) => {
    if (!succeeded(x)) return;
    const times = x.successTimes.length > 0 ? x.successTimes : x.time !== undefined ? [x.time] : [];
    if (times.length === 0) return;
    const first = times.reduce((a, b) => Math.min(a, b));
    const last = times.reduce((a, b) => Math.max(a, b));
    let lo = 0;
    let hi = hosts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((hosts[mid] as { t: number }).t < first - 5_000) lo = mid + 1;
      else hi = mid;
    }
    for (
      let k = lo, taken = 0;
      k < hosts.length && taken < TIME_FAN && timePairs < TIME_PAIRS;
      k++, taken++
    ) {
      const h = hosts[k] as { t: number; i: number };
      if (h.t > last + WINDOW_MS) break;
      add(h.i, j);
      timePairs++;
    }
  });
  return out;
}

function confidenceOf(members: Node[], links: IncidentLink[], sources: string[]): Confidence {
  const success = members.some(succeeded);
  // The source of the first member with each id, looked up once.
  const sourceById = new Map<string, string | undefined>();
  for (const n of members) if (!sourceById.has(n.finding.id)) sourceById.set(n.finding.id, n.source);
  const cross = links.filter((l) => sourceById.get(l.from) !== sourceById.get(l.to));
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
  const firstHost = hostTimes.length > 0 ? hostTimes.reduce((a, b) => Math.min(a, b)) : undefined;
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

  // A process's connections (same pid or a shared remote), through indexes; the first MAX_CONNECTIONS
  // of each are kept for its story, and every connection any process has counts as shown.
  const networks = members.filter((n) => n.kind === "network");
  const netByPid = new Map<number, number[]>();
  const netByRemote = new Map<string, number[]>();
  const index = <K>(m: Map<K, number[]>, k: K, i: number) => {
    const l = m.get(k);
    if (!l) m.set(k, [i]);
    else if (l[l.length - 1] !== i) l.push(i);
  };
  networks.forEach((n, i) => {
    if (n.pid !== undefined) index(netByPid, n.pid, i);
    for (const r of n.remotes) index(netByRemote, r, i);
  });
  const connections = new Map<string, Node[]>();
  const shown = new Set<string>();
  const shownKeys = new Set<string>();
  for (const p of members) {
    if (p.kind !== "process") continue;
    const hit = new Set<number>();
    const take = (key: string, l: number[]) => {
      if (!shownKeys.has(key)) {
        shownKeys.add(key);
        for (const i of l) shown.add((networks[i] as Node).finding.id);
      }
      for (const i of l.slice(0, MAX_CONNECTIONS)) hit.add(i);
    };
    if (p.pid !== undefined) take(`pid:${p.pid}`, netByPid.get(p.pid) ?? []);
    for (const r of new Set(p.remotes)) take(`remote:${r}`, netByRemote.get(r) ?? []);
    const conns = [...hit]
      .sort((a, b) => a - b)
      .slice(0, MAX_CONNECTIONS)
      .map((i) => networks[i] as Node);
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
    summary: story({ nodes: members, anchor, anchorTime: t0, exposure, connections, shown, roles, named }, t),
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
    links: links.length > MAX_LINKS ? links.slice(0, MAX_LINKS) : links,
    ...(links.length > MAX_LINKS ? { linksOmitted: links.length - MAX_LINKS } : {}),
  };
}
