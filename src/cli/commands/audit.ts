import type { Command } from "commander";
import { scanContext } from "../../audit/context.ts";
import { runScanners } from "../../audit/run.ts";
import { auditScanners } from "../../audit/scanners.ts";
import { emitReport } from "../emit.ts";
import type { CliIo } from "../io.ts";
import { addCommonOptions, parseCommon } from "../options.ts";

export function registerAudit(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("audit")
    .description(
      "check this server (or --root DIR): Apache version and CVEs, configuration, logs, processes, persistence, open ports",
    );
  addCommonOptions(cmd).action(async (raw) => {
    const opts = parseCommon(raw, io);
    const ctx = scanContext(opts, io.env);
    const doc = await runScanners(ctx, auditScanners(), "audit");
    done(emitReport(doc, opts, io));
  });
}
