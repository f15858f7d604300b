import * as path from "node:path";
import type { Command } from "commander";
import { scanContext } from "../../audit/context.ts";
import { runScanners } from "../../audit/run.ts";
import { readTrustedText, UntrustedFileError } from "../../core/trusted-file.ts";
import { type AllowEntry, AllowlistError, parseAllowlist } from "../../hunt/allowlist.ts";
import { DEFAULT_HUNT_OPTIONS, huntScanner } from "../../hunt/scanner.ts";
import { translator } from "../../i18n/index.ts";
import { reasonText } from "../../report/verdict.ts";
import { emitReport } from "../emit.ts";
import { UsageError } from "../errors.ts";
import { addExitOptions, exitOptionsOf } from "../exit-options.ts";
import { addIgnoreOptions, ignoreRulesOf } from "../ignore-options.ts";
import type { CliIo } from "../io.ts";
import { addCommonOptions, parseCommon } from "../options.ts";

interface RawHunt {
  allowlist?: string;
  wattsPerCore?: string;
  pricePerKwh?: string;
  currency?: string;
  sampleMs?: string;
  feedDir?: string;
  ignoreFile?: string;
  quiet?: boolean;
  exitCode?: string;
  showIgnored?: boolean;
}

function positive(
  t: ReturnType<typeof translator>,
  option: string,
  v: string | undefined,
  dflt: number,
  allowZero = false,
): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new UsageError(
      t("cli.badOption", {
        option,
        value: v,
        expected: t(allowZero ? "cli.expected.zeroOrMore" : "cli.expected.positive"),
      }),
    );
  return n;
}

/** `mamori hunt`: only the compromise-hunting area (miners, backdoors, persistence). */
export function registerHunt(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("hunt")
    .description(
      "look for what an intruder left: cryptominers, hidden processes, backdoors and their persistence",
    );
  addExitOptions(addIgnoreOptions(addCommonOptions(cmd)))
    .option(
      "--allowlist <file>",
      "YAML list of accepted items (path+sha256, user or pool), each with reason and expires",
    )
    .option(
      "--watts-per-core <w>",
      `power of one busy CPU core for the cost estimate (default ${DEFAULT_HUNT_OPTIONS.wattsPerCore})`,
    )
    .option(
      "--price-per-kwh <price>",
      `electricity price per kWh (default ${DEFAULT_HUNT_OPTIONS.pricePerKwh})`,
    )
    .option("--currency <code>", `currency of --price-per-kwh (default ${DEFAULT_HUNT_OPTIONS.currency})`)
    .option(
      "--sample-ms <ms>",
      `length of the live CPU sample, 0 to skip (default ${DEFAULT_HUNT_OPTIONS.sampleMs})`,
    )
    .option("--feed-dir <dir>", "directory of IOC lists from `mamori iocs update`")
    .action(async (raw: RawHunt & Parameters<typeof parseCommon>[0]) => {
      const opts = exitOptionsOf(raw, parseCommon(raw, io));
      const t = translator(opts.lang);
      let allowlist: AllowEntry[] = [];
      if (raw.allowlist) {
        const file = path.resolve(io.cwd, raw.allowlist);
        try {
          allowlist = parseAllowlist(readTrustedText(file));
        } catch (err) {
          if (err instanceof UntrustedFileError)
            throw new UsageError(t("safety.untrustedFile", { file: err.file, why: err.why }));
          // One line: the YAML parser's message goes on with an excerpt of the file and a caret line.
          const message =
            err instanceof AllowlistError
              ? (err.message.split("\n")[0] ?? "").replace(/:\s*$/, "")
              : reasonText((err as NodeJS.ErrnoException).code ?? String(err), t);
          throw new UsageError(t("hunt.allowlist.bad", { path: file, message }));
        }
      }
      const scanner = huntScanner({
        allowlist,
        wattsPerCore: positive(t, "--watts-per-core", raw.wattsPerCore, DEFAULT_HUNT_OPTIONS.wattsPerCore),
        pricePerKwh: positive(t, "--price-per-kwh", raw.pricePerKwh, DEFAULT_HUNT_OPTIONS.pricePerKwh, true),
        currency: raw.currency ?? DEFAULT_HUNT_OPTIONS.currency,
        sampleMs: Math.min(
          10_000,
          positive(t, "--sample-ms", raw.sampleMs, DEFAULT_HUNT_OPTIONS.sampleMs, true),
        ),
        feedDir: raw.feedDir ? path.resolve(io.cwd, raw.feedDir) : undefined,
      });
      const ctx = { ...scanContext(opts, io.env), ignore: ignoreRulesOf(raw, io, opts.lang) };
      const doc = await runScanners(ctx, [scanner], "hunt");
      done(emitReport(doc, opts, io));
    });
}
