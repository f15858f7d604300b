import type { ReportDocument } from "../../core/document.ts";
import type { MessageKey } from "../../i18n/index.ts";
import { markdownCode as code, escapeMarkdown as md } from "../escape.ts";
import type { RenderOptions } from "../types.ts";
import { evidenceLine } from "./human.ts";

export function probeMarkdown(report: ReportDocument, { t }: RenderOptions): string {
  const doc = report.sections.probe ?? { targets: [] };
  const out: string[] = [`# ${t("exposure.probe.title")}`, ""];
  const vulnerable = doc.targets.reduce(
    (n, x) => n + x.checks.filter((c) => c.verdict === "vulnerable").length,
    0,
  );
  const errors = doc.targets.filter((x) => x.error).length;
  out.push(md(t("exposure.probe.summary", { targets: doc.targets.length, vulnerable, errors })), "");
  for (const target of doc.targets) {
    out.push(`## ${code(target.url)}`, "");
    if (target.error) {
      out.push(`**${md(target.error)}**`, "");
      continue;
    }
    out.push(
      `| ${t("exposure.probe.col.check")} | ${t("exposure.probe.col.verdict")} | ${t("exposure.probe.confidence")} |`,
      "|---|---|---|",
    );
    for (const c of target.checks)
      out.push(
        `| ${md(t(`exposure.probe.check.${c.id}` as MessageKey))} | ${t(`exposure.probe.verdict.${c.verdict}` as MessageKey)} | ${t(`confidence.${c.confidence}`)} |`,
      );
    out.push("");
    for (const c of target.checks.filter((x) => x.verdict !== "not-vulnerable")) {
      out.push(`### ${md(t(`exposure.probe.check.${c.id}` as MessageKey))}`, "");
      if (c.summary) out.push(md(c.summary), "");
      for (const e of c.evidence.slice(0, 12)) out.push(`- ${code(evidenceLine(e))}`);
      out.push("");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}
