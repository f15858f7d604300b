import type { CheckContext } from "../../core/context.ts";
import { type Evidence, type Finding, findingId, type Severity } from "../../core/finding.ts";
import { joinText, type Text } from "../../core/message.ts";
import { byCodeUnit } from "../../core/order.ts";
import { shellQuote } from "../../core/shell-quote.ts";
import type {
  BindSetting,
  ExposureFacts as CollectedExposure,
  Listener,
  ListenerProcess,
  Scope,
} from "../../facts/exposure.ts";
import type { MessageKey } from "../../i18n/index.ts";
import { classifyListener, type ServiceRule } from "../../rules/exposure/services.ts";
import { type FirewallDecision, firewallForListener } from "./firewall.ts";

/** The exposure facts with the service rules (current data, not facts) they are judged by. */
export type ExposureFacts = CollectedExposure & { rules: ServiceRule[] };

/** Listeners of one program on one port, across addresses and address families. */
export interface ListenerGroup {
  protocol: "tcp" | "udp";
  port: number;
  scope: Scope;
  addresses: string[];
  families: Array<4 | 6>;
  listeners: Listener[];
  processes: ListenerProcess[];
  service?: ServiceRule;
  firewall?: FirewallDecision;
}

const SCOPE_RANK: Record<Scope, number> = { loopback: 0, address: 1, all: 2 };
const LOWER: Record<Severity, Severity> = {
  critical: "high",
  high: "medium",
  medium: "low",
  low: "info",
  info: "info",
};

export function isPrivateAddress(a: string): boolean {
  const v4 = a.replace(/^::ffff:/, "");
  if (/^10\./.test(v4) || /^192\.168\./.test(v4) || /^169\.254\./.test(v4)) return true;
  const m = /^172\.(\d+)\./.exec(v4);
  if (m && Number(m[1]) >= 16 && Number(m[1]) <= 31) return true;
  return /^f[cd][0-9a-f]{2}:/i.test(a) || /^fe[89ab][0-9a-f]:/i.test(a);
}

function familiesOf(l: Listener): Array<4 | 6> {
  if (l.family === 4 || l.address.startsWith("::ffff:")) return [4];
  return l.address === "::" ? [4, 6] : [6];
}

/** Groups listeners by protocol, port and owning processes, and classifies each group. */
export function groupListeners(facts: ExposureFacts): ListenerGroup[] {
  const groups = new Map<string, ListenerGroup>();
  for (const l of facts.listeners) {
    const pids = l.processes.map((p) => p.pid).sort((a, b) => a - b);
    const key = `${l.protocol}/${l.port}/${pids.join(",") || `inode${l.inode}`}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        protocol: l.protocol,
        port: l.port,
        scope: l.scope,
        addresses: [],
        families: [],
        listeners: [],
        processes: l.processes,
      };
      groups.set(key, g);
    }
    g.listeners.push(l);
    if (!g.addresses.includes(l.address)) g.addresses.push(l.address);
    for (const f of familiesOf(l)) if (!g.families.includes(f)) g.families.push(f);
    if (SCOPE_RANK[l.scope] > SCOPE_RANK[g.scope]) g.scope = l.scope;
  }
  for (const g of groups.values()) {
    const names = g.processes.flatMap((p) => [p.comm, p.exe, p.argv[0]]);
    g.service = classifyListener(facts.rules, g.protocol, g.port, names);
    if (g.scope !== "loopback")
      g.firewall = firewallForListener(facts.firewall, g.protocol, g.port, g.families);
  }
  return [...groups.values()].sort((a, b) => a.port - b.port || byCodeUnit(a.protocol, b.protocol));
}

function mainAddress(g: ListenerGroup): string {
  const widest = g.listeners.reduce((a, b) => (SCOPE_RANK[b.scope] > SCOPE_RANK[a.scope] ? b : a));
  return widest.address;
}

/** The name the operator knows (comm: redis-server, not its exe redis-check-rdb); the exe is in the evidence. */
function processLabel(g: ListenerGroup): string {
  const p = g.processes[0];
  if (!p) return "?";
  return p.comm || (p.exe?.split("/").pop() ?? "?");
}

export function firewallText(
  fw: FirewallDecision | undefined,
  facts: ExposureFacts,
  ctx: CheckContext,
): Text {
  const { t } = ctx;
  if (!fw) return "";
  const where = fw.line ? `${fw.file}:${fw.line}` : (fw.file ?? "");
  switch (fw.kind) {
    case "none":
      // Rules exist, but none for this address family (e.g. rules.v4 only, and it listens on [::]).
      return facts.firewall.rulesets.some((r) => r.enabled)
        ? t("exposure.fw.noneForFamily", { family: fw.family ?? 6 })
        : t("exposure.fw.noneShort");
    case "disabled":
      return t("exposure.fw.disabled", { tool: fw.tool ?? "", file: fw.file ?? "" });
    case "rule":
      return t(fw.blocked ? "exposure.fw.blockedRule" : "exposure.fw.allowedRule", {
        tool: fw.tool ?? "",
        where,
        rule: fw.rule ?? "",
      });
    case "policy":
      return t(fw.blocked ? "exposure.fw.blockedPolicy" : "exposure.fw.allowedPolicy", {
        tool: fw.tool ?? "",
        where,
      });
  }
}

/** The exact commands: change the bind line (with a backup), restart; or stop and disable. */
function fixCommands(unit: string | undefined, settings: BindSetting[], ctx: CheckContext): Text[] {
  const cmds: Text[] = [];
  for (const s of settings) {
    if (s.directive === "hosts" || s.directive === "ExecStart") continue; // JSON and unit files: edit by hand
    const safe = s.safe.replace(/[\\|&]/g, "\\$&");
    // Keeps the line's indentation (YAML nests bindIp under net:), keeps a .bak copy.
    if (s.line !== undefined)
      cmds.push(
        `sed -i.bak ${shellQuote(`${s.line}s|^\\([[:space:]]*\\).*|\\1${safe}|`)} ${shellQuote(s.file)}`,
      );
    else
      cmds.push(
        `cp -p ${shellQuote(s.file)} ${shellQuote(`${s.file}.bak`)} && echo ${shellQuote(s.safe)} >> ${shellQuote(s.file)}`,
      );
  }
  if (unit) {
    if (cmds.length > 0) cmds.push(`systemctl restart ${shellQuote(unit)}`);
    cmds.push(["# ", ctx.t("exposure.cmd.ifUnneeded")], `systemctl disable --now ${shellQuote(unit)}`);
  }
  return cmds;
}

function isLoopbackValue(v: string | undefined): boolean {
  if (v === undefined) return false;
  const words = v
    .replace(/["'[\]]/g, " ")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((w) => w.replace(/^-/, ""));
  return words.length > 0 && words.every((w) => /^(127\.|::1$|localhost$|lo$|yes$)/.test(w));
}

function baseEvidence(g: ListenerGroup): Evidence[] {
  const ev: Evidence[] = [];
  for (const p of g.processes) {
    ev.push({
      label: "process",
      pid: p.pid,
      path: p.exe,
      value: p.argv.join(" ").slice(0, 300) || p.comm,
      user: p.user,
      package: p.package,
      version: p.packageVersion,
    });
  }
  for (const l of g.listeners)
    ev.push({
      label: "socket",
      value: `${l.protocol}${l.family === 6 ? "6" : ""} ${fmtAddr(l.address, l.port)} inode ${l.inode}`,
    });
  return ev;
}

export function fmtAddr(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Findings for every listening socket worth knowing, the risky services first, and the firewall state. */
export function checkExposure(facts: ExposureFacts, ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const findings: Finding[] = [];
  const groups = groupListeners(facts);
  for (const g of groups) {
    const rule = g.service;
    const address = mainAddress(g);
    const proc = g.processes[0];
    const fw = g.firewall;
    const data = {
      protocol: g.protocol,
      address,
      addresses: g.addresses,
      port: g.port,
      pid: proc?.pid,
      process: proc ? processLabel(g) : undefined,
      user: proc?.user ?? g.listeners[0]?.user,
      package: proc?.package,
      service: rule?.id,
      scope: g.scope,
      firewall: fw ? { blocked: fw.blocked ?? null, how: firewallText(fw, facts, ctx) } : undefined,
    };
    const evidence = baseEvidence(g);
    if (fw && (fw.kind === "rule" || fw.kind === "policy") && fw.file)
      evidence.push({ label: "firewall", path: fw.file, line: fw.line, value: fw.rule ?? fw.kind });
    const where = `${g.protocol}/${g.port}`;
    const params = {
      service: rule?.name ?? "",
      proto: g.protocol,
      port: g.port,
      address: fmtAddr(address, g.port),
      process: proc ? processLabel(g) : t("exposure.unknownProcess"),
      user: data.user ?? "?",
      package: proc?.package ? t("exposure.package", { name: proc.package }) : t("exposure.noPackage"),
    };
    const id = (check: string) => findingId(check, g.protocol, g.port, rule?.id ?? processLabel(g));

    if (rule && rule.risk !== "expected") {
      const settings = facts.bind.filter((b) => b.service === rule.id);
      const bindLines = settings.filter((b) => b.line !== undefined && b.directive !== "protected-mode");
      for (const s of settings)
        if (s.line !== undefined)
          evidence.push({
            label: t("exposure.ev.config"),
            path: s.file,
            line: s.line,
            value: `${s.directive} ${s.value ?? ""}`.trim(),
          });
      const unit = proc?.unit ?? rule.unit;
      if (g.scope === "loopback") {
        findings.push({
          id: id("exposure.service"),
          check: "exposure.service",
          severity: "info",
          confidence: "confirmed",
          title: t("exposure.title.loopback", params),
          detail: t("exposure.detail.loopback", params),
          cves: [],
          evidence,
          remediation: t("exposure.fix.loopback"),
          data,
        });
        continue;
      }
      let severity: Severity = rule.risk === "low" ? "low" : rule.risk;
      const privateAddr =
        g.scope === "address" && g.addresses.every((a) => isPrivateAddress(a) || a.startsWith("127."));
      if (privateAddr) severity = LOWER[severity];
      if (fw?.blocked) severity = severity === "info" ? "info" : "low";
      const scopeText =
        g.scope === "all"
          ? t("exposure.scope.all")
          : privateAddr
            ? t("exposure.scope.private")
            : t("exposure.scope.address");
      const fix = bindLines.find((b) => !isLoopbackValue(b.value)) ?? bindLines[0];
      const addable = settings.find((b) => b.line === undefined && b.directive !== "protected-mode");
      const remediation = fix
        ? t("exposure.fix.bind", {
            ...params,
            file: fix.file,
            line: fix.line ?? 0,
            safe: fix.safe,
            value: fix.text ?? fix.value ?? "",
          })
        : addable
          ? t("exposure.fix.bindAdd", { ...params, file: addable.file, safe: addable.safe })
          : t("exposure.fix.noConfig", params);
      const chosen = fix ? [fix] : addable ? [addable] : [];
      findings.push({
        id: id("exposure.service"),
        check: "exposure.service",
        severity,
        confidence: "likely",
        title: t("exposure.title.public", params),
        detail: joinText(
          [
            t(rule.why as MessageKey),
            t("exposure.detail.public", { ...params, scope: scopeText }),
            fw ? [t("exposure.detail.firewall"), ": ", firewallText(fw, facts, ctx), "."] : "",
          ].filter((x) => x !== ""),
          " ",
        ),
        cves: [],
        evidence,
        remediation,
        commands: fixCommands(unit, chosen, ctx),
        data,
      });
      continue;
    }
    if (g.scope === "loopback") continue;
    const expected = rule?.risk === "expected";
    findings.push({
      id: id("exposure.port"),
      check: "exposure.port",
      severity: expected || fw?.blocked ? "info" : "low",
      confidence: "likely",
      title: expected
        ? t("exposure.title.expected", params)
        : t(proc ? "exposure.title.port" : "exposure.title.portUnknown", { ...params, where }),
      detail: joinText(
        [
          expected
            ? t(rule.why as MessageKey)
            : t(proc ? "exposure.detail.port" : "exposure.detail.portUnknown", params),
          fw ? [t("exposure.detail.firewall"), ": ", firewallText(fw, facts, ctx), "."] : "",
        ].filter((x) => x !== ""),
        " ",
      ),
      cves: [],
      evidence,
      remediation: expected ? t("exposure.fix.expected") : t("exposure.fix.port", params),
      commands:
        !expected && proc?.unit
          ? [["# ", t("exposure.cmd.ifUnneeded")], `systemctl disable --now ${shellQuote(proc.unit)}`]
          : undefined,
      data,
    });
  }
  findings.push(...checkHandlers(facts, groups, ctx));
  findings.push(...checkFirewall(facts, groups, ctx));
  return findings;
}

/** mod_status / mod_info open to everyone: medium when Apache listens on the network, info when on loopback only. */
function checkHandlers(facts: ExposureFacts, groups: ListenerGroup[], ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const web = groups.filter((g) => g.service?.id === "http");
  const publicWeb = web.find((g) => g.scope !== "loopback");
  const out: Finding[] = [];
  for (const b of facts.handlers) {
    if (!b.open) continue;
    const rule = facts.rules.find((r) => r.id === b.service);
    if (!rule) continue;
    const loopbackOnly = web.length > 0 && !publicWeb;
    const risk = rule.risk === "expected" ? "info" : rule.risk;
    const severity: Severity = loopbackOnly ? "info" : publicWeb?.firewall?.blocked ? "low" : risk;
    const granted = b.access.find((a) => /^require\s+all\s+granted$/i.test(a.text.replace(/\s+/g, " ")));
    const fixLine = granted?.line ?? b.line;
    const sedExpr = granted
      ? `${fixLine}s|^\\([[:space:]]*\\).*|\\1Require local|`
      : `${fixLine}s|$|\\n    Require local|`;
    // Without a running process to ask, the configuration's home says which distribution's unit it is:
    // /etc/httpd is Red Hat's httpd.service, where apache2.service does not exist.
    const unit =
      publicWeb?.processes[0]?.unit ??
      web[0]?.processes[0]?.unit ??
      (b.file.startsWith("/etc/httpd/") ? "httpd.service" : undefined) ??
      rule.unit ??
      "apache2.service";
    const params = { service: rule.name, file: b.file, line: fixLine, location: b.location ?? "/" };
    out.push({
      id: findingId("exposure.service", rule.id, b.file, b.line),
      check: "exposure.service",
      severity,
      confidence: web.length > 0 ? "likely" : "possible",
      title: t("exposure.title.handler", params),
      detail: joinText(
        [
          t(rule.why as MessageKey),
          t(granted ? "exposure.detail.handlerGranted" : "exposure.detail.handlerNoRequire", params),
          publicWeb
            ? [t("exposure.detail.firewall"), ": ", firewallText(publicWeb.firewall, facts, ctx), "."]
            : "",
        ].filter((x) => x !== ""),
        " ",
      ),
      cves: [],
      evidence: [
        { label: t("exposure.ev.config"), path: b.file, line: b.line, value: `SetHandler ${b.handler}` },
        ...b.access.map((a) => ({
          label: t("exposure.ev.config"),
          path: b.file,
          line: a.line,
          value: a.text,
        })),
        ...(publicWeb ? baseEvidence(publicWeb).slice(0, 2) : []),
      ],
      remediation: t("exposure.fix.handler", params),
      commands: [
        `sed -i.bak ${shellQuote(sedExpr)} ${shellQuote(b.file)}`,
        `apachectl configtest && systemctl reload ${shellQuote(unit)}`,
      ],
      data: {
        protocol: "tcp",
        address: publicWeb ? mainAddress(publicWeb) : undefined,
        port: publicWeb?.port,
        pid: publicWeb?.processes[0]?.pid,
        process: publicWeb ? processLabel(publicWeb) : undefined,
        service: rule.id,
        location: b.location,
        firewall: publicWeb?.firewall
          ? { blocked: publicWeb.firewall.blocked ?? null, how: firewallText(publicWeb.firewall, facts, ctx) }
          : undefined,
      },
    });
  }
  return out;
}

function checkFirewall(facts: ExposureFacts, groups: ListenerGroup[], ctx: CheckContext): Finding[] {
  const { t } = ctx;
  const out: Finding[] = [];
  const exposed = groups.filter((g) => g.scope !== "loopback" && g.service?.risk !== "expected");
  const enabled = facts.firewall.rulesets.filter((r) => r.enabled);
  const saved = facts.firewall.rulesets.filter((r) => !r.enabled);
  for (const rs of saved) {
    out.push({
      id: findingId("exposure.firewall", "not-enabled", rs.tool, rs.file),
      check: "exposure.firewall",
      severity: "low",
      confidence: "likely",
      title: t("exposure.firewall.notEnabled.title", { tool: rs.tool }),
      detail: t("exposure.firewall.notEnabled.detail", { tool: rs.tool, file: rs.file }),
      cves: [],
      evidence: [{ path: rs.enabledBy ?? rs.file, label: rs.tool }],
      remediation: t(
        rs.tool === "ufw" ? "exposure.firewall.notEnabled.fixUfw" : "exposure.firewall.notEnabled.fix",
        {
          tool: rs.tool,
        },
      ),
      commands:
        rs.tool === "ufw"
          ? ["ufw allow OpenSSH", "ufw enable"]
          : rs.tool === "nftables"
            ? ["nft -c -f /etc/nftables.conf", "systemctl enable --now nftables.service"]
            : ["systemctl enable --now netfilter-persistent.service"],
      data: { firewall: { blocked: null, how: rs.file }, tool: rs.tool },
    });
  }
  if (enabled.length === 0) {
    if (exposed.length > 0 && saved.length === 0)
      out.push({
        id: findingId("exposure.firewall", "none"),
        check: "exposure.firewall",
        severity: "medium",
        confidence: "likely",
        title: t("exposure.firewall.none.title"),
        detail: t("exposure.firewall.none.detail", {
          files: facts.firewall.looked.join(", "),
          count: exposed.length,
        }),
        cves: [],
        evidence: exposed.slice(0, 10).map((g) => ({
          label: "socket",
          value: `${g.protocol} ${fmtAddr(mainAddress(g), g.port)}`,
          pid: g.processes[0]?.pid,
        })),
        remediation: t("exposure.firewall.none.fix"),
        commands: [
          "apt-get install ufw",
          "ufw allow OpenSSH",
          "ufw allow 'WWW Full'",
          "ufw default deny incoming",
          "ufw enable",
        ],
        data: {
          firewall: {
            blocked: false,
            how: t("exposure.fw.none", { files: facts.firewall.looked.join(", ") }),
          },
        },
      });
    return out;
  }
  for (const rs of enabled) {
    if (rs.tool === "ufw" && rs.family === 6 && enabled.some((r) => r.tool === "ufw" && r.family === 4))
      continue;
    out.push({
      id: findingId("exposure.firewall", "active", rs.tool, rs.file),
      check: "exposure.firewall",
      severity: rs.policy === "drop" ? "info" : exposed.length > 0 ? "low" : "info",
      confidence: "likely",
      title: t("exposure.firewall.active.title", {
        tool: rs.tool,
        policy: rs.policy ?? "accept",
      }),
      detail: t("exposure.firewall.active.detail", {
        file: rs.policyLine ? `${rs.policyFile}:${rs.policyLine}` : rs.file,
        enabledBy: rs.enabledBy ?? "",
        rules: rs.rules.length,
      }),
      cves: [],
      evidence: [
        {
          label: rs.tool,
          path: rs.policyFile ?? rs.file,
          line: rs.policyLine,
          value: `policy ${rs.policy ?? "accept"}`,
        },
        ...(rs.enabledBy ? [{ label: "enabled", path: rs.enabledBy }] : []),
      ],
      remediation:
        rs.policy === "drop" ? t("exposure.firewall.active.fixOk") : t("exposure.firewall.active.fixAccept"),
      data: { firewall: { blocked: rs.policy === "drop", how: rs.file }, tool: rs.tool },
    });
  }
  return out;
}
