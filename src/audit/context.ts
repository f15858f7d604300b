import type { ScanContext } from "../collect/context.ts";
import { RootFs } from "../collect/rootfs.ts";
import { Diagnostics } from "../core/diagnostics.ts";
import { type Lang, translator } from "../i18n/index.ts";

export function scanContext(
  opts: { root: string; now: () => Date; lang: Lang; dataDir: string },
  env: NodeJS.ProcessEnv,
): ScanContext {
  return {
    fs: new RootFs(opts.root),
    now: opts.now,
    lang: opts.lang,
    t: translator(opts.lang),
    diag: new Diagnostics(),
    env,
    dataDir: opts.dataDir,
  };
}
