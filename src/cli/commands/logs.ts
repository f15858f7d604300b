import * as path from "node:path";
import type { Command } from "commander";
import { scanContext } from "../../audit/context.ts";
import { collectLogs, logsArea, noteProblems } from "../../audit/logs.ts";
import { runScanners } from "../../audit/run.ts";
import { formatFromOption } from "../../collect/logs/engine/format.ts";
import type { LogInput } from "../../collect/logs/run.ts";
import { renderText } from "../../core/message.ts";
import type { LogFacts } from "../../facts/log-codec.ts";
import { translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { reasonOf } from "../../report/logs-story.ts";
import { addBlocklistOptions, emitBlocklist } from "../blocklist-options.ts";
import { emitReport } from "../emit.ts";
import { UsageError } from "../errors.ts";
import { addExitOptions, exitOptionsOf, quietIo } from "../exit-options.ts";
import { addIgnoreOptions, ignoreRulesOf } from "../ignore-options.ts";
import type { CliIo } from "../io.ts";
import { addCommonOptions, parseCommon } from "../options.ts";

/** Skipped lines named on stderr per file. */
const WARNINGS_SHOWN = 3;
/** Files whose skipped lines are told on standard error; the others are counted. */
const FILES_WARNED = 10;

export function registerLogs(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("logs")
    .description("read access and error logs: who attacked, with what, when, and did it work")
    .argument("[paths...]", "log files, directories (rotations in time order) or - for standard input")
    .option(
      "--log-format <format>",
      "access log format: a nickname (combined, common, vhost_combined) or a LogFormat string",
    );
  addBlocklistOptions(addExitOptions(addIgnoreOptions(addCommonOptions(cmd)))).action(
    async (paths: string[], raw) => {
      const opts = exitOptionsOf(raw, parseCommon(raw, io));
      const warn = quietIo(io, opts.quiet).stderr;
      const t = translator(opts.lang);
      const ctx = { ...scanContext(opts, io.env), ignore: ignoreRulesOf(raw, io, opts.lang) };
      // No path named: standard input when it is piped, else the `logs:` of the configuration file.
      const fromConfig = process.stdin.isTTY && opts.configFile ? (opts.config?.logs ?? []) : [];
      const named = paths.length > 0 ? paths : fromConfig.map((l) => l.path);
      const inputs: LogInput[] = (named.length ? named : ["-"]).map((p) => ({
        path: p === "-" ? "-" : opts.root === "/" ? path.resolve(io.cwd, p) : path.posix.resolve("/", p),
        display: p,
      }));
      // No path means standard input, unless it is a terminal (then the user forgot the files).
      if (named.length === 0 && process.stdin.isTTY) throw new UsageError(t("logs.noFiles"));
      const logFormat = raw.logFormat ?? opts.config?.logFormat;
      const format = logFormat ? formatFromOption(logFormat) : undefined;
      const stdin = inputs.some((i) => i.path === "-") ? process.stdin : undefined;
      // The same logs area as the audit's, over the files named here: collect -> facts -> judge -> report.
      const area = logsArea(async (c, rules) => {
        const facts = await collectLogs(c.fs, inputs, { rules, format, stdin });
        noteProblems(c, facts, 0);
        return facts;
      });
      // Only what is said below: the facts themselves (every kept line) are let go before the report is written.
      let saved: Pick<LogFacts, "unreadable" | "files"> | undefined;
      const doc = await runScanners(ctx, [area], "logs", (bundle) => {
        const logs = bundle.areas.logs as LogFacts | undefined;
        saved = logs && { unreadable: logs.unreadable, files: logs.files };
      });
      for (const u of saved?.unreadable ?? [])
        warn.write(`mamori: ${t("logs.warn.open", { path: esc(u.path), reason: reasonOf(u.reason, t) })}\n`);
      // A few lines each: a file in another format skips every line, and the report says how many. A
      // few files too: thousands of daily logs in an unknown format would be thousands of lines here.
      const skipping = (saved?.files ?? []).filter((f) => Object.values(f.skipped).some((n) => n > 0));
      for (const f of skipping.slice(0, FILES_WARNED)) {
        for (const w of f.warnings.slice(0, WARNINGS_SHOWN))
          warn.write(
            `mamori: ${t("logs.warn.skipped", { path: esc(f.path), line: w.line ?? "?", reason: reasonOf(w.reason, t) })}\n`,
          );
        const more =
          Object.values(f.skipped).reduce((a, b) => a + b, 0) - Math.min(f.warnings.length, WARNINGS_SHOWN);
        if (more > 0)
          warn.write(`mamori: ${t("logs.warn.skippedMore", { path: esc(f.path), count: more })}\n`);
      }
      if (skipping.length > FILES_WARNED)
        warn.write(`mamori: ${t("logs.warn.moreFiles", { count: skipping.length - FILES_WARNED })}\n`);
      // Nothing could be read (a mistyped path, an empty directory, a glob that matched nothing): a report
      // saying "no attacks in 0 files" would read as a clean bill of health.
      if (!saved || saved.files.length === 0) {
        // The reading itself failed: say why, not only that nothing was read (unless each file's line
        // above said it already).
        const failed =
          (saved?.unreadable.length ?? 0) > 0 ? undefined : doc.notChecked.find((n) => n.area === "logs");
        throw new UsageError(
          failed
            ? `${t("logs.noFiles")} (${esc(failed.detail === undefined ? reasonOf(failed.reason, t) : renderText(failed.detail, t))})`
            : t("logs.noFiles"),
        );
      }
      done(emitBlocklist(doc, raw, opts, io) ?? emitReport(doc, opts, io));
    },
  );
}
