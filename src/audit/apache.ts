import { exposureFinding } from "../checks/apache/exposure.ts";
import { checkApache, matchesFor } from "../checks/apache/index.ts";
import { collectApache } from "../collect/apache/index.ts";
import { apacheLogSources } from "../collect/apache/log-sources.ts";
import type { ScanContext } from "../collect/context.ts";
import { checkContext } from "../core/context.ts";
import type { LogSource } from "../core/log-source.ts";
import { msg } from "../core/message.ts";
import type { ApacheFacts } from "../facts/apache.ts";
import { type HostRelevance, loadVulnDb } from "../vulndb/load.ts";
import type { VulnDb } from "../vulndb/types.ts";
import type { DataContext, Scanner } from "./scanner.ts";

/** Loads the vulnerability snapshot; undefined (with a "could not check" entry) when it is missing or broken. */
export type VulnLoader = (ctx: DataContext, host?: HostRelevance) => VulnDb | undefined;

const loadSnapshot: VulnLoader = (ctx, host) => {
  const db = loadVulnDb(ctx.dataDir, ctx.diag, ctx.now(), host);
  if (!db)
    ctx.diag.couldNotCheck({ area: "apache.cve", reason: "no-data", detail: msg("apache.diag.noVulnDb") });
  return db;
};

/** The Apache area of `mamori audit`: installations, versions, configuration, CVEs and the 41773/42013 verdict. */
export function apacheScanner(
  loadVuln: VulnLoader = loadSnapshot,
  collect: (ctx: ScanContext) => Promise<ApacheFacts> = collectApache,
): Scanner<ApacheFacts, VulnDb | undefined> {
  return {
    id: "apache",
    collect,
    schema: async () => (await import("../facts/apache.ts")).apacheFactsSchema,
    load(facts, ctx) {
      return facts.installations.length > 0 ? loadVuln(ctx, hostRelevance(facts)) : undefined;
    },
    check(facts, ctx, vulndb) {
      return checkApache(facts, ctx, vulndb);
    },
    summarize(facts, vulndb) {
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
          traversalVerdict: exposureVerdictOf(facts, i, vulndb),
        })),
      };
    },
  };
}

function exposureVerdictOf(
  facts: ApacheFacts,
  inst: ApacheFacts["installations"][number],
  vulndb: VulnDb | undefined,
): unknown {
  // Distro data only changes the verdict for 2.4.49/2.4.50 (a backport); skip the matcher otherwise.
  const matches = ["2.4.49", "2.4.50"].includes(inst.version ?? "") ? matchesFor(inst, vulndb) : undefined;
  const f = exposureFinding(inst, facts, matches, checkContext({ now: () => new Date(0), lang: "en" }));
  return f?.data?.verdict;
}

/**
 * Whose data judges this host's Apache: the distros of the packages that own it (none for a build from
 * source, judged by upstream data alone). The staleness warning names the oldest of those sources.
 */
function hostRelevance(facts: ApacheFacts): HostRelevance {
  const distros = facts.installations
    .map((i) =>
      i.owner.found && i.owner.found.owner.origin !== "third-party"
        ? i.owner.found.owner.distro?.toLowerCase()
        : undefined,
    )
    .filter((d): d is string => Boolean(d));
  return { distros: [...new Set(distros)] };
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
