import type { ReportDocument } from "../../core/document.ts";
import { atLeast, type Finding, type Severity } from "../../core/finding.ts";
import { commandView } from "../commands/index.ts";
import { gapsOf } from "../coverage.ts";
import { escapeTerminal as esc } from "../escape.ts";
import {
  GROUP_EXAMPLES,
  groupByCause,
  groupTitle,
  type ShownGroup,
  shared,
  shortenCveList,
} from "../group.ts";
import { guidance, type NextStep, nextSteps } from "../guidance.ts";
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

/** At most this many CVE ids on a "CVEs:" line and CVE titles in a "Why" unless --verbose. */
const MAX_CVE_IDS = 8;
const MAX_CVE_TITLES = 3;

/** The CVE ids of a finding for a reader: all with --verbose, else the first few and how many more. */
export function cveLine(cves: readonly string[], opts: Pick<RenderOptions, "t" | "verbose">): string {
  if (opts.verbose || cves.length <= MAX_CVE_IDS) return cves.join(", ");
  return `${cves.slice(0, MAX_CVE_IDS).join(", ")} ${opts.t("report.cvesMore", { count: cves.length - MAX_CVE_IDS })}`;
}

/** A "Why" naming many CVE titles keeps the first three and says how many more (all with --verbose). */
export function whyText(
  f: Pick<RenderedFinding, "detail" | "cves">,
  opts: Pick<RenderOptions, "t" | "verbose">,
): string {
  if (opts.verbose) return f.detail;
  return shortenCveList(f.detail, f.cves.length, MAX_CVE_TITLES, (count) =>
    opts.t("report.cvesMore", { count }),
  );
}

function findingBlock(f: RenderedFinding, opts: RenderOptions): string[] {
  const { t, color } = opts;
  const paint = (code: string, s: string) => (color ? `${code}${s}${RESET}` : s);
  const sev = paint(COLORS[f.severity], `[${t(`severity.${f.severity}`)}]`);
  const lines = [`${sev} ${paint(BOLD, esc(f.title))}  (${t(`confidence.${f.confidence}`)})`];
  if (f.cves.length > 0) lines.push(`  ${t("report.cves")}: ${esc(cveLine(f.cves, opts))}`);
  if (f.detail) lines.push(`  ${t("report.why")}: ${esc(whyText(f, opts))}`);
  if (f.evidence.length > 0) {
    lines.push(`  ${t("report.evidence")}:`);
    for (const e of f.evidence.slice(0, 10)) lines.push(`    - ${esc(clip(evidenceText(e, opts.timeZone)))}`);
    if (f.evidence.length > 10) lines.push(`    - … (+${f.evidence.length - 10})`);
  }
  if (f.remediation) lines.push(`  ${t("report.next")}: ${esc(f.remediation)}`);
  for (const c of f.commands ?? []) lines.push(`    $ ${esc(c)}`);
  return lines;
}

/**
 * Same-cause findings as one block: the cause with its count, the worst severity and confidence, a few
 * examples, and the why and next step only where every member says the same.
 */
function groupBlock(g: ShownGroup<RenderedFinding>, opts: RenderOptions): string[] {
  const { t, color } = opts;
  const paint = (code: string, s: string) => (color ? `${code}${s}${RESET}` : s);
  const sev = paint(COLORS[g.severity], `[${t(`severity.${g.severity}`)}]`);
  const title = groupTitle(g.keyed[0] as Finding, g.findings.length, t);
  const lines = [`${sev} ${paint(BOLD, esc(title))}  (${t(`confidence.${g.confidence}`)})`];
  const detail = shared(g.findings, (f) => f.detail);
  const cves = shared(g.findings, (f) => f.cves.join(", "));
  if (cves) lines.push(`  ${t("report.cves")}: ${esc(cveLine(g.findings[0]?.cves ?? [], opts))}`);
  if (detail) lines.push(`  ${t("report.why")}: ${esc(whyText(g.findings[0] as RenderedFinding, opts))}`);
  lines.push(`  ${t("report.group.examples")}:`);
  const mixed = shared(g.findings, (f) => f.severity) === undefined;
  for (const f of g.findings.slice(0, GROUP_EXAMPLES))
    lines.push(`    - ${esc(clip(f.title))}${mixed ? `  [${t(`severity.${f.severity}`)}]` : ""}`);
  if (g.findings.length > GROUP_EXAMPLES)
    lines.push(`    ${t("report.group.more", { count: g.findings.length - GROUP_EXAMPLES })}`);
  // The step where every member shares it; else the first example's, labelled as such.
  const first = g.findings[0] as RenderedFinding;
  const same = shared(g.findings, (f) => `${f.remediation}\0${(f.commands ?? []).join("\0")}`) !== undefined;
  if (first.remediation)
    lines.push(`  ${t(same ? "report.next" : "report.group.nextFirst")}: ${esc(first.remediation)}`);
  for (const c of first.commands ?? []) lines.push(`    $ ${esc(c)}`);
  return lines;
}

/** The first screen's "Next steps": numbered, each command on a line of its own. */
function nextStepLines(steps: NextStep[], opts: RenderOptions): string[] {
  if (steps.length === 0) return [];
  const { t, color } = opts;
  const out = [`${color ? BOLD : ""}${t("report.nextSteps")}${color ? RESET : ""}`];
  steps.forEach((s, i) => {
    out.push(`  ${i + 1}. ${esc(s.text)}`);
    if (s.command) out.push(`       $ ${esc(s.command)}`);
  });
  out.push("");
  return out;
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
  const shownIdx = doc.findings.flatMap((f, i) => (atLeast(f.severity, threshold) ? [i] : []));
  const shownKeyed = shownIdx.map((i) => keyed.findings[i] as Finding);
  out.push(...nextStepLines(nextSteps(doc, t, shown), opts));
  if (shown.length === 0) out.push(t("report.noFindings"));
  for (const item of groupByCause(shownKeyed, shown, keyed.incidents, opts.verbose)) {
    out.push(...(item.kind === "one" ? findingBlock(item.finding, opts) : groupBlock(item, opts)));
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
    // Run without root, every file of /tmp is "permission denied": a few of each (area, reason) are
    // shown, the rest counted.
    const seen = new Map<string, number>();
    const more = new Map<string, { area: string; reason: string; count: number }>();
    for (const n of doc.notChecked) {
      const k = `${areaText(n.area, t)}\u0000${n.reason}`;
      const c = (seen.get(k) ?? 0) + 1;
      seen.set(k, c);
      if (c > NOT_CHECKED_SHOWN && n.detail === undefined) {
        const m = more.get(k) ?? { area: n.area, reason: n.reason, count: 0 };
        m.count++;
        more.set(k, m);
        continue;
      }
      out.push(
        `  - ${esc(areaText(n.area, t))}${n.path ? ` ${esc(n.path)}` : ""}: ${esc(n.detail ?? reasonText(n.reason, t))}`,
      );
    }
    for (const m of more.values())
      out.push(
        `  - ${esc(areaText(m.area, t))}: ${t("report.notCheckedMore", { count: m.count, reason: esc(reasonText(m.reason, t)) })}`,
      );
  }
  if (doc.warnings.length > 0) {
    out.push(`${t("report.warnings")}:`);
    for (const n of doc.warnings) out.push(`  - ${esc(n.detail ?? reasonText(n.reason, t))}`);
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** Entries of "Could not check" shown for one (area, reason) before the rest are counted. */
const NOT_CHECKED_SHOWN = 5;

/** Every human view (checkup and command views) wrapped to the terminal's width when there is one. */
export const human: Renderer = {
  name: "human",
  render: (doc, opts) => wrapText(renderHuman(doc, opts), opts.width),
};
