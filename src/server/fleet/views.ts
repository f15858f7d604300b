import { SEVERITIES } from "../../core/finding.ts";
import { isValidText, type Text } from "../../core/message.ts";
import { escapeCsv } from "../../report/escape.ts";

/**
 * The fleet views, folded from every host's latest report document (as stored: the JSON renderer's
 * output, validated against the report contract on ingest; sections are read loosely and every value is
 * checked for its type before use, since a host writes them). Pure functions: no I/O, no clock.
 */

export interface HostDoc {
  hostId: string;
  name: string;
  document: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, max = 1000): string | undefined =>
  typeof v === "string" ? (v.length > max ? v.slice(0, max) : v) : undefined;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * The keyed form of a text field (the JSON contract's `message[field]` beside the text rendered in the
 * agent's language), when it is valid keyed text: what the fleet views render in the reader's language.
 */
export function keyedOf(x: Obj | undefined, field: string): Text | undefined {
  const m = obj(x?.message)?.[field];
  return m !== undefined && typeof m !== "string" && isValidText(m) ? m : undefined;
}

/** An IPv4 or IPv6 address as logs write it (bounded, linear checks; anything else is not an attacker key). */
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
export function isIp(s: string): boolean {
  return s.length <= 45 && (IPV4.test(s) || (s.includes(":") && IPV6.test(s)));
}

export const OUTCOME_RANK = ["succeeded", "likely", "unknown", "blocked", "failed"];
export function betterOutcome(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const ra = OUTCOME_RANK.indexOf(a);
  const rb = OUTCOME_RANK.indexOf(b);
  return rb >= 0 && (ra < 0 || rb < ra) ? b : a;
}
export const minTime = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : a < b ? a : b);
export const maxTime = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : a > b ? a : b);

export interface AttackerOnHost {
  hostId: string;
  host: string;
  firstSeen?: string;
  lastSeen?: string;
  requests: number;
  outcome?: string;
  attacks: string[];
  /** Incidents of this host that name the address. */
  incidents: string[];
}

export interface FleetAttacker {
  ip: string;
  hosts: AttackerOnHost[];
  /** How many hosts saw it, when `hosts` lists only the first of them (a page with hosts per address cut). */
  hostCount?: number;
  firstSeen?: string;
  lastSeen?: string;
  outcome?: string;
}

/**
 * Addresses seen attacking more than one host (`minHosts`): from each report's log section (attackers),
 * its findings' `data.ip`, and its incidents' timelines. Most hosts first, then the worst outcome.
 */
export function fleetAttackers(
  docs: Iterable<HostDoc>,
  minHosts = 2,
  limit = 1000,
  titleOf: (incident: Obj) => string | undefined = (x) => str(x.title, 300),
): FleetAttacker[] {
  const byIp = new Map<string, Map<string, AttackerOnHost>>();
  const on = (ip: string, d: HostDoc): AttackerOnHost | undefined => {
    if (!isIp(ip)) return undefined;
    let hosts = byIp.get(ip);
    if (!hosts) {
      // A bound on distinct addresses: a host cannot make the server hold unbounded state.
      if (byIp.size >= 200_000) return undefined;
      hosts = new Map();
      byIp.set(ip, hosts);
    }
    let h = hosts.get(d.hostId);
    if (!h) {
      h = { hostId: d.hostId, host: d.name, requests: 0, attacks: [], incidents: [] };
      hosts.set(d.hostId, h);
    }
    return h;
  };
  for (const d of docs) {
    const doc = obj(d.document);
    if (!doc) continue;
    const logs = obj(obj(doc.sections)?.logs);
    for (const a of arr(logs?.attackers).slice(0, 10_000)) {
      const x = obj(a);
      const ip = str(x?.ip, 64);
      const h = ip ? on(ip, d) : undefined;
      if (!h || !x) continue;
      h.firstSeen = minTime(h.firstSeen, str(x.firstSeen, 40));
      h.lastSeen = maxTime(h.lastSeen, str(x.lastSeen, 40));
      h.requests += num(x.requests) ?? 0;
      h.outcome = betterOutcome(h.outcome, str(x.outcome, 20));
      for (const k of arr(x.attacks).slice(0, 50)) {
        const name = str(obj(k)?.attack, 80);
        if (name && !h.attacks.includes(name)) h.attacks.push(name);
      }
    }
    for (const f of arr(doc.findings).slice(0, 20_000)) {
      const x = obj(f);
      const data = obj(x?.data);
      const ip = str(data?.ip, 64);
      const h = ip ? on(ip, d) : undefined;
      if (!h || !data) continue;
      h.firstSeen = minTime(h.firstSeen, str(data.firstSeen, 40) ?? str(x?.time, 40));
      h.lastSeen = maxTime(h.lastSeen, str(data.lastSeen, 40) ?? str(x?.time, 40));
      h.outcome = betterOutcome(h.outcome, str(data.outcome, 20));
      const attack = str(data.attack, 80);
      if (attack && !h.attacks.includes(attack)) h.attacks.push(attack);
    }
    for (const i of arr(doc.incidents).slice(0, 1000)) {
      const x = obj(i);
      const title = x && str(x.title, 300) ? titleOf(x) : undefined;
      if (!x || !title) continue;
      const ips = new Set<string>();
      for (const e of arr(x.timeline).slice(0, 2000)) {
        const ip = str(obj(obj(obj(obj(e)?.message)?.text)?.params)?.ip, 64);
        if (ip) ips.add(ip);
      }
      for (const ip of ips) {
        const h = on(ip, d);
        if (h && !h.incidents.includes(title)) h.incidents.push(title);
      }
    }
  }
  const out: FleetAttacker[] = [];
  for (const [ip, hosts] of byIp) {
    if (hosts.size < minHosts) continue;
    out.push(attackerOf(ip, [...hosts.values()]));
  }
  return out
    .sort(
      (a, b) =>
        b.hosts.length - a.hosts.length ||
        outcomeRank(a.outcome) - outcomeRank(b.outcome) ||
        (a.ip < b.ip ? -1 : 1),
    )
    .slice(0, limit);
}

/** An outcome's place in the attackers' order: the worst first, another word next, none last. */
export function outcomeRank(o: string | undefined): number {
  return o === undefined ? 99 : OUTCOME_RANK.indexOf(o) < 0 ? 98 : OUTCOME_RANK.indexOf(o);
}

/** One address with the hosts that saw it (earliest first) and the fleet-wide first/last time and outcome. */
export function attackerOf(ip: string, hosts: AttackerOnHost[]): FleetAttacker {
  const list = [...hosts].sort(
    (a, b) => (a.firstSeen ?? "").localeCompare(b.firstSeen ?? "") || (a.hostId < b.hostId ? -1 : 1),
  );
  return {
    ip,
    hosts: list,
    firstSeen: list.reduce<string | undefined>((m, h) => minTime(m, h.firstSeen), undefined),
    lastSeen: list.reduce<string | undefined>((m, h) => maxTime(m, h.lastSeen), undefined),
    outcome: list.reduce<string | undefined>((m, h) => betterOutcome(m, h.outcome), undefined),
  };
}

export interface ApacheRow {
  hostId: string;
  host: string;
  binary: string;
  version?: string;
  product?: string;
  /** "apache2 2.4.62-1~deb12u2 (debian 12)", or undefined when built from source. */
  package?: string;
  packageOrigin?: string;
  /** yes: listening beyond loopback and not blocked by a firewall; no: listeners known, none such; unknown. */
  exposed: "yes" | "no" | "unknown";
  ports: number[];
  traversal?: string;
  worstCve?: string;
  cves: number;
}

const APACHE_COMMS = new Set(["httpd", "apache2", "httpd-prefork", "httpd-worker", "httpd-event"]);

/** Every Apache installation of every host, by version (oldest first), then host. */
export function apacheInventory(docs: Iterable<HostDoc>): ApacheRow[] {
  const rows: ApacheRow[] = [];
  for (const d of docs) {
    const doc = obj(d.document);
    const sections = obj(doc?.sections);
    const installs = arr(obj(sections?.apache)?.installations).slice(0, 100);
    const listeners = arr(obj(sections?.exposure)?.listeners).slice(0, 2000);
    const cveFindings = arr(doc?.findings)
      .map(obj)
      .filter(
        (f) =>
          f &&
          typeof f.check === "string" &&
          f.check.startsWith("apache.cve") &&
          f.check !== "apache.cve.not-applicable",
      );
    for (const i of installs) {
      const x = obj(i);
      const binary = str(x?.binary, 500);
      if (!x || !binary) continue;
      const names = new Set([
        binary,
        ...arr(x.aliases)
          .map((a) => str(a, 500))
          .filter((a): a is string => !!a),
      ]);
      const ports: number[] = [];
      let open = false;
      for (const l of listeners) {
        const y = obj(l);
        if (!y) continue;
        const mine = arr(y.processes).some((p) => {
          const q = obj(p);
          const exe = str(q?.exe, 500);
          const comm = str(q?.comm, 64);
          return (
            (exe !== undefined && names.has(exe)) ||
            (exe === undefined && comm !== undefined && APACHE_COMMS.has(comm))
          );
        });
        if (!mine) continue;
        const port = num(y.port);
        if (port !== undefined && !ports.includes(port)) ports.push(port);
        if (y.scope !== "loopback" && obj(y.firewall)?.blocked !== true) open = true;
      }
      const owner = obj(x.owner);
      const pkg = owner
        ? `${str(owner.name, 100) ?? "?"} ${str(owner.version, 100) ?? "?"}${owner.distro ? ` (${str(owner.distro, 50)}${owner.release ? ` ${str(owner.release, 50)}` : ""})` : ""}`
        : undefined;
      let worst: string | undefined;
      let cves = 0;
      for (const f of cveFindings) {
        const sev = str(f?.severity, 20);
        cves += arr(f?.cves).length;
        if (
          sev &&
          (worst === undefined || SEVERITIES.indexOf(sev as never) < SEVERITIES.indexOf(worst as never))
        )
          worst = sev;
      }
      rows.push({
        hostId: d.hostId,
        host: d.name,
        binary,
        version: str(x.version, 50),
        product: str(x.product, 200),
        package: pkg,
        packageOrigin: owner ? str(owner.origin, 20) : undefined,
        exposed: open ? "yes" : listeners.length > 0 ? "no" : "unknown",
        ports: ports.sort((a, b) => a - b),
        traversal: str(x.traversalVerdict, 30),
        // CVE findings are per host, not per binary: a host with two Apaches shows them on both.
        worstCve: worst,
        cves,
      });
    }
  }
  return rows.sort(
    (a, b) =>
      compareVersions(a.version, b.version) ||
      a.host.localeCompare(b.host) ||
      a.binary.localeCompare(b.binary),
  );
}

/**
 * A text key that sorts versions as compareVersions does for the usual shapes ("2.4.49" < "2.4.62"): ""
 * for an unknown version (first), else "v" and four numeric parts of ten digits; a part that is not a
 * number keeps its text after the numbers.
 */
export function versionKey(v: string | undefined): string {
  if (v === undefined) return "";
  const parts = v.split(".").slice(0, 4);
  const nums = parts.map((p) => Number.parseInt(p, 10));
  const bad = nums.some((n) => Number.isNaN(n) || n < 0);
  const fixed = [0, 1, 2, 3].map((i) => String(Math.min(nums[i] || 0, 9_999_999_999)).padStart(10, "0"));
  return `v${fixed.join(".")}${bad ? ` ${v.slice(0, 100)}` : ""}`;
}

/** "2.4.49" < "2.4.62"; an unknown version sorts first (it needs a look). */
function compareVersions(a?: string, b?: string): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const pa = a.split(".").map((n) => Number.parseInt(n, 10));
  const pb = b.split(".").map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (Number.isNaN(x) || Number.isNaN(y)) return a < b ? -1 : 1;
    if (x !== y) return x - y;
  }
  return 0;
}

export interface FleetIncident {
  hostId: string;
  host: string;
  id: string;
  severity: string;
  title: string;
  summary: string;
  start?: string;
  timeline: Array<{ time: string; source: string; text: string; message?: Keyed }>;
  /** The keyed forms of title and summary (the folds keep them for the summaries; pages render them). */
  message?: Keyed;
}

/** Keyed forms of some text fields of a stored document's incident or timeline entry. */
export type Keyed = Record<string, Text>;

function keyedFields(x: Obj, fields: readonly string[]): Keyed | undefined {
  const out: Keyed = {};
  for (const f of fields) {
    const k = keyedOf(x, f);
    if (k !== undefined) out[f] = k;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Every host's incidents, most severe first, then the earliest start. */
export function fleetIncidents(docs: Iterable<HostDoc>, maxTimeline = 200, keyed = false): FleetIncident[] {
  const out: FleetIncident[] = [];
  for (const d of docs) {
    for (const i of arr(obj(d.document)?.incidents).slice(0, 1000)) {
      const x = obj(i);
      const id = str(x?.id, 200);
      if (!x || !id) continue;
      const timeline = arr(x.timeline)
        .slice(0, maxTimeline)
        .map(obj)
        .filter((e): e is Obj => !!e)
        .map((e) => {
          const message = keyed ? keyedFields(e, ["source", "text"]) : undefined;
          return {
            time: str(e.time, 40) ?? "",
            source: str(e.source, 300) ?? "",
            text: str(e.text, 2000) ?? "",
            ...(message ? { message } : {}),
          };
        });
      const message = keyed ? keyedFields(x, ["title", "summary"]) : undefined;
      out.push({
        hostId: d.hostId,
        host: d.name,
        id,
        severity: str(x.severity, 20) ?? "info",
        title: str(x.title, 500) ?? "",
        summary: str(x.summary, 5000) ?? "",
        start: timeline
          .map((e) => e.time)
          .filter(Boolean)
          .sort()[0],
        timeline,
        ...(message ? { message } : {}),
      });
    }
  }
  const rank = (s: string) => {
    const i = SEVERITIES.indexOf(s as never);
    return i < 0 ? SEVERITIES.length : i;
  };
  return out.sort(
    (a, b) => rank(a.severity) - rank(b.severity) || (a.start ?? "").localeCompare(b.start ?? ""),
  );
}

export interface FindingRow {
  hostId: string;
  host: string;
  id: string;
  check: string;
  severity: string;
  title: string;
  cves: string[];
  /** The title's keyed form (with `keyed`: the summaries keep it; the export renders it). */
  message?: Text;
}

/** Every host's current findings (the export). */
export function fleetFindings(docs: Iterable<HostDoc>, keyed = false): FindingRow[] {
  const out: FindingRow[] = [];
  for (const d of docs)
    for (const f of arr(obj(d.document)?.findings).slice(0, 20_000)) {
      const x = obj(f);
      const id = str(x?.id, 200);
      if (!x || !id) continue;
      out.push({
        hostId: d.hostId,
        host: d.name,
        id,
        check: str(x.check, 200) ?? "",
        severity: str(x.severity, 20) ?? "",
        title: str(x.title, 2000) ?? "",
        cves: arr(x.cves)
          .map((c) => str(c, 40))
          .filter((c): c is string => !!c),
        ...(keyed && keyedOf(x, "title") !== undefined ? { message: keyedOf(x, "title") } : {}),
      });
    }
  return out;
}

/**
 * CSV (RFC 4180, CRLF) safe to open in a spreadsheet: every cell quoted, control characters shown as
 * escapes, and a cell a spreadsheet would take for a formula (starting with = + - @, tab or carriage
 * return) gets a leading apostrophe.
 */
export function toCsv(header: string[], rows: Array<Array<string | number | undefined | null>>): string {
  return [header, ...rows].map(csvLine).join("");
}

/** One CSV record with its CRLF (the cells as `toCsv` writes them: a file can be streamed a line at a time). */
export function csvLine(row: Array<string | number | undefined | null>): string {
  // escapeCsv: control and bidirectional-override characters made visible too (a host name with
  // U+202E would show reversed in a spreadsheet).
  const cell = (v: string | number | undefined | null): string =>
    escapeCsv(v === undefined || v === null ? "" : String(v));
  return `${row.map(cell).join(",")}\r\n`;
}
