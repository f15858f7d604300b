import type { Command } from "commander";
import { redactDbTarget } from "../../alert/redact.ts";
import { diffReport } from "../../audit/diff.ts";
import { atLeast, SEVERITIES, type Severity } from "../../core/finding.ts";
import type { Translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { RENDERERS } from "../../report/formats/index.ts";
import { resolveTimeZone } from "../../report/time-format.ts";
import { openStore } from "../../store/db.ts";
import { diffFindings } from "../../store/diff.ts";
import {
  getScan,
  hostsInHistory,
  isLegacyKey,
  listScans,
  resolveScanId,
  type ScanMeta,
  scanFindings,
} from "../../store/scans.ts";
import { storeErrorReason } from "../../watch/scan.ts";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { terminalWidth } from "../options.ts";
import { addFormatOption, parseFormat } from "../report-format.ts";
import { addHistoryOptions, parseHistoryOptions } from "../watch-options.ts";

export function registerDiff(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("diff")
    .argument("[from]", "older scan id (or a unique prefix); default: the second newest")
    .argument("[to]", "newer scan id (or a unique prefix); default: the newest")
    .description(
      "what changed between two stored scans: new, resolved and changed findings (exit 1 when something new or changed is at or above the threshold)",
    );
  addFormatOption(addHistoryOptions(cmd, false))
    .option("--host <name>", "default scans: the last two of this host (its id or its hostname)")
    .option(
      "--severity-threshold <level>",
      `count new/changed findings from: ${SEVERITIES.join("|")} (default low, or severityThreshold in config.yaml)`,
    )
    .action(async (fromRef: string | undefined, toRef: string | undefined, raw) => {
      const o = parseHistoryOptions({ ...raw, format: undefined }, io);
      const format = parseFormat(raw.format, o.t);
      const t = o.t;
      const threshold = (
        (raw.severityThreshold as string | undefined) ??
        o.config.severityThreshold ??
        "low"
      ).toLowerCase();
      if (!(SEVERITIES as readonly string[]).includes(threshold))
        throw new UsageError(
          t("cli.badOption", {
            option: "--severity-threshold",
            value: threshold,
            expected: SEVERITIES.join("|"),
          }),
        );
      let store: Awaited<ReturnType<typeof openStore>>;
      try {
        store = await openStore(o.store.target, { busyTimeoutMs: o.store.busyTimeoutMs });
      } catch (err) {
        throw new UsageError(
          t("watch.cannotOpenDb", { db: redactDbTarget(o.store.target), reason: storeErrorReason(err, t) }),
        );
      }
      try {
        const resolve = async (ref: string) => {
          const ids = await resolveScanId(store.db, ref);
          if (ids.length === 0) throw new UsageError(t("watch.diff.unknownScan", { ref: esc(ref) }));
          if (ids.length > 1) throw new UsageError(t("watch.diff.ambiguousScan", { ref: esc(ref) }));
          return ids[0] as string;
        };
        let from: string;
        let to: string;
        if (fromRef && toRef) {
          from = await resolve(fromRef);
          to = await resolve(toRef);
        } else {
          // The newest scan and the one before it on the same host (a fleet database holds many hosts).
          const newest = (await listScans(store.db, { limit: 1, host: raw.host }))[0];
          const latest = newest ? await listScans(store.db, { limit: 2, hostId: newest.hostId }) : [];
          if (fromRef) {
            from = await resolve(fromRef);
            to = latest[0]?.id ?? from;
          } else {
            if (newest && latest.length < 2) {
              const others = (await hostsInHistory(store.db)).filter((h) => h.hostId !== newest.hostId);
              if (others.length > 0)
                throw new UsageError(
                  t("watch.diff.otherHosts", {
                    host: esc(newest.host),
                    id: hostLabel(newest, t),
                    count: latest.length,
                    others: others
                      .slice(0, 5)
                      .map((h) => `${esc(h.host)} (${hostLabel(h, t)}, ${h.scans})`)
                      .join(", "),
                  }),
                );
            }
            if (latest.length < 2) throw new UsageError(t("watch.diff.needTwo", { count: latest.length }));
            from = (latest[1] as { id: string }).id;
            to = (latest[0] as { id: string }).id;
          }
        }
        const [a, b] = [await getScan(store.db, from), await getScan(store.db, to)];
        if (a && b && a.hostId !== b.hostId)
          io.stderr.write(
            `${t("watch.diff.twoHosts", { from: `${esc(a.host)} (${hostLabel(a, t)})`, to: `${esc(b.host)} (${hostLabel(b, t)})` })}\n`,
          );
        const d = diffFindings(
          from,
          to,
          await scanFindings(store.db, from),
          await scanFindings(store.db, to),
        );
        const doc = diffReport(d, b ?? a, o.lang, (io.now ?? (() => new Date()))());
        io.stdout.write(
          RENDERERS[format].render(doc, {
            lang: o.lang,
            t,
            color: false,
            threshold: threshold as Severity,
            width: terminalWidth(io),
            timeZone: resolveTimeZone(io.env),
          }),
        );
        const sev = threshold as Severity;
        const news =
          d.new.some((f) => atLeast(f.severity, sev)) ||
          d.changed.some((c) => atLeast(c.after.severity, sev));
        done(news ? EXIT_FINDINGS : EXIT_OK);
      } finally {
        await store.close();
      }
    });
}

/** A host's id as people see it: the start of it, or that it has none. */
function hostLabel(h: Pick<ScanMeta, "hostId">, t: Translator): string {
  return isLegacyKey(h.hostId)
    ? t("watch.history.noHostId")
    : t("watch.history.hostId", { id: h.hostId.slice(0, 8) });
}
