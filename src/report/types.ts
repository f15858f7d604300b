import type { ReportDocument } from "../core/document.ts";
import type { Severity } from "../core/finding.ts";
import type { Lang, Translator } from "../i18n/index.ts";

export interface RenderOptions {
  lang: Lang;
  t: Translator;
  color: boolean;
  threshold: Severity;
  /** Terminal width in columns to wrap human output to; undefined: do not wrap (not a terminal). */
  width?: number;
  /** IANA zone the reader's times are shown in (resolved once by the CLI from TZ); default UTC. */
  timeZone?: string;
  /** Every finding on its own and every CVE named (human formats); default: grouped by cause, lists cut. */
  verbose?: boolean;
}

/** One output format. Adding a format is one file exporting a Renderer, listed in formats/index.ts. */
export interface Renderer {
  name: string;
  /** Gets the keyed document (a property, not a method, so a renderer of rendered text cannot slip in). */
  render: (doc: ReportDocument, opts: RenderOptions) => string;
  /** The same text in pieces, for a large report written as it is made (the JSON report). */
  pieces?: (doc: ReportDocument, opts: RenderOptions) => Iterable<string>;
}
