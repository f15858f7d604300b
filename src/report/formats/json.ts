import type { ReportDocument } from "../../core/document.ts";
import { isLiteral, renderText, type Text } from "../../core/message.ts";
import type { ReportSections } from "../../core/sections/index.ts";
import type { Translator } from "../../i18n/index.ts";
import { jsonOutput } from "../escape.ts";
import { contractDocument, contractNotChecked, renderEvidence } from "../localize.ts";
import type { Renderer } from "../types.ts";

/**
 * Sections that quote findings or notes (diff, history) as the contract has them elsewhere: text
 * rendered in the report's language, its keyed form beside it in `message`.
 */
function contractSections(s: ReportSections, t: Translator): ReportSections {
  const out = { ...s };
  if (s.diff)
    out.diff = {
      ...s.diff,
      new: s.diff.new.map((f) => contractRow(f, t)),
      resolved: s.diff.resolved.map((f) => contractRow(f, t)),
      changed: s.diff.changed.map((c) => ({
        ...c,
        before: { ...c.before, evidence: c.before.evidence.map((e) => renderEvidence(e, t)) },
      })),
    };
  if (s.history)
    out.history = {
      ...s.history,
      scans: s.history.scans.map((x) => ({
        ...x,
        notChecked: x.notChecked.map((n) => contractNotChecked(n, t) as (typeof x.notChecked)[number]),
      })),
    };
  return out;
}

function contractRow<T extends { title: Text }>(f: T, t: Translator): T {
  return {
    ...f,
    title: renderText(f.title, t),
    ...(isLiteral(f.title) ? {} : { message: { title: f.title } }),
  };
}

export const json: Renderer = {
  name: "json",
  render(doc: ReportDocument, opts) {
    const contract = contractDocument(doc, opts.t) as Record<string, unknown>;
    return jsonOutput({ ...contract, sections: contractSections(doc.sections, opts.t) });
  },
};
