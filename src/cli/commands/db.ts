import { type Command, Option } from "commander";
import { translator } from "../../i18n/index.ts";
import { jsonOutput } from "../../report/escape.ts";
import { readVulnDb, vulnDbPath } from "../../vulndb/load.ts";
import { SourceError } from "../../vulndb/sources/common.ts";
import { renderStatus, vulnDbStatus } from "../../vulndb/status.ts";
import { DEFAULT_FEED_URLS, FEED_URL_ENV, type FeedUrls, updateVulnDb } from "../../vulndb/update.ts";
import { EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { parseCommon } from "../options.ts";

interface RawDb {
  dataDir?: string;
  lang?: string;
  format?: string;
  now?: string;
  apacheUrl?: string;
  kevUrl?: string;
  debianUrl?: string;
  timeout?: string;
}

function addDbOptions(cmd: Command): Command {
  return cmd
    .option(
      "--data-dir <dir>",
      "directory of mamori's vulnerability data (default: the data/ directory of mamori)",
    )
    .option("--lang <lang>", "language of the messages: ja|en (default from LANG)")
    .addOption(new Option("--now <iso>", "pretend the current time is ISO").hideHelp());
}

/** `mamori db status` and `mamori db update`: how old the vulnerability data is, and refreshing it. */
export function registerDb(program: Command, io: CliIo, done: (code: number) => void): void {
  const db = program.command("db").description("the vulnerability data: show how old it is, or update it");

  addDbOptions(db.command("status").description("show the vulnerability data's dates, age and counts"))
    .option("--format <format>", "output format: human|json", "human")
    .action((raw: RawDb) => {
      const opts = parseCommon(raw, io, ["human", "json"]);
      const t = translator(opts.lang);
      const file = vulnDbPath(opts.dataDir);
      const read = readVulnDb(file);
      if (!read.ok) {
        const detail =
          read.reason === "ENOENT"
            ? t("vulndb.missing", { path: file })
            : read.reason === "parse"
              ? t("vulndb.parse", { path: file, reason: read.message })
              : t("vulndb.unreadable", { path: file, reason: read.message });
        throw new UsageError(detail);
      }
      const status = vulnDbStatus(read.value, opts.dataDir, file, opts.now());
      io.stdout.write(opts.format === "json" ? jsonOutput(status) : renderStatus(status, t));
      done(EXIT_OK);
    });

  addDbOptions(
    db.command("update").description("download Apache's CVE data, CISA KEV and Debian's tracker data"),
  )
    .option("--apache-url <url>", `Apache's consolidated CVE JSON (env ${FEED_URL_ENV.apache})`)
    .option("--kev-url <url>", `CISA KEV JSON (env ${FEED_URL_ENV.kev})`)
    .option("--debian-url <url>", `Debian security tracker JSON (env ${FEED_URL_ENV.debian})`)
    .option("--timeout <seconds>", "give up on a download after this many seconds", "120")
    .action(async (raw: RawDb) => {
      const opts = parseCommon(raw, io, ["human"]);
      const t = translator(opts.lang);
      const urls = feedUrls(raw, io.env, t);
      const timeout = Number(raw.timeout ?? "120");
      if (!Number.isFinite(timeout) || timeout <= 0)
        throw new UsageError(
          t("cli.badOption", {
            option: "--timeout",
            value: String(raw.timeout),
            expected: t("cli.expected.seconds"),
          }),
        );
      const file = vulnDbPath(opts.dataDir);
      try {
        const result = await updateVulnDb({
          dataDir: opts.dataDir,
          urls,
          now: opts.now(),
          timeoutMs: timeout * 1000,
          onFetch: (source, url) => io.stderr.write(`${t("vulndb.update.fetching", { source, url })}\n`),
        });
        io.stdout.write(
          `${t("vulndb.update.done", {
            path: file,
            count: result.cves.length,
            kev: result.cves.filter((c) => c.kev).length,
            debian: result.cves.reduce((n, c) => n + Object.keys(c.distroFixed).length, 0),
          })}\n`,
        );
        done(EXIT_OK);
      } catch (err) {
        if (err instanceof SourceError)
          throw new UsageError(
            t("vulndb.update.failed", { source: err.source, reason: oneLine(t(err.key, err.params)) }),
          );
        const reason =
          (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
        throw new UsageError(t("vulndb.update.cannotWrite", { path: file, reason }));
      }
    });
}

function feedUrls(raw: RawDb, env: NodeJS.ProcessEnv, t: ReturnType<typeof translator>): FeedUrls {
  const pick = (key: keyof FeedUrls, flag: string, value: string | undefined): string => {
    const url = value ?? env[FEED_URL_ENV[key]] ?? DEFAULT_FEED_URLS[key];
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      throw new UsageError(
        t("vulndb.update.badUrl", { option: value ? flag : FEED_URL_ENV[key], value: url }),
      );
    return url;
  };
  return {
    apache: pick("apache", "--apache-url", raw.apacheUrl),
    kev: pick("kev", "--kev-url", raw.kevUrl),
    debian: pick("debian", "--debian-url", raw.debianUrl),
  };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
