import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { reportContractSchema } from "../../src/core/contract.ts";
import { msg } from "../../src/core/message.ts";
import type { ReportSections } from "../../src/core/sections/index.ts";
import { correlate } from "../../src/correlate/index.ts";
import { translator } from "../../src/i18n/index.ts";
import { html } from "../../src/report/formats/html.ts";
import { mamori } from "../helpers/cli.ts";
import { docOf, huntSection, minerStory } from "./scenario.ts";

// Functions given to page.evaluate run in the browser; the type check here has no DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser global
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: browser global
declare const window: any;
// biome-ignore lint/suspicious/noExplicitAny: browser type
type HTMLCanvasElement = any;
// biome-ignore lint/suspicious/noExplicitAny: browser type
type CanvasRenderingContext2D = any;
type HTMLElement = { innerText: string };

const CHROMIUM = "/usr/bin/chromium";
const HOSTILE =
  'POST /cgi-bin/.%2e/.%2e/bin/sh <script>window.__pwned=1</script> <img src=x onerror="window.__pwned2=1"> \x1b[31mRED\x1b]0;title\x07';

// A real access log: the chart and the events table read what `mamori logs` wrote from it. Apache
// escapes quotes and control bytes in a request; a log www-data wrote itself may hold raw ones.
const LOG = [
  `192.0.2.44 - - [20/Nov/2026:01:10:00 +0000] "GET /?x=$${"{"}jndi:ldap://192.0.2.44/a} HTTP/1.1" 403 199 "-" "Mozilla/5.0"`,
  '192.0.2.44 - - [20/Nov/2026:01:20:00 +0000] "GET /icons/.%2e/%2e%2e/etc/passwd HTTP/1.1" 404 196 "-" "Mozilla/5.0"',
  '203.0.113.5 - - [20/Nov/2026:02:05:00 +0000] "GET /cgi-bin/.%2e/etc/passwd HTTP/1.1" 400 226 "-" "curl/7.68.0"',
  `203.0.113.5 - - [20/Nov/2026:03:14:07 +0000] "${HOSTILE.replaceAll('"', '\\"')} HTTP/1.1" 200 12 "-" "curl/7.68.0"`,
].join("\n");

async function logsFromRealRun(dir: string): Promise<ReportSections["logs"]> {
  const file = path.join(dir, "access_log");
  fs.writeFileSync(file, `${LOG}\n`);
  const r = await mamori(["logs", file, "--format", "json", "--now", "2026-11-21T00:00:00Z"]);
  const doc = reportContractSchema.parse(JSON.parse(r.stdout));
  return doc.sections.logs;
}

async function hostileDoc(dir: string) {
  const findings = minerStory();
  const doc = docOf(findings, {
    sections: {
      logs: await logsFromRealRun(dir),
      hunt: huntSection([
        { pid: 4242, comm: "kdevtmpfsi", exe: "/tmp/kdevtmpfsi", cpuSeconds: 86400 },
        { pid: 900, comm: "apache2", exe: "/usr/sbin/apache2", cpuSeconds: 3600 },
        { pid: 1, comm: "init", exe: "/sbin/init", cpuSeconds: 120 },
        // A process name is attacker-chosen too: it reaches the chart's axis and legend.
        { pid: 666, comm: "x", exe: "/tmp/<img src=x onerror=window.__pwned3=1>", cpuSeconds: 50000 },
      ]),
    },
  });
  doc.incidents = correlate(findings, { now: () => new Date(), lang: "en", t: msg });
  return doc;
}

test("the HTML report renders its charts offline, escapes hostile log lines and requests nothing", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-html-"));
  // MAMORI_KEEP_SCREENSHOT=1 keeps the page and its screenshot to look at.
  if (!process.env.MAMORI_KEEP_SCREENSHOT) t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const doc = await hostileDoc(dir);
  const page = html.render(doc, { lang: "en", t: translator("en"), color: false, threshold: "info" });
  const file = path.join(dir, "report.html");
  fs.writeFileSync(file, page);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const p = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  // Every request other than the report file itself is recorded and refused.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    requests.push(url);
    return route.abort();
  });
  // Requests the router never sees (file:// subresources, blocked ones) are recorded here.
  p.on("request", (r) => {
    if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
  });
  p.on("pageerror", (e) => errors.push(String(e)));
  p.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await p.goto(pathToFileURL(file).href);
  await p.waitForSelector("body[data-charts-ready='4']", { timeout: 15000 });

  // Four uPlot charts, each a canvas of real size with pixels drawn on it.
  const canvases = await p.evaluate(() =>
    [...document.querySelectorAll(".chart canvas")].map((c: HTMLCanvasElement) => {
      const ctx = c.getContext("2d") as CanvasRenderingContext2D;
      const img = ctx.getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      for (let i = 3; i < img.length; i += 4) if ((img[i] as number) > 0) drawn++;
      return { id: c.closest(".chart")?.id, w: c.width, h: c.height, drawn };
    }),
  );
  assert.deepEqual(canvases.map((c) => c.id).sort(), [
    "chart-attacks",
    "chart-cpu",
    "chart-severity",
    "chart-timeline",
  ]);
  for (const c of canvases) {
    assert.ok(c.w > 200 && c.h > 100, JSON.stringify(c));
    assert.ok(c.drawn > 500, `blank canvas: ${JSON.stringify(c)}`);
  }

  // The severity chart: one bar per severity, its height the count; a zero count draws nothing.
  const bars = await p.evaluate(() => {
    const u = window.mamoriCharts["chart-severity"];
    const ctx = u.ctx as CanvasRenderingContext2D;
    return u.data.slice(1).map((series: Array<number | null>, i: number) => {
      const count = series[i] ?? 0;
      const x = Math.round(u.valToPos(i, "x", true));
      const y = Math.round(u.valToPos(Math.max(count, 0.0001) / 2, "y", true));
      const px = ctx.getImageData(x, y, 1, 1).data;
      return { count, alpha: px[3], rgb: [px[0], px[1], px[2]] };
    });
  });
  const expected = ["critical", "high", "medium", "low", "info"].map(
    (s) => doc.findings.filter((f) => f.severity === s).length,
  );
  assert.deepEqual(
    bars.map((b: { count: number }) => b.count),
    expected,
  );
  assert.deepEqual(expected, [3, 2, 3, 0, 0]);
  for (const b of bars as Array<{ count: number; alpha: number; rgb: number[] }>) {
    if (b.count > 0)
      assert.ok(b.alpha > 0 && b.rgb.some((c) => c < 200), `bar not drawn: ${JSON.stringify(b)}`);
  }
  const legend = await p.$$eval(".severity-legend li", (lis) =>
    // biome-ignore lint/performance/useDomNodeTextContent: innerText is what a reader sees
    lis.map((li) => [li.getAttribute("data-severity"), (li as unknown as HTMLElement).innerText.trim()]),
  );
  assert.deepEqual(legend, [
    ["critical", "CRITICAL 3"],
    ["high", "HIGH 2"],
    ["medium", "MEDIUM 3"],
    ["low", "LOW 0"],
    ["info", "INFO 0"],
  ]);

  // The attack chart: one stacked bar per hour; the successful hour's bar is the "succeeded" colour.
  const attack = await p.evaluate(() => {
    const u = window.mamoriCharts["chart-attacks"];
    const ctx = u.ctx as CanvasRenderingContext2D;
    const hour = Date.parse("2026-11-20T03:00:00Z") / 1000;
    const px = ctx.getImageData(
      Math.round(u.valToPos(hour, "x", true)),
      Math.round(u.valToPos(0.5, "y", true)),
      1,
      1,
    ).data;
    return { hours: u.data[0].length, outcomes: u.mamoriOutcomes, rgb: [px[0], px[1], px[2]] };
  });
  assert.equal(attack.hours, 3);
  assert.deepEqual([...attack.outcomes].sort(), ["blocked", "failed", "succeeded", "unknown"]);
  const [r, g, b] = attack.rgb as number[];
  assert.ok(
    (r as number) > 150 && (g as number) < 100 && (b as number) < 100,
    `not the succeeded red: ${attack.rgb}`,
  );
  const chartJson = await p.$eval("#mamori-chart-data", (el) => JSON.parse(el.textContent));
  const sum = (o: string) => (chartJson.attacks.counts[o] as number[]).reduce((x, y) => x + y, 0);
  // From the logs section's per-hour counts: the log4shell and the short traversal were refused.
  assert.equal(chartJson.attacks.from, "hours");
  assert.deepEqual(["succeeded", "blocked", "failed", "unknown"].map(sum), [1, 2, 1, 0]);

  // Hovering the CPU chart shows the hostile process name in the legend, as text.
  await p.locator("#chart-cpu").scrollIntoViewIfNeeded();
  const cpuBox = await p.$eval("#chart-cpu .u-over", (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height };
  });
  const cpuLabels = await p.evaluate(() => window.mamoriCharts["chart-cpu"].data[0].length);
  assert.equal(cpuLabels, 4);
  // Bars are sorted by CPU time: the hostile one is second of four.
  const barX = await p.evaluate(() => window.mamoriCharts["chart-cpu"].valToPos(1, "x"));
  await p.mouse.move(cpuBox.x + barX - 3, cpuBox.y + cpuBox.h / 2);
  await p.mouse.move(cpuBox.x + barX, cpuBox.y + cpuBox.h - 5);
  const legend2 = await p.$eval(
    "#chart-cpu .u-legend",
    // biome-ignore lint/performance/useDomNodeTextContent: innerText is what a reader sees
    (el) => (el as unknown as HTMLElement).innerText,
  );
  assert.match(legend2, /<img src=x onerror=window\.__pwned3=1> \(666\)/);

  // Hostile bytes are text: no script ran, no element was injected, the request reads as written.
  const flags = await p.evaluate(() => ({
    a: window.__pwned,
    b: window.__pwned2,
    c: window.__pwned3,
    imgs: document.querySelectorAll("img").length,
    scripts: document.querySelectorAll("script").length,
  }));
  assert.deepEqual(flags, { a: undefined, b: undefined, c: undefined, imgs: 0, scripts: 3 });
  const shown = await p.$eval(
    "tr[data-outcome='succeeded'] td.request",
    // biome-ignore lint/performance/useDomNodeTextContent: innerText is what a reader sees
    (td) => (td as unknown as HTMLElement).innerText,
  );
  assert.ok(shown.includes("<script>window.__pwned=1</script>"), shown);
  // Quotes stay as the log wrote them (Apache escapes them as \").
  assert.ok(shown.includes('<img src=x onerror=\\"window.__pwned2=1\\">'), shown);
  assert.ok(shown.includes("\\x1b[31mRED\\x1b]0;title\\x07"), shown);
  assert.ok(!page.includes("\x1b"), "a raw escape byte reached the HTML");

  // The incident story is on the page, with its timeline.
  const story = await p.$eval(
    "article.incident .summary",
    // biome-ignore lint/performance/useDomNodeTextContent: innerText is what a reader sees
    (el) => (el as unknown as HTMLElement).innerText,
  );
  assert.match(
    story,
    /Your Apache 2\.4\.49 at \/usr\/local\/apache2 was exploited at 2026-11-20 03:14:07 UTC/,
  );
  assert.equal(await p.$$eval("article.incident table.timeline tbody tr", (r) => r.length), 4);

  const shot = path.join(dir, "report.png");
  await p.screenshot({ path: shot, fullPage: true });
  assert.ok(fs.statSync(shot).size > 20_000);
  t.diagnostic(`screenshot: ${shot}`);

  assert.deepEqual(requests, [], "the report requested something");
  assert.deepEqual(errors, []);
});
