import { type Command, Option } from "commander";
import { scanContext } from "../../audit/context.ts";
import { writeFactsFile } from "../../audit/facts-file.ts";
import { collectBundle } from "../../audit/run.ts";
import { auditScanners } from "../../audit/scanners.ts";
import { DEFAULT_CONFIG_PATH } from "../../config/load.ts";
import { translator } from "../../i18n/index.ts";
import { jsonSafe } from "../../report/escape.ts";
import { reasonText } from "../../report/verdict.ts";
import { EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { parseCommon } from "../options.ts";

/** `mamori collect --output FILE`: reads every area into a facts bundle and judges nothing. */
export function registerCollect(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command("collect")
    .description(
      "read this server (or --root DIR) into a facts file, without judging it; judge it later with `mamori check FILE`",
    )
    .option("--output <file>", "write the facts (JSON) to FILE, or - for standard output")
    .option(
      "--script",
      "print the shell collector instead (for hosts without mamori: `ssh HOST sh -s < it > B`, then `mamori audit --bundle B`)",
    )
    .option(
      "--root <dir>",
      "read the filesystem under DIR instead of this machine (a mounted image or container root)",
      "/",
    )
    .option("--lang <lang>", "language of the notes on what could not be read: ja|en (default from LANG)")
    .option("--data-dir <dir>", "directory of mamori's data")
    .option("--config <file>", `configuration file (default ${DEFAULT_CONFIG_PATH} when it exists)`)
    .addOption(new Option("--now <iso>", "pretend the current time is ISO").hideHelp())
    .action(async (raw) => {
      if (raw.script) {
        io.stdout.write((await import("../../remote/script.ts")).collectorScript());
        return done(EXIT_OK);
      }
      if (raw.output === undefined)
        throw new UsageError("error: required option '--output <file>' not specified");
      const toStdout = raw.output === "-";
      const opts = parseCommon({ ...raw, output: toStdout ? undefined : raw.output }, io);
      const ctx = scanContext(opts, io.env);
      const bundle = await collectBundle(ctx, auditScanners());
      // Facts hold the host's own text: terminal controls as \uXXXX (the same JSON), as every JSON output.
      if (toStdout) io.stdout.write(`${jsonSafe(JSON.stringify(bundle))}\n`);
      else saveFacts(opts.output as string, bundle, io, opts.lang);
      done(EXIT_OK);
    });
}

/** Writes the bundle (0600, whole or not at all); one line on standard error says where. */
export function saveFacts(
  file: string,
  bundle: Parameters<typeof writeFactsFile>[1],
  io: CliIo,
  lang: Parameters<typeof translator>[0],
): void {
  const t = translator(lang);
  try {
    writeFactsFile(file, bundle);
  } catch (err) {
    const reason = reasonText((err as NodeJS.ErrnoException).code ?? String(err), t);
    throw new UsageError(t("cli.cannotWrite", { path: file, reason }));
  }
  io.stderr.write(`${t("facts.saved", { path: file })}\n`);
}
