import type { FirewallFacts, FwRule, FwRuleset, FwTool } from "../../facts/exposure.ts";

/** How the saved firewall rules treat a new connection to one port, and where that is written. */
export interface FirewallDecision {
  /** true: dropped/rejected; false: let in; undefined: no enabled firewall rules to judge by. */
  blocked?: boolean;
  kind: "rule" | "policy" | "none" | "disabled";
  tool?: FwTool;
  file?: string;
  line?: number;
  rule?: string;
  /** Allow rules limited to some sources that also match (the port is open to them). */
  limitedAllows: FwRule[];
  /** The address family this decision is about (4 or 6). */
  family?: 4 | 6;
}

function matches(r: FwRule, protocol: "tcp" | "udp", port: number): boolean {
  if (r.protocol && r.protocol !== protocol) return false;
  if (r.ports && !r.ports.some(([a, b]) => port >= a && port <= b)) return false;
  return true;
}

/** First-match evaluation of one input chain for a new connection. */
export function evaluateRuleset(rs: FwRuleset, protocol: "tcp" | "udp", port: number): FirewallDecision {
  const limitedAllows: FwRule[] = [];
  for (const r of rs.rules) {
    if (!matches(r, protocol, port)) continue;
    if (r.restricted) {
      if (r.action === "accept" && (r.ports || r.protocol)) limitedAllows.push(r);
      continue;
    }
    return {
      blocked: r.action === "drop",
      kind: "rule",
      tool: rs.tool,
      file: r.file,
      line: r.line,
      rule: r.text,
      limitedAllows,
    };
  }
  return {
    blocked: rs.policy === "drop",
    kind: "policy",
    tool: rs.tool,
    file: rs.policyFile ?? rs.file,
    line: rs.policyLine,
    limitedAllows,
  };
}

/**
 * Whether the saved, enabled rules block a port for one address family. ufw, when enabled, decides
 * alone (it owns the chains); otherwise a connection must pass every enabled nftables/iptables chain.
 */
export function firewallFor(
  fw: FirewallFacts,
  protocol: "tcp" | "udp",
  port: number,
  family: 4 | 6,
): FirewallDecision {
  const applicable = fw.rulesets.filter((rs) => rs.family === 0 || rs.family === family);
  const enabled = applicable.filter((rs) => rs.enabled);
  const ufw = enabled.filter((rs) => rs.tool === "ufw");
  const chosen = ufw.length > 0 ? ufw : enabled;
  if (chosen.length === 0) {
    const saved = applicable[0];
    // Nothing enabled stands in the way: not blocked.
    return saved
      ? { blocked: false, kind: "disabled", tool: saved.tool, file: saved.file, limitedAllows: [], family }
      : { blocked: false, kind: "none", limitedAllows: [], family };
  }
  const decisions = chosen.map((rs) => ({ ...evaluateRuleset(rs, protocol, port), family }));
  const block = decisions.find((d) => d.blocked);
  if (block) return block;
  return decisions[0] as FirewallDecision;
}

/** For a listener on "::" (dual stack) both families must be blocked. */
export function firewallForListener(
  fw: FirewallFacts,
  protocol: "tcp" | "udp",
  port: number,
  families: Array<4 | 6>,
): FirewallDecision {
  const ds = families.map((f) => firewallFor(fw, protocol, port, f));
  return ds.find((d) => d.blocked !== true) ?? (ds[0] as FirewallDecision);
}
