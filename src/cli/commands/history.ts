import type { Command } from "commander";
import { redactDbTarget } from "../../alert/redact.ts";
import { commandReport, localHost } from "../../audit/report.ts";
import { RENDERERS } from "../../report/formats/index.ts";
import { resolveTimeZone } from "../../report/time-format.ts";
import { listDeliveries } from "../../store/alerts.ts";
import { openStore } from "../../store/db.ts";
import { listScans } from "../../store/scans.ts";
import { storeErrorReason } from "../../watch/scan.ts";
import { EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { terminalWidth } from "../options.ts";
import { addFormatOption, parseFormat } from "../report-format.ts";
import { addHistoryOptions, parseHistoryOptions } from "../watch-options.ts";

export function registerHistory(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("history")
    .description("list stored scans (newest first) and the alert deliveries, failed ones included");
  addFormatOption(addHistoryOptions(cmd, false))
    .option("--limit <n>", "show at most N scans", "20")
    .option("--host <name>", "only scans and deliveries of this host (its id or its hostname)")
    .action(async (raw) => {
      const o = parseHistoryOptions({ ...raw, format: undefined }, io);
      const format = parseFormat(raw.format, o.t);
      const limit = Number(raw.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(
          o.t("cli.badOption", { option: "--limit", value: raw.limit, expected: "1, 2, 3..." }),
        );
      let store: Awaited<ReturnType<typeof openStore>>;
      try {
        store = await openStore(o.store.target, { busyTimeoutMs: o.store.busyTimeoutMs });
      } catch (err) {
        throw new UsageError(
          o.t("watch.cannotOpenDb", {
            db: redactDbTarget(o.store.target),
            reason: storeErrorReason(err, o.t),
          }),
        );
      }
      try {
        const scans = await listScans(store.db, { limit, host: raw.host });
        const deliveries = await listDeliveries(store.db, { limit, host: raw.host });
        const doc = commandReport({
          command: "history",
          host: localHost(),
          at: (io.now ?? (() => new Date()))(),
          lang: o.lang,
          sections: { history: { db: redactDbTarget(o.store.target), scans, deliveries } },
        });
        const text = RENDERERS[format].render(doc, {
          lang: o.lang,
          t: o.t,
          color: false,
          threshold: "info",
          width: terminalWidth(io),
          timeZone: resolveTimeZone(io.env),
        });
        io.stdout.write(text);
        done(EXIT_OK);
      } finally {
        await store.close();
      }
    });
}
