import type { CheckContext } from "../core/context.ts";
import type { Incident } from "../core/document.ts";
import type { Finding } from "../core/finding.ts";

/** Joins findings from independent sources into incidents with a timeline. Pure: no I/O. */
export function correlate(_findings: Finding[], _ctx: CheckContext): Incident[] {
  return [];
}
