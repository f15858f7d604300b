import type { Command } from "commander";
import { type Lang, translator } from "../i18n/index.ts";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_INCOMPLETE, UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

export interface ExitOptions {
  quiet: boolean;
  /** The exit code when findings at or above the threshold exist (1 unless --exit-code). */
  findingsExit: number;
}

/** `--quiet` and `--exit-code N`, as Trivy has them, for the commands that judge findings. */
export function addExitOptions(cmd: Command): Command {
  return cmd
    .option("--quiet", "no progress or warning lines on standard error; the report is unchanged")
    .option(
      "--exit-code <n>",
      "exit with N (0-125, not 2 or 3) when findings at or above --severity-threshold exist (default 1, or exitCode in config.yaml)",
    );
}

/** The command's common options with --quiet and --exit-code added (messages in the report's language). */
export function exitOptionsOf<O extends { lang: Lang; config?: { exitCode?: number } }>(
  raw: { quiet?: boolean; exitCode?: string },
  common: O,
): O & ExitOptions {
  const lang = common.lang;
  // --exit-code, else the configuration's exitCode (checked by its schema), else 1.
  let findingsExit = common.config?.exitCode ?? EXIT_FINDINGS;
  if (raw.exitCode !== undefined) {
    const n = /^\d{1,3}$/.test(raw.exitCode) ? Number(raw.exitCode) : Number.NaN;
    if (!(n >= 0 && n <= 125) || n === EXIT_ERROR || n === EXIT_INCOMPLETE)
      throw new UsageError(
        translator(lang)("cli.badOption", {
          option: "--exit-code",
          value: raw.exitCode,
          expected: translator(lang)("cli.expected.exitCode"),
        }),
      );
    findingsExit = n;
  }
  return { ...common, quiet: Boolean(raw.quiet), findingsExit };
}

/** The io of a --quiet run: standard error only for errors (those the CLI prints itself, not through this). */
export function quietIo(io: CliIo, quiet: boolean): CliIo {
  return quiet ? { ...io, stderr: { write: () => true, isTTY: io.stderr.isTTY } } : io;
}
