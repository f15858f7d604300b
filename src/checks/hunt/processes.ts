import * as path from "node:path";
import type { CheckContext } from "../../core/context.ts";
import { type Evidence, type Finding, findingId } from "../../core/finding.ts";
import { joinText, type Text } from "../../core/message.ts";
import { CLOCK_TICKS_PER_SECOND } from "../../facts/constants.ts";
import type { HuntOptions, HuntProcess } from "../../facts/hunt.ts";
import { AMBIGUOUS_PORTS, domainHit } from "../../iocs/list.ts";
import { familyOf } from "../../rules/hunt.ts";
import {
  addSignal,
  distinctKeys,
  type HuntInput,
  hostsIn,
  isHiddenPath,
  isTempPath,
  type Level,
  type Signal,
  score,
  signalData,
  signalEvidence,
} from "./signals.ts";

// Kernel-thread names: per-CPU threads carry a "/..." suffix; the rest are exact names. Userspace daemons
// such as watchdog or mdadm share a prefix but not this shape.
const KTHREAD_NAME =
  /^(?:(?:kworker|ksoftirqd|migration|watchdog|cpuhp|irq|rcu_\w+|idle_inject|scsi_\w+|kcompactd)\/\S+|kthreadd|kswapd\d+|kauditd|khugepaged|kdevtmpfs|ksmd|kblockd|bioset|kintegrityd|kthrotld|jbd2\/\S+|ext4-rsv-conver|kcache\/\S*|pdflush(-\d+)?)$/;
const INTERPRETERS =
  /^(sh|bash|dash|ash|zsh|ksh|csh|tcsh|busybox|perl|python[\d.]*|ruby|php[\d.]*|node|lua)$/;
const NET_TOOLS = /^(nc|ncat|netcat|socat|curl|wget|lwp-download|telnet|tftp)$/;

export interface ProcessAnalysis {
  p: HuntProcess;
  signals: Signal[];
  pools: string[];
  masquerade: boolean;
  webChild: "shell" | "other" | undefined;
}

/** Collects every signal one process gives. Pure. */
export function analyzeProcess(p: HuntProcess, input: HuntInput): ProcessAnalysis {
  const { rules, iocs } = input;
  const s: Signal[] = [];
  const names = [
    p.comm,
    path.posix.basename(p.argv[0] ?? ""),
    p.exe ? path.posix.basename(p.exe) : "",
  ].filter(Boolean);
  const cmdline = p.argv.join(" ");
  for (const r of rules.process) {
    const hit =
      r.target === "name" ? names.find((n) => r.re.test(n)) : r.re.test(cmdline) ? cmdline : undefined;
    if (hit !== undefined)
      addSignal(s, {
        key: r.signal,
        kind: r.kind ?? "malware",
        weight: r.weight,
        value: r.target === "name" ? hit : undefined,
      });
  }
  // Pools named on the command line or in a miner config, matched against pool lists.
  const pools: string[] = [];
  const poolText = [cmdline, ...(p.config?.pools ?? [])].join(" ");
  for (const h of hostsIn(poolText)) {
    if (mayBePool(h.scheme)) pools.push(h.port ? `${h.host}:${h.port}` : h.host);
    const d = domainHit(iocs, h.host);
    if (d)
      addSignal(s, {
        key: d.hit.kind === "pool" ? "poolDomain" : "iocDomain",
        kind: d.hit.kind === "pool" ? "miner" : "malware",
        weight: 3,
        value: `${d.domain} (${d.hit.list})`,
      });
    const ipHit = iocs.ipPorts.get(`${h.host}:${h.port}`) ?? iocs.ips.get(h.host);
    if (ipHit)
      addSignal(s, {
        key: "iocAddress",
        kind: ipHit.kind === "pool" ? "miner" : "malware",
        weight: 3,
        value: `${h.host}${h.port ? `:${h.port}` : ""} (${ipHit.list})`,
      });
  }
  if (p.config)
    addSignal(s, {
      key: "minerConfig",
      kind: "miner",
      weight: 4,
      path: p.config.path,
      value: p.config.pools.join(", "),
    });
  // Connections: IOC addresses, the pool named on its own command line, mining ports.
  for (const r of p.remotes) {
    const addr = r.address.replace(/^::ffff:/, "");
    const hp = `${addr}:${r.port}`;
    const hit = iocs.ipPorts.get(hp) ?? iocs.ips.get(addr);
    if (hit)
      addSignal(s, {
        key: "iocAddress",
        kind: hit.kind === "pool" ? "miner" : "malware",
        weight: 3,
        value: `${hp} (${hit.list})`,
      });
    if (pools.includes(hp)) addSignal(s, { key: "poolConnection", kind: "miner", weight: 2, value: hp });
    if (iocs.minerPorts.has(r.port) && !AMBIGUOUS_PORTS.has(r.port))
      addSignal(s, { key: "minerPort", kind: "weak", weight: 1, value: hp });
  }
  // Where the executable lives.
  const exe = p.exe;
  if (exe) {
    if (exe.startsWith("/memfd:")) {
      if (!rules.benign.memfd.test(exe))
        addSignal(s, { key: "memfdExe", kind: "location", weight: 2, value: exe });
    } else {
      const system = rules.benign.upgradedPrefixes.some((pre) => exe.startsWith(pre));
      if (p.exeDeleted && !system)
        addSignal(s, { key: "deletedExe", kind: "location", weight: 2, value: exe });
      if (isTempPath(exe)) addSignal(s, { key: "tempExe", kind: "location", weight: 2, value: exe });
      if (isHiddenPath(exe)) addSignal(s, { key: "hiddenExe", kind: "location", weight: 2, value: exe });
    }
    const fam = familyOf(rules.families, exe);
    if (fam)
      addSignal(s, {
        key: "family",
        kind: "malware",
        weight: fam.paths.some((re) => re.test(exe)) ? 3 : 2,
        value: fam.id,
      });
  }
  const famName = familyOf(rules.families, p.comm);
  if (famName) addSignal(s, { key: "family", kind: "malware", weight: 2, value: famName.id });
  if (p.exeSha256) {
    const h = iocs.sha256.get(p.exeSha256);
    if (h)
      addSignal(s, {
        key: "iocHash",
        kind: h.kind === "pool" ? "miner" : "malware",
        weight: 6,
        value: `${p.exeSha256} (${h.list})`,
      });
  }
  // A library forced into this process: allocators from system directories are common, anything else is not.
  for (const lib of p.ldPreload ?? []) {
    if (/^\/(usr\/)?(lib|lib32|lib64|libx32)\//.test(lib) && !isHiddenPath(lib)) continue;
    addSignal(s, {
      key: "processPreload",
      kind: "malware",
      weight: isTempPath(lib) || isHiddenPath(lib) ? 4 : 2,
      value: lib,
    });
  }
  // CPU: over the live sample, or on average since start (a weak signal on its own).
  const lifetime = p.ageSeconds && p.ageSeconds > 60 ? p.cpuTicks / CLOCK_TICKS_PER_SECOND / p.ageSeconds : 0;
  const busy = p.sampleCores ?? lifetime;
  if (busy >= 0.5) addSignal(s, { key: "highCpu", kind: "weak", weight: 1, value: `${busy.toFixed(2)}` });
  // Kernel-thread or system-daemon names on an ordinary executable.
  let masquerade = false;
  const argv0 = p.argv[0] ?? "";
  if (!p.isKernelThread && exe) {
    const looksKthread = (KTHREAD_NAME.test(p.comm) || /^\[.*\]$/.test(argv0.trim())) && p.ppid !== 2;
    const base = path.posix.basename(argv0.split(" ")[0] ?? "");
    const daemonName =
      rules.benign.systemDaemonNames.includes(p.comm) || rules.benign.systemDaemonNames.includes(base);
    // A deleted executable under a system prefix is what a package upgrade leaves behind, not a disguise.
    const systemExe = rules.benign.systemPrefixes.some((pre) => exe.startsWith(pre));
    // A binary is disguised only if it is not what its name says: a real Apache (an ELF with Apache's
    // version string and the configuration it runs with) built into its own prefix is Apache.
    const isWhatItSays = realApache(p);
    if (looksKthread || (daemonName && !systemExe && !exe.startsWith("/memfd:") && !isWhatItSays)) {
      masquerade = true;
      addSignal(s, { key: "masquerade", kind: "malware", weight: 3, value: `${argv0 || p.comm} -> ${exe}` });
    }
  }
  // Children of the web server user: a webshell's hands.
  let webChild: ProcessAnalysis["webChild"];
  if (
    p.user &&
    rules.benign.webServerUsers.includes(p.user) &&
    exe &&
    !p.isKernelThread &&
    !rules.benign.webServerExecutables.test(exe)
  ) {
    const base = withoutVersion(path.posix.basename(exe));
    const fromWeb = p.parentExe ? rules.benign.webServerExecutables.test(p.parentExe) : false;
    const systemExe = rules.benign.systemPrefixes.some((pre) => exe.startsWith(pre));
    const longLived = (p.ageSeconds ?? 0) >= 300;
    const names = [base, path.posix.basename(exe)];
    const fromCron = p.parentComm === "cron" || p.parentComm === "crond";
    // PHP's mail() and exec() start short shells all the time, and www-data's own cron jobs run PHP:
    // an interpreter counts when it lives on, talks to the network, or does something a rule calls hostile.
    const hostile = s.some((x) => x.key === "reverseShell" || x.key === "downloadPipeShell");
    if (names.some((n) => NET_TOOLS.test(n))) webChild = "shell";
    else if (names.some((n) => INTERPRETERS.test(n)) && !(fromCron && systemExe && !hostile)) {
      if (hostile || p.remotes.length > 0 || (p.ageSeconds ?? 0) >= 60) webChild = "shell";
    } else if ((fromWeb || !systemExe) && longLived) webChild = "other";
    if (webChild)
      addSignal(s, {
        key: webChild === "shell" ? "webShellChild" : "webChild",
        kind: "malware",
        weight: webChild === "shell" ? 3 : 2,
        value: `${p.user}: ${path.posix.basename(exe)}`,
      });
  }
  return { p, signals: s, pools, masquerade, webChild };
}

const APACHE_NAME = /^(?:httpd|apache2?)$/;

/** A process named like Apache whose executable is Apache: its contents and its configuration say so. */
export function realApache(p: HuntProcess): boolean {
  const id = p.exeIdentity;
  if (!id?.elf || !id.product?.startsWith("Apache/") || !id.configExists) return false;
  const names = [p.comm, path.posix.basename(p.exe ?? "")];
  return names.some((n) => APACHE_NAME.test(n)) && !!p.exe && !isTempPath(p.exe) && !isHiddenPath(p.exe);
}

/** Electricity estimate for the CPU time a process has used, and at its average rate for 30 days. */
export function costOf(p: HuntProcess, o: HuntOptions) {
  const cpuSeconds = p.cpuTicks / CLOCK_TICKS_PER_SECOND;
  const kWh = (cpuSeconds / 3600) * (o.wattsPerCore / 1000);
  const cores = p.ageSeconds && p.ageSeconds > 0 ? cpuSeconds / p.ageSeconds : 0;
  const monthKwh = (cores * o.wattsPerCore * 24 * 30) / 1000;
  const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    cpuSeconds: round(cpuSeconds, 2),
    kWh: round(kWh, 9),
    price: round(kWh * o.pricePerKwh, 8),
    currency: o.currency,
    averageCores: round(cores, 3),
    monthlyKWh: round(monthKwh, 3),
    monthlyPrice: round(monthKwh * o.pricePerKwh, 2),
    assumptions: { wattsPerCore: o.wattsPerCore, pricePerKwh: o.pricePerKwh },
  };
}

function level(
  kind: "miner" | "masquerade" | "web-shell" | "web-other" | "suspicious",
  total: number,
  s: Signal[],
): Level | undefined {
  const strong = score(s, ["miner", "malware", "location"]);
  if (kind === "miner") return { severity: "critical", confidence: total >= 8 ? "confirmed" : "likely" };
  if (kind === "masquerade" || kind === "web-shell")
    return strong >= 6
      ? { severity: "critical", confidence: "confirmed" }
      : { severity: "high", confidence: "likely" };
  if (kind === "web-other")
    return strong >= 4
      ? { severity: "high", confidence: "likely" }
      : { severity: "medium", confidence: "possible" };
  if (strong >= 6) return { severity: "high", confidence: "likely" };
  if (strong >= 4) return { severity: "medium", confidence: "likely" };
  if (strong >= 1) return { severity: "low", confidence: "possible" };
  return undefined;
}

function processEvidence(ctx: CheckContext, a: ProcessAnalysis): Evidence[] {
  const { p } = a;
  const ev: Evidence[] = [
    { pid: p.pid, label: ctx.t("hunt.ev.commandLine"), value: p.argv.join(" ") || `[${p.comm}]` },
  ];
  if (p.exe)
    ev.push({
      pid: p.pid,
      label: ctx.t("hunt.ev.executable"),
      path: p.exe,
      value: p.exeDeleted ? ctx.t("hunt.ev.deleted") : undefined,
    });
  if (p.user) ev.push({ pid: p.pid, label: ctx.t("hunt.ev.user"), value: p.user, user: p.user });
  if (p.startTime)
    ev.push({ pid: p.pid, label: ctx.t("hunt.ev.started"), time: p.startTime, timeSource: "proc" });
  if (p.parentComm) ev.push({ pid: p.ppid, label: ctx.t("hunt.ev.parent"), value: p.parentComm });
  return [...ev, ...signalEvidence(ctx, a.signals, p.pid)];
}

function processData(a: ProcessAnalysis, o: HuntOptions, withCost: boolean): Record<string, unknown> {
  const { p } = a;
  return {
    pid: p.pid,
    ppid: p.ppid,
    exe: p.exe,
    exeDeleted: p.exeDeleted,
    argv: p.argv,
    user: p.user,
    // respond: a program owned by another uid than the process's is the system's, not the attacker's.
    uid: p.uid,
    startTime: p.startTime,
    cpuSeconds: p.cpuTicks / CLOCK_TICKS_PER_SECOND,
    sampleCores: p.sampleCores,
    remotes: p.remotes.map((r) => `${r.address}:${r.port}`),
    pools: a.pools,
    sha256: p.exeSha256,
    config: p.config?.path,
    signals: signalData(a.signals),
    ...(withCost ? { cost: costOf(p, o) } : {}),
  };
}

/** process.* and network.miner-connection findings. */
export function checkProcesses(input: HuntInput, ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const byBinary = new Map<string, Finding>();
  const o = input.options;
  for (const p of input.facts.processes) {
    if (p.pid === input.facts.selfPid) continue;
    if (p.isKernelThread) continue;
    const a = analyzeProcess(p, input);
    if (a.signals.length === 0) continue;
    const s = a.signals;
    const total = score(s);
    const minerScore = score(s, ["miner"]);
    const has = (k: string) => s.some((x) => x.key === k);
    const isMiner =
      (minerScore >= 4 && distinctKeys(s, ["miner"]) >= 2) ||
      (has("iocHash") && minerScore + score(s, ["malware"]) >= 6) ||
      (has("highCpu") && (has("minerPort") || has("minerName")) && score(s, ["location", "malware"]) >= 2);
    const name = p.comm;
    const exe = p.exe ?? "?";
    let check: string;
    let lv: Level | undefined;
    let title: Text;
    let detail: Text;
    let remediation: Text;
    if (isMiner) {
      check = "process.miner";
      lv = level("miner", total, s);
      const c = costOf(p, o);
      title = ctx.t("hunt.miner.title", { name, pid: p.pid });
      detail = ctx.t("text.twoSentences", {
        a: ctx.t("hunt.miner.detail", { user: p.user ?? "?", exe }),
        b: ctx.t("hunt.cost.detail", {
          cpuSeconds: c.cpuSeconds,
          kWh: shortNumber(c.kWh),
          price: shortNumber(c.price),
          currency: c.currency,
          monthlyPrice: c.monthlyPrice.toFixed(0),
          watts: o.wattsPerCore,
          pricePerKwh: o.pricePerKwh,
        }),
      });
      remediation = ctx.t("hunt.miner.fix", { pid: p.pid });
    } else if (a.masquerade) {
      check = "process.masquerade";
      lv = level("masquerade", total, s);
      title = ctx.t("hunt.masquerade.title", { name, pid: p.pid });
      detail = ctx.t("hunt.masquerade.detail", { exe });
      remediation = ctx.t("hunt.process.fix", { pid: p.pid });
    } else if (a.webChild) {
      check = "process.webshell-child";
      lv = level(a.webChild === "shell" ? "web-shell" : "web-other", total, s);
      title = ctx.t("hunt.webchild.title", { name, pid: p.pid, user: p.user ?? "?" });
      detail = ctx.t("hunt.webchild.detail");
      remediation = ctx.t("hunt.webchild.fix", { pid: p.pid });
    } else {
      check = "process.suspicious";
      lv = level("suspicious", total, s);
      title = ctx.t("hunt.suspicious.title", { name, pid: p.pid });
      detail = ctx.t("hunt.suspicious.detail");
      remediation = ctx.t("hunt.process.fix", { pid: p.pid });
    }
    if (!lv) continue;
    // One finding per binary, not per process: Apache's or a miner's workers all run the same file.
    const same = `${check}\0${p.exe ?? p.comm}\0${s
      .map((x) => x.key)
      .sort()
      .join(",")}`;
    const earlier = check !== "process.miner" ? byBinary.get(same) : undefined;
    if (earlier) {
      const pids = (earlier.data?.pids as number[] | undefined) ?? [];
      pids.push(p.pid);
      if (earlier.data) earlier.data.pids = pids;
    } else {
      const finding: Finding = {
        id: findingId(check, p.pid, p.startTicks, p.exe),
        check,
        ...lv,
        title,
        detail,
        cves: [],
        evidence: processEvidence(ctx, a),
        remediation,
        commands: [
          `ls -l /proc/${p.pid}/exe /proc/${p.pid}/cwd`,
          `cat /proc/${p.pid}/cmdline | tr '\\0' ' '`,
          `sha256sum /proc/${p.pid}/exe`,
        ],
        time: p.startTime,
        timeSource: p.startTime ? "proc" : undefined,
        data: { ...processData(a, o, isMiner), pids: [p.pid] },
      };
      out.push(finding);
      byBinary.set(same, finding);
    }
    // The connections of a miner-like or otherwise suspicious process.
    const minerish = isMiner || score(s, ["miner"]) >= 2;
    for (const r of p.remotes) {
      const addr = r.address.replace(/^::ffff:/, "");
      const hp = `${addr}:${r.port}`;
      const sig = s.filter(
        (x) =>
          (x.key === "iocAddress" || x.key === "poolConnection" || x.key === "minerPort") &&
          x.value?.startsWith(hp),
      );
      const ioc = sig.find((x) => x.key === "iocAddress");
      const pool = sig.find((x) => x.key === "poolConnection");
      const port = sig.find((x) => x.key === "minerPort");
      if (!ioc && !(minerish && (pool || port))) continue;
      // IOC lists go stale (pools close, addresses are reassigned): a list match alone is only possible.
      const otherSigns = score(
        s.filter((x) => x.key !== "iocAddress" && x.key !== "minerPort"),
        ["miner", "malware", "location"],
      );
      const nl: Level =
        isMiner && (ioc || pool || port)
          ? { severity: "critical", confidence: ioc || pool ? "confirmed" : "likely" }
          : ioc && otherSigns >= 2
            ? { severity: "high", confidence: "likely" }
            : ioc && !pool && !port
              ? { severity: "low", confidence: "possible" }
              : { severity: "medium", confidence: "possible" };
      const domain = a.pools.find((x) => x.endsWith(`:${r.port}`) && !/^\d/.test(x))?.split(":")[0];
      out.push({
        id: findingId("network.miner-connection", p.pid, hp),
        check: "network.miner-connection",
        ...nl,
        title: ctx.t(ioc && !pool && !port && ioc.kind !== "miner" ? "hunt.net.iocTitle" : "hunt.net.title", {
          name,
          pid: p.pid,
          remote: hp,
        }),
        detail: ctx.t("hunt.net.detail", {
          reasons: joinText(
            sig.map((x) => ctx.t(`hunt.signal.${x.key}` as "hunt.signal.minerPort")),
            ctx.t("text.listSep"),
          ),
        }),
        cves: [],
        evidence: [
          { pid: p.pid, label: ctx.t("hunt.ev.connection"), value: `${r.protocol} ${r.state} ${hp}` },
          { pid: p.pid, label: ctx.t("hunt.ev.commandLine"), value: p.argv.join(" ") },
          ...(p.exe ? [{ pid: p.pid, path: p.exe, label: ctx.t("hunt.ev.executable") }] : []),
        ],
        remediation: ctx.t("hunt.net.fix", { remote: hp }),
        data: {
          pid: p.pid,
          exe: p.exe,
          user: p.user,
          remoteAddress: addr,
          remotePort: r.port,
          domain,
          protocol: r.protocol,
          pools: a.pools,
          sha256: p.exeSha256,
        },
      });
    }
  }
  for (const f of byBinary.values()) {
    const pids = (f.data?.pids as number[] | undefined) ?? [];
    if (pids.length > 1)
      f.evidence.push({
        label: ctx.t("hunt.ev.samePids", { count: pids.length }),
        value: pids.slice(0, 50).join(", "),
      });
  }
  return out;
}

/** Two decimals for ordinary amounts, two significant digits for tiny ones (a miner caught early). */
export function shortNumber(n: number): string {
  if (n === 0) return "0";
  return Math.abs(n) >= 0.01 ? n.toFixed(2) : n.toPrecision(2);
}

/** `name.replace(/\d+(\.\d+)*$/, "")` (php8.1 -> php) without re-reading the digits from each start. */
export function withoutVersion(name: string): string {
  let start = -1;
  let p = name.length;
  for (;;) {
    let q = p;
    while (q > 0 && /\d/.test(name[q - 1] as string)) q--;
    if (q === p) break;
    start = q;
    if (q > 0 && name[q - 1] === ".") p = q - 1;
    else break;
  }
  return start < 0 ? name : name.slice(0, start);
}

/**
 * Whether a host on a command line may be a mining pool: no scheme (`-o pool:3333`) or a miner's
 * (stratum+tcp, stratum+ssl, ssl, tcp, daemon+http for solo mining). A database client's DSN
 * (`postgres://user@127.0.0.1:5432/db`) or a web URL is what that program was told to connect to,
 * and connecting to it is no sign of mining.
 */
function mayBePool(scheme: string | undefined): boolean {
  return scheme === undefined || /^(?:stratum[a-z0-9+.-]*|ssl|tls|tcp|daemon\+https?)$/.test(scheme);
}
