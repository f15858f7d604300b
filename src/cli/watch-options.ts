import * as path from "node:path";
import type { Command } from "commander";
import { ConfigError, loadConfig } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { isLang, type Lang, langFromEnv, type Translator, translator } from "../i18n/index.ts";
import { defaultDbPath } from "../store/db.ts";
import { defaultHome, type StoreTarget } from "../watch/scan.ts";
import { UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

export interface HistoryRaw {
  db?: string;
  config?: string;
  lang?: string;
  format?: string;
}

export interface HistoryOptions {
  lang: Lang;
  t: Translator;
  format: "human" | "json";
  store: StoreTarget;
  config: Config;
}

export function addHistoryOptions(cmd: Command, withFormat = true): Command {
  cmd
    .option("--db <path>", "history database: a SQLite file or a postgres:// URL (default: see README)")
    .option("--config <file>", "configuration file (default /etc/mamori/config.yaml when it exists)")
    .option("--lang <lang>", "language: ja|en (default from LANG)");
  if (withFormat) cmd.option("--format <format>", "output format: human|json", "human");
  return cmd;
}

/** Language, configuration and database, in that order, each failing with one clear line. */
export function parseHistoryOptions(raw: HistoryRaw, io: CliIo): HistoryOptions {
  const envLang = raw.lang ?? langFromEnv(io.env);
  if (!isLang(envLang))
    throw new UsageError(
      translator(langFromEnv(io.env))("cli.badOption", {
        option: "--lang",
        value: envLang,
        expected: "ja|en",
      }),
    );
  const format = raw.format ?? "human";
  if (format !== "human" && format !== "json")
    throw new UsageError(
      translator(envLang)("cli.badOption", { option: "--format", value: format, expected: "human|json" }),
    );
  let config: Config;
  try {
    config = loadConfig(
      raw.config ? path.resolve(io.cwd, raw.config) : io.env.MAMORI_CONFIG,
      translator(envLang),
      envLang,
    ).config;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  // --lang, then the configuration's lang, then LANG.
  const lang: Lang = raw.lang !== undefined ? envLang : (config.lang ?? envLang);
  const t = translator(lang);
  const target =
    raw.db ??
    config.db ??
    io.env.MAMORI_DB ??
    defaultDbPath(io.env, process.getuid?.() === 0, defaultHome(io.env));
  const resolved = /^postgres(ql)?:\/\//.test(target) ? target : path.resolve(io.cwd, target);
  const spoolFallback = io.env.MAMORI_SPOOL_DIR ?? path.join(io.env.TMPDIR || "/tmp", "mamori-spool");
  return {
    lang,
    t,
    format,
    config,
    store: { target: resolved, busyTimeoutMs: config.store.busyTimeoutMs, spoolFallback },
  };
}
