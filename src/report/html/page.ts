import type { ReportDocument } from "../../core/document.ts";
import { atLeast, type Finding, SEVERITIES } from "../../core/finding.ts";
import { renderText } from "../../core/message.ts";
import { isMessageKey, type Translator } from "../../i18n/index.ts";
import { coverageOf, gapsOf } from "../coverage.ts";
import { escapeHtml as h } from "../escape.ts";
import { cveLine, evidenceText, whyText } from "../formats/human.ts";
import { causeTitle, GROUP_EXAMPLES, groupByCause, type Shown, type ShownGroup, shared } from "../group.ts";
import { type Guide, guidance, type NextStep, nextSteps, packageManager } from "../guidance.ts";
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
import { gapText, reasonText, verdictLine, verdictOf } from "../verdict.ts";
import { assets, safeInlineScript, scriptHash } from "./assets.ts";
import { chartData, OUTCOMES, scriptJson } from "./chart-data.ts";

const MAX_EVENTS = 500;

/** A value named by mamori (a time source, an outcome) in the reader's words; an unknown one as it is. */
function known(key: string, raw: string, t: Translator): string {
  return isMessageKey(key) ? t(key) : raw;
}

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

/**
 * Commands as separate copyable blocks, one per command: a dry run and its --apply are never one
 * selection. A configuration snippet ("# /path/file" then the lines to write there: `<Directory>`,
 * indented lines, directives) stays one block, since it is pasted into the file as a whole.
 */
export function commandBlocks(cmds: readonly string[]): string[][] {
  const out: string[][] = [];
  let snippet: string[] | undefined;
  for (const c of cmds) {
    const first = c.charAt(0);
    const configLine = first === "<" || first === " " || first === "\t" || (first >= "A" && first <= "Z");
    if (snippet && configLine) {
      snippet.push(c);
      continue;
    }
    snippet = undefined;
    const block = [c];
    out.push(block);
    if (c.startsWith("# ")) snippet = block;
  }
  return out;
}

function commandsBlock(cmds: readonly string[]): string {
  return commandBlocks(cmds)
    .map((b) => `<pre class="cmd"><code>${b.map((c) => h(c)).join("\n")}</code></pre>`)
    .join("");
}

/** The element id of a finding's anchor; a link to it percent-encodes the id (ids hold paths). */
function anchorOf(id: string): string {
  return `finding-${id}`;
}
function linkTo(id: string): string {
  return `#${h(encodeURIComponent(anchorOf(id)))}`;
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

function incidentHtml(inc: RenderedIncident, n: number, t: Translator, zone: string | undefined): string {
  const meta: string[] = [
    `<span>${h(t("report.confidence"))}: ${h(t(`confidence.${inc.confidence}`))}</span>`,
    `<span>id: <code>${h(inc.id)}</code></span>`,
  ];
  if (inc.attackers?.length)
    meta.push(`<span>${h(t("html.attackers"))}: <code>${h(inc.attackers.join(", "))}</code></span>`);
  if (inc.entryPoint)
    meta.push(
      `<span>${h(t("html.entryPoint"))}: <code>${h(inc.entryPoint.installation ?? "?")}</code> ${h(inc.entryPoint.version ?? "")} ${h(inc.entryPoint.cves.join(", "))}</span>`,
    );
  if (inc.sources?.length)
    meta.push(`<span>${h(t("html.sources"))}: ${h(sourcesText(inc.sources, t))}</span>`);
  const rows = inc.timeline
    .map(
      (e) =>
        `<tr><td class="mono nowrap">${timeCell(e.time, zone)}</td><td>${h(e.source)}</td><td class="mono">${hc(e.text)}</td></tr>`,
    )
    .join("");
  return `<article class="incident" id="incident-${n}" data-incident-id="${h(inc.id)}">
<h3>#${n} ${sev(inc.severity, t)} ${hc(inc.title)}</h3>
<p class="summary">${hc(inc.summary)}</p>
<p class="muted meta">${meta.join(" · ")}</p>
<table class="timeline"><thead><tr><th>${h(t("html.time"))}</th><th>${h(t("html.timeSource"))}</th><th>${h(t("html.event"))}</th></tr></thead><tbody>${rows}</tbody></table>
</article>`;
}

const MAX_EVIDENCE = 10;

/** One finding as a card; its element id is the finding id, so next steps and other pages can link to it. */
function findingCard(
  f: RenderedFinding,
  opts: RenderOptions,
  t: Translator,
  zone: string | undefined,
): string {
  const ev = f.evidence
    .slice(0, MAX_EVIDENCE)
    .map((e) => `<li class="mono">${h(evidenceText(e, zone))}</li>`)
    .join("");
  const more = f.evidence.length > MAX_EVIDENCE ? `<li>… (+${f.evidence.length - MAX_EVIDENCE})</li>` : "";
  const cves = f.cves.length
    ? `<div class="muted">${h(cveLine(f.cves, { t, verbose: opts.verbose }))}</div>`
    : "";
  const why = f.detail ? `<div>${hc(whyText(f, { t, verbose: opts.verbose }))}</div>` : "";
  return `<article class="finding" id="${h(anchorOf(f.id))}" data-finding-id="${h(f.id)}" data-severity="${h(f.severity)}">
<div class="head">${sev(f.severity, t)} <span class="muted">${h(t(`confidence.${f.confidence}`))}</span> <code class="check">${h(f.check)}</code>${f.time ? ` <span class="muted when">${timeCell(f.time, zone)}${f.timeSource ? ` (${h(known(`incident.source.${f.timeSource}`, f.timeSource, t))})` : ""}</span>` : ""}</div>
<h3 class="title">${hc(f.title)}</h3>${cves}${why}${
    ev ? `<details><summary>${h(t("report.evidence"))}</summary><ul>${ev}${more}</ul></details>` : ""
  }${f.remediation ? `<div class="next"><em>${h(t("report.next"))}:</em> ${hc(f.remediation)}</div>` : ""}${commandsBlock(f.commands ?? [])}
</article>`;
}

/**
 * Same-cause findings as one card: the cause, how many, the worst severity, a few examples, the why
 * and the next step where every member says the same, and every member in full behind a <details>.
 */
function groupCard(
  g: ShownGroup<RenderedFinding>,
  opts: RenderOptions,
  t: Translator,
  zone: string | undefined,
): string {
  const first = g.findings[0] as RenderedFinding;
  const title = causeTitle(g.keyed[0] as Finding, t);
  const detail = shared(g.findings, (f) => f.detail);
  const cves = shared(g.findings, (f) => f.cves.join(", "));
  const mixed = shared(g.findings, (f) => f.severity) === undefined;
  const examples = g.findings
    .slice(0, GROUP_EXAMPLES)
    .map(
      (f) => `<li><a href="${linkTo(f.id)}">${hc(f.title)}</a>${mixed ? ` ${sev(f.severity, t)}` : ""}</li>`,
    )
    .join("");
  const rest =
    g.findings.length > GROUP_EXAMPLES
      ? `<li class="muted">${h(t("html.group.more", { count: g.findings.length - GROUP_EXAMPLES }))}</li>`
      : "";
  const same = shared(g.findings, (f) => `${f.remediation}\0${(f.commands ?? []).join("\0")}`) !== undefined;
  const next = first.remediation
    ? `<div class="next"><em>${h(t(same ? "report.next" : "report.group.nextFirst"))}:</em> ${hc(first.remediation)}</div>${commandsBlock(first.commands ?? [])}`
    : "";
  return `<article class="finding group" data-cause-count="${g.findings.length}" data-severity="${h(g.severity)}">
<div class="head">${sev(g.severity, t)} <span class="muted">${h(t(`confidence.${g.confidence}`))}</span> <code class="check">${h(first.check)}</code> <span class="count">${h(t("report.group.count", { count: g.findings.length }))}</span></div>
<h3 class="title">${hc(title)}</h3>${cves ? `<div class="muted">${h(cveLine(first.cves, { t, verbose: opts.verbose }))}</div>` : ""}${
    detail ? `<div>${hc(whyText(first, { t, verbose: opts.verbose }))}</div>` : ""
  }<div class="muted">${h(t("report.group.examples"))}:</div><ul class="examples">${examples}${rest}</ul>${next}
<details class="members"><summary>${h(t("html.group.all", { count: g.findings.length }))}</summary>${g.findings
    .map((f) => findingCard(f, opts, t, zone))
    .join("\n")}</details>
</article>`;
}

function shownCard(item: Shown<RenderedFinding>, opts: RenderOptions, t: Translator): string {
  return item.kind === "one"
    ? findingCard(item.finding, opts, t, opts.timeZone)
    : groupCard(item, opts, t, opts.timeZone);
}

/** The first screen's numbered steps: each command its own block, each step linked to what it is about. */
function nextStepsHtml(steps: NextStep[], incidents: RenderedIncident[], t: Translator): string {
  if (steps.length === 0) return "";
  const link = (s: NextStep): string => {
    if (s.incidentId !== undefined) {
      const n = incidents.findIndex((i) => i.id === s.incidentId);
      return n < 0 ? "" : ` <a class="see" href="#incident-${n + 1}">${h(t("html.see.incident"))}</a>`;
    }
    const ids = s.findingIds ?? [];
    const [id] = ids;
    if (id === undefined) return "";
    return ` <a class="see" href="${linkTo(id)}">${h(ids.length > 1 ? t("html.see.findings", { count: ids.length }) : t("html.see.finding"))}</a>`;
  };
  return `<section id="next-steps"><h2>${h(t("report.nextSteps"))}</h2><ol class="next-steps">${steps
    .map((s) => `<li><div>${hc(s.text)}${link(s)}</div>${s.command ? commandsBlock([s.command]) : ""}</li>`)
    .join("")}</ol><p class="rest"><a href="#guidance">${h(t("report.nextSteps.rest"))}</a></p></section>`;
}

/**
 * "What was checked", so a short list of findings can be judged (nothing found, or nothing looked at?):
 * one line counting each state, the questions left open listed always, what was answered one click away.
 */
function coverageHtml(doc: RenderedDocument, t: Translator): string {
  const items = coverageOf(doc);
  if (items.length === 0) return "";
  const li = (c: (typeof items)[number]) =>
    `<li class="cov ${h(c.state)}"><span class="state">${h(t(`coverage.state.${c.state}`))}</span> ${hc(
      c.state === "checked" || c.state === "not-live" ? renderText(c.text, t) : gapText(c, t),
    )}</li>`;
  const states = ["checked", "partial", "gap", "not-live"] as const;
  const counts = states
    .map((st) => [st, items.filter((c) => c.state === st).length] as const)
    .filter(([, n]) => n > 0)
    .map(
      ([st, n]) =>
        `<span class="cov ${st}"><span class="state">${h(t(`coverage.state.${st}`))}</span> ${n}</span>`,
    )
    .join(" ");
  const open = items.filter((c) => c.state === "gap" || c.state === "partial");
  const answered = items.filter((c) => c.state === "checked" || c.state === "not-live");
  return `<section id="coverage"><details><summary><strong>${h(t("coverage.title"))}</strong> ${counts}</summary><ul class="coverage">${answered
    .map(li)
    .join(
      "",
    )}</ul></details>${open.length ? `<ul class="coverage">${open.map(li).join("")}</ul>` : ""}</section>`;
}

function eventsTable(doc: RenderedDocument, t: Translator, zone: string | undefined): string {
  const events = doc.sections.logs?.events ?? [];
  if (events.length === 0) return "";
  const rows = events
    .slice(0, MAX_EVENTS)
    .map((e) => {
      const where = `${e.file}:${e.line}`;
      return `<tr data-outcome="${h(e.outcome)}"><td class="mono nowrap">${timeCell(e.time, zone)}</td><td class="mono nowrap">${h(e.ip)}</td><td>${h(e.attack)} ${h(e.cves.join(", "))}</td><td>${h(known(`html.outcome.${e.outcome}`, e.outcome, t))}</td><td class="mono">${h(where)}</td><td class="mono request">${h(e.request)}</td></tr>`;
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
  const shownIdx = doc.findings.flatMap((f, i) => (atLeast(f.severity, threshold) ? [i] : []));
  const shownKeyed = shownIdx.map((i) => keyed.findings[i] as Finding);
  const items = groupByCause(shownKeyed, shown, keyed.incidents, opts.verbose);
  const steps = nextSteps(doc, t, shown);
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
  // After the findings, and only charts with something to draw: the first screen is the verdict, what
  // was checked, the incident, the next steps and the findings, never an empty box.
  const figures = [
    figure("chart-attacks", t("html.chart.attacks"), data.attacks !== undefined),
    figure("chart-timeline", t("html.chart.timeline"), data.timeline !== undefined),
    figure("chart-cpu", t("html.chart.cpu"), data.cpu !== undefined),
    figure("chart-severity", t("html.chart.severity"), doc.findings.length > 0, severityLegend),
  ].filter((x) => x !== "");
  const charts = figures.length
    ? `<section id="charts"><h2>${h(t("html.charts"))}</h2><div class="charts">\n${figures.join("\n")}\n</div></section>`
    : "";
  const findings = `<section id="findings"><h2>${h(t("report.findings"))} (${shown.length})</h2>${
    shown.length
      ? `<div class="findings">${items.map((it) => shownCard(it, opts, t)).join("\n")}</div>`
      : `<p>${h(t("report.noFindings"))}</p>`
  }${hidden > 0 ? `<p class="muted">${h(t("report.belowThreshold", { count: hidden, threshold: t(`severity.${threshold}`) }))}</p>` : ""}</section>`;
  const incidents = doc.incidents.length
    ? `<section id="incidents"><h2>${h(t("html.incidents"))}</h2>${doc.incidents
        .map((inc, i) => incidentHtml(inc, i + 1, t, timeZone))
        .join("\n")}</section>`
    : "";
  const noIncident = doc.incidents.length
    ? ""
    : `<p class="muted" id="incidents">${h(t("html.noIncidents"))}</p>`;
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
<div class="verdict ${verdict}" id="verdict">${h(verdictLine(doc, threshold, t))}</div>
<div class="meta">${h(t("report.host"))}: ${h(doc.host.hostname)}${doc.host.os ? ` (${h(doc.host.os)})` : ""} · ${h(t("report.root"))}: ${h(doc.host.root)} · ${h(t("report.scannedAt"))}: ${timeCell(doc.scannedAt, timeZone)} · mamori ${h(doc.tool.version)}</div>
<nav>${doc.incidents.length ? `<a href="#incidents">${h(t("html.incidents"))} (${doc.incidents.length})</a>` : ""}<a href="#findings">${h(t("report.findings"))} (${shown.length})</a><a href="#guidance">${h(t("guide.title"))}</a>${charts ? `<a href="#charts">${h(t("html.charts"))}</a>` : ""}${doc.notChecked.length ? `<a href="#not-checked">${h(t("report.notChecked"))}</a>` : ""}</nav></header>
<main>
${coverageHtml(doc, t)}
${nextStepsHtml(steps, doc.incidents, t)}
${incidents}
${findings}
${noIncident}
<section id="guidance"><h2>${h(t("guide.title"))}</h2>${packageManager(doc.host) ? "" : `<p class="muted">${h(t("guide.noPm"))}</p>`}${guides.map((g) => guideHtml(g, t)).join("\n")}</section>
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
