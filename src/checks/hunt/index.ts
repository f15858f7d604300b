import type { CheckContext } from "../../core/context.ts";
import type { Finding } from "../../core/finding.ts";
import { applyAllowlist } from "./allowlist.ts";
import { checkFiles } from "./files.ts";
import { checkHidden } from "./hidden.ts";
import { checkPersistence } from "./persistence.ts";
import { checkProcesses } from "./processes.ts";
import type { HuntInput } from "./signals.ts";

export type { HuntInput } from "./signals.ts";

/** Every hunting check, then the allowlist. Pure. */
export function checkHunt(input: HuntInput, ctx: CheckContext): Finding[] {
  const findings = [
    ...checkProcesses(input, ctx),
    ...checkHidden(input, ctx),
    ...checkPersistence(input, ctx),
    ...checkFiles(input, ctx),
  ];
  return applyAllowlist(findings, input, ctx);
}
