import * as path from "node:path";
import type { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "../config/load.ts";
import { DEFAULT_IGNORE_PATH, type IgnoreRules, loadIgnoreFile, mergeIgnore } from "../core/ignore.ts";
import { type Lang, translator } from "../i18n/index.ts";
import { UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

/** `--ignore-file` and `--show-ignored`, for every command whose findings the ignore file applies to. */
export function addIgnoreOptions(cmd: Command): Command {
  return cmd
    .option(
      "--ignore-file <file>",
      `findings to ignore, each with a reason and an expiry date (default ${DEFAULT_IGNORE_PATH}, and ignore: in config.yaml)`,
    )
    .option("--show-ignored", "list the ignored findings in the report");
}

/**
 * The ignore entries of this run: the `ignore:` list of config.yaml (MAMORI_CONFIG or the default) and
 * the ignore file (--ignore-file, MAMORI_IGNORE_FILE or the default). These are mamori's own files on
 * this machine, never read under --root. A named file that does not exist is a usage error.
 */
export function ignoreRulesOf(
  raw: { ignoreFile?: string; showIgnored?: boolean; config?: string },
  io: CliIo,
  lang: Lang,
): IgnoreRules {
  const named = raw.ignoreFile ?? io.env.MAMORI_IGNORE_FILE;
  const file = named ? path.resolve(io.cwd, named) : DEFAULT_IGNORE_PATH;
  const configFile = raw.config ?? io.env.MAMORI_CONFIG;
  const fromConfig = loadIgnoreFile(configFile ? path.resolve(io.cwd, configFile) : DEFAULT_CONFIG_PATH, {
    key: "ignore",
  });
  const fromFile = loadIgnoreFile(file, { required: Boolean(named) });
  if (fromFile.missing) throw new UsageError(translator(lang)("ignore.missing", { file }));
  return { ...mergeIgnore(fromConfig, fromFile), show: Boolean(raw.showIgnored) };
}
