import * as fs from "node:fs";
import * as path from "node:path";
import { ja as zodJa } from "zod/v4/locales";
import { reportSchema } from "../core/contract.ts";
import type { ReportDocument } from "../core/document.ts";
import { SCHEMA_VERSION } from "../core/document.ts";
import type { Lang, Translator } from "../i18n/index.ts";

/** A saved report that cannot be used; the message is one line in the user's language. */
export class ReportFileError extends Error {}

/**
 * Parses a saved JSON report and checks it against the JSON contract, so no renderer meets a finding
 * without a title or with an unknown severity. Keys a hand-made report may leave out get defaults.
 */
export function parseReport(text: string, t: Translator, lang: Lang = "en"): ReportDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ReportFileError(
      t("report.load.notJson", { reason: err instanceof Error ? err.message : String(err) }),
    );
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new ReportFileError(t("report.load.notReport"));
  const doc = raw as Record<string, unknown>;
  if (doc.schemaVersion !== SCHEMA_VERSION)
    throw new ReportFileError(
      t("report.load.schemaVersion", { found: String(doc.schemaVersion), expected: SCHEMA_VERSION }),
    );
  const filled = {
    tool: { name: "mamori", version: "?" },
    command: "audit",
    scannedAt: "",
    lang: "en",
    incidents: [],
    notChecked: [],
    warnings: [],
    sections: {},
    ...doc,
  };
  const result = reportSchema.safeParse(filled, lang === "ja" ? { error: zodJa().localeError } : undefined);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ReportFileError(
      t("report.load.invalid", { key: issue?.path.join(".") || "(top)", reason: issue?.message ?? "" }),
    );
  }
  return result.data as ReportDocument;
}

/** Reads and parses a saved report: FILE relative to `cwd`, or "-" for standard input. */
export function readReport(file: string, cwd: string, t: Translator, lang: Lang = "en"): ReportDocument {
  let text: string;
  try {
    text = file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(path.resolve(cwd, file), "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? t("report.load.missing")
        : code === "EISDIR"
          ? t("report.load.directory")
          : (code ?? String(err));
    throw new ReportFileError(`${file}: ${reason}`);
  }
  try {
    return parseReport(text, t, lang);
  } catch (err) {
    throw err instanceof ReportFileError ? new ReportFileError(`${file}: ${err.message}`) : err;
  }
}
