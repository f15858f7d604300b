import type { ReportDocument } from "../../core/document.ts";
import { atLeast, type Severity } from "../../core/finding.ts";
import { commandView } from "../commands/index.ts";
import { gapsOf } from "../coverage.ts";
import { escapeTerminal as esc } from "../escape.ts";
import { guidance } from "../guidance.ts";
import { areaText, type RenderedEvidence, type RenderedFinding, renderDocument } from "../localize.ts";
import { localizeTime, zonedTranslator } from "../time-format.ts";
import type { Renderer, RenderOptions } from "../types.ts";
import { coverageLines, reasonText, verdictLine, verdictOf } from "../verdict.ts";
import { wrapText } from "../wrap.ts";

const COLORS: Record<Severity, string> = {
  critical: "\x1b[1;41;97m",
  high: "\x1b[1;31m",
  medium: "\x1b[33m",
  low: "\x1b[36m",
  info: "\x1b[2m",
};
const RESET = "\x1b[0m";
const BOLD = "\x1b[1m";

export function evidenceText(e: RenderedEvidence, timeZone?: string): string {
  const parts: string[] = [];
  if (e.path) parts.push(e.line ? `${e.path}:${e.line}` : e.path);
  if (e.pid !== undefined) parts.push(`pid ${e.pid}`);
  if (e.package) parts.push(e.version ? `${e.package} ${e.version}` : e.package);
  else if (e.version) parts.push(e.version);
  if (e.ip) parts.push(e.ip);
  if (e.url) parts.push(e.url);
  if (e.time) parts.push(localizeTime(e.time, timeZone));
  // "label: value"; a sign with no value of its own is its label alone (no dangling colon).
  if (e.label && e.value !== undefined && e.value !== "") parts.push(`${e.label}: ${e.value}`);
  else if (e.label) parts.push(e.label);
  else if (e.value !== undefined) parts.push(e.value);
  return parts.join("  ");
}

// A terminal line is for reading: a 3 KB command line buries the finding. JSON keeps the whole value.
const MAX_EVIDENCE_CHARS = 300;

function clip(s: string): string {
  return s.length > MAX_EVIDENCE_CHARS
    ? `${s.slice(0, MAX_EVIDENCE_CHARS)}… (+${s.length - MAX_EVIDENCE_CHARS})`
    : s;
}

function findingBlock(f: RenderedFinding, opts: RenderOptions): string[] {
  const { t, color } = opts;
  const paint = (code: string, s: string) => (color ? `${code}${s}${RESET}` : s);
  const sev = paint(COLORS[f.severity], `[${t(`severity.${f.severity}`)}]`);
  const lines = [`${sev} ${paint(BOLD, esc(f.title))}  (${t(`confidence.${f.confidence}`)})`];
  if (f.cves.length > 0) lines.push(`  ${t("report.cves")}: ${esc(f.cves.join(", "))}`);
  if (f.detail) lines.push(`  ${t("report.why")}: ${esc(f.detail)}`);
  if (f.evidence.length > 0) {
    lines.push(`  ${t("report.evidence")}:`);
    for (const e of f.evidence.slice(0, 10)) lines.push(`    - ${esc(clip(evidenceText(e, opts.timeZone)))}`);
    if (f.evidence.length > 10) lines.push(`    - … (+${f.evidence.length - 10})`);
  }
  if (f.remediation) lines.push(`  ${t("report.next")}: ${esc(f.remediation)}`);
  for (const c of f.commands ?? []) lines.push(`    $ ${esc(c)}`);
  return lines;
}

export function renderHuman(keyed: ReportDocument, opts: RenderOptions): string {
  const view = commandView(keyed, "human");
  if (view) return view(keyed, opts);
  const t = zonedTranslator(opts.t, opts.timeZone);
  opts = { ...opts, t };
  const doc = renderDocument(keyed, t);
  const { color, threshold } = opts;
  const out: string[] = [];
  const { verdict } = verdictOf(doc.findings, threshold, gapsOf(doc).length);
  const vColor =
    verdict === "act-now"
      ? COLORS.critical
      : verdict === "at-risk" || verdict === "incomplete"
        ? COLORS.medium
        : "\x1b[1;32m";
  const line = esc(verdictLine(doc, threshold, t));
  out.push(color ? `${vColor}${line}${RESET}` : line);
  out.push(...coverageLines(doc, t).map(esc));
  out.push(
    `${t("report.host")}: ${esc(doc.host.hostname)}${doc.host.os ? ` (${esc(doc.host.os)})` : ""}  ${t("report.root")}: ${esc(doc.host.root)}  ${t("report.scannedAt")}: ${esc(localizeTime(doc.scannedAt, opts.timeZone))}`,
  );
  out.push("");
  const shown = doc.findings.filter((f) => atLeast(f.severity, threshold));
  for (const inc of doc.incidents) {
    const sev = color
      ? `${COLORS[inc.severity]}[${t(`severity.${inc.severity}`)}]${RESET}`
      : `[${t(`severity.${inc.severity}`)}]`;
    out.push(
      `${sev} ${color ? BOLD : ""}■ ${esc(inc.title)}${color ? RESET : ""}  (${t(`confidence.${inc.confidence}`)})`,
    );
    out.push(`  ${esc(inc.summary)}`);
    for (const e of inc.timeline)
      out.push(`    ${esc(localizeTime(e.time, opts.timeZone))}  [${esc(e.source)}] ${esc(e.text)}`);
    out.push("");
  }
  if (shown.length === 0) out.push(t("report.noFindings"));
  for (const f of shown) {
    out.push(...findingBlock(f, opts));
    out.push("");
  }
  const guides = guidance(doc, t, shown);
  if (guides.length > 0) out.push(`${color ? BOLD : ""}${t("guide.title")}${color ? RESET : ""}`);
  for (const g of guides) {
    out.push(`  ${esc(g.title)}`);
    g.steps.forEach((step, i) => {
      out.push(`    ${i + 1}. ${esc(step)}`);
    });
    for (const c of g.commands) out.push(`      $ ${esc(c)}`);
    out.push("");
  }
  const hidden = doc.findings.length - shown.length;
  if (hidden > 0)
    out.push(t("report.belowThreshold", { count: hidden, threshold: t(`severity.${threshold}`) }));
  if (doc.notChecked.length > 0) {
    out.push(`${t("report.notChecked")}:`);
    for (const n of doc.notChecked) {
      out.push(
        `  - ${esc(areaText(n.area, t))}${n.path ? ` ${esc(n.path)}` : ""}: ${esc(n.detail ?? reasonText(n.reason, t))}`,
      );
    }
  }
  if (doc.warnings.length > 0) {
    out.push(`${t("report.warnings")}:`);
    for (const n of doc.warnings) out.push(`  - ${esc(n.detail ?? reasonText(n.reason, t))}`);
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** Every human view (checkup and command views) wrapped to the terminal's width when there is one. */
export const human: Renderer = {
  name: "human",
  render: (doc, opts) => wrapText(renderHuman(doc, opts), opts.width),
};
