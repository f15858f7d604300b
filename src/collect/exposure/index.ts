import { msg } from "../../core/message.ts";
import type { ExposureFacts } from "../../facts/exposure.ts";
import {
  classifyListener,
  configFilesFromArgv,
  loadServiceRules,
  type ServiceRule,
} from "../../rules/exposure/services.ts";
import type { ScanContext } from "../context.ts";
import { readBindSettings } from "./bind-config.ts";
import { readFirewall } from "./firewall.ts";
import { readHandlerBlocks } from "./handlers.ts";
import { collectListeners } from "./listeners.ts";

/** Everything the exposure checks need, read through the root (sockets, owners, bind lines, saved firewall rules). */
export function collectExposure(ctx: ScanContext, rules: ServiceRule[] = loadServiceRules()): ExposureFacts {
  const socketsRead = ["tcp", "tcp6", "udp", "udp6"].some((p) => ctx.fs.exists(`/proc/net/${p}`));
  if (!socketsRead)
    ctx.diag.couldNotCheck({
      area: "exposure",
      path: "/proc/net/tcp",
      reason: "ENOENT",
      detail: msg("exposure.notRead"),
    });
  const listeners = socketsRead ? collectListeners(ctx.fs) : [];
  const unowned = listeners.filter((l) => l.processes.length === 0).length;
  if (unowned > 0 && ctx.fs.hasLiveFacts)
    ctx.diag.warn({
      area: "exposure",
      reason: "EACCES",
      detail: msg("exposure.unowned", { count: unowned }),
    });
  const fromArgv = new Map<string, string[]>();
  for (const l of listeners)
    for (const p of l.processes) {
      const rule = classifyListener(rules, l.protocol, l.port, [p.comm, p.exe, p.argv[0]]);
      if (!rule) continue;
      const files = configFilesFromArgv(rule, p.argv);
      if (files.length > 0) fromArgv.set(rule.id, [...new Set([...(fromArgv.get(rule.id) ?? []), ...files])]);
    }
  return {
    listeners,
    bind: readBindSettings(ctx.fs, rules, fromArgv),
    firewall: readFirewall(ctx.fs),
    handlers: readHandlerBlocks(ctx.fs, rules),
    socketsRead,
  };
}
