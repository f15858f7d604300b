import { timingSafeEqual } from "node:crypto";
import type { Context, Hono } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { isMessageKey, type Translator, translator } from "../../i18n/index.ts";
import { SSH_DEFAULTS } from "../../remote/ssh.ts";
import type { ServerSshKey } from "../pull/key.ts";
import {
  addPullTarget,
  listPullTargets,
  type PullTarget,
  PullTargetError,
  pullErrorOf,
} from "../pull/targets.ts";
import type { PageKit } from "./fleet.ts";
import type { DashboardEnv } from "./routes.ts";

/** "could not be checked: <reason>" of a target's last failed pull, in the reader's language. */
export function pullFailure(t: Translator, p: Pick<PullTarget, "last_error" | "target">): string | undefined {
  const e = pullErrorOf(p);
  if (!e) return undefined;
  const key = `remote.ssh.${e.kind}`;
  const reason = isMessageKey(key)
    ? t(key, {
        target: p.target,
        detail: e.detail,
        code: e.code,
        seconds: SSH_DEFAULTS.totalSeconds,
        max: SSH_DEFAULTS.maxOutputBytes,
      })
    : t("dash.pull.otherFailure", { kind: e.kind, detail: e.detail });
  return t("dash.pull.couldNotCheck", { reason });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * /pull: the agentless targets, the server's public SSH key to install on them, and (admins) a form to
 * register one (CSRF-checked, audit-logged as user:<name>).
 */
export function pullPages(
  app: Hono<DashboardEnv>,
  k: PageKit & { now: () => Date; sshKey?: () => ServerSshKey },
): void {
  const view = async (c: Context, error?: string, status = 200) => {
    const s = await k.session(c);
    if (!s) return c.redirect("/login", 303);
    const lang = k.langOf(c);
    const t = translator(lang);
    const targets = await listPullTargets(k.store);
    let pub: string | undefined;
    try {
      pub = k.sshKey?.().publicKey;
    } catch {
      pub = undefined;
    }
    const body = html`<h1>${t("dash.pull.title")}</h1>
<p>${t("dash.pull.keyNote")}</p>
${pub ? html`<pre class="pubkey">${pub}</pre>` : html`<p class="error">${t("dash.pull.noKey")}</p>`}
${error ? html`<p class="error" role="alert">${error}</p>` : ""}
${
  targets.length === 0
    ? html`<p>${t("dash.pull.none")}</p>`
    : html`<table class="pull"><thead><tr><th>${t("dash.pull.col.target")}</th><th>${t("dash.pull.col.schedule")}</th><th>${t("dash.pull.col.lastOk")}</th><th>${t("dash.pull.col.status")}</th></tr></thead><tbody>
${targets.map((p) => {
  const failure = pullFailure(t, p);
  return html`<tr data-host="${p.host_id}"><td><a class="host" href="/hosts/${p.host_id}">${p.target}</a>${p.sudo ? " (sudo)" : ""}</td>
<td>${p.cron ?? t("dash.pull.default")}</td><td>${p.last_ok_at ?? t("dash.never")}</td>
<td>${failure ? html`<span class="error pull-failure">${failure}</span>` : p.last_attempt_at ? t("dash.pull.ok") : t("dash.pull.pending")}</td></tr>`;
})}
</tbody></table>`
}
${
  s.role === "admin"
    ? html`<h2>${t("dash.pull.add")}</h2>
<form method="post" action="/pull" class="pull-add">
<input type="hidden" name="csrf" value="${s.csrf}">
<label>${t("dash.pull.col.target")} <input name="target" required maxlength="300" placeholder="ssh://root@web1.example.jp:22"></label>
<label>${t("dash.pull.cron")} <input name="cron" maxlength="100" placeholder="0 */6 * * *"></label>
<label><input type="checkbox" name="sudo" value="1"> ${t("dash.pull.sudo")}</label>
<button type="submit">${t("dash.pull.add")}</button>
</form>`
    : ""
}`;
    return k.page(c, lang, t("dash.pull.title"), body as HtmlEscapedString, s, status);
  };

  app.get("/pull", (c) => view(c));

  app.post("/pull", async (c) => {
    const s = await k.session(c);
    if (!s) return c.redirect("/login", 303);
    const lang = k.langOf(c);
    const t = translator(lang);
    const form = await c.req.parseBody();
    if (s.role !== "admin" || typeof form.csrf !== "string" || !same(form.csrf, s.csrf))
      return k.page(c, lang, "403", html`<p class="error">${t("dash.forbidden")}</p>`, s, 403);
    const target = typeof form.target === "string" ? form.target.trim().slice(0, 300) : "";
    const cron =
      typeof form.cron === "string" && form.cron.trim() ? form.cron.trim().slice(0, 101) : undefined;
    try {
      await addPullTarget(k.store, target, {
        sudo: form.sudo === "1",
        cron,
        actor: `user:${s.user}`,
        now: k.now(),
      });
    } catch (err) {
      if (!(err instanceof PullTargetError)) throw err;
      return view(
        c,
        err.reason === "badTarget"
          ? t("server.pull.badTarget", { target })
          : err.reason === "badCron"
            ? t("server.pull.badCron", { cron: cron ?? "" })
            : t("server.pull.exists", { target }),
        400,
      );
    }
    return c.redirect("/pull", 303);
  });
}
