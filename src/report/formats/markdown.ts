import { atLeast, SEVERITIES } from "../../core/finding.ts";
import { markdownCode as code, escapeMarkdown as md } from "../escape.ts";
import type { Renderer } from "../types.ts";
import { reasonText, verdictLine } from "../verdict.ts";
import { evidenceText } from "./human.ts";

export const markdown: Renderer = {
  name: "markdown",
  render(doc, { t, threshold }) {
    const out: string[] = [];
    out.push(`# ${t("report.title")}: ${md(doc.host.hostname)}`, "");
    out.push(`**${md(verdictLine(doc, threshold, t))}**`, "");
    out.push(`- ${t("report.host")}: ${md(doc.host.hostname)}${doc.host.os ? ` (${md(doc.host.os)})` : ""}`);
    out.push(`- ${t("report.root")}: ${code(doc.host.root)}`);
    out.push(`- ${t("report.scannedAt")}: ${doc.scannedAt}`, "");
    out.push(
      `## ${t("report.summary")}`,
      "",
      `| ${t("report.severity")} | ${t("report.count")} |`,
      "|---|---|",
    );
    for (const s of SEVERITIES)
      out.push(`| ${t(`severity.${s}`)} | ${doc.findings.filter((f) => f.severity === s).length} |`);
    out.push("");
    for (const inc of doc.incidents) {
      out.push(`## ${md(inc.title)}`, "", md(inc.summary), "");
      for (const e of inc.timeline) out.push(`- ${e.time} \\[${md(e.source)}\\] ${md(e.text)}`);
      out.push("");
    }
    out.push(`## ${t("report.findings")}`, "");
    const shown = doc.findings.filter((f) => atLeast(f.severity, threshold));
    if (shown.length === 0) out.push(t("report.noFindings"), "");
    for (const f of shown) {
      out.push(`### ${t(`severity.${f.severity}`)}: ${md(f.title)}`, "");
      out.push(`- ${t("report.confidence")}: ${t(`confidence.${f.confidence}`)}`);
      out.push(`- check: ${code(f.check)}`);
      if (f.cves.length) out.push(`- ${t("report.cves")}: ${f.cves.join(", ")}`);
      out.push("");
      if (f.detail) out.push(md(f.detail), "");
      if (f.evidence.length) {
        out.push(`**${t("report.evidence")}**`, "");
        for (const e of f.evidence.slice(0, 20)) out.push(`- ${code(evidenceText(e))}`);
        out.push("");
      }
      if (f.remediation) out.push(`**${t("report.next")}**: ${md(f.remediation)}`, "");
      if (f.commands?.length) {
        // Commands are ours, but may embed paths from the scanned system: a fence longer than any inside.
        const body = f.commands.join("\n");
        const fence = "`".repeat(Math.max(3, ...(body.match(/`+/g) ?? []).map((r) => r.length + 1)));
        out.push(`${fence}sh`, body.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "?"), fence, "");
      }
    }
    if (doc.notChecked.length) {
      out.push(`## ${t("report.notChecked")}`, "");
      for (const n of doc.notChecked)
        out.push(
          `- ${md(n.area)}${n.path ? ` ${code(n.path)}` : ""}: ${md(n.detail ?? reasonText(n.reason, t))}`,
        );
      out.push("");
    }
    return `${out.join("\n").trimEnd()}\n`;
  },
};
