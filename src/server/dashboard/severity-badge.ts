import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { SEVERITIES, type Severity } from "../../core/finding.ts";
import type { Translator } from "../../i18n/index.ts";

const isSeverity = (s: string | null | undefined): s is Severity =>
  typeof s === "string" && (SEVERITIES as readonly string[]).includes(s);

/** The CSS class of a severity; a value a host wrote that is no severity gets the plain badge. */
export function sevClass(s: string | null | undefined): string {
  return isSeverity(s) ? `sev sev-${s}` : "sev";
}

/**
 * A severity badge in the reader's language ("緊急" for critical in Japanese). Stored rows keep the code; a
 * value that is no known severity (a host wrote it) is shown as escaped text, `none` when there is nothing.
 */
export function sevBadge(
  t: Translator,
  s: string | null | undefined,
  none = "",
): HtmlEscapedString | Promise<HtmlEscapedString> {
  if (s === null || s === undefined) return html`<span class="sev">${none}</span>`;
  const label = isSeverity(s) ? t(`severity.${s}`) : s;
  return html`<span class="${sevClass(s)}" data-severity="${s}">${label}</span>`;
}
