import * as path from "node:path";
import type { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "../../config/load.ts";
import { renderText } from "../../core/message.ts";
import { RefusedDataError } from "../../core/trusted-data.ts";
import { type Translator, translator } from "../../i18n/index.ts";
import { defaultFeedDir, iocDirs, loadIocDirs } from "../../iocs/list.ts";
import { DEFAULT_FEEDS, updateFeed } from "../../iocs/update.ts";
import { escapeTerminal } from "../../report/escape.ts";
import { runConfigOf } from "../config-options.ts";
import { EXIT_ERROR, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { defaultDataDir } from "../options.ts";

interface RawIocs {
  from?: string[];
  feedDir?: string;
  dataDir?: string;
  kind?: string;
  lang?: string;
  config?: string;
}

/** --lang and --kind checked like every other command's flags: a typo is a usage error, not ignored. */
function langAndKind(raw: RawIocs, io: CliIo): { t: Translator; kind?: "pool" | "malware" | "generic" } {
  // --lang, else the configuration file's lang, else LANG.
  const t = translator(runConfigOf(raw, io).lang);
  if (raw.kind !== undefined && raw.kind !== "pool" && raw.kind !== "malware" && raw.kind !== "generic")
    throw new UsageError(
      t("cli.badOption", { option: "--kind", value: raw.kind, expected: "pool|malware|generic" }),
    );
  return { t, kind: raw.kind };
}

/** One line of output; list names, sources and reasons come from downloaded files and are escaped. */
function line(s: string): string {
  return `${escapeTerminal(s)}\n`;
}

function dirs(raw: RawIocs, io: CliIo) {
  const dataDir = path.resolve(io.cwd, raw.dataDir ?? io.env.MAMORI_DATA_DIR ?? defaultDataDir());
  const feedDir = path.resolve(io.cwd, raw.feedDir ?? defaultFeedDir(dataDir, io.env));
  return { dataDir, feedDir };
}

/** `mamori iocs update|status`: refresh external IOC lists (maltrail format or plain lists) and show their age. */
export function registerIocs(program: Command, io: CliIo, done: (code: number) => void): void {
  const iocs = program
    .command("iocs")
    .description("IOC lists used by hunting: update from URLs or files, show status");
  iocs
    .command("update")
    .description(
      "download or read IOC lists (maltrail trail files, plain domain/IP/hash lists) into the feed directory",
    )
    .option(
      "--from <source...>",
      "URL or file of a list (repeatable); default: maltrail's mining and family trails",
    )
    .option("--kind <kind>", "what the list names: pool|malware|generic (default: guessed from the source)")
    .option("--feed-dir <dir>", "where lists are stored (default: MAMORI_IOC_DIR or DATA_DIR/iocs/feeds)")
    .option("--data-dir <dir>", "mamori's data directory")
    .option("--lang <lang>", "ja|en")
    .option("--config <file>", `configuration file (default ${DEFAULT_CONFIG_PATH} when it exists)`)
    .action(async (raw: RawIocs) => {
      const { t, kind } = langAndKind(raw, io);
      const { feedDir } = dirs(raw, io);
      const sources = raw.from && raw.from.length > 0 ? raw.from : DEFAULT_FEEDS;
      let failed = 0;
      for (const source of sources) {
        try {
          const r = await updateFeed(source, { feedDir, cwd: io.cwd, now: io.now?.() ?? new Date(), kind });
          io.stdout.write(line(t("hunt.iocs.updated", { ...r })));
        } catch (err) {
          failed++;
          io.stderr.write(
            line(
              err instanceof RefusedDataError
                ? renderText(err.problem, t)
                : t("hunt.iocs.failed", { source, reason: err instanceof Error ? err.message : String(err) }),
            ),
          );
        }
      }
      done(failed > 0 ? EXIT_ERROR : EXIT_OK);
    });
  iocs
    .command("status")
    .description("list the IOC lists mamori loads, with their size and age")
    .option("--feed-dir <dir>", "where lists are stored")
    .option("--data-dir <dir>", "mamori's data directory")
    .option("--lang <lang>", "ja|en")
    .option("--config <file>", `configuration file (default ${DEFAULT_CONFIG_PATH} when it exists)`)
    .action((raw: RawIocs) => {
      const { t } = langAndKind(raw, io);
      const { dataDir, feedDir } = dirs(raw, io);
      const ds = iocDirs(dataDir, feedDir);
      const { set, problems } = loadIocDirs(ds);
      const now = (io.now?.() ?? new Date()).getTime();
      if (set.lists.length === 0) io.stdout.write(line(t("hunt.iocs.none", { dirs: ds.join(", ") })));
      for (const l of set.lists) {
        const age = Math.max(0, Math.floor((now - Date.parse(l.updated)) / 86400_000));
        io.stdout.write(
          line(
            t("hunt.iocs.statusLine", {
              name: l.name,
              entries: l.entries,
              updated: l.updated.slice(0, 10),
              age,
              source: l.source,
            }),
          ),
        );
      }
      for (const p of problems)
        io.stderr.write(
          line(
            typeof p.detail === "string"
              ? t("hunt.iocs.failed", { source: p.path, reason: p.detail })
              : renderText(p.detail, t),
          ),
        );
      done(problems.length > 0 ? EXIT_ERROR : EXIT_OK);
    });
}
