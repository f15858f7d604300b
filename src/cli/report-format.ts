import type { Command } from "commander";
import type { Translator } from "../i18n/index.ts";
import { FORMAT_NAMES, type FormatName } from "../report/formats/index.ts";
import { UsageError } from "./errors.ts";

/** `--format` of a command whose report goes through the common renderers (every format). */
export function addFormatOption(cmd: Command): Command {
  return cmd.option("--format <format>", `output format: ${FORMAT_NAMES.join("|")}`, "human");
}

export function parseFormat(value: string | undefined, t: Translator): FormatName {
  const format = value ?? "human";
  if (!(FORMAT_NAMES as string[]).includes(format))
    throw new UsageError(
      t("cli.badOption", { option: "--format", value: format, expected: FORMAT_NAMES.join("|") }),
    );
  return format as FormatName;
}
