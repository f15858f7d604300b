import type { ReportDocument } from "../core/document.ts";
import { atLeast, type Severity } from "../core/finding.ts";
import { writeFileAtomic } from "../core/write-file.ts";
import { type Translator, translator } from "../i18n/index.ts";
import { gapsOf } from "../report/coverage.ts";
import { RENDERERS } from "../report/formats/index.ts";
import { reasonText } from "../report/verdict.ts";
import { EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";
import type { CommonOptions } from "./options.ts";

/** Renders the report in the chosen format to stdout or --output; returns the exit code. */
export function emitReport(
  doc: ReportDocument,
  opts: CommonOptions & { findingsExit?: number },
  io: CliIo,
): number {
  const t = translator(opts.lang);
  const renderer = RENDERERS[opts.format];
  const ropts = {
    lang: opts.lang,
    t,
    color: opts.color,
    threshold: opts.threshold,
    width: opts.width,
    timeZone: opts.timeZone,
    verbose: opts.verbose,
  };
  // A renderer that writes in pieces (JSON) never holds the whole report as one string.
  writeOutput(
    renderer.pieces ? renderer.pieces(doc, ropts) : renderer.render(doc, ropts),
    opts.output,
    io,
    t,
  );
  return exitCodeOf(doc, opts.threshold, opts.findingsExit);
}

/**
 * 1 (or --exit-code N) with findings at or above the threshold; else 3 when a question could not be
 * answered; else 0.
 */
export function exitCodeOf(doc: ReportDocument, threshold: Severity, findingsExit = EXIT_FINDINGS): number {
  if (doc.findings.some((f) => atLeast(f.severity, threshold))) return findingsExit;
  return gapsOf(doc).length > 0 ? EXIT_INCOMPLETE : EXIT_OK;
}

/** The report to --output FILE (whole or not at all) or to stdout; a file that cannot be written is one line. */
export function writeOutput(
  text: string | Iterable<string>,
  output: string | undefined,
  io: CliIo,
  t: Translator,
): void {
  if (!output) {
    if (typeof text === "string") io.stdout.write(text);
    else for (const piece of text) io.stdout.write(piece);
    return;
  }
  try {
    writeFileAtomic(output, text);
  } catch (err) {
    const reason = reasonText((err as NodeJS.ErrnoException).code ?? String(err), t);
    throw new UsageError(t("cli.cannotWrite", { path: output, reason }));
  }
}
