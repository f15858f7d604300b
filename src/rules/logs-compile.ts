/**
 * Compiling a validated rule spec (regular expressions), without the YAML and zod the loader
 * needs: the second reading thread compiles the specs it is handed with this alone.
 */
import type { Condition, Field, RuleSpec } from "./logs-schema.ts";
import { type Decoding, spelledPrefilter } from "./spellings.ts";

export interface CompiledCondition {
  fields: Field[];
  decode: Condition["decode"];
  re: RegExp;
}

export interface Rule extends RuleSpec {
  file: string;
  /** The prefilter literals as the rule file wrote them; `prefilter` holds every spelling of them. */
  written: string[];
  all: CompiledCondition[];
  anyOf: CompiledCondition[];
  none: CompiledCondition[];
}

function compile(c: Condition): CompiledCondition {
  return {
    fields: Array.isArray(c.field) ? c.field : [c.field],
    decode: c.decode,
    re: new RegExp(c.regex, c.flags.replace(/g/g, "")),
  };
}

/** How far the rule's conditions decode: the deepest decides which encodings' markers it is tested on. */
function decodingOf(r: RuleSpec): Decoding {
  const modes = [...r.match.all, ...r.match.any].map((c) => c.decode);
  if (modes.some((d) => d === "any" || d === "twice" || d === "lookups")) return "deep";
  return modes.some((d) => d !== "raw") ? "percent" : "raw";
}

/** A spec already validated by the loader (or handed over by the thread that loaded it). */
export function compileSpec(r: RuleSpec, file: string): Rule {
  return {
    ...r,
    file,
    written: r.prefilter,
    prefilter: spelledPrefilter(r.prefilter, decodingOf(r)),
    all: r.match.all.map(compile),
    anyOf: r.match.any.map(compile),
    none: r.match.not.map(compile),
  };
}

/** The plain data of a rule, to hand to another thread. */
export function specOf(r: Rule): RuleSpec & { file: string } {
  const { all: _a, anyOf: _b, none: _c, written, ...spec } = r;
  return { ...spec, prefilter: written };
}
