import type { RootFs } from "../collect/rootfs.ts";
import type { Lang, Translator } from "../i18n/index.ts";
import type { Diagnostics } from "./diagnostics.ts";
import { type MsgBuilder, msg } from "./message.ts";

/** Everything a scan needs from outside, passed in: no module reads globals, so tests fix root, time and language. */
export interface ScanContext {
  fs: RootFs;
  now: () => Date;
  lang: Lang;
  t: Translator;
  diag: Diagnostics;
  /** Process environment of mamori itself (LD_PRELOAD checks, config defaults); tests pass their own. */
  env: NodeJS.ProcessEnv;
  /** Directory that holds mamori's own data (vulnerability snapshot, IOC lists). */
  dataDir: string;
}

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
export function checkContext(ctx: Pick<ScanContext, "now" | "lang">, t: MsgBuilder = msg): CheckContext {
  return { now: ctx.now, lang: ctx.lang, t };
}
