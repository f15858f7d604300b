import type { ReportDocument } from "../core/document.ts";
import { atLeast, type Severity } from "../core/finding.ts";
import { renderText } from "../core/message.ts";
import { isMessageKey, type Translator } from "../i18n/index.ts";
import { type CoverageItem, coverageOf, gapsOf } from "./coverage.ts";
import type { RenderedDocument, RenderedFinding } from "./localize.ts";

/** `incomplete`: nothing found at or above the threshold, but a question could not be answered. */
export type Verdict = "safe" | "incomplete" | "at-risk" | "act-now";

/**
 * "Act now" needs a critical finding or a high one we are fairly sure of; a possible high is "at risk".
 * With nothing to report, `gaps` (questions the scan could not answer) make it "incomplete", never "safe".
 */
export function verdictOf(
  findings: RenderedFinding[],
  threshold: Severity,
  gaps = 0,
): { verdict: Verdict; count: number } {
  const relevant = findings.filter((f) => atLeast(f.severity, threshold));
  const urgent = relevant.filter(
    (f) => f.severity === "critical" || (f.severity === "high" && f.confidence !== "possible"),
  );
  if (urgent.length > 0) return { verdict: "act-now", count: urgent.length };
  if (relevant.length > 0) return { verdict: "at-risk", count: relevant.length };
  if (gaps > 0) return { verdict: "incomplete", count: gaps };
  return { verdict: "safe", count: 0 };
}

/** A question not answered, in words, with how to answer it. */
export function gapText(g: CoverageItem, t: Translator): string {
  const gap = renderText(g.text, t);
  return g.how ? t("verdict.gapHow", { gap, how: renderText(g.how, t) }) : gap;
}

/** The headline: what to do, or that nothing was found, or which question stayed open and how to answer it. */
export function verdictLine(doc: RenderedDocument, threshold: Severity, t: Translator): string {
  const gaps = gapsOf(doc);
  const { verdict, count } = verdictOf(doc.findings, threshold, gaps.length);
  if (verdict === "act-now") return t("verdict.actNow", { count });
  if (verdict === "at-risk") return t("verdict.atRisk", { count });
  if (verdict === "incomplete" && gaps[0])
    return t("verdict.incomplete", {
      gap: gapText(gaps[0], t),
      more: gaps.length > 1 ? t("verdict.moreGaps", { count: gaps.length - 1 }) : "",
    });
  return t("verdict.safe", { threshold: t(`severity.${threshold}`) });
}

/**
 * The lines under the headline that say what was checked, so a clean result can be judged: one per
 * Apache installation and its configuration, the logs read (with line counts), and the processes seen.
 */
export function coverageLines(
  doc: Pick<ReportDocument | RenderedDocument, "sections" | "host" | "notChecked">,
  t: Translator,
): string[] {
  const items = coverageOf(doc);
  if (items.length === 0) return [];
  return [
    `${t("coverage.title")}:`,
    ...items.map(
      (c) =>
        `  - [${t(`coverage.state.${c.state}`)}] ${c.state === "checked" || c.state === "not-live" ? renderText(c.text, t) : gapText(c, t)}`,
    ),
  ];
}

export function reasonText(reason: string, t: Translator): string {
  const key = `reason.${reason}`;
  return isMessageKey(key) ? t(key) : reason;
}
