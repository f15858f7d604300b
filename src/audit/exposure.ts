import { checkExposure, groupListeners } from "../checks/exposure/index.ts";
import { collectExposure } from "../collect/exposure/index.ts";
import type { ExposureSection } from "../core/sections/index.ts";
import type { ExposureFacts } from "../facts/exposure.ts";
import { loadServiceRules, type ServiceRule } from "../rules/exposure/services.ts";
import type { Scanner } from "./scanner.ts";

/** The exposure area of the audit: listening sockets, known risky services, saved firewall rules. */
export function exposureScanner(rulesFile?: string): Scanner<ExposureFacts, ServiceRule[]> {
  // Collect (which configuration files to read) and judge both need the rules: read them once.
  let loaded: ServiceRule[] | undefined;
  const rulesOnce = () => {
    loaded ??= loadServiceRules(rulesFile);
    return loaded;
  };
  return {
    id: "exposure",
    collect: async (ctx) => collectExposure(ctx, rulesOnce()),
    schema: async () => (await import("../facts/exposure.ts")).exposureFactsSchema,
    // The service rules are data (regular expressions, judged with the current list), not facts.
    load: rulesOnce,
    check: (facts, ctx, rules) => checkExposure({ ...facts, rules }, ctx),
    summarize: (facts, rules): ExposureSection => ({
      listeners: groupListeners({ ...facts, rules }).map((g) => ({
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
