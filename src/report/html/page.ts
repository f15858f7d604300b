import type { ReportDocument } from "../../core/document.ts";
import { atLeast, SEVERITIES } from "../../core/finding.ts";
import type { Translator } from "../../i18n/index.ts";
import { gapsOf } from "../coverage.ts";
import { escapeHtml as h } from "../escape.ts";
import { evidenceText } from "../formats/human.ts";
import { type Guide, guidance, packageManager } from "../guidance.ts";
import {
  areaText,
  type RenderedDocument,
  type RenderedFinding,
  type RenderedIncident,
  renderDocument,
  sourcesText,
} from "../localize.ts";
import { localizeTime, zonedTranslator } from "../time-format.ts";
import type { RenderOptions } from "../types.ts";
import { reasonText, verdictLine, verdictOf } from "../verdict.ts";
import { assets, safeInlineScript, scriptHash } from "./assets.ts";
import { chartData, OUTCOMES, scriptJson } from "./chart-data.ts";

const MAX_EVENTS = 500;

function sev(s: string, t: Translator): string {
  const label = (SEVERITIES as readonly string[]).includes(s)
    ? t(`severity.${s as RenderedFinding["severity"]}`)
    : s;
  return `<span class="sev ${h(s)}">${h(label)}</span>`;
}

/**
 * Escaped text with its `code spans` as <code> (messages mark commands and paths that way for
 * Markdown): the page never shows a literal backtick pair. Escaping first keeps the content text.
 */
function hc(s: string): string {
  const parts = s.split("`");
  // parts[odd] lie between a pair of backticks; a lone last one has no closing mark and stays text.
  return parts
    .map((p, i) => (i % 2 === 0 ? h(p) : i < parts.length - 1 ? `<code>${h(p)}</code>` : h(`\`${p}`)))
    .join("");
}

function commandsBlock(cmds: string[]): string {
  return cmds.length ? `<pre><code>${cmds.map((c) => h(c)).join("\n")}</code></pre>` : "";
}

function guideHtml(g: Guide, t: Translator): string {
  return `<section class="guide" data-kind="${h(g.kind)}"><h3>${hc(g.title)}</h3><ol>${g.steps
    .map((s) => `<li>${hc(s)}</li>`)
    .join(
      "",
    )}</ol>${g.commands.length ? `<div class="muted">${h(t("guide.commands"))}</div>${commandsBlock(g.commands)}` : ""}</section>`;
}

/** A time in the reader's zone; the machine form stays in `datetime` for anyone who needs it. */
function timeCell(iso: string | undefined, zone: string | undefined): string {
  if (!iso) return "";
  return `<time datetime="${h(iso)}">${h(localizeTime(iso, zone))}</time>`;
}

function incidentHtml(
  inc: RenderedIncident,
  n: number,
  guide: Guide | undefined,
  t: Translator,
  zone: string | undefined,
): string {
  const meta: string[] = [
    `<li>${h(t("report.confidence"))}: ${h(t(`confidence.${inc.confidence}`))}</li>`,
    `<li>id: <code>${h(inc.id)}</code></li>`,
  ];
  if (inc.attackers?.length)
    meta.push(`<li>${h(t("html.attackers"))}: <code>${h(inc.attackers.join(", "))}</code></li>`);
  if (inc.entryPoint)
    meta.push(
      `<li>${h(t("html.entryPoint"))}: <code>${h(inc.entryPoint.installation ?? "?")}</code> ${h(inc.entryPoint.version ?? "")} ${h(inc.entryPoint.cves.join(", "))}</li>`,
    );
  if (inc.sources?.length) meta.push(`<li>${h(t("html.sources"))}: ${h(sourcesText(inc.sources, t))}</li>`);
  const rows = inc.timeline
    .map(
      (e) =>
        `<tr><td class="mono nowrap">${timeCell(e.time, zone)}</td><td>${h(e.source)}</td><td class="mono">${hc(e.text)}</td></tr>`,
    )
    .join("");
  return `<article class="incident" id="incident-${n}" data-incident-id="${h(inc.id)}">
<h3>#${n} ${sev(inc.severity, t)} ${hc(inc.title)}</h3>
<p class="summary">${hc(inc.summary)}</p>
<ul class="muted">${meta.join("")}</ul>
<table class="timeline"><thead><tr><th>${h(t("html.time"))}</th><th>${h(t("html.timeSource"))}</th><th>${h(t("html.event"))}</th></tr></thead><tbody>${rows}</tbody></table>
${guide ? guideHtml(guide, t) : ""}
</article>`;
}

function findingRow(f: RenderedFinding, t: Translator, zone: string | undefined): string {
  const ev = f.evidence
    .slice(0, 10)
    .map((e) => `<li class="mono">${h(evidenceText(e, zone))}</li>`)
    .join("");
  return `<tr data-finding-id="${h(f.id)}" data-severity="${h(f.severity)}"><td>${sev(f.severity, t)}</td><td>${h(t(`confidence.${f.confidence}`))}</td><td><code>${h(f.check)}</code></td>
<td class="finding"><strong>${hc(f.title)}</strong>${f.cves.length ? `<div class="muted">${h(f.cves.join(", "))}</div>` : ""}${f.detail ? `<div>${hc(f.detail)}</div>` : ""}${
    ev ? `<details><summary>${h(t("report.evidence"))}</summary><ul>${ev}</ul></details>` : ""
  }${f.remediation ? `<div><em>${h(t("report.next"))}:</em> ${hc(f.remediation)}</div>` : ""}${commandsBlock(f.commands ?? [])}</td>
<td class="mono nowrap when">${timeCell(f.time, zone)}${f.timeSource ? ` <span class="muted">(${h(f.timeSource)})</span>` : ""}</td></tr>`;
}

function eventsTable(doc: RenderedDocument, t: Translator, zone: string | undefined): string {
  const events = doc.sections.logs?.events ?? [];
  if (events.length === 0) return "";
  const rows = events
    .slice(0, MAX_EVENTS)
    .map((e) => {
      const where = `${e.file}:${e.line}`;
      return `<tr data-outcome="${h(e.outcome)}"><td class="mono nowrap">${timeCell(e.time, zone)}</td><td class="mono nowrap">${h(e.ip)}</td><td>${h(e.attack)} ${h(e.cves.join(", "))}</td><td>${h(e.outcome)}</td><td class="mono">${h(where)}</td><td class="mono request">${h(e.request)}</td></tr>`;
    })
    .join("\n");
  const more =
    events.length > MAX_EVENTS
      ? `<p class="muted">${h(t("html.moreEvents", { count: events.length - MAX_EVENTS }))}</p>`
      : "";
  return `<section id="events"><h2>${h(t("html.events"))}</h2>
<table class="events"><thead><tr><th>${h(t("html.time"))}</th><th>${h(t("html.ip"))}</th><th>${h(t("html.attack"))}</th><th>${h(t("html.outcome"))}</th><th>${h(t("html.where"))}</th><th>${h(t("html.request"))}</th></tr></thead><tbody>
${rows}</tbody></table>${more}</section>`;
}

/** A chart, or nothing when there is nothing to draw: an empty box only pushes the findings down. */
function figure(id: string, caption: string, has: boolean, extra = ""): string {
  return has
    ? `<figure><figcaption>${h(caption)}</figcaption><div class="chart" id="${id}"></div>${extra}</figure>`
    : "";
}

export function renderPage(keyed: ReportDocument, opts: RenderOptions): string {
  const { threshold, lang, timeZone } = opts;
  const t = zonedTranslator(opts.t, timeZone);
  const doc = renderDocument(keyed, t);
  const { verdict } = verdictOf(doc.findings, threshold, gapsOf(doc).length);
  const shown = doc.findings.filter((f) => atLeast(f.severity, threshold));
  const guides = guidance(doc, t, shown);
  const data = chartData(doc, (s) => t(`severity.${s as RenderedFinding["severity"]}`));
  const labels = {
    time: t("html.time"),
    attempts: t("html.attempts"),
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, t(`html.outcome.${o}`)])),
    process: t("html.process"),
    cpuSeconds: t("html.cpuSeconds"),
    severity: t("report.severity"),
    count: t("report.count"),
    incident: t("html.incident"),
    kinds: {
      exploit: t("html.kind.exploit"),
      process: t("html.kind.process"),
      file: t("html.kind.file"),
      persistence: t("html.kind.persistence"),
      network: t("html.kind.network"),
    },
  };
  const a = assets();
  const client = safeInlineScript(a.clientJs);
  const uplot = safeInlineScript(a.uplotJs);
  // Only our two scripts may run, and nothing may be fetched: a payload that slipped past escaping stays inert.
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHash(uplot)} ${scriptHash(client)}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const severityLegend = `<ul class="legend severity-legend">${SEVERITIES.map(
    (s, i) =>
      `<li data-severity="${s}" data-count="${data.severity.counts[i]}">${sev(s, t)} ${data.severity.counts[i]}</li>`,
  ).join("")}</ul>`;
  const incidentGuides = new Map(guides.filter((g) => g.incidentId).map((g) => [g.incidentId, g]));
  const areaGuides = guides.filter((g) => !g.incidentId);
  const notChecked = doc.notChecked.length
    ? `<section id="not-checked"><h2>${h(t("report.notChecked"))}</h2><ul>${doc.notChecked
        .map(
          (n) =>
            `<li><strong>${h(areaText(n.area, t))}</strong>${n.path ? ` <code>${h(n.path)}</code>` : ""}: ${hc(n.detail ?? reasonText(n.reason, t))}</li>`,
        )
        .join("")}</ul></section>`
    : "";
  const warnings = doc.warnings.length
    ? `<section id="warnings"><h2>${h(t("report.warnings"))}</h2><ul>${doc.warnings
        .map((n) => `<li>${h(areaText(n.area, t))}: ${hc(n.detail ?? reasonText(n.reason, t))}</li>`)
        .join("")}</ul></section>`
    : "";
  const hidden = doc.findings.length - shown.length;
  // After the findings: the first screen is the verdict, the incident and the findings, never charts.
  const charts = `<section id="charts"><h2>${h(t("html.charts"))}</h2><div class="charts">
${figure("chart-attacks", t("html.chart.attacks"), data.attacks !== undefined)}
${figure("chart-timeline", t("html.chart.timeline"), data.timeline !== undefined)}
${figure("chart-cpu", t("html.chart.cpu"), data.cpu !== undefined)}
${figure("chart-severity", t("html.chart.severity"), true, severityLegend)}
</div></section>`;
  return `<!doctype html>
<html lang="${h(lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(t("report.title"))}: ${h(doc.host.hostname)}</title>
<style>${a.uplotCss}\n${a.css}</style>
</head>
<body>
<header class="top"><h1>${h(t("report.title"))}: ${h(doc.host.hostname)}</h1>
<div class="meta">${h(t("report.host"))}: ${h(doc.host.hostname)}${doc.host.os ? ` (${h(doc.host.os)})` : ""} · ${h(t("report.root"))}: ${h(doc.host.root)} · ${h(t("report.scannedAt"))}: ${timeCell(doc.scannedAt, timeZone)} · mamori ${h(doc.tool.version)}</div>
<div class="verdict ${verdict}" id="verdict">${h(verdictLine(doc, threshold, t))}</div></header>
<main>
<nav><a href="#incidents">${h(t("html.incidents"))} (${doc.incidents.length})</a><a href="#findings">${h(t("report.findings"))} (${shown.length})</a><a href="#guidance">${h(t("guide.title"))}</a><a href="#charts">${h(t("html.charts"))}</a>${doc.notChecked.length ? `<a href="#not-checked">${h(t("report.notChecked"))}</a>` : ""}</nav>
${
  doc.incidents.length
    ? `<section id="incidents"><h2>${h(t("html.incidents"))}</h2>${doc.incidents
        .map((inc, i) => incidentHtml(inc, i + 1, incidentGuides.get(inc.id), t, timeZone))
        .join("\n")}</section>`
    : `<p class="muted" id="incidents">${h(t("html.noIncidents"))}</p>`
}
<section id="findings"><h2>${h(t("report.findings"))}</h2>${
    shown.length
      ? `<table class="findings"><thead><tr><th>${h(t("report.severity"))}</th><th>${h(t("report.confidence"))}</th><th>${h(t("html.check"))}</th><th>${h(t("html.finding"))}</th><th>${h(t("html.time"))}</th></tr></thead><tbody>${shown.map((f) => findingRow(f, t, timeZone)).join("\n")}</tbody></table>`
      : `<p>${h(t("report.noFindings"))}</p>`
  }${hidden > 0 ? `<p class="muted">${h(t("report.belowThreshold", { count: hidden, threshold: t(`severity.${threshold}`) }))}</p>` : ""}</section>
<section id="guidance"><h2>${h(t("guide.title"))}</h2>${packageManager(doc.host) ? "" : `<p class="muted">${h(t("guide.noPm"))}</p>`}${areaGuides.map((g) => guideHtml(g, t)).join("\n")}</section>
${charts}
${eventsTable(doc, t, timeZone)}
${notChecked}
${warnings}
</main>
<script type="application/json" id="mamori-chart-data">${scriptJson({ ...data, labels, timeZone: timeZone ?? "Etc/UTC" })}</script>
<script>${uplot}</script>
<script>${client}</script>
</body>
</html>
`;
}
