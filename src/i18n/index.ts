import { format, type Params } from "./index-base.ts";
import { alert } from "./messages/alert.ts";
import { apache } from "./messages/apache.ts";
import { common } from "./messages/common.ts";
import { config } from "./messages/config.ts";
import { exposure } from "./messages/exposure.ts";
import { help } from "./messages/help.ts";
import { hunt } from "./messages/hunt.ts";
import { ignore } from "./messages/ignore.ts";
import { logs } from "./messages/logs.ts";
import { remote } from "./messages/remote.ts";
import { report } from "./messages/report.ts";
import { respond } from "./messages/respond.ts";
import { safety } from "./messages/safety.ts";
import { server } from "./messages/server.ts";
import { verdict } from "./messages/verdict.ts";
import { vulndb } from "./messages/vulndb.ts";
import { watch } from "./messages/watch.ts";
import type { Lang } from "./types.ts";

export { format, isLang, langFromEnv, type Params } from "./index-base.ts";
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
  ...ignore,
  ...config,
  ...alert,
  ...help,
  ...server,
  ...remote,
};

export type MessageKey = keyof typeof dictionary;
export type Translator = (key: MessageKey, params?: Params) => string;

export function translator(lang: Lang): Translator {
  return (key, params) => format(dictionary[key][lang], params);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(dictionary, key);
}
