import { exposureFinding } from "../checks/apache/exposure.ts";
import { checkApache, matchesFor } from "../checks/apache/index.ts";
import { type ApacheFacts, collectApache } from "../collect/apache/index.ts";
import { apacheLogSources } from "../collect/apache/log-sources.ts";
import { checkContext, type ScanContext } from "../core/context.ts";
import type { LogSource } from "../core/log-source.ts";
import type { Scanner } from "../core/scanner.ts";
import { loadVulnDb } from "../vulndb/load.ts";
import type { VulnDb } from "../vulndb/types.ts";

export interface ApacheScanFacts extends ApacheFacts {
  vulndb?: VulnDb;
}

/** Loads the vulnerability snapshot; undefined (with a "could not check" entry) when it is missing or broken. */
export type VulnLoader = (ctx: ScanContext) => VulnDb | undefined;

const loadSnapshot: VulnLoader = (ctx) => {
  const db = loadVulnDb(ctx.dataDir, ctx.diag, ctx.now(), ctx.t);
  if (!db)
    ctx.diag.couldNotCheck({ area: "apache.cve", reason: "no-data", detail: ctx.t("apache.diag.noVulnDb") });
  return db;
};

/** The Apache area of `mamori audit`: installations, versions, configuration, CVEs and the 41773/42013 verdict. */
export function apacheScanner(
  loadVuln: VulnLoader = loadSnapshot,
  collect: (ctx: ScanContext) => Promise<ApacheFacts> = collectApache,
): Scanner<ApacheScanFacts> {
  return {
    id: "apache",
    async collect(ctx) {
      const facts: ApacheScanFacts = { ...(await collect(ctx)) };
      if (facts.installations.length > 0) facts.vulndb = loadVuln(ctx);
      return facts;
    },
    check(facts, ctx) {
      return checkApache(facts, ctx, facts.vulndb);
    },
    summarize(facts) {
      return {
        installations: facts.installations.map((i) => ({
          binary: i.binary,
          aliases: i.aliases,
          pids: i.pids,
          version: i.version,
          product: i.product,
          liveModules: i.live?.modules,
          mpm: i.mpm,
          versionSource: i.versionSource,
          owner: i.owner.found?.owner,
          packageDbUnreadable: i.owner.dbUnreadable,
          packageMismatch: i.packageMismatch?.owner,
          configFile: i.configFile,
          configFiles: i.config?.files,
          modules: i.config?.modules.map((m) => m.id),
          logSources: i.config ? apacheLogSources(i.config) : [],
          traversalVerdict: exposureVerdictOf(facts, i),
        })),
      };
    },
  };
}

function exposureVerdictOf(facts: ApacheScanFacts, inst: ApacheFacts["installations"][number]): unknown {
  // Distro data only changes the verdict for 2.4.49/2.4.50 (a backport); skip the matcher otherwise.
  const matches = ["2.4.49", "2.4.50"].includes(inst.version ?? "")
    ? matchesFor(inst, facts.vulndb)
    : undefined;
  const f = exposureFinding(inst, facts, matches, checkContext({ now: () => new Date(0), lang: "en" }));
  return f?.data?.verdict;
}

/**
 * One Apache discovery per audit, shared by the areas that need it: the Apache checks and the log
 * forensics (which reads the logs the configuration names, in the formats it defines).
 */
export function sharedApacheCollection(): {
  collect: (ctx: ScanContext) => Promise<ApacheFacts>;
  logSources: (ctx: ScanContext) => Promise<LogSource[]>;
} {
  const byContext = new WeakMap<ScanContext, Promise<ApacheFacts>>();
  const collect = (ctx: ScanContext) => {
    let p = byContext.get(ctx);
    if (!p) {
      p = collectApache(ctx);
      byContext.set(ctx, p);
    }
    return p;
  };
  const logSources = async (ctx: ScanContext) =>
    (await collect(ctx)).installations.flatMap((i) => (i.config ? apacheLogSources(i.config) : []));
  return { collect, logSources };
}
