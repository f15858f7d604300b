import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Context } from "hono";
import { html, raw } from "hono/html";
import { SEVERITIES } from "../../core/finding.ts";
import type { Translator } from "../../i18n/index.ts";
import { scriptJson } from "../../report/html/chart-data.ts";
import type { SeverityTrend } from "../fleet/trends.ts";

const require = createRequire(import.meta.url);

/**
 * The pages with a chart allow scripts, but only files from the server itself (uPlot and trends.js):
 * the data rides in a JSON block no browser runs, so host-written text never becomes script.
 */
export const CHART_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let files: { js: string; css: string; client: string } | undefined;

function chartFiles() {
  files ??= {
    js: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    client: readFileSync(new URL("./trends.js", import.meta.url), "utf8"),
  };
  return files;
}

/** /static/uplot.js, /static/uplot.css, /static/trends.js. */
export function chartAsset(c: Context, name: string): Response | undefined {
  const f = chartFiles();
  const body =
    name === "uplot.js" ? f.js : name === "uplot.css" ? f.css : name === "trends.js" ? f.client : undefined;
  if (body === undefined) return undefined;
  c.header(
    "content-type",
    name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
  );
  return c.body(body);
}

/** A chart of open findings by severity per day, with its data and a table fallback's summary. */
export function trendChart(c: Context, t: Translator, id: string, trend: SeverityTrend) {
  c.header("content-security-policy", CHART_CSP);
  const data = {
    ...trend,
    severities: SEVERITIES,
    labels: {
      day: t("dash.trend.day"),
      count: t("dash.trend.count"),
      ...Object.fromEntries(SEVERITIES.map((s) => [s, s])),
    },
  };
  const last = trend.days.length - 1;
  const today = SEVERITIES.map((s) => `${s} ${trend.counts[s][last] ?? 0}`).join(", ");
  return html`<section class="trend"><h2>${t("dash.trend.title", { days: trend.days.length })}</h2>
<link rel="stylesheet" href="/static/uplot.css">
<div class="chart" data-trend="${id}" role="img" aria-label="${t("dash.trend.title", { days: trend.days.length })}"></div>
<p class="trend-now">${t("dash.trend.today", { counts: today })}</p>
<script type="application/json" id="${id}">${raw(scriptJson(data))}</script>
<script src="/static/uplot.js"></script><script src="/static/trends.js"></script></section>`;
}
