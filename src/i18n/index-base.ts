/**
 * What every translator needs and no dictionary: placeholders, the language from the environment.
 * Kept apart from index.ts so that start-up (index-startup.ts) can use it without the whole dictionary.
 */
import { LANGS, type Lang } from "./types.ts";

export type Params = Record<string, string | number>;

export function format(template: string, params?: Params): string {
  if (!params) return template;
  const counted = PLURAL_MARK.test(template) ? plurals(template, params) : template;
  return counted.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A plural ending: (s), (es), or the singular and plural endings of the stem, as in "entr(y|ies)". */
const PLURAL_MARK = /[A-Za-z]\((?:e?s|[a-z]*\|[a-z]+)\)/;

/**
 * An English "{count} more finding(s)" as "1 more finding" or "3 more findings" ("{n} entr(y|ies)": "1
 * entry", "2 entries"): a word ending in such a mark at most two words after a counted placeholder.
 * Done on the template, before the values go in, so a value (a path, a log line) is never changed; a
 * word with no count before it keeps its mark.
 */
function plurals(template: string, params: Params): string {
  return template.replace(
    /\{(\w+)\}((?: [^\s{}()]+){0,2}) ([A-Za-z][A-Za-z-]*)\((e?s|[a-z]*\|[a-z]+)\)/g,
    (m, name: string, between: string, word: string, ending: string) => {
      if (!(name in params)) return m;
      const n = String(params[name]).trim();
      if (!/^[\d.,]+$/.test(n)) return m;
      const bar = ending.indexOf("|");
      const [one, more] = bar < 0 ? ["", ending] : [ending.slice(0, bar), ending.slice(bar + 1)];
      return `{${name}}${between} ${word}${n === "1" ? one : more}`;
    },
  );
}

/** `--lang` wins; otherwise LANG/LC_ALL/LC_MESSAGES starting with "ja" choose Japanese. */
export function langFromEnv(env: NodeJS.ProcessEnv): Lang {
  for (const v of [env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (v) return v.toLowerCase().startsWith("ja") ? "ja" : "en";
  }
  return "en";
}

export function isLang(v: string): v is Lang {
  return (LANGS as readonly string[]).includes(v);
}
