/**
 * The sentences `mamori --help`, `--version` and commander's errors need, without the whole dictionary
 * (about 180 KB of source: loading it was a fifth of `--help`'s time). The CLI uses this translator
 * only when it runs no command (help, version, a mistyped name); a command's own module loads the full
 * dictionary (index.ts) anyway.
 */

import type { MessageKey, Translator } from "./index.ts";
import { format } from "./index-base.ts";
import { common } from "./messages/common.ts";
import { respond } from "./messages/respond.ts";
import type { Lang } from "./types.ts";

const startup: Partial<Record<MessageKey, { en: string; ja: string }>> = {
  ...common,
  "cli.exitCodes": respond["cli.exitCodes"],
};

/** Whether `key` is one of the start-up sentences (the others need index.ts). */
export function hasStartupMessage(key: MessageKey): boolean {
  return Object.hasOwn(startup, key);
}

/** A translator for the start-up sentences: any other key is a mistake of the caller, said as such. */
export function startupTranslator(lang: Lang): Translator {
  return (key, params) => {
    const m = Object.hasOwn(startup, key) ? startup[key] : undefined;
    if (!m) throw new Error(`message ${key} is not among the start-up sentences (src/i18n/index-startup.ts)`);
    return format(m[lang], params);
  };
}
