import type { Command } from "commander";
import { redactDbTarget } from "../../alert/redact.ts";
import { escapeTerminal as esc, jsonOutput } from "../../report/escape.ts";
import { contractNotChecked } from "../../report/localize.ts";
import { listDeliveries } from "../../store/alerts.ts";
import { openStore } from "../../store/db.ts";
import { isLegacyKey, listScans } from "../../store/scans.ts";
import { storeErrorReason } from "../../watch/scan.ts";
import { EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { addHistoryOptions, parseHistoryOptions } from "../watch-options.ts";

export function registerHistory(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("history")
    .description("list stored scans (newest first) and the alert deliveries, failed ones included");
  addHistoryOptions(cmd)
    .option("--limit <n>", "show at most N scans", "20")
    .option("--host <name>", "only scans and deliveries of this host (its id or its hostname)")
    .action(async (raw) => {
      const o = parseHistoryOptions(raw, io);
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
        const db = redactDbTarget(o.store.target);
        if (o.format === "json") {
          const rendered = scans.map((s) => ({
            ...s,
            notChecked: s.notChecked.map((n) => contractNotChecked(n, o.t)),
          }));
          io.stdout.write(jsonOutput({ db, scans: rendered, deliveries }));
          done(EXIT_OK);
          return;
        }
        const t = o.t;
        const out = [t("watch.history.title", { db: esc(db) }), ""];
        if (scans.length === 0) out.push(t("watch.history.empty"));
        else out.push(t("watch.history.header"));
        for (const s of scans) {
          const c = s.counts;
          const nc =
            s.notChecked.length > 0
              ? `  (${t("watch.history.notChecked", { count: s.notChecked.length })})`
              : "";
          // The hostname for people, with the start of the id that keys the history (hostnames change).
          const id = isLegacyKey(s.hostId)
            ? t("watch.history.noHostId")
            : t("watch.history.hostId", { id: s.hostId.slice(0, 8) });
          out.push(
            `${s.id.padEnd(26)} ${s.finishedAt.padEnd(25)} ${esc(s.host)} (${id})  ${c.critical} ${c.high} ${c.medium} ${c.low} ${c.info}  ${esc(s.command)}${nc}`,
          );
        }
        out.push("", `${t("watch.history.deliveries")}:`);
        if (deliveries.length === 0) out.push(`  ${t("watch.history.noDeliveries")}`);
        for (const d of deliveries) {
          out.push(
            `  ${t("watch.delivery.line", {
              at: d.createdAt,
              kind: d.kind,
              channel: esc(d.channel),
              target: esc(d.target),
              status: t(`watch.delivery.${d.status}`),
              attempts: d.attempts,
              error: d.error ? `: ${esc(d.error)}` : "",
            })}`,
          );
        }
        io.stdout.write(`${out.join("\n")}\n`);
        done(EXIT_OK);
      } finally {
        await store.close();
      }
    });
}
