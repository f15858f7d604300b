import * as fs from "node:fs";
import * as path from "node:path";
import { ja as zodJa } from "zod/v4/locales";
import { reportSchema } from "../core/contract.ts";
import type { ReportDocument } from "../core/document.ts";
import { SCHEMA_VERSION } from "../core/document.ts";
import { readFdLimited } from "../core/read-limited.ts";
import type { Lang, Translator } from "../i18n/index.ts";
import { restoreKeyed } from "./localize.ts";

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
  return restoreKeyed(result.data as ReportDocument);
}

/** A saved report is tens of MB at most; a FIFO or an endless device must not hang or fill memory. */
const MAX_REPORT_BYTES = 512 * 1024 * 1024;

function readBoundedFile(file: string): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
    if (!st.isFile()) throw new ReportFileError("not a regular file");
    const buf = readFdLimited(fd, st.size, MAX_REPORT_BYTES);
    if (!buf) throw new ReportFileError(`larger than ${MAX_REPORT_BYTES} bytes`);
    return buf.toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and parses a saved report: FILE relative to `cwd`, or "-" for standard input. */
export function readReport(file: string, cwd: string, t: Translator, lang: Lang = "en"): ReportDocument {
  let text: string;
  try {
    text = file === "-" ? fs.readFileSync(0, "utf8") : readBoundedFile(path.resolve(cwd, file));
  } catch (err) {
    if (err instanceof ReportFileError) throw new ReportFileError(`${file}: ${err.message}`);
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
