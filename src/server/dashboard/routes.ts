import { randomBytes, timingSafeEqual } from "node:crypto";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { SEVERITIES, type Severity } from "../../core/finding.ts";
import { type Lang, type MessageKey, type Translator, translator } from "../../i18n/index.ts";
import { areaText, prose } from "../../report/localize.ts";
import { reasonText } from "../../report/verdict.ts";
import { severityTrend } from "../fleet/trends.ts";
import { keyedOf } from "../fleet/views.ts";
import { DUMMY_HASH, verifyPassword } from "../password.ts";
import type { ServerSshKey } from "../pull/key.ts";
import { listPullTargets, pullTargetOf, removePullTarget } from "../pull/targets.ts";
import { FailureLimit } from "../rate-limit.ts";
import type { ServerStore } from "../store/db.ts";
import { getHost, hostCount, latestReport, listHosts, revokeHost } from "../store/repo.ts";
import { createSession, endSession, type Role, SESSION_MS, sessionOf, userByName } from "../store/users.ts";
import { fleetPages } from "./fleet.ts";
import { pullFailure, pullPages } from "./pull.ts";
import { sevBadge } from "./severity-badge.ts";
import { STYLE } from "./style.ts";
import { chartAsset, trendChart } from "./trend-chart.ts";
import { when } from "./when.ts";

/**
 * The dashboard: server-rendered HTML in Japanese or English, no script at all. Every host-supplied string
 * (host names, finding titles, log lines quoted in incidents) goes through hono's `html` template, which
 * escapes it; the Content-Security-Policy allows no script and only our own stylesheet.
 *
 * Sessions: a random id in a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, Path=/), stored hashed;
 * every POST carries the session's CSRF token (login carries a pre-session one, double-submitted).
 * Failed logins are limited per client address and per user name.
 */
export interface DashboardEnv {
  /** From the socket: the client's address, and whether its certificate verified (--tls-client-ca). */
  Bindings: { peer: string; clientCertVerified?: boolean };
}

const SESSION = "__Host-mamori_session";
const LOGIN_CSRF = "__Host-mamori_login";
const HOST_ID = /^[0-9a-f]{32}$/;
/** Hosts on one page of the list (the database orders and cuts it). */
export const HOSTS_PER_PAGE = 100;
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type H = HtmlEscapedString | Promise<HtmlEscapedString>;

function langOf(c: Context): Lang {
  const q = c.req.query("lang");
  if (q === "ja" || q === "en") {
    setCookie(c, "mamori_lang", q, { path: "/", sameSite: "Strict", secure: true, maxAge: 365 * 86400 });
    return q;
  }
  const k = getCookie(c, "mamori_lang");
  if (k === "ja" || k === "en") return k;
  return (c.req.header("accept-language") ?? "").toLowerCase().startsWith("ja") ? "ja" : "en";
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function dashboardRoutes(deps: {
  store: ServerStore;
  now: () => Date;
  /** The server's SSH key for agentless pulls (its public half is shown on /pull). */
  sshKey?: () => ServerSshKey;
}): Hono<DashboardEnv> {
  const { store, now } = deps;
  const app = new Hono<DashboardEnv>();
  const byPeer = new FailureLimit(10, 15 * 60_000);
  const byUser = new FailureLimit(5, 15 * 60_000);

  app.use("*", async (c, next) => {
    await next();
    // A page with a chart set its own (scripts from this server only); every other page runs none.
    if (!c.res.headers.has("content-security-policy")) c.header("content-security-policy", CSP);
    c.header("referrer-policy", "no-referrer");
    c.header("x-frame-options", "DENY");
    c.header("cache-control", "no-store");
  });

  const page = (
    c: Context,
    lang: Lang,
    title: string,
    body: H,
    who?: { user: string; role: Role; csrf: string },
    status = 200,
  ) => {
    const t = translator(lang);
    return c.html(
      html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${t("dash.title")}</title><link rel="stylesheet" href="/static/style.css"></head>
<body>
<header><a class="brand" href="/">${t("dash.title")}</a>
<nav><a href="/">${t("dash.nav.hosts")}</a> <a href="/fleet/attackers">${t("dash.nav.attackers")}</a> <a href="/fleet/apache">${t("dash.nav.apache")}</a> <a href="/fleet/incidents">${t("dash.nav.incidents")}</a> <a href="/export">${t("dash.nav.export")}</a> <a href="/trends">${t("dash.nav.trends")}</a> <a href="/pull">${t("dash.nav.pull")}</a>
<a href="?lang=ja" lang="ja">日本語</a> <a href="?lang=en" lang="en">English</a>
${
  who
    ? html`<span class="who">${t("dash.signedInAs", { user: who.user, role: who.role })}</span>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${who.csrf}"><button>${t("dash.logout")}</button></form>`
    : ""
}</nav></header>
<main>${body}</main>
</body></html>`,
      status as 200,
    );
  };

  const session = async (c: Context) => {
    const id = getCookie(c, SESSION);
    return id ? sessionOf(store, id, now()) : undefined;
  };

  app.get("/static/:asset{(?:uplot\\.js|uplot\\.css|trends\\.js)}", (c) => {
    return chartAsset(c, c.req.param("asset")) ?? c.text("not found", 404);
  });

  app.get("/trends", async (c) => {
    const s = await session(c);
    if (!s) return c.redirect("/login", 303);
    const lang = langOf(c);
    const t = translator(lang);
    const trend = await severityTrend(store, { now: now() });
    return page(
      c,
      lang,
      t("dash.nav.trends"),
      html`<h1>${t("dash.nav.trends")}</h1>${trendChart(c, t, "trend-fleet", trend)}`,
      s,
    );
  });

  app.get("/static/style.css", (c) => {
    c.header("content-type", "text/css; charset=utf-8");
    return c.body(STYLE);
  });

  const loginPage = (c: Context, lang: Lang, error?: MessageKey, status = 200) => {
    const t = translator(lang);
    const token = randomBytes(32).toString("base64url");
    setCookie(c, LOGIN_CSRF, token, {
      path: "/",
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
      maxAge: 3600,
    });
    return page(
      c,
      lang,
      t("dash.login"),
      html`<h1>${t("dash.login")}</h1>
${error ? html`<p class="error" role="alert">${t(error)}</p>` : ""}
<form method="post" action="/login" class="login">
<input type="hidden" name="csrf" value="${token}">
<label>${t("dash.user")} <input name="user" autocomplete="username" required maxlength="64"></label>
<label>${t("dash.password")} <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
<button type="submit">${t("dash.login")}</button>
</form>`,
      undefined,
      status,
    );
  };

  app.get("/login", (c) => loginPage(c, langOf(c)));

  app.post("/login", async (c) => {
    const lang = langOf(c);
    const form = await c.req.parseBody();
    const csrf = typeof form.csrf === "string" ? form.csrf : "";
    const cookie = getCookie(c, LOGIN_CSRF) ?? "";
    if (!cookie || !same(csrf, cookie))
      return page(
        c,
        lang,
        "403",
        html`<p class="error">${translator(lang)("dash.forbidden")}</p>`,
        undefined,
        403,
      );
    const user = typeof form.user === "string" ? form.user.slice(0, 64) : "";
    const password = typeof form.password === "string" ? form.password.slice(0, 1024) : "";
    const peer = c.env?.peer ?? "?";
    const at = now().getTime();
    // Each attempt is counted as a failure before it is judged (before any await), so attempts sent at
    // once are limited like attempts sent one after another; a success gives its count back.
    if (!byPeer.take(peer, at)) return loginPage(c, lang, "dash.loginLimited", 429);
    if (!byUser.take(user, at)) {
      byPeer.release(peer, at);
      return loginPage(c, lang, "dash.loginLimited", 429);
    }
    const u = await userByName(store, user);
    const ok = await verifyPassword(password, u?.password ?? DUMMY_HASH);
    if (!u || !ok) return loginPage(c, lang, "dash.loginFailed", 401);
    byPeer.release(peer, at);
    byUser.clear(user);
    const s = await createSession(store, u.name, now());
    deleteCookie(c, LOGIN_CSRF, { path: "/", secure: true });
    setCookie(c, SESSION, s.id, {
      path: "/",
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
      maxAge: SESSION_MS / 1000,
    });
    return c.redirect("/", 303);
  });

  app.post("/logout", async (c) => {
    const s = await session(c);
    const form = await c.req.parseBody();
    if (!s || typeof form.csrf !== "string" || !same(form.csrf, s.csrf)) return c.text("403", 403);
    await endSession(store, s.idHash);
    deleteCookie(c, SESSION, { path: "/", secure: true });
    return c.redirect("/login", 303);
  });

  app.get("/", async (c) => {
    const s = await session(c);
    if (!s) return c.redirect("/login", 303);
    const lang = langOf(c);
    const t = translator(lang);
    const pageNo = /^\d{1,6}$/.test(c.req.query("page") ?? "") ? Number(c.req.query("page")) : 1;
    const at = Math.max(1, pageNo);
    const total = await hostCount(store);
    const hosts = await listHosts(store, { limit: HOSTS_PER_PAGE, offset: (at - 1) * HOSTS_PER_PAGE });
    const pages = Math.max(1, Math.ceil(total / HOSTS_PER_PAGE));
    const failures = new Map(
      (await listPullTargets(store)).map((p) => [p.host_id, pullFailure(t, p)] as const),
    );
    const body = html`<h1>${t("dash.hosts")}</h1>
${
  hosts.length === 0
    ? html`<p>${t("dash.noHosts")}</p>`
    : html`<table class="hosts"><thead><tr><th>${t("dash.col.host")}</th><th>${t("dash.col.worst")}</th><th>${t("dash.col.incidents")}</th><th>${t("dash.col.lastScan")}</th></tr></thead><tbody>
${hosts.map(
  (
    h,
  ) => html`<tr data-host="${h.id}"><td><a class="host" href="/hosts/${h.id}">${h.name}</a>${failures.get(h.id) ? html`<br><small class="error pull-failure">${failures.get(h.id)}</small>` : ""}</td>
<td>${sevBadge(t, h.worstSeverity, t("dash.none"))}</td>
<td class="num">${h.incidents}</td><td>${when(h.lastScanAt, t("dash.never"))}</td></tr>`,
)}
</tbody></table>`
}
${
  pages > 1
    ? html`<nav class="pages">${at > 1 ? html`<a rel="prev" href="/?page=${at - 1}">← ${t("dash.page.prev")}</a> ` : ""}${t("dash.page.of", { page: at, pages, total })}${at < pages ? html` <a rel="next" href="/?page=${at + 1}">${t("dash.page.next")} →</a>` : ""}</nav>`
    : ""
}`;
    return page(c, lang, t("dash.hosts"), body, s);
  });

  app.get("/hosts/:id", async (c) => {
    const s = await session(c);
    if (!s) return c.redirect("/login", 303);
    const lang = langOf(c);
    const t = translator(lang);
    const id = c.req.param("id");
    const host = HOST_ID.test(id) ? await getHost(store, id) : undefined;
    if (!host) return page(c, lang, "404", html`<p>${t("dash.notFound")}</p>`, s, 404);
    const doc = (await latestReport(store, id)) as ReportView | undefined;
    const pulled = await pullTargetOf(store, id);
    const failure = pulled ? pullFailure(t, pulled) : undefined;
    // The report is stored rendered in the agent's language; its keyed texts are shown in the reader's.
    const say = (
      x: { message?: unknown },
      field: "title" | "summary" | "source" | "text",
      rendered: string,
    ) => inLang(x, field, rendered, t);
    const findings = [...(doc?.findings ?? [])].sort(
      (a, b) => SEVERITIES.indexOf(a.severity as Severity) - SEVERITIES.indexOf(b.severity as Severity),
    );
    const body = html`<p><a href="/">← ${t("dash.back")}</a></p>
<h1 class="hostname">${host.name}</h1>
<p>${sevBadge(t, host.worstSeverity, t("dash.none"))} · ${t("dash.col.lastScan")}: ${when(host.lastScanAt, t("dash.never"))}${doc?.host?.os ? html` · ${doc.host.os}` : ""}</p>
${pulled ? html`<p class="pulled">${t("dash.pull.pulledFrom", { target: pulled.target })}</p>` : ""}
${failure ? html`<p class="error pull-failure" role="alert">${failure}</p>` : ""}
${
  !doc
    ? html`<p>${t("dash.noReport")}</p>`
    : html`<section><h2>${t("dash.incidents", { count: doc.incidents?.length ?? 0 })}</h2>
${(doc.incidents ?? []).slice(0, 200).map(
  (
    i,
  ) => html`<article class="incident"><h3>${sevBadge(t, i.severity)} ${say(i, "title", i.title)}</h3><p>${say(i, "summary", i.summary)}</p>
<ol class="timeline">${(i.timeline ?? []).slice(0, 200).map((e) => html`<li>${when(e.time, "?")} <span class="src">${say(e, "source", e.source)}</span> <code>${say(e, "text", e.text)}</code></li>`)}</ol></article>`,
)}</section>
<section><h2>${t("dash.findings", { count: findings.length })}</h2>
<table class="findings"><thead><tr><th>${t("dash.col.severity")}</th><th>${t("dash.col.finding")}</th><th>${t("dash.col.check")}</th></tr></thead><tbody>
${findings.slice(0, 2000).map((f) => html`<tr><td>${sevBadge(t, f.severity)}</td><td>${say(f, "title", f.title)}</td><td><code>${f.check}</code></td></tr>`)}
</tbody></table></section>
<section><h2>${t("dash.notChecked", { count: doc.notChecked?.length ?? 0 })}</h2><ul>
${(doc.notChecked ?? []).slice(0, 500).map((n) => html`<li data-area="${n.area}" data-reason="${n.reason}"><strong>${areaText(n.area, t)}</strong>${n.path ? html` <code>${n.path}</code>` : ""} — ${n.detail === undefined ? reasonText(n.reason, t) : inLang(n, "detail", n.detail, t)}</li>`)}
</ul></section>`
}
${trendChart(c, t, "trend-host", await severityTrend(store, { now: now(), hostId: id }))}
${
  // A pulled host has no credential to revoke: the server logs in to it. Its control stops the pulling.
  s.role !== "admin"
    ? ""
    : pulled
      ? html`<form method="post" action="/hosts/${host.id}/pull-remove"><input type="hidden" name="csrf" value="${s.csrf}"><button class="danger">${t("dash.pull.remove")}</button></form>`
      : html`<form method="post" action="/hosts/${host.id}/revoke"><input type="hidden" name="csrf" value="${s.csrf}"><button class="danger">${t("dash.revoke")}</button></form>`
}`;
    return page(c, lang, host.name, body, s);
  });

  fleetPages(app, { store, page, session, langOf });
  pullPages(app, { store, page, session, langOf, now, sshKey: deps.sshKey });

  // Stops pulling an agentless host (admin, CSRF-checked; "pull.remove" in the audit log as user:<name>).
  app.post("/hosts/:id/pull-remove", async (c) => {
    const s = await session(c);
    const lang = langOf(c);
    const t = translator(lang);
    if (!s) return c.redirect("/login", 303);
    const form = await c.req.parseBody();
    if (s.role !== "admin" || typeof form.csrf !== "string" || !same(form.csrf, s.csrf))
      return page(c, lang, "403", html`<p class="error">${t("dash.forbidden")}</p>`, s, 403);
    const id = c.req.param("id");
    const target = HOST_ID.test(id) ? await pullTargetOf(store, id) : undefined;
    if (!target || !(await removePullTarget(store, id, { actor: `user:${s.user}`, now: now() })))
      return page(c, lang, "404", html`<p>${t("dash.notFound")}</p>`, s, 404);
    const done = t("server.pull.removed", { target: target.target });
    return page(c, lang, done, html`<p>${done}</p><p><a href="/">${t("dash.back")}</a></p>`, s);
  });

  app.post("/hosts/:id/revoke", async (c) => {
    const s = await session(c);
    const lang = langOf(c);
    const t = translator(lang);
    if (!s) return c.redirect("/login", 303);
    const form = await c.req.parseBody();
    if (s.role !== "admin" || typeof form.csrf !== "string" || !same(form.csrf, s.csrf))
      return page(c, lang, "403", html`<p class="error">${t("dash.forbidden")}</p>`, s, 403);
    const id = c.req.param("id");
    if (!HOST_ID.test(id) || !(await revokeHost(store, id, now(), `user:${s.user}`)))
      return page(c, lang, "404", html`<p>${t("dash.notFound")}</p>`, s, 404);
    return page(
      c,
      lang,
      t("dash.revokedDone"),
      html`<p>${t("dash.revokedDone")}</p><p><a href="/">${t("dash.back")}</a></p>`,
      s,
    );
  });

  return app;
}

/** A stored text field in the reader's language: its keyed form rendered, else the agent's rendering. */
function inLang(x: { message?: unknown }, field: string, rendered: string, t: Translator): string {
  const k = keyedOf(x as Record<string, unknown>, field);
  return k === undefined ? rendered : prose(k, t);
}

/** The parts of a stored report the host page shows (a loose view: the document was validated on ingest). */
interface ReportView {
  host?: { os?: string };
  findings?: Array<{ severity: string; title: string; check: string; message?: unknown }>;
  incidents?: Array<{
    severity: string;
    title: string;
    summary: string;
    message?: unknown;
    timeline?: Array<{ time: string; source: string; text: string; message?: unknown }>;
  }>;
  notChecked?: Array<{ area: string; path?: string; reason: string; detail?: string; message?: unknown }>;
}
