/**
 * The HTML report's first screen, in Debian's chromium at 1280x800 and 390x844 (a phone), for a host
 * with an incident (compromised-2.4.49) and one without (upstream-2.4.49), in both languages: the
 * verdict and the first finding are on the first screen, nothing scrolls sideways on a phone, times do
 * not wrap, no literal backtick, no "--" legend. Fonts: with fonts-noto-cjk the Japanese text is drawn
 * in Noto Sans CJK JP; with only DejaVu (FONTCONFIG_FILE) the ASCII text still gets a real font.
 * MAMORI_KEEP_SCREENSHOT=1 keeps the screenshots (their paths are printed as diagnostics).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { atLeast, type Finding } from "../../src/core/finding.ts";
import { translator } from "../../src/i18n/index.ts";
import { englishWords } from "../helpers/english-words.ts";

// biome-ignore lint/suspicious/noExplicitAny: browser global (no DOM library in the type check)
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: browser global
declare const window: any;

const REPO = path.resolve(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];
const hasCjkFont = spawnSync("fc-list", [":lang=ja"], { encoding: "utf8" }).stdout.includes(
  "Noto Sans CJK JP",
);

function report(dir: string, root: string, lang: string, format = "html"): string {
  const file = path.join(dir, `${root}-${lang}.${format}`);
  const r = spawnSync(
    path.join(REPO, "bin/mamori"),
    [
      "audit",
      "--root",
      path.join(REPO, "test/fixtures/roots", root),
      "--lang",
      lang,
      "--format",
      format,
      "--output",
      file,
    ],
    { encoding: "utf8", env: { ...process.env, TZ: "Asia/Tokyo" } },
  );
  assert.ok(fs.existsSync(file), `no report: ${r.stderr}`);
  return file;
}

/**
 * What the page should show, from the same audit: every finding id (its JSON), and the blocks the
 * terminal report prints, which groupByCause made from the keyed findings (one line per block opens
 * with its severity in brackets; a group's line says how many it holds; an incident's has "■").
 */
function expected(
  dir: string,
  root: string,
  lang: "ja" | "en",
): { ids: string[]; items: number; groups: number } {
  const doc = JSON.parse(fs.readFileSync(report(dir, root, lang, "json"), "utf8")) as { findings: Finding[] };
  const human = spawnSync(
    path.join(REPO, "bin/mamori"),
    ["audit", "--root", path.join(REPO, "test/fixtures/roots", root), "--lang", lang, "--color", "never"],
    { encoding: "utf8", env: { ...process.env, TZ: "Asia/Tokyo" } },
  ).stdout;
  const blocks = human.split("\n").filter((l) => /^\[[^\]]+\] /.test(l) && !l.includes("■"));
  const [pre = "", post = ""] = translator(lang)("report.group.count", { count: 999999 }).split("999999");
  return {
    ids: doc.findings.filter((f) => atLeast(f.severity, "low")).map((f) => f.id),
    items: blocks.length,
    groups: blocks.filter((l) => l.includes(pre) && l.includes(post)).length,
  };
}

async function launch(env: Record<string, string> = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, env: { ...process.env, ...env } });
}

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  innerHeight: number;
  firstFindingTop: number;
  firstIncidentTop: number;
  findingTextWidth: number;
  findingTextRight: number;
  backticks: string[];
  legendDashes: string[];
  tallTimes: string[];
  chartsAfterFindings: boolean;
  cards: number;
  groupCards: number;
  anchors: string[];
  brokenLinks: string[];
  stepBlocks: string[][];
  prose: string;
}

async function layout(
  browser: Browser,
  file: string,
  width: number,
  height: number,
  shot: string,
): Promise<Layout> {
  const page = await browser.newPage({ viewport: { width, height } });
  try {
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.body.dataset.chartsReady !== undefined, null, {
      timeout: 15000,
    });
    await page.screenshot({ path: shot });
    return await page.evaluate(() => {
      const top = (sel: string) => {
        const el = document.querySelector(sel);
        return el ? el.getBoundingClientRect().top : Number.POSITIVE_INFINITY;
      };
      const FIRST = "#findings > .findings > article";
      const cell = document.querySelector(FIRST);
      const r = cell?.getBoundingClientRect();
      const texts: string[] = [];
      const walker = document.createTreeWalker(document.body, 4 /* NodeFilter.SHOW_TEXT */);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const p = n.parentElement;
        if (p && !["SCRIPT", "STYLE"].includes(p.tagName) && n.textContent.includes("`"))
          texts.push(n.textContent);
      }
      const lineHeight = 30;
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        innerHeight: window.innerHeight,
        firstFindingTop: top(FIRST),
        firstIncidentTop: top("article.incident"),
        findingTextWidth: r ? r.width : 0,
        findingTextRight: r ? r.right : 0,
        backticks: texts,
        legendDashes: [...document.querySelectorAll(".u-legend")]
          .map((l: { innerText: string }) => l.innerText)
          .filter((s: string) => s.includes("--")),
        tallTimes: [...document.querySelectorAll("time")]
          .filter(
            (t: { getBoundingClientRect(): { height: number } }) =>
              t.getBoundingClientRect().height > lineHeight,
          )
          .map((t: { textContent: string }) => t.textContent),
        chartsAfterFindings: top("#charts") > top("#findings"),
        cards: document.querySelectorAll(FIRST).length,
        groupCards: document.querySelectorAll("#findings > .findings > article.group").length,
        anchors: [...document.querySelectorAll("[data-finding-id]")]
          .filter((e: { id: string }) => e.id.startsWith("finding-"))
          .map((e: { dataset: { findingId: string } }) => e.dataset.findingId),
        brokenLinks: [...document.querySelectorAll("a[href^='#']")]
          .map((a: { getAttribute(n: string): string }) => a.getAttribute("href"))
          .filter((h: string) => !document.getElementById(decodeURIComponent(h.slice(1)))),
        stepBlocks: [...document.querySelectorAll("#next-steps li")].map(
          (li: { querySelectorAll(s: string): { textContent: string }[] }) =>
            [...li.querySelectorAll("pre")].map((p) => p.textContent),
        ),
        // What a reader reads as sentences: without commands, code, quoted data and times.
        prose: (() => {
          const copy = document.body.cloneNode(true);
          for (const el of copy.querySelectorAll("pre, code, .mono, time, script, style, .u-legend"))
            el.remove();
          // Every text node on a line of its own (hidden <details> content included): no words run together.
          const parts: string[] = [];
          const w = document.createTreeWalker(copy, 4 /* NodeFilter.SHOW_TEXT */);
          for (let n = w.nextNode(); n; n = w.nextNode()) parts.push(n.textContent);
          return parts.join("\n");
        })(),
      };
    });
  } finally {
    await page.close();
  }
}

test("HTML first screen and phone layout, with the Japanese font installed", {
  skip: !hasCjkFont && "fonts-noto-cjk not installed",
}, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-html-layout-"));
  if (!process.env.MAMORI_KEEP_SCREENSHOT) t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const browser = await launch();
  t.after(() => browser.close());
  for (const root of ["compromised-2.4.49", "upstream-2.4.49"])
    for (const lang of ["ja", "en"]) {
      const file = report(dir, root, lang);
      const want = expected(dir, root, lang as "ja" | "en");
      for (const [w, h] of [
        [1280, 800],
        [390, 844],
      ] as const) {
        const shot = path.join(dir, `${root}-${lang}-${w}.png`);
        const l = await layout(browser, file, w, h, shot);
        t.diagnostic(`screenshot: ${shot}`);
        const { prose, anchors, ...rest } = l;
        const what = `${root} ${lang} ${w}px: ${JSON.stringify(rest)}`;
        assert.ok(l.scrollWidth <= l.innerWidth, `sideways scroll: ${what}`);
        // The first screen holds the incident when there is one, else the first finding.
        const first = root.startsWith("compromised") ? l.firstIncidentTop : l.firstFindingTop;
        assert.ok(first < l.innerHeight, `nothing to act on in the first screen: ${what}`);
        if (!root.startsWith("compromised"))
          assert.ok(l.firstFindingTop < l.innerHeight, `first finding below the first screen: ${what}`);
        assert.ok(
          l.findingTextWidth > 250 && l.findingTextRight <= l.innerWidth,
          `finding text off-screen: ${what}`,
        );
        assert.deepEqual(l.backticks, [], what);
        assert.deepEqual(l.legendDashes, [], what);
        assert.deepEqual(l.tallTimes, [], `a time wrapped: ${what}`);
        assert.ok(l.chartsAfterFindings, what);
        // Grouped by cause as the terminal is; every finding keeps an anchor the next steps link to.
        assert.equal(l.cards, want.items, what);
        assert.equal(l.groupCards, want.groups, what);
        assert.deepEqual([...anchors].sort(), [...want.ids].sort(), what);
        assert.deepEqual(l.brokenLinks, [], what);
        // At most three steps; a command is a block of its own, never a dry run next to its --apply.
        assert.ok(l.stepBlocks.length > 0 && l.stepBlocks.length <= 3, what);
        for (const blocks of l.stepBlocks)
          for (const b of blocks) assert.ok(!b.includes("\n") && !/--apply/.test(b), what);
        if (lang === "ja") assert.deepEqual(englishWords(prose), [], `English in the ja page: ${what}`);
      }
    }
  // Japanese text is drawn in the Japanese face (what the platform actually used for the heading).
  const page = await browser.newPage();
  await page.goto(pathToFileURL(path.join(dir, "compromised-2.4.49-ja.html")).href);
  const fonts = await platformFonts(page, "h1");
  assert.ok(
    fonts.some((f) => /Noto Sans CJK JP/.test(f)),
    `Japanese heading drawn with ${fonts.join(", ")}`,
  );
});

test("without a Japanese font the page still draws ASCII text in a real font", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-html-nocjk-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A fontconfig that knows only DejaVu: as a server with no CJK font installed.
  const conf = path.join(dir, "fonts.conf");
  fs.writeFileSync(
    conf,
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${dir}/cache</cachedir></fontconfig>`,
  );
  const browser = await launch({ FONTCONFIG_FILE: conf });
  t.after(() => browser.close());
  const file = report(dir, "upstream-2.4.49", "en");
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(pathToFileURL(file).href);
  const fonts = await platformFonts(page, "h1");
  assert.ok(
    fonts.length > 0 && fonts.every((f) => /DejaVu/.test(f)),
    `ASCII heading drawn with ${fonts.join(", ")}`,
  );
  const wide = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(wide, "no sideways scroll with fallback fonts either");
});

/** The font families the platform used to draw an element's text (Chrome DevTools protocol). */
async function platformFonts(page: import("playwright-core").Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument");
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
  return fonts.map((f: { familyName: string }) => f.familyName);
}
