import type { Command } from "commander";
import { scanContext } from "../../audit/context.ts";
import { exposureScanner } from "../../audit/exposure.ts";
import { runScanners } from "../../audit/run.ts";
import { translator } from "../../i18n/index.ts";
import { renderPortsTable } from "../../report/exposure/ports-table.ts";
import { emitReport } from "../emit.ts";
import type { CliIo } from "../io.ts";
import { addCommonOptions, parseCommon } from "../options.ts";

/** `mamori ports`: the exposure part of the audit alone, with the listening-socket table. */
export function registerPorts(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("ports")
    .description(
      "list listening TCP/UDP sockets with process, user and package; flag risky services reachable from outside and say what to close (reads saved firewall rules, changes nothing)",
    );
  addCommonOptions(cmd).action(async (raw) => {
    const opts = parseCommon(raw, io);
    const ctx = scanContext(opts, io.env);
    const doc = await runScanners(ctx, [exposureScanner()], "ports");
    if (opts.format === "human" && !opts.output)
      io.stdout.write(renderPortsTable(doc, translator(opts.lang)));
    done(emitReport(doc, opts, io));
  });
}
