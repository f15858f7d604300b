import type { ExposureFacts } from "../../checks/exposure/index.ts";
import type { ScanContext } from "../../core/context.ts";
import { loadServiceRules } from "../../rules/exposure/services.ts";
import { readBindSettings } from "./bind-config.ts";
import { readFirewall } from "./firewall.ts";
import { collectListeners } from "./listeners.ts";

/** Everything the exposure checks need, read through the root (sockets, owners, bind lines, saved firewall rules). */
export function collectExposure(ctx: ScanContext, rulesFile?: string): ExposureFacts {
  const rules = loadServiceRules(rulesFile);
  const socketsRead = ["tcp", "tcp6", "udp", "udp6"].some((p) => ctx.fs.exists(`/proc/net/${p}`));
  if (!socketsRead)
    ctx.diag.couldNotCheck({
      area: "exposure",
      path: "/proc/net/tcp",
      reason: "ENOENT",
      detail: ctx.t("exposure.notRead"),
    });
  return {
    listeners: socketsRead ? collectListeners(ctx.fs, ctx.diag) : [],
    rules,
    bind: readBindSettings(ctx.fs, rules),
    firewall: readFirewall(ctx.fs),
    socketsRead,
  };
}
