import { type Finding, SEVERITIES } from "../../core/finding.ts";
import type { LogHour } from "../../core/sections/index.ts";
import { LOG_OUTCOMES } from "../../core/sections/outcomes.ts";
import type { RenderedIncident as Incident, RenderedDocument as ReportDocument } from "../localize.ts";

export const OUTCOMES = LOG_OUTCOMES;
type Outcome = (typeof OUTCOMES)[number];

/** Attack attempts per hour by outcome; x in Unix seconds. */
export interface AttackSeries {
  x: number[];
  counts: Record<Outcome, number[]>;
  /** Where the numbers came from: the logs section's per-hour counts, or the exploit findings. */
  from: "hours" | "findings";
}

export interface ChartData {
  attacks?: AttackSeries;
  cpu?: { labels: string[]; seconds: number[] };
  severity: { labels: string[]; keys: string[]; counts: number[] };
  timeline?: {
    incidents: string[];
    kinds: string[];
    /** One [time (s), incident index (1-based), kind index, label] per event. */
    points: Array<[number, number, number, string]>;
  };
}

const HOUR = 3600;

function toOutcome(v: unknown): Outcome {
  return (OUTCOMES as readonly string[]).includes(String(v)) ? (v as Outcome) : "unknown";
}

/** The start of the UTC hour a time falls in, in Unix seconds. */
function hourOf(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000 / HOUR) * HOUR;
}

function add(buckets: Map<number, Record<Outcome, number>>, hour: number, outcome: Outcome, n: number): void {
  let b = buckets.get(hour);
  if (!b) {
    b = { succeeded: 0, blocked: 0, failed: 0, unknown: 0 };
    buckets.set(hour, b);
  }
  b[outcome] += n;
}

/** The per-hour counts cover every event, also when the section lists only some of them. */
function fromHours(hours: LogHour[], buckets: Map<number, Record<Outcome, number>>): void {
  for (const row of hours) {
    const h = hourOf(row.hour);
    if (h !== undefined) add(buckets, h, row.outcome ?? "unknown", row.count);
  }
}

/** Without a logs section (a hunt, a hand-made report): the exploit findings' own times and counts. */
function fromFindings(findings: Finding[], buckets: Map<number, Record<Outcome, number>>): void {
  for (const f of findings.filter((x) => x.check === "logs.exploit")) {
    const d = f.data ?? {};
    const succ = Array.isArray(d.successTimes) ? d.successTimes : [];
    for (const s of succ) {
      const h = hourOf(s);
      if (h !== undefined) add(buckets, h, "succeeded", 1);
    }
    const rest = (typeof d.requests === "number" ? d.requests : 1) - succ.length;
    const h = hourOf(d.firstSeen ?? f.time);
    const o = toOutcome(d.outcome);
    if (rest > 0 && h !== undefined) add(buckets, h, o === "succeeded" ? "unknown" : o, rest);
  }
}

export function attackSeries(doc: ReportDocument): AttackSeries | undefined {
  const buckets = new Map<number, Record<Outcome, number>>();
  let from: AttackSeries["from"] = "hours";
  fromHours(doc.sections.logs?.hours ?? [], buckets);
  if (buckets.size === 0 && !doc.sections.logs) {
    fromFindings(doc.findings, buckets);
    from = "findings";
  }
  if (buckets.size === 0) return undefined;
  const hours = [...buckets.keys()].sort((a, b) => a - b);
  const first = hours[0] as number;
  const last = hours.at(-1) as number;
  // Continuous hours show quiet periods as zero; a very long span keeps only the hours that have data.
  const x =
    (last - first) / HOUR <= 24 * 62
      ? Array.from({ length: (last - first) / HOUR + 1 }, (_, i) => first + i * HOUR)
      : hours;
  const counts = Object.fromEntries(
    OUTCOMES.map((o) => [o, x.map((h) => buckets.get(h)?.[o] ?? 0)]),
  ) as Record<Outcome, number[]>;
  return { x, counts, from };
}

function base(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1) || p;
}

/** CPU time by process: the hunt section's busiest processes and the process findings, highest first. */
export function cpuSeries(doc: ReportDocument): ChartData["cpu"] {
  const byKey = new Map<string, { label: string; seconds: number }>();
  const put = (pid: unknown, name: unknown, cpu: unknown) => {
    if (typeof cpu !== "number" || !Number.isFinite(cpu) || cpu <= 0) return;
    const label = `${typeof name === "string" && name ? base(name) : "?"}${typeof pid === "number" ? ` (${pid})` : ""}`;
    const key = typeof pid === "number" ? `pid:${pid}` : `name:${label}`;
    const prev = byKey.get(key);
    if (!prev || prev.seconds < cpu) byKey.set(key, { label, seconds: cpu });
  };
  for (const p of doc.sections.hunt?.topCpu ?? []) put(p.pid, p.exe ?? p.comm, p.cpuSeconds);
  for (const f of doc.findings.filter((x) => x.check.startsWith("process."))) {
    const d = f.data ?? {};
    put(d.pid, d.exe ?? (Array.isArray(d.argv) ? d.argv[0] : undefined), d.cpuSeconds);
  }
  const top = [...byKey.values()].sort((a, b) => b.seconds - a.seconds).slice(0, 12);
  if (top.length === 0) return undefined;
  return { labels: top.map((p) => p.label), seconds: top.map((p) => Math.round(p.seconds)) };
}

const KINDS = ["exploit", "process", "file", "persistence", "network"];

export function timelineSeries(incidents: Incident[]): ChartData["timeline"] {
  const points: Array<[number, number, number, string]> = [];
  incidents.forEach((inc, i) => {
    for (const e of inc.timeline) {
      const ms = Date.parse(e.time);
      if (Number.isNaN(ms)) continue;
      const k = KINDS.indexOf(e.kind ?? "");
      points.push([ms / 1000, i + 1, k < 0 ? KINDS.length - 1 : k, e.text]);
    }
  });
  if (points.length === 0) return undefined;
  return {
    incidents: incidents.map((i) => i.title),
    kinds: KINDS,
    points: points.sort((a, b) => a[0] - b[0]),
  };
}

export function chartData(doc: ReportDocument, severityLabel: (s: string) => string): ChartData {
  return {
    attacks: attackSeries(doc),
    cpu: cpuSeries(doc),
    severity: {
      keys: [...SEVERITIES],
      labels: SEVERITIES.map(severityLabel),
      counts: SEVERITIES.map((s) => doc.findings.filter((f) => f.severity === s).length),
    },
    timeline: timelineSeries(doc.incidents),
  };
}

/** JSON that is safe inside <script>: no "<", ">", "&" or line separators survive literally. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
