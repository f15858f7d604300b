import { exposureFinding } from "../checks/apache/exposure.ts";
import { checkApache, matchesFor, type VulnApi } from "../checks/apache/index.ts";
import { type ApacheFacts, collectApache } from "../collect/apache/index.ts";
import { apacheLogSources } from "../collect/apache/log-sources.ts";
import type { ScanContext } from "../core/context.ts";
import type { Scanner } from "../core/scanner.ts";

export interface ApacheScanFacts extends ApacheFacts {
  vuln?: VulnApi;
}

/** Loads the vulnerability snapshot; undefined (with a "could not check" entry) when it is missing or broken. */
export type VulnLoader = (ctx: ScanContext) => VulnApi | undefined;

const noVulnData: VulnLoader = (ctx) => {
  ctx.diag.couldNotCheck({ area: "apache.cve", reason: "no-data", detail: ctx.t("apache.diag.noVulnDb") });
  return undefined;
};

/** The Apache area of `mamori audit`: installations, versions, configuration, CVEs and the 41773/42013 verdict. */
export function apacheScanner(loadVuln: VulnLoader = noVulnData): Scanner<ApacheScanFacts> {
  return {
    id: "apache",
    async collect(ctx) {
      const facts: ApacheScanFacts = await collectApache(ctx);
      if (facts.installations.length > 0) facts.vuln = loadVuln(ctx);
      return facts;
    },
    check(facts, ctx) {
      return checkApache(facts, ctx, facts.vuln);
    },
    summarize(facts) {
      return {
        installations: facts.installations.map((i) => ({
          binary: i.binary,
          aliases: i.aliases,
          pids: i.pids,
          version: i.version,
          product: i.product,
          versionSource: i.versionSource,
          owner: i.owner.found?.owner,
          packageDbUnreadable: i.owner.dbUnreadable,
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
  const f = exposureFinding(inst, facts, matchesFor(inst, facts.vuln), {
    now: () => new Date(0),
    lang: "en",
    t: (k) => k,
  });
  return f?.data?.verdict;
}
