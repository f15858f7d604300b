/**
 * Attacker addresses as a blocklist: one address a line (fail2ban, ipset, nftables sets) or CrowdSec's
 * `cscli decisions import -i FILE` CSV (header `duration,reason,scope,type,value`). The addresses come
 * from log lines an attacker wrote, so each is checked strictly and written in one canonical form;
 * private, loopback and link-local addresses are left out unless asked (blocking your own proxy or
 * monitoring would cut you off), and multicast, unspecified and reserved ones always are.
 */
import * as net from "node:net";
import type { ReportDocument } from "../../core/document.ts";
import { atLeast, type Severity } from "../../core/finding.ts";
import { byCodeUnit } from "../../core/order.ts";

export const BLOCKLIST_FORMATS = ["plain", "crowdsec"] as const;
export type BlocklistFormat = (typeof BLOCKLIST_FORMATS)[number];

export interface BlocklistOptions {
  format: BlocklistFormat;
  threshold: Severity;
  /** Also private, loopback and link-local addresses. */
  includePrivate?: boolean;
  /** CrowdSec decision duration (Go duration: 24h, 90m). */
  duration?: string;
}

export interface Blocklist {
  text: string;
  count: number;
  /** Left out: private/loopback/link-local (unless asked), and not an address at all. */
  leftPrivate: number;
  invalid: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]{2,45}$/;

/** Never a source worth blocking (or not one host): unspecified, multicast, reserved, broadcast. */
const NEVER = new net.BlockList();
NEVER.addSubnet("0.0.0.0", 8, "ipv4");
NEVER.addSubnet("224.0.0.0", 4, "ipv4");
NEVER.addSubnet("240.0.0.0", 4, "ipv4");
NEVER.addAddress("::", "ipv6");
NEVER.addSubnet("ff00::", 8, "ipv6");

/** Yours rather than an attacker's: blocking one cuts off a proxy, a monitor or the host itself. */
const PRIVATE = new net.BlockList();
PRIVATE.addSubnet("10.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("172.16.0.0", 12, "ipv4");
PRIVATE.addSubnet("192.168.0.0", 16, "ipv4");
PRIVATE.addSubnet("100.64.0.0", 10, "ipv4");
PRIVATE.addSubnet("127.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("169.254.0.0", 16, "ipv4");
PRIVATE.addAddress("::1", "ipv6");
PRIVATE.addSubnet("fc00::", 7, "ipv6");
PRIVATE.addSubnet("fe80::", 10, "ipv6");

/**
 * One address in canonical form (IPv4 dotted decimal without leading zeros, IPv6 lower case compressed,
 * an IPv4-mapped IPv6 address as its IPv4), or undefined for anything else: ranges, zone ids, ports,
 * hostnames, octal or hex forms, surrounding text.
 */
export function canonicalIp(raw: unknown): { ip: string; family: "ipv4" | "ipv6" } | undefined {
  if (typeof raw !== "string" || raw.length > 45) return undefined;
  if (IPV4.test(raw)) return { ip: raw, family: "ipv4" };
  if (!IPV6_CHARS.test(raw) || net.isIPv6(raw) !== true) return undefined;
  const sock = new net.SocketAddress({ address: raw, family: "ipv6" });
  const ip = sock.address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped?.[1] && IPV4.test(mapped[1])) return { ip: mapped[1], family: "ipv4" };
  return { ip, family: "ipv6" };
}

/**
 * An attacker's address as a firewall may take it: canonical, never a range, a name or a reserved
 * address, and not private, loopback or link-local (most often the site's own proxy) unless asked.
 */
export function blockableIp(raw: unknown, includePrivate = false): string | undefined {
  const c = canonicalIp(raw);
  if (!c || NEVER.check(c.ip, c.family)) return undefined;
  if (!includePrivate && PRIVATE.check(c.ip, c.family)) return undefined;
  return c.ip;
}

/** Why each attacker is listed: the attack and how it went, in CSV-safe characters. */
function reasonOf(attack: unknown, outcome: unknown): string {
  const clean = (v: unknown) =>
    typeof v === "string" ? v.replace(/[^A-Za-z0-9_.:/-]/g, "_").slice(0, 80) : "";
  const parts = ["mamori", clean(attack), clean(outcome)].filter(Boolean);
  return parts.join(":");
}

const SEVERITY_NAMES: readonly string[] = ["critical", "high", "medium", "low", "info"];

/**
 * What an attacker tried: the attack's own severity before its outcome was judged (`data.attempt`),
 * else the finding's. A refused CVE exploit is a low finding (background noise) but a critical
 * attempt: its sender belongs on a blocklist all the same.
 */
function attemptOf(f: ReportDocument["findings"][number]): Severity {
  const a = f.data?.attempt;
  return typeof a === "string" && SEVERITY_NAMES.includes(a) && atLeast(a as Severity, f.severity)
    ? (a as Severity)
    : f.severity;
}

/**
 * Addresses of attacks in the logs whose attempt is at or above the threshold (however they went: a
 * failed probe is judged low but its sender is still an attacker), of every incident's attackers, and,
 * at `low`, of the clients whose behaviour set off a scenario (probing, password guessing: no single
 * line of theirs may be a finding, their behaviour is).
 */
export function attackersOf(doc: ReportDocument, threshold: Severity): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of doc.findings) {
    if ((f.check !== "logs.exploit" && f.check !== "logs.login") || !atLeast(attemptOf(f), threshold))
      continue;
    const ips = [f.data?.ip, ...f.evidence.map((e) => e.ip)];
    for (const ip of ips)
      if (typeof ip === "string" && !out.has(ip)) out.set(ip, reasonOf(f.data?.attack, f.data?.outcome));
  }
  for (const inc of doc.incidents)
    for (const ip of inc.attackers ?? []) if (!out.has(ip)) out.set(ip, reasonOf("incident", inc.id));
  if (atLeast("low", threshold))
    for (const p of doc.sections.logs?.probing ?? [])
      if (!out.has(p.ip)) out.set(p.ip, reasonOf(p.scenario, p.outcome));
  return out;
}

export function renderBlocklist(doc: ReportDocument, o: BlocklistOptions): Blocklist {
  const rows = new Map<string, string>();
  let leftPrivate = 0;
  let invalid = 0;
  for (const [raw, reason] of attackersOf(doc, o.threshold)) {
    const c = canonicalIp(raw);
    if (!c || NEVER.check(c.ip, c.family)) {
      invalid++;
      continue;
    }
    if (!o.includePrivate && PRIVATE.check(c.ip, c.family)) {
      leftPrivate++;
      continue;
    }
    if (!rows.has(c.ip)) rows.set(c.ip, reason);
  }
  const ips = [...rows.keys()].sort(compareIp);
  const text =
    o.format === "plain"
      ? ips.map((ip) => `${ip}\n`).join("")
      : `duration,reason,scope,type,value\n${ips.map((ip) => `${o.duration ?? "24h"},${rows.get(ip)},ip,ban,${ip}\n`).join("")}`;
  return { text, count: ips.length, leftPrivate, invalid };
}

/** IPv4 in numeric order, then IPv6: the same list every run. */
function compareIp(a: string, b: string): number {
  const key = (ip: string) =>
    ip.includes(":")
      ? `6${new net.SocketAddress({ address: ip, family: "ipv6" }).address}`
      : `4${ip
          .split(".")
          .map((p) => p.padStart(3, "0"))
          .join(".")}`;
  return byCodeUnit(key(a), key(b));
}
