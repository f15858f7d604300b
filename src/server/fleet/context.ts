import type { Finding } from "../../core/finding.ts";
import { findingId } from "../../core/finding.ts";
import { translator } from "../../i18n/index.ts";
import type { ServerStore } from "../store/db.ts";
import { hasEvent, latestDocument, latestDocuments, recordEvent } from "../store/fleet-queries.ts";
import { alertNewFindings, type FleetAlerts } from "./alerts.ts";
import { type AttackerOnHost, fleetAttackers, type HostDoc } from "./views.ts";

/**
 * Fleet context for alerts: after a host's report is stored, each attacker address in it that other
 * hosts have seen too is told once per (host, address): "the attacker from host A now hits host B".
 * Recorded in the audit log ("fleet.attacker", GET /api/v1/fleet/sightings) and, with alert channels,
 * sent as a finding of check "fleet.attacker" (high when it got in here, medium otherwise).
 */
export interface Sighting {
  ip: string;
  hostId: string;
  host: string;
  outcome?: string;
  seenAt?: string;
  others: Array<{ hostId: string; host: string; firstSeen?: string }>;
}

/**
 * Which hosts saw which attacker, kept in the server's memory: built from every latest report once (the
 * first report after start), then updated from the one report just stored, so a push costs one document,
 * not the fleet's. Bounded like the views (addresses per host and in all).
 */
export class AttackerIndex {
  private byHost = new Map<string, Map<string, AttackerOnHost>>();
  private byIp = new Map<string, Set<string>>();
  private built = false;

  async ensure(store: ServerStore): Promise<void> {
    if (this.built) return;
    for await (const d of latestDocuments(store)) this.set(d);
    this.built = true;
  }

  set(d: HostDoc): void {
    for (const ip of this.byHost.get(d.hostId)?.keys() ?? []) this.byIp.get(ip)?.delete(d.hostId);
    const mine = new Map<string, AttackerOnHost>();
    for (const a of fleetAttackers([d], 1, 10_000)) {
      const h = a.hosts[0];
      if (!h) continue;
      if (!this.byIp.has(a.ip) && this.byIp.size >= 500_000) continue;
      mine.set(a.ip, h);
      let set = this.byIp.get(a.ip);
      if (!set) {
        set = new Set();
        this.byIp.set(a.ip, set);
      }
      set.add(d.hostId);
    }
    this.byHost.set(d.hostId, mine);
  }

  /** The addresses of a host that other hosts saw too, with those hosts. */
  shared(hostId: string): Array<{ ip: string; here: AttackerOnHost; others: AttackerOnHost[] }> {
    const out: Array<{ ip: string; here: AttackerOnHost; others: AttackerOnHost[] }> = [];
    for (const [ip, here] of this.byHost.get(hostId) ?? []) {
      const others = [...(this.byIp.get(ip) ?? [])]
        .filter((id) => id !== hostId)
        .map((id) => this.byHost.get(id)?.get(ip))
        .filter((h): h is AttackerOnHost => h !== undefined);
      if (others.length > 0) out.push({ ip, here, others });
    }
    return out;
  }
}

export async function fleetSightings(
  store: ServerStore,
  index: AttackerIndex,
  hostId: string,
  now: () => Date,
  alerts?: FleetAlerts,
): Promise<Sighting[]> {
  await index.ensure(store);
  const row = await latestDocument(store, hostId);
  if (!row) return [];
  index.set(row);
  const out: Sighting[] = [];
  for (const a of index.shared(hostId)) {
    const target = `${hostId}|${a.ip}`;
    if (await hasEvent(store, "fleet.attacker", target)) continue;
    const others = a.others.map((h) => ({ hostId: h.hostId, host: h.host, firstSeen: h.firstSeen }));
    const s: Sighting = {
      ip: a.ip,
      hostId,
      host: a.here.host,
      outcome: a.here.outcome,
      seenAt: a.here.firstSeen,
      others,
    };
    await recordEvent(store, now(), "server", "fleet.attacker", target, { ...s });
    out.push(s);
  }
  if (alerts && out.length > 0) {
    const findings = out.map((s) => sightingFinding(s, alerts.lang));
    await alertNewFindings(
      store,
      alerts,
      { hostId, host: out[0]?.host ?? "", reportId: "", findings, newCves: [], incidents: [] },
      now,
    );
  }
  return out;
}

function sightingFinding(s: Sighting, lang: "en" | "ja"): Finding {
  const t = translator(lang);
  const first = [...s.others].sort((a, b) => (a.firstSeen ?? "").localeCompare(b.firstSeen ?? ""))[0];
  const names = s.others.slice(0, 5).map((o) => o.host);
  const others = s.others.length > 5 ? `${names.join(", ")} (+${s.others.length - 5})` : names.join(", ");
  const got = s.outcome === "succeeded" || s.outcome === "likely";
  return {
    id: findingId("fleet.attacker", s.hostId, s.ip),
    check: "fleet.attacker",
    severity: got ? "high" : "medium",
    confidence: "likely",
    title: { key: "server.fleet.attackerTitle", params: { ip: s.ip, others, host: s.host } },
    detail: {
      key: "server.fleet.attackerDetail",
      params: {
        ip: s.ip,
        first: first?.host ?? "?",
        firstAt: first?.firstSeen ?? "?",
        host: s.host,
        hereAt: s.seenAt ?? "?",
        outcome: s.outcome ?? t("server.fleet.unknown"),
      },
    },
    remediation: { key: "server.fleet.attackerFix", params: { ip: s.ip } },
    cves: [],
    evidence: [],
    data: { ip: s.ip, others: s.others.map((o) => o.hostId) },
  };
}
