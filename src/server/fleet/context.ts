import type { Finding } from "../../core/finding.ts";
import { findingId } from "../../core/finding.ts";
import { translator } from "../../i18n/index.ts";
import type { ServerStore } from "../store/db.ts";
import { hasEvent, recordEvent } from "../store/fleet-queries.ts";
import { sharedAttackers } from "../store/summaries.ts";
import { alertNewFindings, type FleetAlerts } from "./alerts.ts";

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
 * The sightings of one host's latest report: its attacker addresses that other hosts saw too, read from
 * the per-host summaries (migration 5) with one join on the address, so a push costs its own rows, not
 * the fleet's documents.
 */
export async function fleetSightings(
  store: ServerStore,
  hostId: string,
  now: () => Date,
  alerts?: FleetAlerts,
): Promise<Sighting[]> {
  const out: Sighting[] = [];
  for (const a of await sharedAttackers(store, hostId)) {
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
