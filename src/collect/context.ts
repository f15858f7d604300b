import type { Diagnostics } from "../core/diagnostics.ts";
import type { Lang, Translator } from "../i18n/index.ts";
import type { RootFs } from "./rootfs.ts";

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
