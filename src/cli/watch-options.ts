import * as os from "node:os";
import * as path from "node:path";
import type { Command } from "commander";
import type { Config } from "../config/schema.ts";
import { type Lang, type Translator, translator } from "../i18n/index.ts";
import { defaultDbPath } from "../store/db.ts";
import type { StoreTarget } from "../watch/scan.ts";
import {
  checkDbLocation,
  defaultStateDir,
  openPrivateDir,
  spoolFallbackDir,
  UnsafeStateError,
  untrustedText,
} from "../watch/state-dir.ts";
import { addConfigOption, runConfigOf } from "./config-options.ts";
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
  cmd.option("--db <path>", "history database: a SQLite file or a postgres:// URL (default: see README)");
  addConfigOption(cmd).option("--lang <lang>", "language: ja|en (default from LANG)");
  if (withFormat) cmd.option("--format <format>", "output format: human|json", "human");
  return cmd;
}

/** Language, configuration and database, in that order, each failing with one clear line. */
export function parseHistoryOptions(raw: HistoryRaw, io: CliIo): HistoryOptions {
  // --lang, then the configuration's lang, then LANG (config-options.ts, the same for every command).
  const { lang, config } = runConfigOf(raw, io);
  const t = translator(lang);
  const format = raw.format ?? "human";
  if (format !== "human" && format !== "json")
    throw new UsageError(t("cli.badOption", { option: "--format", value: format, expected: "human|json" }));
  const euid = process.geteuid?.() ?? 0;
  const home = io.env.HOME || os.homedir();
  const explicit = raw.db ?? config.db ?? io.env.MAMORI_DB;
  const target = explicit ?? defaultDbPath(io.env, euid === 0, home);
  const resolved = /^postgres(ql)?:\/\//.test(target) ? target : path.resolve(io.cwd, target);
  const stateDir = defaultStateDir(io.env, euid, home);
  const spoolFallback = spoolFallbackDir(io.env, stateDir);
  if (!/^postgres(ql)?:\/\//.test(resolved))
    verifyState(resolved, explicit === undefined, stateDir, spoolFallback, euid, t);
  return {
    lang,
    t,
    format,
    config,
    store: { target: resolved, busyTimeoutMs: config.store.busyTimeoutMs, spoolFallback, stateDir },
  };
}

/**
 * Refuses (exit 2) state another user could have written: the state and spool directories always; the
 * database's directory and file at the default location, and anywhere when running as root.
 */
function verifyState(
  db: string,
  defaultLocation: boolean,
  stateDir: string,
  spool: string,
  euid: number,
  t: Translator,
): void {
  // Anything but a trust refusal (a file where the directory should be...) is left to the open that follows,
  // which reports it in its own words.
  const refuse = (what: string, err: unknown): void => {
    if (err instanceof UnsafeStateError)
      throw new UsageError(t("watch.state.refused", { what, reason: untrustedText(err.untrusted, t) }));
  };
  if (defaultLocation || euid === 0) {
    try {
      checkDbLocation(db, euid);
    } catch (err) {
      refuse(t("watch.state.what.db", { path: db }), err);
    }
    // The spool beside the database, when there is one (it is created when first needed).
    try {
      openPrivateDir(`${db}.spool`, euid, false).close();
    } catch (err) {
      refuse(t("watch.state.what.spool", { path: `${db}.spool` }), err);
    }
  }
  for (const [what, dir] of [
    ["watch.state.what.state", stateDir],
    ["watch.state.what.spool", spool],
  ] as const) {
    // Only when it exists or a spool could go there: a read-only `history` does not create directories.
    try {
      openPrivateDir(dir, euid, false).close();
    } catch (err) {
      refuse(t(what, { path: dir }), err);
    }
  }
}
