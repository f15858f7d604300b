import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { type APIRequestContext, chromium } from "playwright-core";
import { translator } from "../../src/i18n/index.ts";
import { tempDir } from "../helpers/tmp.ts";
import { COMPROMISED, call, MAMORI, run, startServerProcess } from "./harness.ts";

// Functions given to page.evaluate run in the browser; the type check here has no DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser global
declare const window: any;
// biome-ignore lint/suspicious/noExplicitAny: browser global
declare const document: any;

const CHROMIUM = "/usr/bin/chromium";
const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">evil&amp;host';
const HOSTILE_LINE = 'GET /cgi-bin/.%2e/%2e%2e/bin/sh <script>window.__pwned2=1</script> "quoted"';
const PASSWORD = "correct horse battery staple";

function addUser(data: string, name: string, role: string, password = PASSWORD): void {
  const r = spawnSync(MAMORI, ["server", "user", "add", name, "--role", role, "--data", data], {
    input: `${password}\n`,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
}

/** Signs in through the form's own request (the CSRF cookie and field as a browser sends them). */
async function login(req: APIRequestContext, base: string, user: string, password: string): Promise<number> {
  const form = await (await req.get(`${base}/login`)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(form)?.[1] ?? "";
  const r = await req.post(`${base}/login`, { form: { csrf, user, password }, maxRedirects: 0 });
  return r.status();
}

test("dashboard in a real browser: login, the compromised host with its incident, hostile text shown as text, CSRF, roles, rate limit", {
  skip: fs.existsSync(CHROMIUM) ? false : "chromium (apt-get install chromium) is needed",
}, async (t) => {
  const base = tempDir(t, "mamori-dash-");
  const data = path.join(base, "data");
  const srv = await startServerProcess(t, ["--data", data]);
  const url = `https://127.0.0.1:${srv.port}`;
  addUser(data, "admin", "admin");
  addUser(data, "viewer", "viewer");
  addUser(data, "victim", "viewer");

  // The compromised fixture, pushed by the real CLI.
  const tok = (await run(["server", "token", "--data", data])).stdout.trim();
  const a = await run(
    [
      "audit",
      "--root",
      COMPROMISED,
      "--format",
      "json",
      "--push",
      url,
      "--token",
      tok,
      "--server-fingerprint",
      srv.fingerprint,
    ],
    { MAMORI_STATE_DIR: path.join(base, "agent") },
  );
  assert.equal(a.code, 1, a.stderr);
  const hostA = /as host ([0-9a-f]{32})/.exec(a.stderr)?.[1] as string;
  // A host that lies: markup in its name and in a log line quoted by an incident.
  const doc = JSON.parse(a.stdout);
  doc.host.hostname = HOSTILE_NAME;
  doc.incidents[0].timeline.push({ time: "2026-01-01T00:00:00Z", source: "access_log", text: HOSTILE_LINE });
  doc.findings[0].title = `<b>${HOSTILE_LINE}</b>`;
  // The page shows the keyed form in the reader's language: markup in its values is text too.
  doc.findings[0].message.title = {
    key: "hunt.persist.cron.title",
    params: { path: `<b>${HOSTILE_LINE}</b>`, line: 1 },
  };
  const tok2 = (await run(["server", "token", "--data", data])).stdout.trim();
  const enr = await call(srv.port, data, "POST", "/api/v1/enroll", {
    body: JSON.stringify({ token: tok2, hostname: "h" }),
  });
  const evil = enr.json as { hostId: string; credential: string };
  const pushed = await call(srv.port, data, "POST", `/api/v1/hosts/${evil.hostId}/reports`, {
    headers: { authorization: `Bearer ${evil.credential}` },
    body: JSON.stringify({ report: doc }),
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
  // The certificate is self-signed: the browser is told to accept it (agents pin it instead).
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${url}/`);
  assert.match(page.url(), /\/login$/);
  await page.fill("input[name=user]", "admin");
  await page.fill("input[name=password]", PASSWORD);
  await Promise.all([page.waitForURL(`${url}/`), page.click("button[type=submit]")]);
  const cookies = await ctx.cookies();
  const session = cookies.find((c) => c.name === "__Host-mamori_session");
  assert.ok(session?.httpOnly && session.secure && session.sameSite === "Strict");

  const rows = await page.locator("table.hosts tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute("data-host"),
      name: (tr.querySelector("a.host") as { textContent: string }).textContent,
      cells: Array.from(tr.querySelectorAll("td"), (td) =>
        (td as { textContent: string }).textContent.trim(),
      ),
    })),
  );
  const mine = rows.find((r) => r.id === hostA);
  assert.ok(mine, JSON.stringify(rows));
  assert.equal(mine.name, "web1");
  // The badge says the severity in the reader's words; the code stays on the element for scripts.
  assert.equal(mine.cells[1], "CRITICAL");
  assert.equal(mine.cells[2], String(doc.incidents.length));
  const hostile = rows.find((r) => r.id === evil.hostId);
  assert.equal(hostile?.name, HOSTILE_NAME);
  assert.equal(await page.locator("img").count(), 0);
  const dir = process.env.MAMORI_KEEP_SCREENSHOT ? fs.mkdtempSync("/tmp/mamori-dash-shot-") : base;
  await page.screenshot({ path: path.join(dir, "hosts.png"), fullPage: true });

  // Drill down to the hostile host's report: the log line and the title are text, nothing ran.
  await Promise.all([
    page.waitForURL(`${url}/hosts/${evil.hostId}`),
    page.click(`tr[data-host="${evil.hostId}"] a.host`),
  ]);
  assert.equal(await page.locator("h1.hostname").textContent(), HOSTILE_NAME);
  const timeline = await page.locator(".timeline code").allTextContents();
  assert.ok(timeline.includes(HOSTILE_LINE), JSON.stringify(timeline));
  assert.ok(
    (await page.locator("table.findings td").allTextContents()).includes(
      translator("en")("hunt.persist.cron.title", { path: `<b>${HOSTILE_LINE}</b>`, line: 1 }),
    ),
  );
  assert.equal(await page.locator("img, b").count(), 0);
  // The only scripts are the server's own chart files and the chart's (inert) JSON data.
  assert.deepEqual(
    await page
      .locator("script")
      .evaluateAll((els) => els.map((e) => e.getAttribute("src") ?? e.getAttribute("type"))),
    ["application/json", "/static/uplot.js", "/static/trends.js"],
  );
  assert.deepEqual(await page.evaluate(() => [window.__pwned, window.__pwned2]), [undefined, undefined]);
  await page.screenshot({ path: path.join(dir, "host.png"), fullPage: true });

  // The compromised host's page, in Japanese.
  await page.goto(`${url}/hosts/${hostA}?lang=ja`);
  assert.equal(await page.locator("html").getAttribute("lang"), "ja");
  assert.match((await page.locator("h2").first().textContent()) ?? "", /^インシデント \(1 件\)$/);
  assert.ok((await page.locator(".incident h3").count()) >= 1);
  assert.equal(await page.locator("p .sev").first().textContent(), "緊急");
  assert.equal(await page.locator("p .sev").first().getAttribute("data-severity"), "critical");
  const badges = await page.locator("table.findings .sev").allTextContents();
  assert.ok(
    badges.length > 0 && badges.every((b) => /^(緊急|重要|警告|注意|情報)$/.test(b)),
    badges.join(","),
  );
  // "Could not check" in words too: the area and reason codes stay as data attributes.
  const gaps = await page
    .locator("li[data-reason]")
    .evaluateAll((lis) =>
      lis.map((li) => ({ reason: li.getAttribute("data-reason"), text: (li.textContent ?? "").trim() })),
    );
  assert.ok(gaps.length > 0, "the fixture has areas it could not check");
  for (const g of gaps) {
    assert.ok(!g.text.endsWith(`— ${g.reason}`), `reason ${g.reason} shown as its code: ${g.text}`);
    assert.match(g.text, /[\u3040-\u30ff\u4e00-\u9fff]/, g.text);
  }
  await page.screenshot({ path: path.join(dir, "host-ja.png"), fullPage: true });
  await page.goto(`${url}/?lang=en`);

  // CSRF: a POST without the session's token is refused, and nothing is revoked.
  const noCsrf = await ctx.request.post(`${url}/hosts/${hostA}/revoke`, {
    form: { csrf: "forged" },
    maxRedirects: 0,
  });
  assert.equal(noCsrf.status(), 403);
  const key = (await run(["server", "api-key", "--data", data])).stdout.trim();
  const again = await run(["audit", "--root", COMPROMISED, "--push", url], {
    MAMORI_STATE_DIR: path.join(base, "agent"),
  });
  assert.equal(again.code, 1, again.stderr); // still enrolled
  // A viewer, with a valid token of its own session, cannot change anything.
  const vctx = await browser.newContext({ ignoreHTTPSErrors: true });
  assert.equal(await login(vctx.request, url, "viewer", PASSWORD), 303);
  const vpage = await (await vctx.request.get(`${url}/hosts/${hostA}`)).text();
  assert.ok(!vpage.includes("/revoke"));
  const vcsrf = /name="csrf" value="([^"]+)"/.exec(vpage)?.[1] ?? "";
  assert.ok(vcsrf);
  const vr = await vctx.request.post(`${url}/hosts/${hostA}/revoke`, {
    form: { csrf: vcsrf },
    maxRedirects: 0,
  });
  assert.equal(vr.status(), 403);
  await vctx.close();
  // The admin, through the page's own form: revoked, and the agent is refused from now on.
  await page.goto(`${url}/hosts/${hostA}`);
  await Promise.all([page.waitForURL(`${url}/hosts/${hostA}/revoke`), page.click("button.danger")]);
  assert.match((await page.locator("main").textContent()) ?? "", /Credentials revoked/);
  const refused = await run(["audit", "--root", COMPROMISED, "--push", url], {
    MAMORI_STATE_DIR: path.join(base, "agent"),
  });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /401 unauthorized/);
  assert.equal(
    (await call(srv.port, data, "GET", "/api/v1/hosts", { headers: { authorization: `Bearer ${key}` } }))
      .status,
    200,
  );

  // Login rate limit: after 5 wrong passwords for a user, even the right one is refused for a while.
  const rctx = await browser.newContext({ ignoreHTTPSErrors: true });
  for (let i = 0; i < 5; i++)
    assert.equal(await login(rctx.request, url, "victim", `wrong password ${i}`), 401);
  assert.equal(await login(rctx.request, url, "victim", PASSWORD), 429);
  // A login POST without the pre-session CSRF cookie is refused.
  const bare = await browser.newContext({ ignoreHTTPSErrors: true });
  const forged = await bare.request.post(`${url}/login`, {
    form: { csrf: "x", user: "admin", password: PASSWORD },
    maxRedirects: 0,
  });
  assert.equal(forged.status(), 403);
  await rctx.close();
  await bare.close();

  // Logout ends the session server-side.
  await page.goto(`${url}/`);
  await Promise.all([page.waitForURL(`${url}/login`), page.click("nav form button")]);
  await page.goto(`${url}/`);
  assert.match(page.url(), /\/login$/);
  assert.deepEqual(errors, []);
  if (process.env.MAMORI_KEEP_SCREENSHOT) process.stderr.write(`screenshots in ${dir}\n`);
});
