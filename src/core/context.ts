import type { Lang } from "../i18n/index.ts";
import { type MsgBuilder, msg } from "./message.ts";

/**
 * What checks may use: no file system, so checks stay pure functions of facts. `t` builds keyed
 * messages, not strings: findings are translated by renderers, in whatever language the reader wants.
 */
export interface CheckContext {
  now: () => Date;
  /** Only for data that is not text (never choose words by it: use a message key). */
  lang: Lang;
  t: MsgBuilder;
}

/** The context checks get from a scan's: same clock and language, messages instead of strings. */
export function checkContext(ctx: { now: () => Date; lang: Lang }, t: MsgBuilder = msg): CheckContext {
  return { now: ctx.now, lang: ctx.lang, t };
}
