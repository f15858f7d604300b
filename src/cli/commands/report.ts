import type { Command } from "commander";
import { checkContext } from "../../core/context.ts";
import { correlate } from "../../correlate/index.ts";
import { translator } from "../../i18n/index.ts";
import { ReportFileError, readReport } from "../../report/load.ts";
import { addBlocklistOptions, emitBlocklist } from "../blocklist-options.ts";
import { emitReport } from "../emit.ts";
import { UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { addOutputOptions, parseCommon } from "../options.ts";

/** `mamori report FILE.json`: renders a saved report in any format, correlating its findings again. */
export function registerReport(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("report")
    .description("render a saved JSON report (FILE, or - for standard input) in another format")
    .argument("<file>", "JSON report written by `mamori audit --format json`, or - for standard input");
  addBlocklistOptions(addOutputOptions(cmd)).action((file: string, raw) => {
    const opts = parseCommon({ ...raw, root: "/" }, io);
    const t = translator(opts.lang);
    let doc: ReturnType<typeof readReport>;
    try {
      doc = readReport(file, io.cwd, t, opts.lang);
    } catch (err) {
      throw err instanceof ReportFileError ? new UsageError(err.message) : err;
    }
    doc.incidents = correlate(doc.findings, checkContext(opts));
    done(emitBlocklist(doc, raw, opts, io) ?? emitReport(doc, opts, io));
  });
}
