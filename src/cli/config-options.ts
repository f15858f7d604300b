import * as path from "node:path";
import type { Command } from "commander";
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { isLang, type Lang, langFromEnv, translator } from "../i18n/index.ts";
import { UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

/** `--config FILE` on a command that has none yet (db update, watch and server describe their own). */
export function addConfigOption(cmd: Command): Command {
  if (cmd.options.some((o) => o.long === "--config")) return cmd;
  return cmd.option("--config <file>", `configuration file (default ${DEFAULT_CONFIG_PATH} when it exists)`);
}

export interface RunConfig {
  lang: Lang;
  config: Config;
  /** The file read; undefined when the default file does not exist. */
  file?: string;
}

/**
 * The configuration and language of one run, the same for every command. The file: --config FILE, else
 * MAMORI_CONFIG, else /etc/mamori/config.yaml when it exists (a named file that is missing, one another
 * user can change while mamori runs as root, or a bad one is a usage error naming file and line: exit 2).
 * The language: --lang, else the file's `lang`, else LANG. A bad --lang is a usage error in LANG's language.
 */
export function runConfigOf(raw: { lang?: string; config?: string }, io: CliIo): RunConfig {
  const envLang = langFromEnv(io.env);
  if (raw.lang !== undefined && !isLang(raw.lang))
    throw new UsageError(
      translator(envLang)("cli.badOption", { option: "--lang", value: raw.lang, expected: "ja|en" }),
    );
  const asked = raw.lang !== undefined && isLang(raw.lang) ? raw.lang : envLang;
  const named = raw.config ?? io.env.MAMORI_CONFIG;
  try {
    const { config, file } = loadConfig(
      named ? path.resolve(io.cwd, named) : undefined,
      translator(asked),
      asked,
    );
    return { lang: raw.lang !== undefined ? asked : (config.lang ?? envLang), config, file };
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}
