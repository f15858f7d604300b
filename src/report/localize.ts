import type { NotChecked } from "../core/diagnostics.ts";
import type { Incident, ReportDocument, TimelineEntry } from "../core/document.ts";
import type { Evidence, Finding } from "../core/finding.ts";
import { isLiteral, renderText, type Text } from "../core/message.ts";
import { isMessageKey, type Translator } from "../i18n/index.ts";

/**
 * Findings and incidents hold keyed text (core/message.ts); a renderer first turns the whole document
 * into strings in the reader's language, so no renderer can print a key or an object by mistake.
 */
export type RenderedEvidence = Omit<Evidence, "label" | "value"> & { label?: string; value?: string };
export type RenderedFinding = Omit<Finding, "title" | "detail" | "remediation" | "evidence" | "commands"> & {
  title: string;
  detail: string;
  remediation: string;
  evidence: RenderedEvidence[];
  commands?: string[];
};
export type RenderedTimelineEntry = Omit<TimelineEntry, "source" | "text"> & { source: string; text: string };
export type RenderedIncident = Omit<Incident, "title" | "summary" | "timeline"> & {
  title: string;
  summary: string;
  timeline: RenderedTimelineEntry[];
};
export type RenderedNotChecked = Omit<NotChecked, "detail"> & { detail?: string };
export type RenderedDocument = Omit<ReportDocument, "findings" | "incidents" | "notChecked" | "warnings"> & {
  findings: RenderedFinding[];
  incidents: RenderedIncident[];
  notChecked: RenderedNotChecked[];
  warnings: RenderedNotChecked[];
};

/**
 * A sentence of ours in the reader's language. Parts joined for English put a space after each
 * sentence; Japanese sets none after 。 (nor after ！？), so the space goes where the language is ja,
 * and a "." a template added after Japanese text becomes 。.
 */
export function prose(text: Text, t: Translator): string {
  const s = renderText(text, t);
  if (t("lang.code") !== "ja") return s;
  // An English full stop a shared template put after Japanese becomes 。; the space after 。 goes.
  return s.replace(/([\u3040-\u30ff\u4e00-\u9fff）」])\.(?= |$)/g, "$1。").replace(/([。！？]) +/g, "$1");
}

export function renderEvidence(e: Evidence, t: Translator): RenderedEvidence {
  const { label, value, ...rest } = e;
  const out: RenderedEvidence = { ...rest };
  if (label !== undefined) out.label = renderText(label, t);
  if (value !== undefined) out.value = renderText(value, t);
  return out;
}

export function renderFinding(f: Finding, t: Translator): RenderedFinding {
  const { title, detail, remediation, evidence, commands, ...rest } = f;
  const out: RenderedFinding = {
    ...rest,
    title: prose(title, t),
    detail: prose(detail, t),
    remediation: prose(remediation, t),
    evidence: evidence.map((e) => renderEvidence(e, t)),
  };
  if (commands) out.commands = commands.map((c) => renderText(c, t));
  return out;
}

export function renderIncident(i: Incident, t: Translator): RenderedIncident {
  return {
    ...i,
    title: prose(i.title, t),
    summary: prose(i.summary, t),
    timeline: i.timeline.map((e) => ({ ...e, source: renderText(e.source, t), text: prose(e.text, t) })),
  };
}

export function renderNotChecked(n: NotChecked, t: Translator): RenderedNotChecked {
  const { detail, ...rest } = n;
  return detail === undefined ? rest : { ...rest, detail: prose(detail, t) };
}

export function renderDocument(doc: ReportDocument | RenderedDocument, t: Translator): RenderedDocument {
  return {
    ...doc,
    findings: doc.findings.map((f) => renderFinding(f, t)),
    incidents: doc.incidents.map((i) => renderIncident(i, t)),
    notChecked: doc.notChecked.map((n) => renderNotChecked(n, t)),
    warnings: doc.warnings.map((n) => renderNotChecked(n, t)),
  };
}

/** The keyed form of some fields: only those that are not plain literal strings (nothing to re-render). */
function keyed(fields: Record<string, Text | undefined>): Record<string, Text> | undefined {
  const out: Record<string, Text> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && !isLiteral(v)) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The JSON contract: every text field rendered in the document's language for outside readers, and
 * beside it `message` with the keyed form, which `mamori report --lang` renders again in any language.
 */
export function contractDocument(doc: ReportDocument, t: Translator): unknown {
  return {
    ...doc,
    findings: doc.findings.map((f) => contractFinding(f, t)),
    notChecked: doc.notChecked.map((n) => contractNotChecked(n, t)),
    warnings: doc.warnings.map((n) => contractNotChecked(n, t)),
    ...(doc.ignored ? { ignored: doc.ignored.map((i) => ({ ...i, title: renderText(i.title, t) })) } : {}),
    incidents: doc.incidents.map((inc) => {
      const r = renderIncident(inc, t);
      return withMessage(
        {
          ...r,
          timeline: inc.timeline.map((e, i) =>
            withMessage(r.timeline[i], keyed({ source: e.source, text: e.text })),
          ),
        },
        keyed({ title: inc.title, summary: inc.summary }),
      );
    }),
  };
}

/** One finding as the JSON contract has it: text rendered, its keyed form in `message`. */
export function contractFinding(f: Finding, t: Translator): unknown {
  const r = renderFinding(f, t);
  const message = keyed({ title: f.title, detail: f.detail, remediation: f.remediation });
  const commands = f.commands?.some((c) => !isLiteral(c)) ? f.commands : undefined;
  return {
    ...r,
    evidence: f.evidence.map((e, i) => withMessage(r.evidence[i], keyed({ label: e.label, value: e.value }))),
    ...(message || commands ? { message: { ...message, ...(commands ? { commands } : {}) } } : {}),
  };
}

/** A "could not check" note as the JSON contract has it: detail rendered, its keyed form in `message`. */
export function contractNotChecked(n: NotChecked, t: Translator): unknown {
  return withMessage(renderNotChecked(n, t), keyed({ detail: n.detail }));
}

function withMessage<T>(o: T, message: Record<string, Text> | undefined): T {
  return message ? { ...o, message } : o;
}

type Keyed = { message?: Record<string, Text> };

/**
 * A loaded JSON report back to the in-memory form: keyed text where the report has it (any language
 * on re-render), the rendered strings as literal text where it does not (reports from before keys).
 */
export function restoreKeyed(doc: ReportDocument): ReportDocument {
  const pick = <T>(o: Keyed, field: string, fallback: T): T | Text =>
    o.message && o.message[field] !== undefined ? (o.message[field] as Text) : fallback;
  return {
    ...doc,
    findings: doc.findings.map((f) => {
      const k = f as Finding & Keyed;
      const { message: _m, ...rest } = k;
      const out: Finding = {
        ...rest,
        title: pick(k, "title", f.title),
        detail: pick(k, "detail", f.detail),
        remediation: pick(k, "remediation", f.remediation),
        evidence: f.evidence.map((e) => {
          const ke = e as Evidence & Keyed;
          const { message: _em, ...erest } = ke;
          const ev: Evidence = { ...erest };
          if (ke.message?.label !== undefined) ev.label = ke.message.label;
          if (ke.message?.value !== undefined) ev.value = ke.message.value;
          return ev;
        }),
      };
      const cmds = k.message?.commands;
      if (Array.isArray(cmds)) out.commands = cmds as Text[];
      return out;
    }),
    notChecked: doc.notChecked.map(restoreNotChecked),
    warnings: doc.warnings.map(restoreNotChecked),
    incidents: doc.incidents.map((i) => {
      const k = i as Incident & Keyed;
      const { message: _m, ...rest } = k;
      return {
        ...rest,
        title: pick(k, "title", i.title),
        summary: pick(k, "summary", i.summary),
        timeline: i.timeline.map((e) => {
          const ke = e as TimelineEntry & Keyed;
          const { message: _em, ...erest } = ke;
          return { ...erest, source: pick(ke, "source", e.source), text: pick(ke, "text", e.text) };
        }),
      };
    }),
  };
}

function restoreNotChecked(n: NotChecked): NotChecked {
  const { message, ...rest } = n as NotChecked & Keyed;
  return message?.detail !== undefined ? { ...rest, detail: message.detail } : rest;
}

/** The part of the checkup an area id ("hunt.processes", "hunt cpu-sample") names, in the reader's words. */
export function areaText(area: string, t: Translator): string {
  const head = area.split(/[.\s]/, 1)[0] ?? area;
  const key = `area.${head}`;
  return isMessageKey(key) ? t(key) : area;
}

/** An incident's agreeing sources ("logs", "files") in the reader's words, comma-separated. */
export function sourcesText(sources: readonly string[], t: Translator): string {
  return sources
    .map((s) => {
      const key = `incident.sourceName.${s}`;
      return isMessageKey(key) ? t(key) : s;
    })
    .join(t("lang.code") === "ja" ? "、" : ", ");
}
