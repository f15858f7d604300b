import type { ReportDocument } from "../../core/document.ts";
import type { Finding } from "../../core/finding.ts";
import { isLiteral, renderText, type Text } from "../../core/message.ts";
import type { ReportSections } from "../../core/sections/index.ts";
import type { Translator } from "../../i18n/index.ts";
import { jsonSafe } from "../escape.ts";
import { contractDocument, contractFinding, contractNotChecked, renderEvidence } from "../localize.ts";
import type { Renderer } from "../types.ts";
import { batched, jsonPieces, LazyList } from "./json-stream.ts";

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

/**
 * The JSON document in pieces, in the order `JSON.stringify` writes it: each finding is rendered in the
 * report's language when it is written, so a report with tens of thousands of them is never held twice.
 */
function* jsonDocument(doc: ReportDocument, t: Translator): Generator<string> {
  const contract = contractDocument({ ...doc, findings: [] }, t) as Record<string, unknown>;
  const value = {
    ...contract,
    findings: new LazyList(doc.findings.length, (i) => contractFinding(doc.findings[i] as Finding, t)),
    sections: contractSections(doc.sections, t),
  };
  for (const piece of batched(jsonPieces(value))) yield jsonSafe(piece);
  yield "\n";
}

export const json: Renderer = {
  name: "json",
  render(doc: ReportDocument, opts) {
    return [...jsonDocument(doc, opts.t)].join("");
  },
  pieces: (doc, opts) => jsonDocument(doc, opts.t),
};
