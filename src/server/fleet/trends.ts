import { SEVERITIES, type Severity } from "../../core/finding.ts";
import type { ServerStore } from "../store/db.ts";

/**
 * Open findings by severity per day, from the stored reports: on each UTC day, a host counts the findings
 * of its latest report received by the end of that day (a re-judged report counts from when it was made),
 * and the fleet's count is the sum over hosts. Two bounded queries: the reports of the window, and each
 * host's last report before it.
 */
export interface SeverityTrend {
  /** YYYY-MM-DD (UTC), oldest first. */
  days: string[];
  /** Per severity, one count per day. */
  counts: Record<Severity, number[]>;
}

export const TREND_DAYS = 30;
export const MAX_TREND_DAYS = 400;

const DAY = 86_400_000;

export async function severityTrend(
  store: ServerStore,
  o: { now: Date; days?: number; hostId?: string },
): Promise<SeverityTrend> {
  const days = Math.min(MAX_TREND_DAYS, Math.max(1, o.days ?? TREND_DAYS));
  const today = Math.floor(o.now.getTime() / DAY) * DAY;
  const first = today - (days - 1) * DAY;
  const since = new Date(first).toISOString();
  // Reports of the window, with their findings counted by severity.
  let inWindow = store.db
    .selectFrom("reports as r")
    .leftJoin("report_findings as f", "f.report_id", "r.id")
    .select((eb) => ["r.id", "r.host_id", "r.received_at", "f.severity", eb.fn.count("f.finding_id").as("n")])
    .where("r.received_at", ">=", since)
    .groupBy(["r.id", "r.host_id", "r.received_at", "f.severity"]);
  if (o.hostId) inWindow = inWindow.where("r.host_id", "=", o.hostId);
  // Each host's last report before the window: what it had open on the first day.
  let before = store.db
    .selectFrom("reports as r")
    .innerJoin(
      (eb) => {
        let q = eb
          .selectFrom("reports")
          .select((x) => ["host_id", x.fn.max("received_at").as("m")])
          .where("received_at", "<", since)
          .groupBy("host_id");
        if (o.hostId) q = q.where("host_id", "=", o.hostId);
        return q.as("x");
      },
      (j) => j.onRef("x.host_id", "=", "r.host_id").onRef("x.m", "=", "r.received_at"),
    )
    .leftJoin("report_findings as f", "f.report_id", "r.id")
    .select((eb) => ["r.id", "r.host_id", "r.received_at", "f.severity", eb.fn.count("f.finding_id").as("n")])
    .groupBy(["r.id", "r.host_id", "r.received_at", "f.severity"]);
  if (o.hostId) before = before.where("r.host_id", "=", o.hostId);
  const rows = [...(await before.execute()), ...(await inWindow.execute())];
  // Per host, its reports in time order, each with counts by severity.
  type Rep = { at: number; id: string; counts: number[] };
  const byHost = new Map<string, Map<string, Rep>>();
  for (const r of rows) {
    const at = Date.parse(String(r.received_at));
    if (!Number.isFinite(at)) continue;
    let reps = byHost.get(r.host_id);
    if (!reps) {
      reps = new Map();
      byHost.set(r.host_id, reps);
    }
    let rep = reps.get(r.id);
    if (!rep) {
      rep = { at, id: r.id, counts: SEVERITIES.map(() => 0) };
      reps.set(r.id, rep);
    }
    const i = SEVERITIES.indexOf(r.severity as Severity);
    if (i >= 0) rep.counts[i] = (rep.counts[i] ?? 0) + Number(r.n);
  }
  const out: SeverityTrend = {
    days: [],
    counts: Object.fromEntries(SEVERITIES.map((s) => [s, [] as number[]])) as Record<Severity, number[]>,
  };
  const sums = Array.from({ length: days }, () => SEVERITIES.map(() => 0));
  for (const reps of byHost.values()) {
    const list = [...reps.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    let k = -1;
    for (let d = 0; d < days; d++) {
      const end = first + (d + 1) * DAY;
      while (k + 1 < list.length && (list[k + 1] as Rep).at < end) k++;
      const cur = list[k];
      if (!cur) continue;
      for (let i = 0; i < SEVERITIES.length; i++)
        (sums[d] as number[])[i] = ((sums[d] as number[])[i] ?? 0) + (cur.counts[i] ?? 0);
    }
  }
  for (let d = 0; d < days; d++) {
    out.days.push(new Date(first + d * DAY).toISOString().slice(0, 10));
    SEVERITIES.forEach((s, i) => {
      out.counts[s].push((sums[d] as number[])[i] ?? 0);
    });
  }
  return out;
}
