import type { Command } from "commander";
import type { ReportDocument } from "../core/document.ts";
import { translator } from "../i18n/index.ts";
import { BLOCKLIST_FORMATS, type BlocklistFormat, renderBlocklist } from "../report/formats/blocklist.ts";
import { exitCodeOf, writeOutput } from "./emit.ts";
import { UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";
import type { CommonOptions } from "./options.ts";

export interface RawBlocklist {
  blocklist?: string;
  blocklistPrivate?: boolean;
  blocklistDuration?: string;
}

/** `--blocklist FORMAT`: the attackers' addresses instead of the report, for fail2ban/ipset or CrowdSec. */
export function addBlocklistOptions(cmd: Command): Command {
  return cmd
    .option(
      "--blocklist <format>",
      `write the attackers' addresses instead of the report: ${BLOCKLIST_FORMATS.join("|")} (plain: one address a line; crowdsec: CSV for cscli decisions import -i FILE); an address is listed when what it tried is at or above --severity-threshold, even if it failed (a failed attempt is a low finding)`,
    )
    .option("--blocklist-private", "also list private, loopback and link-local addresses")
    .option("--blocklist-duration <d>", "how long CrowdSec bans each address (default 24h)");
}

/**
 * Writes the blocklist when --blocklist was given and returns the exit code (as the report's would be);
 * undefined when the report is wanted instead. Counts of what was left out go to stderr.
 */
export function emitBlocklist(
  doc: ReportDocument,
  raw: RawBlocklist,
  opts: CommonOptions & { quiet?: boolean; findingsExit?: number },
  io: CliIo,
): number | undefined {
  if (raw.blocklist === undefined) return undefined;
  const t = translator(opts.lang);
  const bad = (option: string, value: string, expected: string) =>
    new UsageError(t("cli.badOption", { option, value, expected }));
  if (!(BLOCKLIST_FORMATS as readonly string[]).includes(raw.blocklist))
    throw bad("--blocklist", raw.blocklist, BLOCKLIST_FORMATS.join("|"));
  const duration = raw.blocklistDuration ?? "24h";
  if (!/^[1-9]\d{0,5}[smhd]$/.test(duration))
    throw bad("--blocklist-duration", duration, t("cli.expected.duration"));
  // CrowdSec reads Go durations, which have no days.
  const goDuration = duration.endsWith("d") ? `${Number(duration.slice(0, -1)) * 24}h` : duration;
  const list = renderBlocklist(doc, {
    format: raw.blocklist as BlocklistFormat,
    threshold: opts.threshold,
    includePrivate: Boolean(raw.blocklistPrivate),
    duration: goDuration,
  });
  writeOutput(list.text, opts.output, io, t);
  if (!opts.quiet) {
    if (list.leftPrivate > 0) io.stderr.write(`${t("blocklist.leftPrivate", { count: list.leftPrivate })}\n`);
    if (list.invalid > 0) io.stderr.write(`${t("blocklist.invalid", { count: list.invalid })}\n`);
    io.stderr.write(`${t("blocklist.written", { count: list.count })}\n`);
  }
  return exitCodeOf(doc, opts.threshold, opts.findingsExit);
}
