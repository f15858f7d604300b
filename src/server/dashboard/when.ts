import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { localizeTime } from "../../report/time-format.ts";

/**
 * A stored time as people read it on the fleet pages: "2026-11-20 03:14:05 UTC", one form everywhere,
 * the machine-readable ISO in `datetime`. UTC because one page shows hosts in many zones. A value that
 * is not a mamori UTC timestamp (hosts write these) is shown as the text it is, escaped.
 */
export function when(
  iso: string | null | undefined,
  missing: string,
): HtmlEscapedString | Promise<HtmlEscapedString> {
  if (iso == null || iso === "") return html`${missing}`;
  return html`<time datetime="${iso}">${localizeTime(iso)}</time>`;
}
