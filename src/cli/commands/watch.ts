import * as path from "node:path";
import { type Command, Option } from "commander";
import { addPushOptions } from "../../agent/options.ts";
import { ChannelConfigError } from "../../alert/channels.ts";
import { channelsFrom, dispatchAlerts } from "../../alert/dispatch.ts";
import { redactDbTarget } from "../../alert/redact.ts";
import { ChunkedScan } from "../../collect/logs/chunks.ts";
import type { ReportDocument } from "../../core/document.ts";
import type { FactsBundle } from "../../facts/bundle.ts";
import { escapeTerminal } from "../../report/escape.ts";
import { localizeTime, localTime, resolveTimeZone } from "../../report/time-format.ts";
import { loadScenarios } from "../../rules/logs-behaviour.ts";
import { openStore } from "../../store/db.ts";
import { validateSchedule, watchLoop } from "../../watch/loop.ts";
import { spoolRefusalText } from "../../watch/pending.ts";
import { HistoryWriteError, runFullScan, storeErrorReason } from "../../watch/scan.ts";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.ts";
import { addIgnoreOptions, ignoreRulesOf } from "../ignore-options.ts";
import type { CliIo } from "../io.ts";
import { addLogFormatOption, checkLogFormat, PRIORITY, type Priority, writeAt } from "../journald.ts";
import { clockOf, defaultDataDir, existingRoot } from "../options.ts";
import { addHistoryOptions, parseHistoryOptions } from "../watch-options.ts";

export function registerWatch(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("watch")
    .description(
      "keep watching: audit on a schedule, follow the Apache logs, store every scan, alert on what is new (stop with SIGTERM)",
    );
  addPushOptions(addIgnoreOptions(addHistoryOptions(cmd, false)))
    .option(
      "--schedule <cron>",
      'when to scan, in cron syntax (default from the config file, else "*/15 * * * *")',
    )
    .option("--root <dir>", "scan the filesystem under DIR instead of this machine")
    .option("--once", "run one scan now and exit (what a systemd timer or cron job calls)")
    .option("--accept-baseline", "record the current state as the new baseline (after a change you made)")
    .option("--data-dir <dir>", "directory of mamori's vulnerability and IOC data");
  addLogFormatOption(cmd)
    .addOption(new Option("--now <iso>", "pretend the current time is ISO").hideHelp())
    .addOption(new Option("--max-scans <n>", "stop after N scans").hideHelp())
    .addOption(new Option("--test-slow-ms <ms>", "make each scan take this much longer (tests)").hideHelp())
    .action(async (raw) => {
      const o = parseHistoryOptions(raw, io);
      const { t, config } = o;
      checkLogFormat(raw.logFormat, t);
      if (raw.push) (await import("../../agent/cli.ts")).checkPushOptions(raw, o.lang);
      const schedule: string = raw.schedule ?? config.schedule;
      try {
        validateSchedule(schedule);
      } catch (err) {
        throw new UsageError(
          t("watch.badSchedule", { schedule, reason: err instanceof Error ? err.message : String(err) }),
        );
      }
      const now = clockOf(raw.now, io, t);
      let channels: ReturnType<typeof channelsFrom>;
      try {
        channels = channelsFrom(config.alerts, io.env);
      } catch (err) {
        if (err instanceof ChannelConfigError)
          throw new UsageError(t("watch.config.envMissing", { key: err.key, name: err.variable }));
        throw err;
      }
      const root = existingRoot(io.cwd, raw.root ?? config.root, t);
      const ignore = ignoreRulesOf(raw, io, o.lang);
      const db = redactDbTarget(o.store.target);
      // One line each; they quote error texts from channels (an SMTP server's reply) and the system: escaped.
      // Under journald each line is one message: failures as errors, what needs a look as warnings.
      // Human lines in the reader's zone (TZ), as the reports are; history and JSON keep UTC.
      const zone = resolveTimeZone(io.env);
      const log = (line: string, priority: Priority = PRIORITY.info) =>
        writeAt(io.stderr, priority, `${escapeTerminal(line)}\n`);
      const warnLog = (line: string) => log(line, PRIORITY.warning);
      let acceptBaseline = Boolean(raw.acceptBaseline);
      let failures = 0;
      // The log engine's facts from scan to scan: new lines are judged with each file's baseline so far.
      const logState = new ChunkedScan(loadScenarios());

      // Every scan says how many critical findings are open, new or not: "0 new" is not "clean".
      let openCritical = 0;
      const reportOpen = (doc: ReportDocument) => {
        openCritical = doc.findings.filter((f) => f.severity === "critical").length;
        if (openCritical > 0) warnLog(t("watch.openCritical", { count: openCritical }));
        else log(t("watch.noOpenCritical"));
      };
      // --push: each scan also goes to the fleet server (a failure is logged; the next scan sends anew).
      // The scan's FactsBundle goes with it: the server judges it again when its data changes.
      let bundle: FactsBundle | undefined;
      const pushed = async (doc: ReportDocument) => {
        if (!raw.push) return;
        const { pushFromCli } = await import("../../agent/cli.ts");
        const facts = bundle;
        bundle = undefined;
        if (!(await pushFromCli(raw, doc, facts, { lang: o.lang, threshold: "info" }, io))) failures++;
      };
      const runScan = async () => {
        log(t("watch.loop.scanStarted", { at: localTime(now(), zone) }));
        let r: Awaited<ReturnType<typeof runFullScan>>;
        try {
          r = await runFullScan({
            root,
            lang: o.lang,
            now,
            dataDir: path.resolve(io.cwd, raw.dataDir ?? io.env.MAMORI_DATA_DIR ?? defaultDataDir()),
            env: io.env,
            command: "watch",
            store: o.store,
            logs: config.logs,
            ignore,
            logState,
            acceptBaseline,
            slowMs: raw.testSlowMs ? Number(raw.testSlowMs) : undefined,
            onBundle: raw.push
              ? (b) => {
                  bundle = b;
                }
              : undefined,
          });
        } catch (err) {
          failures++;
          if (err instanceof HistoryWriteError)
            log(
              t("watch.spoolFailed", { db, reason: err.dbReason, spoolReason: err.spoolReason }),
              PRIORITY.error,
            );
          else throw err;
          return;
        }
        acceptBaseline = false;
        for (const x of r.refusedSpool) warnLog(spoolRefusalText(x, t));
        if (r.imported > 0) log(t("watch.imported", { count: r.imported, db }));
        if (r.baselineRecorded !== undefined)
          log(t("watch.baseline.recorded", { count: r.baselineRecorded }));
        if (r.stored === "spool") {
          warnLog(t("watch.spooled", { db, reason: r.reason ?? "", file: r.spoolFile ?? "" }));
          log(
            t("watch.loop.scanDone", {
              id: r.scanId,
              total: r.doc.findings.length,
              new: 0,
              lines: r.logLines,
            }),
          );
          reportOpen(r.doc);
          await pushed(r.doc);
          return;
        }
        if (channels.length > 0) {
          const store = await openStore(o.store.target, { busyTimeoutMs: o.store.busyTimeoutMs });
          try {
            const d = await dispatchAlerts({
              store,
              scanId: r.scanId,
              doc: r.doc,
              config: config.alerts,
              channels,
              lang: o.lang,
              t,
              now,
              timeZone: zone,
              warn: warnLog,
            });
            if (d.queued > 0 || d.candidates.length > 0)
              log(t("watch.loop.alerted", { count: d.candidates.length, queued: d.queued }));
          } catch (err) {
            log(t("watch.loop.scanFailed", { reason: storeErrorReason(err, t) }), PRIORITY.error);
          } finally {
            await store.close();
          }
        }
        if (channels.length === 0 && r.newFindings > 0)
          warnLog(t("watch.nothingSent", { count: r.newFindings }));
        log(
          t("watch.loop.scanDone", {
            id: r.scanId,
            total: r.doc.findings.length,
            new: r.newFindings,
            lines: r.logLines,
          }),
        );
        reportOpen(r.doc);
        await pushed(r.doc);
      };

      if (raw.once) {
        await runScan();
        // Never "success" while the host still has critical findings open.
        done(failures > 0 ? EXIT_ERROR : openCritical > 0 ? EXIT_FINDINGS : EXIT_OK);
        return;
      }
      await watchLoop({
        schedule,
        runScan,
        signals: process,
        log,
        maxScans: raw.maxScans ? Number(raw.maxScans) : undefined,
        messages: {
          started: (next) => t("watch.loop.started", { schedule, db, next: localizeTime(next, zone) }),
          skipped: (at) => t("watch.loop.skipped", { at: localizeTime(at, zone) }),
          stopping: (signal) => t("watch.loop.stopping", { signal }),
          stopped: () => t("watch.loop.stopped"),
          failed: (reason) => t("watch.loop.scanFailed", { reason }),
        },
      });
      done(EXIT_OK);
    });
}
