import type { Context, Hono } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Lang, Translator } from "../../i18n/index.ts";
import { translator } from "../../i18n/index.ts";
import { Coalescer } from "../fleet/coalesce.ts";
import { type ExportFormat, type ExportWhat, exportFile, exportOf } from "../fleet/export.ts";
import type { ServerStore } from "../store/db.ts";
import { apachePage, attackersPage, incidentsPage } from "../store/summaries.ts";
import type { Role } from "../store/users.ts";
import type { DashboardEnv } from "./routes.ts";
import { sevBadge } from "./severity-badge.ts";
import { when } from "./when.ts";

type H = HtmlEscapedString | Promise<HtmlEscapedString>;
type Who = { user: string; role: Role; csrf: string };
/** Rows on one page of a fleet view. */
export const PER_PAGE = 100;
/**
 * Hosts listed under one address on the attackers page (the earliest; the rest counted): an address seen
 * on a thousand hosts would otherwise be a thousand rows read and rendered for each view.
 */
export const HOSTS_PER_ADDRESS = 10;

/** What the fleet pages borrow from the dashboard: its page frame, session check, language and classes. */
export interface PageKit {
  store: ServerStore;
  page: (
    c: Context,
    lang: Lang,
    title: string,
    body: H,
    who?: Who,
    status?: number,
  ) => Response | Promise<Response>;
  session: (c: Context) => Promise<Who | undefined>;
  langOf: (c: Context) => Lang;
}

/**
 * The fleet pages (read only, any signed-in user): attackers seen on several hosts, the Apache inventory,
 * incidents across the fleet with their timelines, and the export. Every host-written value goes through
 * hono's `html` escaping; the JSON twins are under /api/v1/fleet and /api/v1/export.
 */
export function fleetPages(app: Hono<DashboardEnv>, k: PageKit): void {
  // Identical page data asked at once is read once (src/server/fleet/coalesce.ts); the page around it is
  // each user's own.
  const attackers = new Coalescer<Awaited<ReturnType<typeof attackersPage>>>();
  const incidents = new Coalescer<Awaited<ReturnType<typeof incidentsPage>>>();
  const guarded =
    (fn: (c: Context, lang: Lang, t: Translator, who: Who) => Promise<Response>) => async (c: Context) => {
      const s = await k.session(c);
      if (!s) return c.redirect("/login", 303);
      const lang = k.langOf(c);
      return fn(c, lang, translator(lang), s);
    };
  const hostLink = (id: string, name: string) => html`<a class="host" href="/hosts/${id}">${name}</a>`;
  // Rows of a fleet page: the per-host summaries, ordered and cut by the database, PER_PAGE at a time.
  const pageOf = (c: Context) => {
    const n = /^\d{1,6}$/.test(c.req.query("page") ?? "") ? Number(c.req.query("page")) : 1;
    const at = Math.max(1, n);
    return { at, limit: PER_PAGE, offset: (at - 1) * PER_PAGE };
  };
  const pager = (t: Translator, base: string, at: number, total: number) => {
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    return pages > 1
      ? html`<nav class="pages">${at > 1 ? html`<a rel="prev" href="${base}?page=${at - 1}">← ${t("dash.page.prev")}</a> ` : ""}${t("dash.page.of", { page: at, pages, total })}${at < pages ? html` <a rel="next" href="${base}?page=${at + 1}">${t("dash.page.next")} →</a>` : ""}</nav>`
      : "";
  };

  app.get(
    "/fleet/attackers",
    guarded(async (c, lang, t, s) => {
      const p = pageOf(c);
      const { total, attackers: list } = await attackers.run(`${p.offset}|${lang}`, () =>
        attackersPage(k.store, 2, p, HOSTS_PER_ADDRESS, t),
      );
      const body = html`<h1>${t("dash.attackers", { count: total })}</h1>
${
  list.length === 0
    ? html`<p>${t("dash.noAttackers")}</p>`
    : html`<table class="attackers"><thead><tr><th>${t("dash.col.ip")}</th><th>${t("dash.col.hostsSeen")}</th><th>${t("dash.col.outcome")}</th></tr></thead><tbody>
${list.map(
  (a) =>
    html`<tr data-ip="${a.ip}"><td><code class="ip">${a.ip}</code></td><td><ul class="seen">${a.hosts.map(
      (h) =>
        html`<li data-host="${h.hostId}">${hostLink(h.hostId, h.host)} ${when(h.firstSeen, "?")} – ${when(h.lastSeen, "?")}, ${h.requests}${h.outcome ? html`, ${h.outcome}` : ""}${h.attacks.length ? html` <small>${h.attacks.join(", ")}</small>` : ""}${h.incidents.length ? html`<br><small class="inc">${h.incidents.join(" / ")}</small>` : ""}</li>`,
    )}${(a.hostCount ?? 0) > a.hosts.length ? html`<li class="more">${t("dash.moreHosts", { count: (a.hostCount ?? 0) - a.hosts.length })}</li>` : ""}</ul></td><td>${a.outcome ?? ""}</td></tr>`,
)}
</tbody></table>`
}
${pager(t, "/fleet/attackers", p.at, total)}`;
      return k.page(c, lang, t("dash.nav.attackers"), body, s);
    }),
  );

  app.get(
    "/fleet/apache",
    guarded(async (c, lang, t, s) => {
      const p = pageOf(c);
      const { total, installations: rows } = await apachePage(k.store, p);
      const body = html`<h1>${t("dash.apache", { count: total })}</h1>
${
  rows.length === 0
    ? html`<p>${t("dash.noApache")}</p>`
    : html`<table class="apache"><thead><tr><th>${t("dash.col.host")}</th><th>${t("dash.col.version")}</th><th>${t("dash.col.package")}</th><th>${t("dash.col.exposed")}</th><th>${t("dash.col.cves")}</th><th>${t("dash.col.binary")}</th></tr></thead><tbody>
${rows.map(
  (
    r,
  ) => html`<tr data-host="${r.hostId}"><td>${hostLink(r.hostId, r.host)}</td><td class="nw">${r.version ?? "?"}</td>
<td>${r.package ?? t("dash.fromSource")}</td>
<td class="nw exposed-${r.exposed}">${t(`dash.exposed.${r.exposed}`)}${r.ports.length ? html` (${r.ports.join(", ")})` : ""}</td>
<td>${r.cves}${r.worstCve ? html` ${sevBadge(t, r.worstCve)}` : ""}</td><td><code>${r.binary}</code></td></tr>`,
)}
</tbody></table>`
}
${pager(t, "/fleet/apache", p.at, total)}`;
      return k.page(c, lang, t("dash.nav.apache"), body, s);
    }),
  );

  app.get(
    "/fleet/incidents",
    guarded(async (c, lang, t, s) => {
      const p = pageOf(c);
      const { total, incidents: list } = await incidents.run(`${p.offset}|${lang}`, () =>
        incidentsPage(k.store, p, t),
      );
      const body = html`<h1>${t("dash.fleetIncidents", { count: total })}</h1>
${
  list.length === 0
    ? html`<p>${t("dash.noIncidents")}</p>`
    : list.map(
        (
          i,
        ) => html`<article class="incident" data-host="${i.hostId}"><h3>${sevBadge(t, i.severity)} ${hostLink(i.hostId, i.host)}: ${i.title}</h3><p>${i.summary}</p>
<ol class="timeline">${i.timeline.map((e) => html`<li>${when(e.time, "?")} <span class="src">${e.source}</span> <code>${e.text}</code></li>`)}</ol></article>`,
      )
}
${pager(t, "/fleet/incidents", p.at, total)}`;
      return k.page(c, lang, t("dash.nav.incidents"), body, s);
    }),
  );

  app.get(
    "/export",
    guarded(async (c, lang, t, s) => {
      const link = (what: ExportWhat, f: ExportFormat) =>
        html`<a href="/export/${what}.${f}" download>${what}.${f}</a>`;
      const body = html`<h1>${t("dash.export")}</h1>
<ul class="export"><li>${t("dash.export.hosts")}: ${link("hosts", "json")} · ${link("hosts", "csv")}</li>
<li>${t("dash.export.findings")}: ${link("findings", "json")} · ${link("findings", "csv")} · ${link("findings", "sarif")}</li></ul>
<p>${t("dash.export.note")}</p>`;
      return k.page(c, lang, t("dash.export"), body, s);
    }),
  );

  app.get("/export/:file", async (c) => {
    if (!(await k.session(c))) return c.redirect("/login", 303);
    const m = exportOf(c.req.param("file"));
    if (!m) return c.text("not found", 404);
    // Finding titles in the reader's language, whatever each agent's was.
    const f = await exportFile(k.store, m.what, m.format, translator(k.langOf(c)));
    c.header("content-type", f.type);
    c.header("content-disposition", `attachment; filename="${f.name}"`);
    return c.body(f.body);
  });
}
