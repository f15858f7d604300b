import type { CheckContext } from "../../core/context.ts";
import { type Finding, findingId } from "../../core/finding.ts";
import { shellQuote } from "../../core/shell-quote.ts";
import type { HuntInput } from "./signals.ts";

const SYSTEM_LIB = /^\/(usr\/)?(lib|lib32|lib64|libx32)\//;

/** process.hidden, LD_PRELOAD / mapped preloads, and host.cpu-unaccounted. */
export function checkHidden(input: HuntInput, ctx: CheckContext): Finding[] {
  const { facts } = input;
  const out: Finding[] = [];
  const preloadLines = facts.persistence.filter((l) => l.kind === "preload");
  for (const h of facts.hiddenPids ?? []) {
    out.push({
      id: findingId("process.hidden", h.pid, h.exe),
      check: "process.hidden",
      severity: "critical",
      confidence: "likely",
      title: ctx.t("hunt.hidden.title", { pid: h.pid, name: h.comm ?? "?" }),
      detail: ctx.t("hunt.hidden.detail"),
      cves: [],
      evidence: [{ pid: h.pid, path: h.exe, value: h.argv.join(" ") || h.comm }],
      remediation: ctx.t("hunt.hidden.fix"),
      commands: [`ls -l /proc/${h.pid}/exe`, "cat /etc/ld.so.preload"],
      data: { pid: h.pid, exe: h.exe, argv: h.argv },
    });
  }
  for (const m of facts.procMounts) {
    out.push({
      id: findingId("process.hidden", m.mountPoint),
      check: "process.hidden",
      severity: "high",
      confidence: "likely",
      title: ctx.t("hunt.procmount.title", { mount: m.mountPoint }),
      detail: ctx.t("hunt.procmount.detail"),
      cves: [],
      evidence: [{ path: "/proc/self/mountinfo", line: m.line, value: `${m.mountPoint} <- ${m.source}` }],
      remediation: ctx.t("hunt.procmount.fix", { mount: m.mountPoint }),
      commands: [`umount ${shellQuote(m.mountPoint)}`, `ls -l ${shellQuote(`${m.mountPoint}/exe`)}`],
      data: { path: m.mountPoint, pid: Number(m.mountPoint.split("/")[2]) },
    });
  }
  for (const lib of facts.selfLibraries ?? []) {
    const inPreload = preloadLines.some((l) => l.text === lib.path);
    if (lib.via === "maps" && (inPreload || SYSTEM_LIB.test(lib.path) || lib.path.includes("/node_modules/")))
      continue;
    if (lib.via === "maps" && facts.selfExeDir && lib.path.startsWith(facts.selfExeDir)) continue;
    out.push({
      id: findingId("persistence.preload", lib.via, lib.path),
      check: "persistence.preload",
      severity: lib.via === "env" ? "low" : "medium",
      confidence: "possible",
      title: ctx.t(lib.via === "env" ? "hunt.ldpreload.title" : "hunt.maps.title", { path: lib.path }),
      detail: ctx.t("hunt.ldpreload.detail"),
      cves: [],
      evidence: [{ path: lib.via === "env" ? "LD_PRELOAD" : "/proc/self/maps", value: lib.path }],
      remediation: ctx.t("hunt.ldpreload.fix"),
      data: { path: lib.path, via: lib.via },
    });
  }
  const cpu = facts.cpu;
  if (cpu) {
    const unaccounted = cpu.busyCores - cpu.accountedCores;
    if (unaccounted >= Math.max(0.5, cpu.cpus * 0.25)) {
      const corroborated =
        (facts.hiddenPids?.length ?? 0) > 0 || facts.procMounts.length > 0 || preloadLines.length > 0;
      out.push({
        id: findingId("host.cpu-unaccounted"),
        check: "host.cpu-unaccounted",
        severity: corroborated ? "high" : "low",
        confidence: corroborated ? "likely" : "possible",
        title: ctx.t("hunt.cpu.title", { cores: unaccounted.toFixed(2) }),
        detail: ctx.t("hunt.cpu.detail", {
          busy: cpu.busyCores.toFixed(2),
          accounted: cpu.accountedCores.toFixed(2),
          seconds: cpu.seconds.toFixed(1),
        }),
        cves: [],
        evidence: [
          {
            path: "/proc/stat",
            value: `${cpu.busyCores.toFixed(2)} / ${cpu.accountedCores.toFixed(2)} cores (${cpu.cpus} CPUs)`,
          },
        ],
        remediation: ctx.t("hunt.cpu.fix"),
        data: { ...cpu, unaccountedCores: unaccounted },
      });
    }
  }
  return out;
}
