import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Scanner } from "../audit/scanner.ts";
import { checkHunt, type HuntInput } from "../checks/hunt/index.ts";
import type { ScanContext } from "../collect/context.ts";
import { type HuntFacts, type HuntOptions, noFileScan } from "../collect/hunt/facts.ts";
import { collectFiles } from "../collect/hunt/files.ts";
import { collectPersistence, collectSshKeys, homes } from "../collect/hunt/persistence.ts";
import { collectPreloadLibraries } from "../collect/hunt/preload.ts";
import {
  collectProcesses,
  compareSnapshots,
  cpuSnapshot,
  probeHiddenPids,
  readProcMounts,
  readSelfLibraries,
} from "../collect/hunt/processes.ts";
import { CLOCK_TICKS_PER_SECOND, listPids } from "../collect/proc/processes.ts";
import { msg } from "../core/message.ts";
import type { HuntSection } from "../core/sections/index.ts";
import { defaultFeedDir, iocDirs, loadIocDirs } from "../iocs/list.ts";
import { loadHuntRules } from "../rules/hunt.ts";
import type { AllowEntry } from "./allowlist.ts";

/** The current data hunt findings are judged with. */
export type HuntData = Pick<HuntInput, "rules" | "iocs">;

export interface HuntScannerOptions extends HuntOptions {
  allowlist: AllowEntry[];
  /** Length of the live CPU sample; 0 skips it. */
  sampleMs: number;
  /** Directory of IOC feeds from `mamori iocs update` (default: MAMORI_IOC_DIR or DATA_DIR/iocs/feeds). */
  feedDir?: string;
  rulesDir?: string;
  fileScan: { maxDepth: number; maxEntries: number; maxFileBytes: number; maxTotalBytes: number };
}

export const DEFAULT_HUNT_OPTIONS: HuntScannerOptions = {
  // A busy modern server core draws roughly 10-20 W above idle; 15 W is the middle.
  wattsPerCore: 15,
  // Japanese household tariff (about 31 JPY/kWh, 2024-2025).
  pricePerKwh: 31,
  currency: "JPY",
  recentDays: 7,
  allowlist: [],
  sampleMs: 1000,
  fileScan: {
    maxDepth: 6,
    maxEntries: 20000,
    maxFileBytes: 32 * 1024 * 1024,
    maxTotalBytes: 256 * 1024 * 1024,
  },
};

/**
 * Compromise hunting: what an intruder left running or planted. On a live system the collector takes
 * a CPU snapshot, does all other reading, then takes the second snapshot once the sample time has
 * passed, so the sample costs no extra wall time when the rest takes long enough.
 */
export function huntScanner(opts: Partial<HuntScannerOptions> = {}): Scanner<HuntFacts, HuntData> {
  const o = { ...DEFAULT_HUNT_OPTIONS, ...opts };
  // Collect (which paths to look at) and judge both need the rules: read them once per scanner.
  let loaded: HuntInput["rules"] | undefined;
  const rulesOnce = () => {
    loaded ??= loadHuntRules(o.rulesDir);
    return loaded;
  };
  return {
    id: "hunt",
    schema: async () => (await import("../facts/hunt.ts")).huntFactsSchema,
    async collect(ctx: ScanContext): Promise<HuntFacts> {
      const started = performance.now();
      const live = ctx.fs.isLive;
      // The first CPU snapshot comes before anything else, so all later reading overlaps the sample.
      const first =
        live && o.sampleMs > 0 ? cpuSnapshot(ctx, listPids(ctx.fs), performance.now()) : undefined;
      const rules = rulesOnce();
      const processes = collectProcesses(ctx);
      const pids = processes.map((p) => p.pid);
      const facts: HuntFacts = {
        live,
        processes,
        procMounts: readProcMounts(ctx),
        persistence: collectPersistence(ctx),
        sshKeys: collectSshKeys(ctx),
        files: [],
        fileBounds: noFileScan(),
      };
      const extraPaths = rules.families.flatMap((f) =>
        f.paths
          .map((re) =>
            re.source
              .replace(/^\^/, "")
              .replace(/\$$/, "")
              .replace(/\\([./])/g, "$1"),
          )
          .filter((p) => /^\/[\w./-]+$/.test(p)),
      );
      const scanned = collectFiles(
        ctx,
        homes(ctx).map((h) => h.home),
        { ...o.fileScan, minerStrings: rules.benign.minerStrings, extraPaths },
      );
      facts.preloadLibraries = await collectPreloadLibraries(ctx, facts.persistence);
      facts.files = scanned.files;
      facts.fileBounds = scanned.bounds;
      if (live) {
        facts.selfPid = process.pid;
        facts.selfExeDir = path.dirname(fs.realpathSync(process.execPath));
        facts.selfLibraries = readSelfLibraries(ctx);
        const probe = probeHiddenPids(ctx, pids);
        facts.hiddenPids = probe.hidden;
        facts.hiddenProbeRange = probe.range;
        if (first) {
          const wait = o.sampleMs - (performance.now() - first.at);
          if (wait > 0) await sleep(wait);
          // A fresh listing: processes started during the sample account for their CPU too.
          const second = cpuSnapshot(ctx, listPids(ctx.fs), performance.now());
          facts.cpu = compareSnapshots(first, second, processes);
          facts.sampleSeconds = facts.cpu?.seconds;
        }
      } else {
        for (const what of ["cpu-sample", "hidden-pids", "self-maps"])
          ctx.diag.couldNotCheck({
            area: "hunt",
            path: what,
            reason: "not-live",
            detail: msg(`hunt.notLive.${what}` as "hunt.notLive.cpu-sample"),
          });
      }
      if (ctx.env.MAMORI_DEBUG)
        process.stderr.write(`hunt: collected in ${(performance.now() - started).toFixed(0)} ms\n`);
      return facts;
    },
    // Rules and IOC lists are the current data a saved bundle is judged with, read by the runner.
    load(_facts, ctx) {
      const { set: iocs, problems } = loadIocDirs(
        iocDirs(ctx.dataDir, o.feedDir ?? defaultFeedDir(ctx.dataDir, ctx.env)),
      );
      for (const p of problems)
        ctx.diag.couldNotCheck({ area: "hunt.iocs", path: p.path, reason: p.reason, detail: p.detail });
      return { rules: rulesOnce(), iocs };
    },
    check(facts, ctx, data) {
      return checkHunt({ facts, ...data, allowlist: o.allowlist, options: o }, ctx);
    },
    summarize(f, data): HuntSection {
      const input = { iocs: data.iocs, allowlist: o.allowlist, options: o };
      return {
        processes: f.processes.length,
        topCpu: topCpu(f.processes),
        persistenceLines: f.persistence.length,
        sshKeys: f.sshKeys.length,
        fileScan: { ...f.fileBounds, filesExamined: f.files.length },
        hiddenPidProbe:
          f.hiddenPids === undefined ? "not-live" : { range: f.hiddenProbeRange, found: f.hiddenPids.length },
        cpuSample: f.cpu ?? "not-live",
        iocLists: input.iocs.lists.map((l) => ({
          name: l.name,
          source: l.source,
          updated: l.updated,
          entries: l.entries,
        })),
        costModel: {
          wattsPerCore: input.options.wattsPerCore,
          pricePerKwh: input.options.pricePerKwh,
          currency: input.options.currency,
        },
        allowlist: input.allowlist.length,
      };
    },
  };
}

/** The processes that used the most CPU since they started: what the report's CPU chart draws. */
function topCpu(processes: HuntFacts["processes"]): HuntSection["topCpu"] {
  return processes
    .filter((p) => p.cpuTicks > 0)
    .sort((a, b) => b.cpuTicks - a.cpuTicks || a.pid - b.pid)
    .slice(0, 12)
    .map((p) => ({ pid: p.pid, comm: p.comm, exe: p.exe, cpuSeconds: p.cpuTicks / CLOCK_TICKS_PER_SECOND }));
}
