import type { ReportDocument } from "../../core/document.ts";
import type { HistorySection } from "../../core/sections/index.ts";
import { markdownCode as code, escapeTerminal as esc, escapeMarkdown as md } from "../escape.ts";
import { localizeTime, zonedTranslator } from "../time-format.ts";
import type { RenderOptions } from "../types.ts";

/**
 * A host's id as people see it: the start of it, or that it has none (a history key from before ids,
 * "hostname:NAME", store/migrations.ts LEGACY_PREFIX; the report layer does not import the store).
 */
export function hostIdLabel(hostId: string, t: RenderOptions["t"]): string {
  return hostId.startsWith("hostname:")
    ? t("watch.history.noHostId")
    : t("watch.history.hostId", { id: esc(hostId.slice(0, 8)) });
}

function deliveryLine(d: HistorySection["deliveries"][number], t: RenderOptions["t"]): string {
  const status = ["sent", "failed", "rate-limited"].includes(d.status)
    ? t(`watch.delivery.${d.status as "sent" | "failed" | "rate-limited"}`)
    : esc(d.status);
  return t("watch.delivery.line", {
    at: esc(d.createdAt),
    kind: d.kind,
    channel: esc(d.channel),
    target: esc(d.target),
    status,
    attempts: d.attempts,
    error: d.error ? `: ${esc(d.error)}` : "",
  });
}

/** `mamori history` on a terminal: one line per scan, then the deliveries. */
export function historyHuman(doc: ReportDocument, opts: RenderOptions): string {
  const t = zonedTranslator(opts.t, opts.timeZone);
  const h = doc.sections.history as HistorySection;
  const out = [t("watch.history.title", { db: esc(h.db) }), ""];
  if (h.scans.length === 0) out.push(t("watch.history.empty"));
  else out.push(t("watch.history.header"));
  for (const s of h.scans) {
    const c = s.counts;
    const nc =
      s.notChecked.length > 0 ? `  (${t("watch.history.notChecked", { count: s.notChecked.length })})` : "";
    // The hostname for people, with the start of the id that keys the history (hostnames change).
    out.push(
      `${esc(s.id).padEnd(26)} ${esc(localizeTime(s.finishedAt, opts.timeZone)).padEnd(26)} ${esc(s.host)} (${hostIdLabel(s.hostId, t)})  ${c.critical} ${c.high} ${c.medium} ${c.low} ${c.info}  ${esc(s.command)}${nc}`,
    );
  }
  out.push("", `${t("watch.history.deliveries")}:`);
  if (h.deliveries.length === 0) out.push(`  ${t("watch.history.noDeliveries")}`);
  for (const d of h.deliveries) out.push(`  ${deliveryLine(d, t)}`);
  return `${out.join("\n")}\n`;
}

function cell(s: string): string {
  return md(s).replace(/\|/g, "\\|");
}

/** The same as tables, for a ticket. */
export function historyMarkdown(doc: ReportDocument, opts: RenderOptions): string {
  const t = zonedTranslator(opts.t, opts.timeZone);
  const h = doc.sections.history as HistorySection;
  const out = [`# ${cell(t("watch.history.title", { db: h.db }))}`, ""];
  if (h.scans.length === 0) out.push(t("watch.history.empty"), "");
  else {
    out.push(
      `| id | ${t("report.scannedAt")} | ${t("report.host")} | ${t("severity.critical")} | ${t("severity.high")} | ${t("severity.medium")} | ${t("severity.low")} | ${t("severity.info")} | command |`,
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const s of h.scans)
      out.push(
        `| ${code(s.id)} | ${cell(localizeTime(s.finishedAt, opts.timeZone))} | ${cell(s.host)} (${cell(hostIdLabel(s.hostId, t))}) | ${s.counts.critical} | ${s.counts.high} | ${s.counts.medium} | ${s.counts.low} | ${s.counts.info} | ${cell(s.command)} |`,
      );
    out.push("");
  }
  out.push(`## ${t("watch.history.deliveries")}`, "");
  if (h.deliveries.length === 0) out.push(t("watch.history.noDeliveries"));
  for (const d of h.deliveries) out.push(`- ${md(deliveryLine(d, t))}`);
  return `${out.join("\n").trimEnd()}\n`;
}
