import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { ja as zodJa } from "zod/v4/locales";
import { readTrustedText, UntrustedFileError } from "../core/trusted-file.ts";
import { isMessageKey, type Lang, type Translator } from "../i18n/index.ts";
import { type Config, configSchema } from "./schema.ts";

export const DEFAULT_CONFIG_PATH = "/etc/mamori/config.yaml";

export class ConfigError extends Error {}

/**
 * Reads and validates the configuration. Every problem names the file, line and key:
 * "/etc/mamori/config.yaml:12: alerts.email.port: expected number, received string".
 * A missing default file is an empty configuration; a missing --config file is an error.
 */
export function loadConfig(
  file: string | undefined,
  t: Translator,
  lang: Lang = "en",
): { config: Config; file?: string } {
  const path = file ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = readTrustedText(path);
  } catch (err) {
    if (err instanceof UntrustedFileError)
      throw new ConfigError(t("safety.untrustedFile", { file: err.file, why: err.why }));
    if (!file && (err as NodeJS.ErrnoException).code === "ENOENT") return { config: configSchema.parse({}) };
    throw new ConfigError(t("watch.config.missing", { file: path }));
  }
  return { config: parseConfig(text, path, t, lang), file: path };
}

export function parseConfig(text: string, file: string, t: Translator, lang: Lang = "en"): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line ?? lineCounter.linePos(e?.pos?.[0] ?? 0).line;
    throw new ConfigError(
      t("watch.config.yaml", { file, line, message: (e?.message ?? "").split("\n")[0] ?? "" }),
    );
  }
  const raw = doc.toJS() ?? {};
  // zod's own sentences in the user's language; our refinements name a dictionary key.
  const result = configSchema.safeParse(raw, lang === "ja" ? { error: zodJa().localeError } : undefined);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const keyPath = issue.path.map(String);
    const line = lineOf(doc, keyPath, lineCounter);
    const extra =
      issue.code === "unrecognized_keys"
        ? (issue as { keys?: string[] }).keys?.map((k) => [...keyPath, k])
        : undefined;
    const key = extra?.[0] ? extra[0].join(".") : keyPath.join(".") || "(top)";
    const where = extra?.[0] ? lineOf(doc, extra[0], lineCounter) : line;
    const message = isMessageKey(issue.message) ? t(issue.message) : issue.message;
    return t("watch.config.invalid", { file, line: where, key, message });
  });
  throw new ConfigError(messages.join("\n"));
}

/** The line of the deepest node on the key path that exists (the key itself when it is there). */
function lineOf(doc: ReturnType<typeof parseDocument>, keyPath: string[], lc: LineCounter): number {
  let node: unknown = doc.contents;
  let line = 1;
  for (const k of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === k);
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number, number, number] })?.range;
      if (keyRange) line = lc.linePos(keyRange[0]).line;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(k)] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) line = lc.linePos(item.range[0]).line;
      node = item;
    } else break;
  }
  return line;
}
