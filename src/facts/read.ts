import { FACTS_KIND, FACTS_SCHEMA_VERSION, type FactsBundle, factsBundleSchema } from "./bundle.ts";
import { FactsError, MAX_BUNDLE_BYTES } from "./constants.ts";

export { FactsError, type FactsProblem, MAX_BUNDLE_BYTES } from "./constants.ts";
/** The deepest fact document (apache configuration sections in sections) is well under this. */
export const MAX_BUNDLE_DEPTH = 64;

/**
 * Parses and validates a saved bundle. The nesting is measured on the text before JSON.parse, so a
 * hostile file of a million '[' costs one linear pass, not a deep object graph for the validator.
 */
export function parseFactsBundle(bytes: Buffer | string, maxBytes = MAX_BUNDLE_BYTES): FactsBundle {
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.length;
  if (size > maxBytes) throw new FactsError("too-large", `${size} > ${maxBytes}`);
  const textOf = typeof bytes === "string" ? bytes : bytes.toString("utf8");
  const depth = jsonDepth(textOf);
  if (depth > MAX_BUNDLE_DEPTH) throw new FactsError("too-deep", `> ${MAX_BUNDLE_DEPTH}`);
  let raw: unknown;
  try {
    raw = JSON.parse(textOf);
  } catch (err) {
    throw new FactsError("not-json", err instanceof Error ? err.message.slice(0, 200) : "");
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new FactsError("kind");
  const obj = raw as Record<string, unknown>;
  // The kind it names, when it names one ("(undefined)" helped nobody).
  if (obj.kind !== FACTS_KIND)
    throw new FactsError("kind", typeof obj.kind === "string" ? obj.kind.slice(0, 80) : "");
  if (obj.schemaVersion !== FACTS_SCHEMA_VERSION)
    throw new FactsError("version", String(obj.schemaVersion).slice(0, 80));
  const result = factsBundleSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FactsError(
      "invalid",
      `${issue?.path.join(".") || "(top)"}: ${issue?.message ?? ""}`.slice(0, 300),
    );
  }
  return result.data;
}

/** Deepest nesting of arrays and objects in JSON text, strings skipped; stops counting past the cap. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > MAX_BUNDLE_DEPTH) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
