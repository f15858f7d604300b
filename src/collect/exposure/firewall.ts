import { cutFrom } from "../../core/cut.ts";
import type { FirewallFacts, FwAction, FwRule, FwRuleset, FwTool } from "../../facts/exposure.ts";
import type { RootFs } from "../rootfs.ts";

export type { FirewallFacts, FwAction, FwRule, FwRuleset, FwTool };

const SERVICE_PORTS: Record<string, number> = {
  ssh: 22,
  http: 80,
  https: 443,
  ftp: 21,
  telnet: 23,
  smtp: 25,
  domain: 53,
  mysql: 3306,
  postgresql: 5432,
  redis: 6379,
};

/** "22", "80,443", "6000:6007", "8000-8100", "ssh". */
export function parsePorts(spec: string): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\w+)(?:[:-](\d+))?$/.exec(part);
    if (!m?.[1]) return undefined;
    const from = /^\d+$/.test(m[1]) ? Number(m[1]) : SERVICE_PORTS[m[1]];
    if (from === undefined) return undefined;
    out.push([from, m[2] ? Number(m[2]) : from]);
  }
  return out.length > 0 ? out : undefined;
}

// ---- ufw ------------------------------------------------------------------------------------------

/** ufw's own record of the user's rules: `### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in`. */
export function parseUfwRules(text: string, file: string): FwRule[] {
  const rules: FwRule[] = [];
  text.split("\n").forEach((line, i) => {
    const m =
      /^### tuple ### (allow|deny|reject|limit)(?:_\w+)? (tcp|udp|any) (\S+) (\S+) (\S+) (\S+)((?:[^\S\n\r\u2028\u2029].*)?)$/.exec(
        line.trim(),
      );
    if (!m) return;
    const rest = (m[7] ?? "").trim().split(/\s+/);
    if (rest.at(-1) === "out") return;
    const [, action, proto, dport, , , src] = m;
    const anyNet = src === "0.0.0.0/0" || src === "::/0";
    const restricted = !anyNet || rest.some((r) => r.startsWith("in_") && r !== "in");
    rules.push({
      protocol: proto === "any" ? undefined : (proto as "tcp" | "udp"),
      ports: dport === "any" ? undefined : parsePorts(dport ?? ""),
      action: action === "allow" || action === "limit" ? "accept" : "drop",
      restricted,
      file,
      line: i + 1,
      text: line.trim(),
    });
  });
  return rules;
}

function readUfw(fs: RootFs, looked: string[]): FwRuleset[] {
  const conf = "/etc/ufw/ufw.conf";
  looked.push(conf, "/etc/ufw/user.rules", "/etc/ufw/user6.rules", "/etc/default/ufw");
  const confText = fs.tryReadText(conf);
  if (confText === undefined) return [];
  const enabled = /^[^\S\n\r\u2028\u2029]*ENABLED\s*=\s*"?yes"?\s*$/im.test(confText);
  const defaults = fs.tryReadText("/etc/default/ufw") ?? "";
  let policy: FwAction | undefined;
  let policyLine: number | undefined;
  defaults.split("\n").forEach((line, i) => {
    const m = /^\s*DEFAULT_INPUT_POLICY\s*=\s*"?(\w+)"?/.exec(line);
    if (m?.[1]) {
      policy = m[1].toUpperCase() === "ACCEPT" ? "accept" : "drop";
      policyLine = i + 1;
    }
  });
  const sets: FwRuleset[] = [];
  for (const [file, family] of [
    ["/etc/ufw/user.rules", 4],
    ["/etc/ufw/user6.rules", 6],
  ] as const) {
    const text = fs.tryReadText(file);
    if (text === undefined) continue;
    sets.push({
      tool: "ufw",
      family,
      file,
      policy,
      policyFile: policy ? "/etc/default/ufw" : undefined,
      policyLine,
      rules: parseUfwRules(text, file),
      enabled,
      enabledBy: conf,
    });
  }
  // ufw without user rules files still applies its default policy to both families.
  if (sets.length === 0)
    sets.push({
      tool: "ufw",
      family: 0,
      file: conf,
      policy,
      policyFile: policy ? "/etc/default/ufw" : undefined,
      policyLine,
      rules: [],
      enabled,
      enabledBy: conf,
    });
  return sets;
}

// ---- iptables-save format ----------------------------------------------------------------------

function optValue(tokens: string[], ...names: string[]): { value: string; negated: boolean } | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (names.includes(tokens[i] as string)) {
      return { value: tokens[i + 1] ?? "", negated: tokens[i - 1] === "!" };
    }
  }
  return undefined;
}

/** The INPUT chain of the filter table in an iptables-save file. */
export function parseIptablesSave(
  text: string,
  file: string,
): { policy?: FwAction; policyLine?: number; rules: FwRule[] } {
  let table = "";
  let policy: FwAction | undefined;
  let policyLine: number | undefined;
  const rules: FwRule[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith("*")) {
      table = line.slice(1);
      return;
    }
    if (table !== "filter") return;
    const pm = /^:INPUT\s+(ACCEPT|DROP|REJECT)\b/.exec(line);
    if (pm) {
      policy = pm[1] === "ACCEPT" ? "accept" : "drop";
      policyLine = i + 1;
      return;
    }
    if (!line.startsWith("-A INPUT ")) return;
    const tokens = line.split(/\s+/);
    const target = optValue(tokens, "-j", "--jump")?.value;
    if (target !== "ACCEPT" && target !== "DROP" && target !== "REJECT") return;
    const state = optValue(tokens, "--state", "--ctstate")?.value ?? "";
    if (/ESTABLISHED|RELATED|INVALID/.test(state) && !/NEW/.test(state)) return;
    const proto = optValue(tokens, "-p", "--protocol")?.value;
    if (proto && proto !== "tcp" && proto !== "udp") return;
    const dport = optValue(tokens, "--dport", "--destination-port", "--dports", "--destination-ports");
    const src = optValue(tokens, "-s", "--source");
    const iface = optValue(tokens, "-i", "--in-interface");
    const restricted =
      Boolean(src && !["0.0.0.0/0", "::/0"].includes(src.value)) || Boolean(iface) || Boolean(dport?.negated);
    rules.push({
      protocol: proto as "tcp" | "udp" | undefined,
      ports: dport ? parsePorts(dport.value) : undefined,
      action: target === "ACCEPT" ? "accept" : "drop",
      restricted,
      file,
      line: i + 1,
      text: line,
    });
  });
  return { policy, policyLine, rules };
}

function readIptables(fs: RootFs, looked: string[]): FwRuleset[] {
  const sets: FwRuleset[] = [];
  const enabledBy = [
    "/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service",
    "/etc/systemd/system/sysinit.target.wants/netfilter-persistent.service",
    "/etc/systemd/system/basic.target.wants/iptables.service",
    "/etc/systemd/system/multi-user.target.wants/iptables.service",
  ].find((p) => fs.exists(p) || isLink(fs, p));
  for (const [file, family] of [
    ["/etc/iptables/rules.v4", 4],
    ["/etc/iptables/rules.v6", 6],
    ["/etc/sysconfig/iptables", 4],
    ["/etc/sysconfig/ip6tables", 6],
  ] as const) {
    looked.push(file);
    const text = fs.tryReadText(file);
    if (text === undefined) continue;
    const parsed = parseIptablesSave(text, file);
    sets.push({
      tool: "iptables",
      family,
      file,
      policy: parsed.policy,
      policyFile: parsed.policy ? file : undefined,
      policyLine: parsed.policyLine,
      rules: parsed.rules,
      enabled: enabledBy !== undefined,
      enabledBy,
    });
  }
  return sets;
}

function isLink(fs: RootFs, p: string): boolean {
  try {
    return fs.lstat(p).isSymbolicLink();
  } catch {
    return false;
  }
}

// ---- nftables --------------------------------------------------------------------------------------

/** Input-hook chains of an nftables ruleset file (the text `nft -f` loads; we never run nft). */
export function parseNftables(text: string, file: string): FwRuleset[] {
  const sets: FwRuleset[] = [];
  let family: 0 | 4 | 6 = 0;
  let depth = 0;
  let chainDepth = -1;
  let current: FwRuleset | undefined;
  let isInput = false;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = cutFrom(raw, "#").trim();
    const tm = /^table\s+(ip6|ip|inet)\s+\S+\s*\{/.exec(line);
    if (tm) family = tm[1] === "ip" ? 4 : tm[1] === "ip6" ? 6 : 0;
    const cm = /^chain\s+\S+\s*\{/.exec(line);
    if (cm) {
      chainDepth = depth + 1;
      current = { tool: "nftables", family, file, rules: [] };
      isInput = false;
    }
    if (current && depth === chainDepth) {
      if (/type\s+filter\s+hook\s+input\b/.test(line)) isInput = true;
      const pm = /\bpolicy\s+(accept|drop)\b/.exec(line);
      if (pm) {
        current.policy = pm[1] as FwAction;
        current.policyFile = file;
        current.policyLine = i + 1;
      }
      const am = /\b(accept|drop|reject)\s*(?:;\s*)?$/.exec(line);
      if (am && !/^type\s/.test(line) && !/\bpolicy\b/.test(line)) {
        const rule = nftRule(line, am[1] === "accept" ? "accept" : "drop", file, i + 1);
        if (rule) current.rules.push(rule);
      }
    }
    for (const c of line) {
      if (c === "{") depth++;
      else if (c === "}") {
        depth--;
        if (current && depth < chainDepth) {
          if (isInput) sets.push(current);
          current = undefined;
          chainDepth = -1;
        }
      }
    }
  });
  return sets;
}

function nftRule(line: string, action: FwAction, file: string, lineNo: number): FwRule | undefined {
  if (/\bct\s+state\b/.test(line) && !/\bnew\b/.test(line)) return undefined;
  if (/\b(icmp|icmpv6|ip6?\s+protocol\s+icmp)/.test(line) && !/\bdport\b/.test(line)) return undefined;
  const pm = /\b(tcp|udp)\s+dport\s+(\{[^}]*\}|\S+)/.exec(line);
  const l4 = /\bmeta\s+l4proto\s+(tcp|udp)\b/.exec(line)?.[1];
  const ports = pm?.[2] ? parsePorts(pm[2].replace(/[{}]/g, "").replace(/\s+/g, "")) : undefined;
  if (pm && !ports) return undefined;
  const restricted = /\b(saddr|iif|iifname)\b/.test(line) || /\bdport\s+!=/.test(line);
  return {
    protocol: (pm?.[1] ?? l4) as "tcp" | "udp" | undefined,
    ports,
    action,
    restricted,
    file,
    line: lineNo,
    text: line,
  };
}

function readNftables(fs: RootFs, looked: string[]): FwRuleset[] {
  const main = "/etc/nftables.conf";
  looked.push(main);
  const text = fs.tryReadText(main);
  if (text === undefined) return [];
  const files: Array<[string, string]> = [[main, text]];
  for (const m of text.matchAll(/^[^\S\n\r\u2028\u2029]*include\s+"([^"]+)"/gm)) {
    for (const f of fs.glob(m[1] as string)) {
      const t = fs.tryReadText(f);
      if (t !== undefined) files.push([f, t]);
    }
  }
  const unit = "/etc/systemd/system/sysinit.target.wants/nftables.service";
  const enabled = fs.exists(unit) || isLink(fs, unit);
  return files.flatMap(([f, t]) =>
    parseNftables(t, f).map((s) => ({ ...s, enabled, enabledBy: enabled ? unit : undefined })),
  );
}

/** Saved firewall rules from ufw, nftables and iptables files; reads only, runs nothing. */
export function readFirewall(fs: RootFs): FirewallFacts {
  const looked: string[] = [];
  const rulesets = [...readUfw(fs, looked), ...readNftables(fs, looked), ...readIptables(fs, looked)];
  return { rulesets, looked };
}
