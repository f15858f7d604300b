import * as path from "node:path";
import type { Command } from "commander";
import { scanContext } from "../../audit/context.ts";
import { judgedSection, readLogs } from "../../audit/logs.ts";
import { findingsFor } from "../../checks/logs/analyze.ts";
import { collectHost } from "../../collect/host.ts";
import { formatFromOption } from "../../collect/logs/engine/format.ts";
import type { LogInput } from "../../collect/logs/run.ts";
import { checkContext } from "../../core/context.ts";
import { type ReportDocument, SCHEMA_VERSION } from "../../core/document.ts";
import { sortFindings } from "../../core/finding.ts";
import { toolVersion } from "../../core/version.ts";
import { correlate } from "../../correlate/index.ts";
import { translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { reasonOf, renderLogsStory } from "../../report/logs-story.ts";
import { loadRules } from "../../rules/logs.ts";
import { emitReport, exitCodeOf, writeOutput } from "../emit.ts";
import { UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { addCommonOptions, parseCommon } from "../options.ts";

export function registerLogs(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("logs")
    .description("read access and error logs: who attacked, with what, when, and did it work")
    .argument("[paths...]", "log files, directories (rotations in time order) or - for standard input")
    .option(
      "--log-format <format>",
      "access log format: a nickname (combined, common, vhost_combined) or a LogFormat string",
    );
  addCommonOptions(cmd).action(async (paths: string[], raw) => {
    const opts = parseCommon(raw, io);
    const t = translator(opts.lang);
    const ctx = scanContext(opts, io.env);
    const inputs: LogInput[] = (paths.length ? paths : ["-"]).map((p) => ({
      path: p === "-" ? "-" : opts.root === "/" ? path.resolve(io.cwd, p) : path.posix.resolve("/", p),
      display: p,
    }));
    // No path means standard input, unless it is a terminal (then the user forgot the files).
    if (paths.length === 0 && process.stdin.isTTY) throw new UsageError(t("logs.noFiles"));
    const rules = loadRules();
    const facts = await readLogs(ctx.fs, inputs, {
      rules,
      format: raw.logFormat ? formatFromOption(raw.logFormat) : undefined,
      stdin: inputs.some((i) => i.path === "-") ? process.stdin : undefined,
    });
    for (const u of facts.unreadable) {
      ctx.diag.couldNotCheck({ area: "logs", path: u.path, reason: u.reason, detail: reasonOf(u.reason, t) });
      io.stderr.write(
        `mamori: ${t("logs.warn.open", { path: esc(u.path), reason: reasonOf(u.reason, t) })}\n`,
      );
    }
    for (const f of facts.files)
      for (const w of f.warnings.slice(0, 20))
        io.stderr.write(
          `mamori: ${t("logs.warn.skipped", { path: esc(f.path), line: w.line ?? "?", reason: reasonOf(w.reason, t) })}\n`,
        );
    // Nothing could be read (a mistyped path, an empty directory, a glob that matched nothing): a report
    // saying "no attacks in 0 files" would read as a clean bill of health.
    if (facts.files.length === 0) throw new UsageError(t("logs.noFiles"));
    const findings = sortFindings(findingsFor(facts.events, rules, checkContext(ctx), facts.next));
    const doc: ReportDocument = {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: "mamori", version: toolVersion() },
      command: "logs",
      host: collectHost(ctx.fs, () => "unknown"),
      scannedAt: ctx.now().toISOString(),
      lang: ctx.lang,
      findings,
      incidents: correlate(findings, checkContext(ctx)),
      notChecked: ctx.diag.notChecked,
      warnings: ctx.diag.warnings,
      sections: { logs: judgedSection(facts) },
    };
    if (opts.format !== "human") {
      done(emitReport(doc, opts, io));
      return;
    }
    const text = renderLogsStory(doc, { lang: opts.lang, t, color: opts.color, threshold: opts.threshold });
    writeOutput(text, opts.output, io, t);
    done(exitCodeOf(doc, opts.threshold));
  });
}
