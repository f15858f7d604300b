import type { MessageKey, Translator } from "../i18n/index.ts";
import { escapeTerminal as esc } from "../report/escape.ts";
import type { Action, ActionResult } from "./types.ts";

export function actionText(a: Action, t: Translator): string {
  switch (a.kind) {
    case "kill":
      return t("respond.action.kill", { pid: a.pid, exe: esc(a.exe ?? "?"), start: esc(a.startTime ?? "?") });
    case "quarantine":
      return t("respond.action.quarantine", { path: esc(a.path) });
    case "disable-cron":
      return t("respond.action.disable-cron", { path: esc(a.path), line: a.line });
    case "disable-unit":
      return t("respond.action.disable-unit", { name: esc(a.name) });
  }
}

export function reasonText(reason: string | undefined, detail: string | undefined, t: Translator): string {
  const key = `respond.reason.${reason}`;
  const known = reason && Object.hasOwn(REASONS, reason) ? t(key as MessageKey) : undefined;
  return [known, detail ? esc(detail) : undefined].filter(Boolean).join(": ");
}

const REASONS = Object.fromEntries(
  [
    "pid-gone",
    "pid-reused",
    "no-start-time",
    "no-exe",
    "not-live",
    "missing",
    "not-regular",
    "no-line",
    "already",
    "exists",
    "in-place",
    "changed",
    "incomplete",
    "bad-name",
    "superseded",
    "evidence",
    "link",
    "unsafe-dir",
    "other-root",
    "bad-manifest",
    "too-large",
    "corrupt",
    "marker-gone",
    "protected-system",
    "protected-package",
    "protected-apache",
    "low-confidence",
    "program-of-others",
    "quarantine-too-large",
  ].map((r) => [r, true]),
);

/** One line per action, every value from the report or the system escaped for the terminal. */
export function renderResults(results: ActionResult[], apply: boolean, t: Translator): string {
  const out = [apply ? t("respond.applied") : t("respond.dryRun")];
  for (const r of results) {
    const status = t(`respond.status.${r.status}`);
    const finding = r.action.findingId ? `  [${esc(r.action.findingId)}]` : "";
    out.push(`  ${status}: ${actionText(r.action, t)}${finding}`);
    if (r.status === "planned" && r.action.kind === "disable-cron" && r.detail)
      out.push(`      ${esc(r.detail)}`);
    if (r.status === "refused" || r.status === "failed" || r.status === "skipped")
      out.push(`      ${reasonText(r.reason, r.detail, t)}`);
    if (r.entryId) out.push(`      ${t("respond.restoreHint", { id: r.entryId })}`);
    if (r.evidenceId) out.push(`      ${t("respond.evidenceKept", { id: r.evidenceId })}`);
    if (r.status === "done" && r.detail) out.push(`      ${esc(r.detail)}`);
    if (r.status === "done" && r.action.kind === "disable-unit")
      out.push(`      ${t("respond.unitHint", { name: esc(r.action.name) })}`);
  }
  return `${out.join("\n")}\n`;
}
