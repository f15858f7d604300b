import { atLeast, type Finding, SEVERITIES } from "../../core/finding.ts";
import type { Translator } from "../../i18n/index.ts";
import { commandView } from "../commands/index.ts";
import { markdownCode as code, escapeTerminal, escapeMarkdown as md } from "../escape.ts";
import { GROUP_EXAMPLES, groupByCause, groupTitle, type ShownGroup, shared } from "../group.ts";
import { type Guide, guidance, nextSteps, packageManager } from "../guidance.ts";
import {
  areaText,
  type RenderedFinding,
  type RenderedIncident,
  renderDocument,
  sourcesText,
} from "../localize.ts";
import { localizeTime, zonedTranslator } from "../time-format.ts";
import type { Renderer } from "../types.ts";
import { coverageLines, reasonText, verdictLine } from "../verdict.ts";
import { cveLine, evidenceText, whyText } from "./human.ts";

/**
 * A fenced block whose fence is longer than any backtick run inside. Each command is escaped like on the
 * terminal: a line break inside one (a quoted value from the system) shows as "\n" instead of starting a
 * line that reads as a command of its own.
 */
function fenced(lines: string[], lang = "sh"): string[] {
  const body = lines.map(escapeTerminal).join("\n");
  const fence = "`".repeat(Math.max(3, ...(body.match(/`+/g) ?? []).map((r) => r.length + 1)));
  return [`${fence}${lang}`, body, fence, ""];
}

/** Table cell: Markdown-escaped and no pipe or newline can break the row. */
function cell(s: string): string {
  return md(s).replace(/\|/g, "\\|");
}

function incidentBlock(inc: RenderedIncident, t: Translator, stamp: (s: string) => string): string[] {
  const out = [`### ${t(`severity.${inc.severity}`)}: ${md(inc.title)}`, ""];
  out.push(`- ${t("report.confidence")}: ${t(`confidence.${inc.confidence}`)}`);
  out.push(`- id: ${code(inc.id)}`);
  if (inc.attackers?.length) out.push(`- ${t("html.attackers")}: ${inc.attackers.map(code).join(", ")}`);
  if (inc.entryPoint)
    out.push(
      `- ${t("html.entryPoint")}: ${code(inc.entryPoint.installation ?? "?")} ${md(inc.entryPoint.version ?? "")} ${md(inc.entryPoint.cves.join(", "))}`,
    );
  if (inc.sources?.length) out.push(`- ${t("html.sources")}: ${md(sourcesText(inc.sources, t))}`);
  out.push("", md(inc.summary), "");
  if (inc.timeline.length) {
    out.push(`| ${t("html.time")} | ${t("html.timeSource")} | ${t("html.event")} |`, "|---|---|---|");
    for (const e of inc.timeline) out.push(`| ${stamp(e.time)} | ${cell(e.source)} | ${cell(e.text)} |`);
    out.push("");
  }
  return out;
}

function guideBlock(g: Guide): string[] {
  const out = [`### ${md(g.title)}`, ""];
  g.steps.forEach((s, i) => {
    out.push(`${i + 1}. ${md(s)}`);
  });
  out.push("");
  if (g.commands.length) out.push(...fenced(g.commands));
  return out;
}

/** Same-cause findings as one section: the cause and its count, examples (ids included), one next step. */
function groupSection(
  g: ShownGroup<RenderedFinding>,
  t: Translator,
  ropts: { t: Translator; verbose?: boolean },
): string[] {
  const title = groupTitle(g.keyed[0] as Finding, g.findings.length, t);
  const out = [`### ${t(`severity.${g.severity}`)}: ${md(title)}`, ""];
  out.push(`- ${t("report.confidence")}: ${t(`confidence.${g.confidence}`)}`);
  out.push(`- ${t("html.check")}: ${code(g.findings[0]?.check ?? "")}`);
  const first = g.findings[0] as RenderedFinding;
  if (shared(g.findings, (f) => f.cves.join(",")) && first.cves.length)
    out.push(`- ${t("report.cves")}: ${md(cveLine(first.cves, ropts))}`);
  out.push("");
  if (first.detail && shared(g.findings, (f) => f.detail) !== undefined)
    out.push(md(whyText(first, ropts)), "");
  out.push(`**${t("report.group.examples")}**`, "");
  for (const f of g.findings.slice(0, GROUP_EXAMPLES))
    out.push(`- ${md(f.title)} (${t(`severity.${f.severity}`)}, ${code(f.id)})`);
  if (g.findings.length > GROUP_EXAMPLES)
    out.push(`- ${md(t("report.group.more", { count: g.findings.length - GROUP_EXAMPLES }))}`);
  out.push("");
  const same = shared(g.findings, (f) => `${f.remediation}\0${(f.commands ?? []).join("\0")}`) !== undefined;
  if (first.remediation)
    out.push(`**${t(same ? "report.next" : "report.group.nextFirst")}**: ${md(first.remediation)}`, "");
  if (first.commands?.length) out.push(...fenced(first.commands));
  return out;
}

/** For a ticket or an e-mail to an expert: incidents first, then findings, then guidance, then what was not checked. */
export const markdown: Renderer = {
  name: "markdown",
  render(keyed, opts) {
    const view = commandView(keyed, "markdown");
    if (view) return view(keyed, opts);
    const { threshold, timeZone } = opts;
    const t = zonedTranslator(opts.t, timeZone);
    const doc = renderDocument(keyed, t);
    // A time as it is when it looks like one (digits, letters of the zone, :, +, -); anything else escaped.
    const stamp = (s: string) => {
      const local = localizeTime(s, timeZone);
      return /^[0-9A-Za-z :+-]*$/.test(local) ? local : md(local);
    };
    const out: string[] = [];
    out.push(`# ${t("report.title")}: ${md(doc.host.hostname)}`, "");
    out.push(`**${md(verdictLine(doc, threshold, t))}**`, "");
    const covered = coverageLines(doc, t);
    if (covered.length > 0) out.push(...covered.map((l) => md(l)), "");
    out.push(`- ${t("report.host")}: ${md(doc.host.hostname)}${doc.host.os ? ` (${md(doc.host.os)})` : ""}`);
    out.push(`- ${t("report.root")}: ${code(doc.host.root)}`);
    out.push(`- ${t("report.scannedAt")}: ${stamp(doc.scannedAt)}`, "");
    out.push(
      `## ${t("report.summary")}`,
      "",
      `| ${t("report.severity")} | ${t("report.count")} |`,
      "|---|---|",
    );
    for (const s of SEVERITIES)
      out.push(`| ${t(`severity.${s}`)} | ${doc.findings.filter((f) => f.severity === s).length} |`);
    out.push("");
    if (doc.incidents.length) {
      out.push(`## ${t("html.incidents")}`, "");
      for (const inc of doc.incidents) out.push(...incidentBlock(inc, t, stamp));
    }
    const shownIdx = doc.findings.flatMap((f, i) => (atLeast(f.severity, threshold) ? [i] : []));
    const shown = shownIdx.map((i) => doc.findings[i] as RenderedFinding);
    const steps = nextSteps(doc, t, shown);
    if (steps.length) {
      out.push(`## ${t("report.nextSteps")}`, "");
      steps.forEach((step, i) => {
        out.push(`${i + 1}. ${md(step.text)}`);
        if (step.command) out.push("", ...fenced([step.command]).map((l) => (l ? `   ${l}` : l)));
      });
      if (out[out.length - 1] !== "") out.push("");
    }
    out.push(`## ${t("report.findings")}`, "");
    if (shown.length === 0) out.push(t("report.noFindings"), "");
    const keyedShown = shownIdx.map((i) => keyed.findings[i] as Finding);
    const ropts = { t, verbose: opts.verbose };
    for (const item of groupByCause(keyedShown, shown, keyed.incidents, opts.verbose)) {
      if (item.kind === "group") {
        out.push(...groupSection(item, t, ropts));
        continue;
      }
      const f = item.finding;
      out.push(`### ${t(`severity.${f.severity}`)}: ${md(f.title)}`, "");
      out.push(`- ${t("report.confidence")}: ${t(`confidence.${f.confidence}`)}`);
      out.push(`- ${t("html.check")}: ${code(f.check)}`);
      out.push(`- id: ${code(f.id)}`);
      if (f.time)
        out.push(`- ${t("html.time")}: ${stamp(f.time)}${f.timeSource ? ` (${md(f.timeSource)})` : ""}`);
      if (f.cves.length) out.push(`- ${t("report.cves")}: ${md(cveLine(f.cves, ropts))}`);
      out.push("");
      if (f.detail) out.push(md(whyText(f, ropts)), "");
      if (f.evidence.length) {
        out.push(`**${t("report.evidence")}**`, "");
        for (const e of f.evidence.slice(0, 20)) out.push(`- ${code(evidenceText(e, timeZone))}`);
        out.push("");
      }
      if (f.remediation) out.push(`**${t("report.next")}**: ${md(f.remediation)}`, "");
      if (f.commands?.length) out.push(...fenced(f.commands));
    }
    const guides = guidance(doc, t, shown);
    if (guides.length) {
      out.push(`## ${t("guide.title")}`, "");
      if (!packageManager(doc.host)) out.push(t("guide.noPm"), "");
      for (const g of guides) out.push(...guideBlock(g));
    }
    if (doc.notChecked.length) {
      out.push(`## ${t("report.notChecked")}`, "");
      for (const n of doc.notChecked)
        out.push(
          `- ${md(areaText(n.area, t))}${n.path ? ` ${code(n.path)}` : ""}: ${md(n.detail ?? reasonText(n.reason, t))}`,
        );
      out.push("");
    }
    return `${out.join("\n").trimEnd()}\n`;
  },
};
