import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import type { Config } from "../config/schema.ts";
import { SEVERITIES, type Severity } from "../core/finding.ts";
import { type Lang, type Translator, translator } from "../i18n/index.ts";
import { FORMAT_NAMES, type FormatName } from "../report/formats/index.ts";
import { resolveTimeZone } from "../report/time-format.ts";
import { addConfigOption, runConfigOf } from "./config-options.ts";
import { UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

export interface CommonOptions {
  root: string;
  format: FormatName;
  output?: string;
  lang: Lang;
  threshold: Severity;
  color: boolean;
  dataDir: string;
  now: () => Date;
  /** Columns to wrap human output to: the terminal's width, or undefined when not writing to a terminal. */
  width?: number;
  /** The reader's IANA time zone (from TZ) for times in human output. */
  timeZone: string;
  /** Human output: every finding on its own and every CVE named (not grouped by cause). */
  verbose: boolean;
  /** The configuration file of this run (config-options.ts), its defaults already applied above. */
  config?: Config;
  /** The configuration file read, when there was one. */
  configFile?: string;
}

interface RawCommon {
  root?: string;
  format?: string;
  output?: string;
  lang?: string;
  severityThreshold?: string;
  color?: string;
  dataDir?: string;
  now?: string;
  verbose?: boolean;
  config?: string;
}

export function defaultDataDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../data");
}

/** The flags every scanning command shares: where to scan, plus the output flags. */
export function addCommonOptions(cmd: Command, formats: readonly string[] = FORMAT_NAMES): Command {
  cmd.option(
    "--root <dir>",
    "scan the filesystem under DIR instead of this machine (a mounted image or container root)",
    "/",
  );
  addOutputOptions(cmd, formats);
  return cmd.option("--data-dir <dir>", "directory of mamori's vulnerability and IOC data");
}

/** The flags of every command that prints a report (also those that only render a saved one). */
export function addOutputOptions(cmd: Command, formats: readonly string[] = FORMAT_NAMES): Command {
  return addConfigOption(cmd)
    .option("--format <format>", `output format: ${formats.join("|")}`, "human")
    .option("--output <file>", "write the report to FILE instead of standard output")
    .option("--lang <lang>", "language of the report: ja|en (default from LANG)")
    .option(
      "--severity-threshold <level>",
      `lowest severity shown and counted for the exit code: ${SEVERITIES.join("|")} (default low, or severityThreshold in config.yaml)`,
    )
    .option("--color <when>", "colour: auto|always|never (NO_COLOR is honoured)", "auto")
    .option(
      "--verbose",
      "list every finding on its own (human output groups findings of the same cause), and every log file read",
    )
    .addOption(
      new Option("--now <iso>", "pretend the current time is ISO (reproducible reports)").hideHelp(),
    );
}

export function parseCommon(
  raw: RawCommon,
  io: CliIo,
  formats: readonly string[] = FORMAT_NAMES,
): CommonOptions {
  // The configuration file gives the defaults; a flag given on the command line wins.
  const { lang, config, file } = runConfigOf(raw, io);
  const t = translator(lang);
  const fail = (option: string, value: string, expected: string) =>
    new UsageError(t("cli.badOption", { option, value, expected }));

  const format = raw.format ?? "human";
  if (!formats.includes(format)) throw fail("--format", format, formats.join("|"));
  const threshold = (raw.severityThreshold ?? config.severityThreshold ?? "low").toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(threshold))
    throw fail("--severity-threshold", threshold, SEVERITIES.join("|"));
  const colorMode = raw.color ?? "auto";
  if (!["auto", "always", "never"].includes(colorMode)) throw fail("--color", colorMode, "auto|always|never");

  const root = existingRoot(io.cwd, raw.root ?? "/", t);
  const now = clockOf(raw.now, io, t);

  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  const color =
    colorMode === "always" || (colorMode === "auto" && !noColor && !raw.output && Boolean(io.stdout.isTTY));

  return {
    root,
    format: format as FormatName,
    output: raw.output === undefined ? undefined : path.resolve(io.cwd, raw.output),
    lang,
    threshold: threshold as Severity,
    color,
    dataDir: path.resolve(io.cwd, raw.dataDir ?? io.env.MAMORI_DATA_DIR ?? defaultDataDir()),
    now,
    width: raw.output ? undefined : terminalWidth(io),
    // JSON and SARIF keep UTC ISO times; resolving the reader's zone maps ICU's zone data (6 MB resident,
    // about 3% of `mamori logs` on an incident log at its peak).
    timeZone: format === "json" || format === "sarif" ? "UTC" : resolveTimeZone(io.env),
    verbose: raw.verbose === true,
    config,
    configFile: file,
  };
}

/**
 * The width to wrap to: the terminal's columns when stdout is one. Piped or redirected output is not
 * wrapped (as Lynis and Trivy's text output): grep, less and files see one line per item.
 */
export function terminalWidth(io: CliIo): number | undefined {
  const cols = io.stdout.isTTY ? io.stdout.columns : undefined;
  return cols !== undefined && Number.isInteger(cols) && cols >= 20 ? cols : undefined;
}

/** `--root DIR` resolved against the working directory; it must be an existing directory. */
export function existingRoot(cwd: string, value: string, t: Translator): string {
  const root = path.resolve(cwd, value);
  let isDir = false;
  try {
    isDir = fs.statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(t("cli.rootMissing", { root }));
  return root;
}

/** The clock of a run: `--now ISO` fixes it (reproducible output), else the io's clock or the real time. */
export function clockOf(value: string | undefined, io: CliIo, t: Translator): () => Date {
  if (value === undefined) return io.now ?? (() => new Date());
  const fixed = new Date(value);
  if (Number.isNaN(fixed.getTime()))
    throw new UsageError(t("cli.badOption", { option: "--now", value, expected: t("cli.expected.isoTime") }));
  return () => fixed;
}
