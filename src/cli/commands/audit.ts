import * as path from "node:path";
import type { Command } from "commander";
import { addPushOptions } from "../../agent/options.ts";
import { scanContext } from "../../audit/context.ts";
import { runScanners } from "../../audit/run.ts";
import { auditScanners } from "../../audit/scanners.ts";
import type { InventoryFacts } from "../../facts/inventory-types.ts";
import { translator } from "../../i18n/index.ts";
import { emitReport } from "../emit.ts";
import { EXIT_ERROR } from "../errors.ts";
import { addExitOptions, exitOptionsOf, quietIo } from "../exit-options.ts";
import { addIgnoreOptions, ignoreRulesOf } from "../ignore-options.ts";
import type { CliIo } from "../io.ts";
import { addLogFormatOption, checkLogFormat } from "../journald.ts";
import { addCommonOptions, parseCommon } from "../options.ts";
import { parseHistoryOptions } from "../watch-options.ts";
import { saveFacts } from "./collect.ts";

export function registerAudit(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("audit")
    .description(
      "check this server (or --root DIR): Apache version and CVEs, configuration, logs, processes, persistence, open ports",
    );
  addLogFormatOption(addPushOptions(addExitOptions(addIgnoreOptions(addCommonOptions(cmd)))))
    // Agentless audits (issue 16): the machine named by a bundle, an ssh:// target or a hosts file.
    .argument("[target]", "ssh://[user@]host[:port]: audit that host over SSH with the shell collector")
    .option("--bundle <file>", "judge a bundle printed by the shell collector (mamori collect --script)")
    .option("--hosts <file>", "audit every ssh:// target of FILE (one a line) and print one summary")
    .option("--parallel <n>", "with --hosts, how many hosts at once (default 4)")
    .option("--output-dir <dir>", "with --hosts, also write each host's report into DIR")
    .option("--sudo", "over SSH, run the collector with sudo -n")
    .option("--accept-new-host-key", "over SSH, trust an unknown host key on first use")
    .option(
      "--ssh-config <file>",
      "over SSH, read this ssh_config (ssh -F) for keys, known_hosts, jump hosts",
    )
    .option("--save", "also store this scan in the history database (mamori history, mamori diff)")
    .option("--db <path>", "history database to store into (implies --save)")
    .option(
      "--save-facts <file>",
      "also write the collected facts to FILE, to judge again later (mamori check)",
    )
    .action(async (target: string | undefined, raw) => {
      const opts = exitOptionsOf(raw, parseCommon(raw, io));
      checkLogFormat(raw.logFormat, translator(opts.lang));
      if (target !== undefined || raw.bundle !== undefined || raw.hosts !== undefined) {
        const remote = await import("../../remote/cli.ts");
        return done(await remote.remoteAudit(target, raw, opts, io));
      }
      const ctx = { ...scanContext(opts, io.env), ignore: ignoreRulesOf(raw, io, opts.lang) };
      if (raw.push) (await import("../../agent/cli.ts")).checkPushOptions(raw, opts.lang);
      const startedAt = ctx.now();
      const factsFile = raw.saveFacts === undefined ? undefined : path.resolve(io.cwd, raw.saveFacts);
      let inventory: InventoryFacts | undefined;
      let facts: unknown;
      const doc = await runScanners(ctx, auditScanners(), "audit", (bundle) => {
        facts = bundle;
        inventory = bundle.areas.inventory as InventoryFacts | undefined;
        if (factsFile) saveFacts(factsFile, bundle, io, opts.lang);
      });
      const save =
        raw.save || raw.db
          ? parseHistoryOptions({ db: raw.db, lang: opts.lang, config: raw.config }, io).store
          : undefined;
      done(
        emitReport(
          save
            ? await (await import("../save-audit.ts")).saveAudit(
                doc,
                ctx,
                startedAt,
                save,
                quietIo(io, opts.quiet).stderr,
                inventory?.items,
              )
            : doc,
          opts,
          io,
        ),
      );
      if (raw.push && !(await (await import("../../agent/cli.ts")).pushFromCli(raw, doc, facts, opts, io)))
        done(EXIT_ERROR);
    });
}
