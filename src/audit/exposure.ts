import { checkExposure, type ExposureFacts, groupListeners } from "../checks/exposure/index.ts";
import { collectExposure } from "../collect/exposure/index.ts";
import type { Scanner } from "../core/scanner.ts";
import type { ExposureSection } from "../core/sections/index.ts";

/** The exposure area of the audit: listening sockets, known risky services, saved firewall rules. */
export function exposureScanner(): Scanner<ExposureFacts> {
  return {
    id: "exposure",
    collect: async (ctx) => collectExposure(ctx),
    check: checkExposure,
    summarize: (facts): ExposureSection => ({
      listeners: groupListeners(facts).map((g) => ({
        protocol: g.protocol,
        port: g.port,
        addresses: g.addresses,
        scope: g.scope,
        service: g.service?.id,
        processes: g.processes.map((p) => ({
          pid: p.pid,
          comm: p.comm,
          exe: p.exe,
          user: p.user,
          package: p.package,
          packageVersion: p.packageVersion,
          unit: p.unit,
        })),
        firewall: g.firewall
          ? {
              blocked: g.firewall.blocked ?? null,
              kind: g.firewall.kind,
              tool: g.firewall.tool,
              file: g.firewall.file,
              line: g.firewall.line,
            }
          : undefined,
      })),
      firewall: facts.firewall.rulesets.map((r) => ({
        tool: r.tool,
        family: r.family,
        file: r.file,
        policy: r.policy ?? null,
        enabled: r.enabled ?? null,
        rules: r.rules.length,
      })),
    }),
  };
}
