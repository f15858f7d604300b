import type { Lang, Translator } from "../../i18n/index.ts";
import type { ProbeDocument } from "../../probe/types.ts";
import { jsonOutput } from "../escape.ts";
import { probeHuman } from "./human.ts";
import { probeMarkdown } from "./markdown.ts";

export interface ProbeRenderOptions {
  lang: Lang;
  t: Translator;
  color: boolean;
}

/** Renderers of the probe's own document (its JSON shape differs from the audit report). */
export const PROBE_RENDERERS = {
  human: probeHuman,
  json: (doc: ProbeDocument) => jsonOutput(doc),
  markdown: probeMarkdown,
} satisfies Record<string, (doc: ProbeDocument, opts: ProbeRenderOptions) => string>;

export type ProbeFormat = keyof typeof PROBE_RENDERERS;
export const PROBE_FORMATS = Object.keys(PROBE_RENDERERS) as ProbeFormat[];

export function countVulnerable(doc: ProbeDocument): number {
  return doc.targets.reduce((n, t) => n + t.checks.filter((c) => c.verdict === "vulnerable").length, 0);
}
