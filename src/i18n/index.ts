import { apache } from "./messages/apache.ts";
import { common } from "./messages/common.ts";
import { exposure } from "./messages/exposure.ts";
import { hunt } from "./messages/hunt.ts";
import { logs } from "./messages/logs.ts";
import { remote } from "./messages/remote.ts";
import { report } from "./messages/report.ts";
import { respond } from "./messages/respond.ts";
import { safety } from "./messages/safety.ts";
import { verdict } from "./messages/verdict.ts";
import { vulndb } from "./messages/vulndb.ts";
import { watch } from "./messages/watch.ts";
import { LANGS, type Lang } from "./types.ts";

export { LANGS, type Lang } from "./types.ts";

/** The one dictionary: each area keeps its sentences in messages/<area>.ts, merged here. */
export const dictionary = {
  ...common,
  ...apache,
  ...vulndb,
  ...report,
  ...exposure,
  ...watch,
  ...logs,
  ...hunt,
  ...safety,
  ...verdict,
  ...respond,
  ...remote,
};

export type MessageKey = keyof typeof dictionary;
export type Params = Record<string, string | number>;
export type Translator = (key: MessageKey, params?: Params) => string;

export function translator(lang: Lang): Translator {
  return (key, params) => format(dictionary[key][lang], params);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(dictionary, key);
}

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
