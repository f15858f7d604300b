import type { ReportDocument } from "../../core/document.ts";
import type { Finding } from "../../core/finding.ts";
import { renderText } from "../../core/message.ts";
import type { DiffSection } from "../../core/sections/index.ts";
import type { Translator } from "../../i18n/index.ts";
import { markdownCode as code, escapeTerminal as esc, escapeMarkdown as md } from "../escape.ts";
import { evidenceText } from "../formats/human.ts";
import { type RenderedEvidence, renderEvidence, renderFinding } from "../localize.ts";
import { zonedTranslator } from "../time-format.ts";
import type { RenderOptions } from "../types.ts";

type Row = Pick<Finding, "id" | "severity" | "confidence" | "title"> & {
  message?: { title: Finding["title"] };
};

/** A row's title in the reader's language: the keyed form a saved JSON report keeps beside the rendered one. */
function rowTitle(f: Row, t: Translator): string {
  return renderText(f.message?.title ?? f.title, t);
}

function line(f: Row, t: Translator): string {
  return `  [${t(`severity.${f.severity}`)}] ${esc(rowTitle(f, t))}  (${t(`confidence.${f.confidence}`)})  ${esc(f.id)}`;
}

/** The section's ids back to the report's findings (new and changed ones are in `findings`). */
function lists(doc: ReportDocument, d: DiffSection) {
  const found = new Map(doc.findings.map((f) => [f.id, f]));
  return {
    added: d.new.map((r) => found.get(r.id) ?? r),
    changed: d.changed.flatMap((c) => {
      const after = found.get(c.id);
      return after ? [{ ...c, after }] : [];
    }),
  };
}

/** `mamori diff` on a terminal: new, resolved and changed findings, then how many stayed the same. */
export function diffHuman(doc: ReportDocument, opts: RenderOptions): string {
  const t = zonedTranslator(opts.t, opts.timeZone);
  const ev = (e: RenderedEvidence) => evidenceText(e, opts.timeZone);
  const d = doc.sections.diff as DiffSection;
  const { added, changed } = lists(doc, d);
  const out = [t("watch.diff.title", { from: esc(d.from), to: esc(d.to) }), ""];
  if (added.length + d.resolved.length + changed.length === 0) out.push(t("watch.diff.none"));
  if (added.length > 0) {
    out.push(`${t("watch.diff.new", { count: added.length })}:`);
    for (const f of added) out.push(line(f, t));
    out.push("");
  }
  if (d.resolved.length > 0) {
    out.push(`${t("watch.diff.resolved", { count: d.resolved.length })}:`);
    for (const f of d.resolved) out.push(line(f, t));
    out.push("");
  }
  if (changed.length > 0) {
    out.push(`${t("watch.diff.changed", { count: changed.length })}:`);
    for (const c of changed) {
      out.push(line(c.after, t));
      for (const what of c.changes) {
        const [before, after] =
          what === "severity"
            ? [t(`severity.${c.before.severity}`), t(`severity.${c.after.severity}`)]
            : what === "confidence"
              ? [t(`confidence.${c.before.confidence}`), t(`confidence.${c.after.confidence}`)]
              : [
                  c.before.evidence.map((e) => ev(renderEvidence(e, t))).join("; "),
                  renderFinding(c.after, t).evidence.map(ev).join("; "),
                ];
        out.push(`      ${t(`watch.diff.field.${what}`)}: ${esc(before)} -> ${esc(after)}`);
      }
    }
    out.push("");
  }
  out.push(t("watch.diff.unchanged", { count: d.unchanged }));
  return `${out.join("\n")}\n`;
}

/** The same for a ticket: one table per kind of change. */
export function diffMarkdown(doc: ReportDocument, opts: RenderOptions): string {
  const t = zonedTranslator(opts.t, opts.timeZone);
  const d = doc.sections.diff as DiffSection;
  const { added, changed } = lists(doc, d);
  const out = [`# ${md(t("watch.diff.title", { from: d.from, to: d.to }))}`, ""];
  if (added.length + d.resolved.length + changed.length === 0) out.push(t("watch.diff.none"), "");
  const table = (title: string, rows: Row[]) => {
    if (rows.length === 0) return;
    out.push(
      `## ${title}`,
      "",
      `| ${t("report.severity")} | ${t("report.findings")} | id |`,
      "|---|---|---|",
    );
    for (const f of rows)
      out.push(
        `| ${t(`severity.${f.severity}`)} | ${md(rowTitle(f, t)).replace(/\|/g, "\\|")} | ${code(f.id)} |`,
      );
    out.push("");
  };
  table(t("watch.diff.new", { count: added.length }), added);
  table(t("watch.diff.resolved", { count: d.resolved.length }), d.resolved);
  table(
    t("watch.diff.changed", { count: changed.length }),
    changed.map((c) => c.after),
  );
  out.push(md(t("watch.diff.unchanged", { count: d.unchanged })));
  return `${out.join("\n").trimEnd()}\n`;
}
