import type { CheckContext } from "../../src/core/context.ts";
import type { ReportDocument } from "../../src/core/document.ts";
import type { Finding } from "../../src/core/finding.ts";
import { strictMsg } from "../../src/core/message.ts";
import { type Lang, translator } from "../../src/i18n/index.ts";
import {
  type RenderedDocument,
  type RenderedFinding,
  renderDocument,
  renderFinding,
} from "../../src/report/localize.ts";

/** A check context whose messages throw when used as strings (a template literal over a Msg fails the test). */
export function checkCtx(now: () => Date = () => new Date(0), lang: Lang = "en"): CheckContext {
  return { now, lang, t: strictMsg };
}

/** Findings as a reader sees them, in `lang`. */
export function rendered(findings: Finding[], lang: Lang = "en"): RenderedFinding[] {
  const t = translator(lang);
  return findings.map((f) => renderFinding(f, t));
}

export function renderedDoc(doc: ReportDocument, lang: Lang = "en"): RenderedDocument {
  return renderDocument(doc, translator(lang));
}
