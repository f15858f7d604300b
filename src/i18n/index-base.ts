/**
 * What every translator needs and no dictionary: placeholders, the language from the environment.
 * Kept apart from index.ts so that start-up (index-startup.ts) can use it without the whole dictionary.
 */
import { LANGS, type Lang } from "./types.ts";

export type Params = Record<string, string | number>;

export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
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
