import type { ReportDocument } from "../core/document.ts";
import { atLeast } from "../core/finding.ts";
import { translator } from "../i18n/index.ts";
import { RENDERERS } from "../report/formats/index.ts";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "./errors.ts";
import { type CliIo, writeFileAtomic } from "./io.ts";
import type { CommonOptions } from "./options.ts";

/** Renders the report in the chosen format to stdout or --output; returns the exit code. */
export function emitReport(doc: ReportDocument, opts: CommonOptions, io: CliIo): number {
  const t = translator(opts.lang);
  const text = RENDERERS[opts.format].render(doc, {
    lang: opts.lang,
    t,
    color: opts.color,
    threshold: opts.threshold,
  });
  if (opts.output) {
    try {
      writeFileAtomic(opts.output, text);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new UsageError(t("cli.cannotWrite", { path: opts.output, reason }));
    }
  } else {
    io.stdout.write(text);
  }
  return doc.findings.some((f) => atLeast(f.severity, opts.threshold)) ? EXIT_FINDINGS : EXIT_OK;
}
