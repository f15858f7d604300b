/**
 * Per-client behaviour scenarios (rules/logs/behaviour/scenarios.yaml): what one client did over a
 * window, judged by src/checks/logs/behaviour.ts. Validated here by hand (a few fields, no zod: the
 * log commands avoid loading zod at start-up); the YAML library is loaded only when scenarios are read.
 */
// A static import: the single executable can load only what the bundle holds (createRequire found nothing there).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

export interface Scenario {
  id: string;
  name: { en: string; ja: string };
  windowSeconds: number;
  threshold: number;
  /** Count distinct paths, or lines. */
  count: "distinct" | "lines";
  /** Statuses a counted line has (absent: any). */
  status?: number[];
  /** Linear regex on the decoded, lower-cased path (flag i). */
  regex?: RegExp;
  /** Exact decoded lower-case paths (a scanner's fixed list). */
  pathSet?: Set<string>;
  /**
   * Lower-case literals of the lines this scenario needs even when they were answered 2xx or 3xx and no
   * rule names them (a login page's failed attempts answer 200): such lines are read and counted for
   * this scenario only. Without literals a scenario sees matched lines and 4xx lines alone.
   */
  literals?: string[];
  /**
   * A counted line that shows the client got what it was after (a login page answering a redirect):
   * its status, a regex on its decoded lower-cased path, and a text its query must not hold.
   */
  success?: { status: number[]; regex: RegExp; queryNot?: string; empty?: boolean };
  samples: { positive: string[][]; negative: string[][] };
}

const here = new URL(".", import.meta.url).pathname;

export function scenariosFile(): string {
  return join(here, "../../rules/logs/behaviour/scenarios.yaml");
}

const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isLang = (v: unknown): v is { en: string; ja: string } =>
  !!v && typeof v === "object" && isText((v as { en?: unknown }).en) && isText((v as { ja?: unknown }).ja);
const isSamples = (v: unknown): v is string[][] =>
  Array.isArray(v) && v.length > 0 && v.every((s) => Array.isArray(s) && s.length > 0 && s.every(isText));

/** Validates the parsed YAML; throws with the file and scenario named on anything wrong. */
export function compileScenarios(doc: unknown, file: string): Scenario[] {
  const list = (doc as { scenarios?: unknown } | null)?.scenarios;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${file}: no scenarios`);
  const ids = new Set<string>();
  return list.map((raw, i) => {
    const s = raw as Record<string, unknown>;
    const at = `${file}: scenario ${isText(s.id) ? s.id : `#${i + 1}`}`;
    if (!isText(s.id) || !/^[a-z0-9-]+$/.test(s.id)) throw new Error(`${at}: id must be [a-z0-9-]+`);
    if (ids.has(s.id)) throw new Error(`${at}: duplicate id`);
    ids.add(s.id);
    if (!isLang(s.name)) throw new Error(`${at}: name needs en and ja`);
    const positive = (s.samples as { positive?: unknown } | undefined)?.positive;
    const negative = (s.samples as { negative?: unknown } | undefined)?.negative;
    if (!isSamples(positive) || !isSamples(negative))
      throw new Error(`${at}: samples.positive and samples.negative need lists of lines`);
    const num = (v: unknown, what: string) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 1_000_000)
        throw new Error(`${at}: ${what} must be a positive integer`);
      return v;
    };
    if (s.count !== "distinct" && s.count !== "lines") throw new Error(`${at}: count is distinct or lines`);
    if (s.status !== undefined && (!Array.isArray(s.status) || !s.status.every((x) => Number.isInteger(x))))
      throw new Error(`${at}: status must be a list of numbers`);
    if (s.regex !== undefined && !isText(s.regex)) throw new Error(`${at}: regex must be a string`);
    if (s.pathSet !== undefined && (!Array.isArray(s.pathSet) || !s.pathSet.every(isText)))
      throw new Error(`${at}: pathSet must be a list of paths`);
    if (
      s.literals !== undefined &&
      (!Array.isArray(s.literals) ||
        !s.literals.every(
          (l) => isText(l) && l.length >= 4 && /^[\x21-\x7e]+$/.test(l) && l === l.toLowerCase(),
        ))
    )
      throw new Error(`${at}: literals must be lower-case printable ASCII of 4 or more characters`);
    const success = s.success as
      | { status?: unknown; regex?: unknown; queryNot?: unknown; empty?: unknown }
      | undefined;
    if (
      success !== undefined &&
      (!Array.isArray(success.status) ||
        !success.status.every((x) => Number.isInteger(x)) ||
        !isText(success.regex) ||
        (success.queryNot !== undefined && !isText(success.queryNot)) ||
        (success.empty !== undefined && typeof success.empty !== "boolean"))
    )
      throw new Error(`${at}: success needs status (numbers), regex and optionally queryNot and empty`);
    if (s.status === undefined && s.regex === undefined && s.pathSet === undefined)
      throw new Error(`${at}: give status, regex or pathSet`);
    return {
      id: s.id,
      name: s.name,
      windowSeconds: num(s.windowSeconds, "windowSeconds"),
      threshold: Math.min(num(s.threshold, "threshold"), 1000),
      count: s.count,
      status: s.status as number[] | undefined,
      regex: s.regex === undefined ? undefined : new RegExp(s.regex as string, "i"),
      pathSet: s.pathSet ? new Set((s.pathSet as string[]).map((p) => p.toLowerCase())) : undefined,
      literals: s.literals as string[] | undefined,
      success: success
        ? {
            status: success.status as number[],
            regex: new RegExp(success.regex as string, "i"),
            queryNot: (success.queryNot as string | undefined)?.toLowerCase(),
            empty: success.empty === true,
          }
        : undefined,
      samples: { positive, negative },
    };
  });
}

let defaults: Scenario[] | undefined;

/** The shipped scenarios, read once per process. */
export function loadScenarios(file = scenariosFile()): Scenario[] {
  if (file !== scenariosFile()) return readScenarios(file);
  defaults ??= readScenarios(file);
  return defaults;
}

function readScenarios(file: string): Scenario[] {
  return compileScenarios(parseYaml(readFileSync(file, "utf8")), file);
}
