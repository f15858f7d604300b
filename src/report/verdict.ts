import { atLeast, type Severity } from "../core/finding.ts";
import { isMessageKey, type Translator } from "../i18n/index.ts";
import type { RenderedDocument, RenderedFinding } from "./localize.ts";

export type Verdict = "safe" | "at-risk" | "act-now";

/** "Act now" needs a critical finding or a high one we are fairly sure of; a possible high is "at risk". */
export function verdictOf(
  findings: RenderedFinding[],
  threshold: Severity,
): { verdict: Verdict; count: number } {
  const relevant = findings.filter((f) => atLeast(f.severity, threshold));
  const urgent = relevant.filter(
    (f) => f.severity === "critical" || (f.severity === "high" && f.confidence !== "possible"),
  );
  if (urgent.length > 0) return { verdict: "act-now", count: urgent.length };
  if (relevant.length > 0) return { verdict: "at-risk", count: relevant.length };
  return { verdict: "safe", count: 0 };
}

export function verdictLine(doc: RenderedDocument, threshold: Severity, t: Translator): string {
  const { verdict, count } = verdictOf(doc.findings, threshold);
  if (verdict === "act-now") return t("verdict.actNow", { count });
  if (verdict === "at-risk") return t("verdict.atRisk", { count });
  return t("verdict.safe", { threshold: t(`severity.${threshold}`) });
}

export function reasonText(reason: string, t: Translator): string {
  const key = `reason.${reason}`;
  return isMessageKey(key) ? t(key) : reason;
}
