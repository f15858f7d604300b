import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { translator } from "../../src/i18n/index.ts";
import { fixtureRoot } from "../helpers/audit.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, MAMORI, run, startServerProcess } from "./harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: browser global
declare const window: any;
// biome-ignore lint/suspicious/noExplicitAny: browser global
declare const document: any;

const CHROMIUM = "/usr/bin/chromium";
const PASSWORD = "correct horse battery staple";
const ATTACKER = "203.0.113.5";
/** A host name that is markup in HTML and a formula in a spreadsheet. */
const HOSTILE = '=HYPERLINK("http://x.invalid")<img src=x onerror="window.__pwned=1">';

/**
 * The fleet views with real processes and a real browser: two copies of the compromised fixture (web1,
 * web2) pushed by the CLI share their attacker; a Debian host adds a packaged Apache; a third, hostile
 * host (pushed by hand) shares the attacker too. The attacker shows once with every host; the Apache
 * inventory lists versions and packages; the incidents page has both timelines; the exports carry
 * everything, the CSV safe for spreadsheets; the JSON twins agree.
 */
test("fleet views: an attacker on several hosts once, Apache inventory, incidents, JSON/CSV export", {
  skip: fs.existsSync(CHROMIUM) ? false : "chromium (apt-get install chromium) is needed",
}, async (t) => {
  const base = tempDir(t, "mamori-fleetviews-");
  const data = path.join(base, "data");
  const srv = await startServerProcess(t, ["--data", data]);
  const url = `https://127.0.0.1:${srv.port}`;
  const r = spawnSync(MAMORI, ["server", "user", "add", "viewer", "--role", "viewer", "--data", data], {
    input: `${PASSWORD}\n`,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);

  const push = async (root: string, state: string, lang = "en") => {
    const tok = (await run(["server", "token", "--data", data])).stdout.trim();
    const a = await run(
      [
        "audit",
        "--root",
        root,
        "--format",
        "json",
        "--lang",
        lang,
        "--push",
        url,
        "--token",
        tok,
        "--server-fingerprint",
        srv.fingerprint,
      ],
      { MAMORI_STATE_DIR: path.join(base, state) },
    );
    assert.ok(a.code === 0 || a.code === 1, a.stderr);
    // "as host ID" / "ホスト ID として"
    return {
      id: /(?:as host|ホスト) ([0-9a-f]{32})/.exec(a.stderr)?.[1] as string,
      doc: JSON.parse(a.stdout),
    };
  };
  const web2Root = path.join(base, "web2-root");
  fs.cpSync(COMPROMISED, web2Root, { recursive: true, verbatimSymlinks: true });
  fs.writeFileSync(path.join(web2Root, "etc/hostname"), "web2\n");
  const web1 = await push(COMPROMISED, "a");
  // web2's agent speaks Japanese: its report is stored rendered in Japanese (with its keyed texts).
  const web2 = await push(web2Root, "b", "ja");
  assert.equal(web2.doc.lang, "ja");
  const prod = await push(fixtureRoot("debian12-prod"), "c");
  // The hostile host: markup and a formula in its name, the same attacker in its log section.
  const tok = (await run(["server", "token", "--data", data])).stdout.trim();
  const enr = (
    await call(srv.port, data, "POST", "/api/v1/enroll", {
      body: JSON.stringify({ token: tok, hostname: "h" }),
    })
  ).json as { hostId: string; credential: string };
  const evilDoc = JSON.parse(JSON.stringify(web1.doc));
  evilDoc.host.hostname = HOSTILE;
  evilDoc.findings[0].title = `=1+1 ${evilDoc.findings[0].title}`;
  delete evilDoc.findings[0].message; // a literal title: shown and exported as written
  const pushed = await call(srv.port, data, "POST", `/api/v1/hosts/${enr.hostId}/reports`, {
    headers: { authorization: `Bearer ${enr.credential}` },
    body: JSON.stringify({ report: evilDoc }),
  });
  assert.equal(pushed.status, 201, pushed.text);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-sync",
    ],
  });
  t.after(() => browser.close());
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${url}/login`);
  await page.fill("input[name=user]", "viewer");
  await page.fill("input[name=password]", PASSWORD);
  await Promise.all([page.waitForURL(`${url}/`), page.click("button[type=submit]")]);
  const dir = process.env.MAMORI_KEEP_SCREENSHOT ? fs.mkdtempSync("/tmp/mamori-fleet-shot-") : base;

  // Attackers: the address once, with web1, web2 and the hostile host; the prod host is not there.
  await Promise.all([
    page.waitForURL(`${url}/fleet/attackers`),
    page.click("nav a[href='/fleet/attackers']"),
  ]);
  assert.equal(await page.locator(`tr[data-ip="${ATTACKER}"]`).count(), 1);
  const seen = await page.locator(`tr[data-ip="${ATTACKER}"] li`).evaluateAll((lis) =>
    lis.map((li) => ({
      id: li.getAttribute("data-host"),
      name: (li.querySelector("a.host") as { textContent: string }).textContent,
    })),
  );
  assert.deepEqual(seen.map((s) => s.id).sort(), [web1.id, web2.id, enr.hostId].sort());
  assert.deepEqual(seen.map((s) => s.name).sort(), [HOSTILE, "web1", "web2"].sort());
  assert.ok(!seen.some((s) => s.id === prod.id));
  assert.match(
    (await page.locator(`tr[data-ip="${ATTACKER}"] li[data-host="${web1.id}"]`).textContent()) ?? "",
    /2026-11-20 03:14:05 UTC/,
  );
  assert.equal(await page.locator("img, script").count(), 0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
  await page.screenshot({ path: path.join(dir, "attackers.png"), fullPage: true });

  // Apache inventory: 2.4.49 from source on the three compromised copies, Debian's package on prod.
  await page.goto(`${url}/fleet/apache`);
  const apache = await page.locator("table.apache tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute("data-host"),
      cells: Array.from(tr.querySelectorAll("td"), (td) =>
        (td as { textContent: string }).textContent.trim(),
      ),
    })),
  );
  const row = (id: string) => apache.find((a) => a.id === id)?.cells;
  assert.equal(row(web1.id)?.[1], "2.4.49");
  assert.equal(row(web1.id)?.[2], "built from source");
  const prodRow = row(prod.id);
  assert.ok(prodRow, JSON.stringify(apache));
  assert.match(prodRow[2] as string, /^apache2(-bin)? 2\.4\.\d+\S* \(debian bookworm\)$/);
  assert.equal(prodRow[1], prod.doc.sections.apache.installations[0].version);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(sideways <= 1, `the inventory fits a phone (${sideways}px)`);
  await page.screenshot({ path: path.join(dir, "apache.png"), fullPage: true });

  // Incidents across the fleet, with their timelines, in Japanese too.
  await page.goto(`${url}/fleet/incidents?lang=ja`);
  assert.equal(await page.locator("html").getAttribute("lang"), "ja");
  assert.match((await page.locator("h1").textContent()) ?? "", /^フリート全体のインシデント/);
  for (const id of [web1.id, web2.id]) {
    const items = await page.locator(`article.incident[data-host="${id}"] .timeline li`).count();
    assert.ok(items >= 3, `timeline of ${id}: ${items}`);
  }
  await page.screenshot({ path: path.join(dir, "incidents-ja.png"), fullPage: true });
  // Each reader sees every host's story in the reader's language, whatever the agent's was: the English
  // agent's (web1) in Japanese here, the Japanese agent's (web2) in English below. The words are the
  // dictionary's, filled with the fixture's values.
  const story = async (id: string) => {
    const a = page.locator(`article.incident[data-host="${id}"]`);
    return {
      head: (await a.locator("h3").textContent()) ?? "",
      tl: await a.locator(".timeline li").allTextContents(),
    };
  };
  const said = (lang: "ja" | "en") => {
    const tr = translator(lang);
    return {
      title: tr("incident.title.breakIn", { ip: ATTACKER, what: "/tmp/kdevtmpfsi" }),
      ran: tr("incident.tl.ran", { ip: ATTACKER, attack: "cve-2021-41773" }),
    };
  };
  const ja = said("ja");
  const en = said("en");
  assert.notEqual(ja.title, en.title);
  for (const id of [web1.id, web2.id]) {
    const s = await story(id);
    assert.ok(s.head.includes(ja.title), `${id}: ${s.head}`);
    assert.ok(
      s.tl.some((li) => li.includes(ja.ran)),
      s.tl.join("\n"),
    );
    assert.ok(!s.head.includes(en.title) && !s.tl.some((li) => li.includes(en.ran)), "no English story");
    assert.match(s.head, /^(緊急|重要|警告|注意|情報) /, "severity badge in Japanese");
  }
  await page.goto(`${url}/fleet/incidents?lang=en`);
  for (const id of [web1.id, web2.id]) {
    const s = await story(id);
    assert.ok(s.head.includes(en.title), `${id}: ${s.head}`);
    assert.ok(
      s.tl.some((li) => li.includes(en.ran)),
      s.tl.join("\n"),
    );
    assert.ok(!s.head.includes(ja.title), "no Japanese story");
  }
  await page.screenshot({ path: path.join(dir, "incidents-en.png"), fullPage: true });
  // A host's own page, both ways: its incident and findings in the reader's language.
  const cron = (lang: "ja" | "en") =>
    translator(lang)("hunt.persist.cron.title", { path: "/var/spool/cron/crontabs/daemon", line: 1 });
  for (const [id, lang, other] of [
    [web1.id, "ja", "en"],
    [web2.id, "en", "ja"],
  ] as const) {
    await page.goto(`${url}/hosts/${id}?lang=${lang}`);
    const text = (await page.locator("main").textContent()) ?? "";
    assert.ok(text.includes(said(lang).title) && text.includes(cron(lang)), `${id} in ${lang}`);
    assert.ok(!text.includes(said(other).title) && !text.includes(cron(other)), `${id}: nothing in ${other}`);
    if (lang === "ja") await page.screenshot({ path: path.join(dir, "host-ja.png"), fullPage: true });
  }
  // The attackers page names the incidents an address is in, in the reader's language too.
  await page.goto(`${url}/fleet/attackers?lang=ja`);
  const inc = await page
    .locator(`tr[data-ip="${ATTACKER}"] li[data-host="${web2.id}"] small.inc`)
    .textContent();
  assert.ok((inc ?? "").includes(ja.title), inc ?? "");
  await page.goto(`${url}/fleet/attackers?lang=en`);
  const inc2 = await page
    .locator(`tr[data-ip="${ATTACKER}"] li[data-host="${web2.id}"] small.inc`)
    .textContent();
  assert.ok((inc2 ?? "").includes(en.title), inc2 ?? "");
  // Trends: uPlot draws the fleet's open findings by severity per day, and one host's on its page.
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`${url}/trends?lang=en`);
  await page.waitForSelector('body[data-charts-ready="1"]', { timeout: 10_000 });
  assert.equal(await page.locator(".trend canvas").count(), 1);
  assert.equal(await page.locator("[data-trend]").getAttribute("data-chart-error"), null);
  assert.match((await page.locator(".uplot .u-legend").textContent()) ?? "", /critical/);
  await page.screenshot({ path: path.join(dir, "trends-en.png"), fullPage: true });
  await page.goto(`${url}/hosts/${web1.id}`);
  await page.waitForSelector('body[data-charts-ready="1"]', { timeout: 10_000 });
  const trendApi = (await (await ctx.request.get(`${url}/trends`)).text()).includes(
    'type="application/json" id="trend-fleet"',
  );
  assert.ok(trendApi);
  await page.goto(`${url}/export?lang=en`);

  // Exports through the session: CSV with every finding, formulas neutralized; JSON the same rows.
  const csv = await (await ctx.request.get(`${url}/export/findings.csv`)).text();
  const lines = csv.trimEnd().split("\r\n");
  assert.equal(lines[0], '"hostId","host","id","check","severity","title","cves"');
  const total = [web1, web2, prod].reduce((n, h) => n + h.doc.findings.length, 0) + evilDoc.findings.length;
  assert.equal(lines.length - 1, total);
  const evilLines = lines.filter((l) => l.startsWith(`"${enr.hostId}"`));
  assert.ok(
    evilLines.every((l) => l.includes(`"'=HYPERLINK(""http://x.invalid"")<img`)),
    evilLines[0],
  );
  assert.ok(evilLines.some((l) => l.includes(`"'=1+1 `)));
  assert.ok(
    !/(^|,)"[=+\-@]/.test(
      lines
        .slice(1)
        .join("\n")
        .replaceAll(/"[^"]*(""[^"]*)*"/g, (c) => (c.startsWith("\"'") ? '""' : c)),
    ),
  );
  // Finding titles in the reader's language: web2's agent wrote Japanese, this export is English; and the
  // other way round with ?lang=ja (the dashboard's language).
  const cronSaid = (lang: "ja" | "en") =>
    translator(lang)("hunt.persist.cron.title", { path: "/var/spool/cron/crontabs/daemon", line: 1 });
  const linesOf = (text: string, id: string) => text.split("\r\n").filter((l) => l.startsWith(`"${id}"`));
  assert.ok(
    linesOf(csv, web2.id).some((l) => l.includes(cronSaid("en"))),
    "web2's titles in English",
  );
  const csvJa = await (await ctx.request.get(`${url}/export/findings.csv?lang=ja`)).text();
  assert.ok(
    linesOf(csvJa, web1.id).some((l) => l.includes(cronSaid("ja"))),
    "web1's titles in Japanese",
  );
  assert.ok(!linesOf(csvJa, web1.id).some((l) => l.includes(cronSaid("en"))));
  const hostsCsv = await ctx.request.get(`${url}/export/hosts.csv`);
  assert.match(hostsCsv.headers()["content-type"] ?? "", /^text\/csv/);
  assert.match(hostsCsv.headers()["content-disposition"] ?? "", /attachment; filename="mamori-hosts.csv"/);
  assert.ok((await hostsCsv.text()).includes(`"'=HYPERLINK`));
  const json = (await (await ctx.request.get(`${url}/export/findings.json`)).json()) as {
    findings: Array<{ hostId: string; cves: string[] }>;
  };
  assert.equal(json.findings.length, total);
  assert.ok(json.findings.some((f) => f.hostId === web1.id && f.cves.includes("CVE-2021-41773")));
  // SARIF 2.1.0: one run, one result per finding of each host, the host named by its location.
  const sarifRes = await ctx.request.get(`${url}/export/findings.sarif`);
  assert.match(sarifRes.headers()["content-type"] ?? "", /^application\/sarif\+json/);
  const sarif = (await sarifRes.json()) as {
    version: string;
    runs: Array<{
      tool: { driver: { name: string; rules: Array<{ id: string }> } };
      results: Array<{
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: Array<{ logicalLocations: Array<{ name: string; fullyQualifiedName: string }> }>;
        partialFingerprints: Record<string, string>;
      }>;
    }>;
  };
  assert.equal(sarif.version, "2.1.0");
  assert.equal(sarif.runs.length, 1);
  const run0 = sarif.runs[0] as (typeof sarif.runs)[number];
  assert.equal(run0.tool.driver.name, "mamori");
  assert.equal(run0.results.length, total);
  for (const r of run0.results) {
    assert.equal(run0.tool.driver.rules[r.ruleIndex]?.id, r.ruleId);
    assert.ok(["error", "warning", "note", "none"].includes(r.level));
    assert.ok(r.message.text.length > 0);
  }
  const web1Results = run0.results.filter(
    (r) => r.locations[0]?.logicalLocations[0]?.fullyQualifiedName === `host/${web1.id}`,
  );
  assert.equal(web1Results.length, web1.doc.findings.length);
  assert.equal(new Set(run0.results.map((r) => r.partialFingerprints.mamoriHostFinding)).size, total);
  assert.equal(
    (await call(srv.port, data, "GET", "/api/v1/export/findings.sarif")).status,
    401,
    "the API twin needs a key",
  );

  // The JSON twins with an API key; without one, nothing.
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const api = async (p: string) =>
    (await call(srv.port, data, "GET", p, { headers: { authorization: `Bearer ${key}` } })).json as Record<
      string,
      unknown
    >;
  const attackers = (await api("/api/v1/fleet/attackers")).attackers as Array<{
    ip: string;
    hosts: Array<{ hostId: string }>;
  }>;
  assert.equal(attackers.filter((a) => a.ip === ATTACKER).length, 1);
  assert.equal(attackers.find((a) => a.ip === ATTACKER)?.hosts.length, 3);
  const inv = (await api("/api/v1/fleet/apache")).installations as Array<{ hostId: string; version: string }>;
  assert.equal(inv.find((i) => i.hostId === web2.id)?.version, "2.4.49");
  const apiInc = (await api("/api/v1/fleet/incidents")).incidents as Array<{
    hostId: string;
    title: string;
    timeline: unknown[];
  }>;
  assert.ok(apiInc.some((i) => i.hostId === web2.id && i.timeline.length >= 3));
  // In English unless ?lang=ja, whatever the agent's language.
  assert.ok(apiInc.find((i) => i.hostId === web2.id)?.title.includes(en.title));
  const apiJa = (await api("/api/v1/fleet/incidents?lang=ja")).incidents as Array<{
    hostId: string;
    title: string;
  }>;
  assert.ok(apiJa.find((i) => i.hostId === web1.id)?.title.includes(ja.title));
  assert.deepEqual(((await api("/api/v1/export/findings.json")).findings as unknown[]).length, total);
  assert.equal(((await api("/api/v1/export/findings.sarif")).runs as unknown[]).length, 1);
  const fleetTrend = (await api("/api/v1/fleet/trends?days=7")) as {
    days: string[];
    counts: Record<string, number[]>;
  };
  assert.equal(fleetTrend.days.length, 7);
  const critToday = (fleetTrend.counts.critical ?? []).at(-1) ?? 0;
  const highToday = (fleetTrend.counts.high ?? []).at(-1) ?? 0;
  assert.ok(critToday + highToday > 0, JSON.stringify(fleetTrend.counts));
  const hostTrend = (await api(`/api/v1/hosts/${web1.id}/trends`)) as {
    days: string[];
    counts: Record<string, number[]>;
  };
  assert.equal(hostTrend.days.length, 30);
  assert.equal(
    Object.values(hostTrend.counts).reduce((n, c) => n + (c.at(-1) ?? 0), 0),
    web1.doc.findings.length,
  );
  assert.equal((await call(srv.port, data, "GET", "/api/v1/fleet/attackers")).status, 401);
  assert.equal((await call(srv.port, data, "GET", "/api/v1/export/hosts.csv")).status, 401);
  // Signed out, the pages send to the login.
  const anon = await browser.newContext({ ignoreHTTPSErrors: true });
  const r2 = await anon.request.get(`${url}/export/findings.csv`, { maxRedirects: 0 });
  assert.equal(r2.status(), 303);
  await anon.close();
  assert.deepEqual(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(errors, []);
  if (process.env.MAMORI_KEEP_SCREENSHOT) process.stderr.write(`screenshots in ${dir}\n`);
});
