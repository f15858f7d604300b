import type { Command } from "commander";
import { redactDbTarget } from "../../alert/redact.ts";
import { atLeast, type Finding, SEVERITIES, type Severity } from "../../core/finding.ts";
import type { Translator } from "../../i18n/index.ts";
import { escapeTerminal as esc, jsonOutput } from "../../report/escape.ts";
import { evidenceText } from "../../report/formats/human.ts";
import { renderFinding } from "../../report/localize.ts";
import { openStore } from "../../store/db.ts";
import { diffFindings, type ScanDiff } from "../../store/diff.ts";
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
import { addHistoryOptions, parseHistoryOptions } from "../watch-options.ts";

export function registerDiff(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("diff")
    .argument("[from]", "older scan id (or a unique prefix); default: the second newest")
    .argument("[to]", "newer scan id (or a unique prefix); default: the newest")
    .description(
      "what changed between two stored scans: new, resolved and changed findings (exit 1 when something new or changed is at or above the threshold)",
    );
  addHistoryOptions(cmd)
    .option("--host <name>", "default scans: the last two of this host (its id or its hostname)")
    .option("--severity-threshold <level>", `count new/changed findings from: ${SEVERITIES.join("|")}`, "low")
    .action(async (fromRef: string | undefined, toRef: string | undefined, raw) => {
      const o = parseHistoryOptions(raw, io);
      const t = o.t;
      const threshold = raw.severityThreshold as string;
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
        io.stdout.write(o.format === "json" ? jsonOutput(d) : renderDiff(d, t));
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

function line(keyed: Finding, t: Translator): string {
  const f = renderFinding(keyed, t);
  return `  [${t(`severity.${f.severity}`)}] ${esc(f.title)}  (${t(`confidence.${f.confidence}`)})  ${esc(f.id)}`;
}

export function renderDiff(d: ScanDiff, t: Translator): string {
  const out = [t("watch.diff.title", { from: d.from, to: d.to }), ""];
  if (d.new.length + d.resolved.length + d.changed.length === 0) out.push(t("watch.diff.none"));
  if (d.new.length > 0) {
    out.push(`${t("watch.diff.new", { count: d.new.length })}:`);
    for (const f of d.new) out.push(line(f, t));
    out.push("");
  }
  if (d.resolved.length > 0) {
    out.push(`${t("watch.diff.resolved", { count: d.resolved.length })}:`);
    for (const f of d.resolved) out.push(line(f, t));
    out.push("");
  }
  if (d.changed.length > 0) {
    out.push(`${t("watch.diff.changed", { count: d.changed.length })}:`);
    for (const c of d.changed) {
      out.push(line(c.after, t));
      for (const what of c.changes) {
        const before =
          what === "severity"
            ? t(`severity.${c.before.severity}`)
            : what === "confidence"
              ? t(`confidence.${c.before.confidence}`)
              : renderFinding(c.before, t).evidence.map(evidenceText).join("; ");
        const after =
          what === "severity"
            ? t(`severity.${c.after.severity}`)
            : what === "confidence"
              ? t(`confidence.${c.after.confidence}`)
              : renderFinding(c.after, t).evidence.map(evidenceText).join("; ");
        out.push(`      ${t(`watch.diff.field.${what}`)}: ${esc(before)} -> ${esc(after)}`);
      }
    }
    out.push("");
  }
  out.push(t("watch.diff.unchanged", { count: d.unchanged }));
  return `${out.join("\n")}\n`;
}
