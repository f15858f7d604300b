import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { parseOsRelease } from "../../collect/host.ts";
import { ConfigError, loadConfig } from "../../config/load.ts";
import type { Config } from "../../config/schema.ts";
import { renderText } from "../../core/message.ts";
import { type Translator, translator } from "../../i18n/index.ts";
import { jsonOutput } from "../../report/escape.ts";
import { activeFeeds, FEEDS, type Feed } from "../../vulndb/feeds.ts";
import type { HostRelevance } from "../../vulndb/load.ts";
import { RefusedDataError, readProblem, readVulnDb, vulnDbPath } from "../../vulndb/load.ts";
import { SourceError } from "../../vulndb/sources/common.ts";
import { renderStatus, vulnDbStatus } from "../../vulndb/status.ts";
import { type FeedUrls, fetchFeeds, updateVulnDb } from "../../vulndb/update.ts";
import { addConfigOption } from "../config-options.ts";
import { EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { parseCommon } from "../options.ts";

interface RawDb {
  dataDir?: string;
  lang?: string;
  format?: string;
  now?: string;
  config?: string;
  apacheUrl?: string;
  kevUrl?: string;
  debianUrl?: string;
  feedUrl?: string[];
  from?: string;
  to?: string;
  feed?: string;
  distro?: string;
  timeout?: string;
  fromServer?: string;
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

function addFeedOptions(cmd: Command): Command {
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  return cmd
    .option(
      "--config <file>",
      "configuration file with feed URLs (default /etc/mamori/config.yaml when it exists)",
    )
    .option(
      "--feed-url <id=url>",
      `URL of one feed (repeatable; id/file=url for one file of a feed). Feeds: ${FEEDS.map((f) => f.id).join(", ")}`,
      collect,
    )
    .option("--timeout <seconds>", "give up on a download after this many seconds", "120");
}

/** `mamori db status|update|fetch`: how old the vulnerability data is, refreshing it, and fetching it for elsewhere. */
export function registerDb(program: Command, io: CliIo, done: (code: number) => void): void {
  const db = program
    .command("db")
    .description(
      "the vulnerability data: show how old it is, update it, or fetch the feeds for an offline server",
    );

  addDbOptions(
    db.command("status").description("show the vulnerability data's sources, their dates and ages"),
  )
    .option("--format <format>", "output format: human|json", "human")
    .option(
      "--distro <id>",
      "judge the age for packages of this distro (os-release ID; default: this host's /etc/os-release, 'none' for Apache built from source)",
    )
    .action((raw: RawDb) => {
      const opts = parseCommon(raw, io, ["human", "json"]);
      const t = translator(opts.lang);
      const file = vulnDbPath(opts.dataDir);
      const read = readVulnDb(file);
      if (!read.ok) throw new UsageError(renderText(readProblem(file, read), t));
      const status = vulnDbStatus(read.value, opts.dataDir, file, opts.now(), hostOf(raw.distro));
      io.stdout.write(opts.format === "json" ? jsonOutput(status) : renderStatus(status, t));
      done(EXIT_OK);
    });

  addFeedOptions(
    addDbOptions(
      db.command("update").description(
        `read the feeds (${activeFeeds()
          .map((f) => f.id)
          .join(", ")}) and replace the data in one step`,
      ),
    ),
  )
    .option("--apache-url <url>", "Apache's consolidated CVE JSON (env MAMORI_APACHE_URL)")
    .option("--kev-url <url>", "CISA KEV JSON (env MAMORI_KEV_URL)")
    .option("--debian-url <url>", "Debian security tracker JSON (env MAMORI_DEBIAN_URL)")
    .option(
      "--from <dir>",
      "read every feed from DIR/<feed>/<file> (made by `mamori db fetch --to DIR`) instead of the network",
    )
    .option("--feed <ids>", "comma-separated feed ids to refresh (default: all); the others keep their data")
    .option(
      "--from-server <url>",
      "take the vulnerability data and IOC lists from the mamori server this host pushes to (https://HOST:PORT)",
    )
    .action(async (raw: RawDb) => {
      const opts = parseCommon(raw, io, ["human"]);
      const t = translator(opts.lang);
      if (raw.fromServer !== undefined) {
        const { dataFromServer } = await import("../../agent/cli.ts");
        done(await dataFromServer(raw.fromServer, opts.dataDir, opts.lang, io));
        return;
      }
      const urls = feedUrls(raw, io, t, opts.lang);
      const timeout = timeoutOf(raw, t);
      let from: string | undefined;
      if (raw.from !== undefined) {
        from = path.resolve(io.cwd, raw.from);
        if (!isDir(from)) throw new UsageError(t("vulndb.update.fromNotDir", { dir: from }));
      }
      const feeds = feedsOf(raw.feed, t);
      const file = vulnDbPath(opts.dataDir);
      try {
        const result = await updateVulnDb({
          dataDir: opts.dataDir,
          urls,
          from,
          feeds,
          now: opts.now(),
          timeoutMs: timeout * 1000,
          onFetch: (source, url) => io.stderr.write(`${announce(t, source, url)}\n`),
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
        if (err instanceof RefusedDataError) throw new UsageError(renderText(err.problem, t));
        if (err instanceof SourceError)
          throw new UsageError(
            t("vulndb.update.failed", { source: err.source, reason: oneLine(t(err.key, err.params)) }),
          );
        const reason =
          (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
        throw new UsageError(t("vulndb.update.cannotWrite", { path: file, reason }));
      }
    });

  addFeedOptions(
    db
      .command("fetch")
      .description("download the feeds' files into a directory, to copy to a server without network")
      .requiredOption("--to <dir>", "save the files as DIR/<feed>/<file>")
      .option(
        "--feed <ids>",
        `comma-separated feed ids, or 'all' (default: the ones db update reads: ${activeFeeds()
          .map((f) => f.id)
          .join(",")})`,
      )
      .option("--lang <lang>", "language of the messages: ja|en (default from LANG)"),
  ).action(async (raw: RawDb) => {
    const opts = parseCommon(raw, io, ["human"]);
    const t = translator(opts.lang);
    const urls = feedUrls(raw, io, t, opts.lang);
    const timeout = timeoutOf(raw, t);
    const feeds = feedsOf(raw.feed, t);
    const to = path.resolve(io.cwd, raw.to as string);
    try {
      const saved = await fetchFeeds({
        to,
        urls,
        feeds,
        timeoutMs: timeout * 1000,
        onFetch: (source, url) => io.stderr.write(`${announce(t, source, url)}\n`),
      });
      const bytes = saved.reduce((n, s) => n + s.bytes, 0);
      io.stdout.write(
        `${t("vulndb.fetch.done", { count: saved.length, size: `${(bytes / 1024 / 1024).toFixed(1)} MiB`, dir: to })}\n`,
      );
      done(EXIT_OK);
    } catch (err) {
      const source = err instanceof SourceError ? err.source : to;
      const reason =
        err instanceof SourceError
          ? oneLine(t(err.key, err.params))
          : ((err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err)));
      throw new UsageError(t("vulndb.fetch.failed", { source, reason, dir: to }));
    }
  });
  // status and fetch read the configuration file too (its lang); update names its own --config.
  for (const sub of db.commands) addConfigOption(sub);
}

/** A download is "Downloading … from URL"; a local file (file://, --from DIR) is "Reading … from PATH". */
function announce(t: Translator, source: string, url: string): string {
  if (url.startsWith("file:")) {
    let file = url;
    try {
      file = fileURLToPath(url);
    } catch {
      file = url;
    }
    return t("vulndb.update.reading", { source, path: file });
  }
  return t("vulndb.update.fetching", { source, url });
}

function timeoutOf(raw: RawDb, t: Translator): number {
  const timeout = Number(raw.timeout ?? "120");
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(
      t("cli.badOption", {
        option: "--timeout",
        value: String(raw.timeout),
        expected: t("cli.expected.seconds"),
      }),
    );
  return timeout;
}

function feedsOf(list: string | undefined, t: Translator): Feed[] {
  if (list === undefined) return activeFeeds();
  if (list === "all") return [...FEEDS];
  return list.split(",").map((id) => {
    const feed = FEEDS.find((f) => f.id === id.trim());
    if (!feed) throw new UsageError(unknownFeed(t, "--feed", id.trim()));
    return feed;
  });
}

/** Status judged for the host's own distro: --distro, else /etc/os-release (absent: every source counts). */
function hostOf(distro: string | undefined): HostRelevance | undefined {
  if (distro !== undefined) return { distros: distro === "none" ? [] : [distro.toLowerCase()] };
  let text: string | undefined;
  try {
    const fd = fs.openSync("/etc/os-release", fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const buf = Buffer.alloc(64 * 1024);
      text = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const id = parseOsRelease(text).id?.toLowerCase();
  return id && /^[a-z0-9._-]{1,40}$/.test(id) ? { distros: [id] } : undefined;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function unknownFeed(t: Translator, option: string, id: string): string {
  return t("vulndb.update.unknownFeed", { option, id, ids: FEEDS.map((f) => f.id).join(", ") });
}

/**
 * The URL overrides, lowest first: the configuration's `feeds`, the MAMORI_*_URL variables, --feed-url,
 * then the older --apache-url/--kev-url/--debian-url. Each names a known feed (and file) and is
 * http(s):// or file://.
 */
function feedUrls(raw: RawDb, io: CliIo, t: Translator, lang: "en" | "ja"): FeedUrls {
  let config: Config;
  try {
    config = loadConfig(raw.config ? path.resolve(io.cwd, raw.config) : io.env.MAMORI_CONFIG, t, lang).config;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const urls: FeedUrls = {};
  const set = (key: string, url: string, option: string) => {
    const [id, file] = key.split(/\/(.*)/s) as [string, string | undefined];
    const feed = FEEDS.find((f) => f.id === id);
    if (!feed) throw new UsageError(unknownFeed(t, option, id));
    const files = Object.keys(feed.parts);
    if (file !== undefined ? !files.includes(file) : files.length !== 1)
      throw new UsageError(unknownFeed(t, option, `${key} (${files.map((f) => `${id}/${f}`).join(", ")})`));
    let ok = false;
    try {
      ok = ["http:", "https:", "file:"].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(t("vulndb.update.badUrl", { option, value: url }));
    urls[key] = url;
  };
  for (const [id, value] of Object.entries(config.feeds ?? {})) {
    if (typeof value === "string") set(id, value, `feeds.${id}`);
    else for (const [file, url] of Object.entries(value)) set(`${id}/${file}`, url, `feeds.${id}.${file}`);
  }
  for (const feed of FEEDS) {
    const value = feed.env ? io.env[feed.env] : undefined;
    if (feed.env && value !== undefined) set(feed.id, value, feed.env);
  }
  for (const entry of raw.feedUrl ?? []) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new UsageError(t("vulndb.update.badUrl", { option: "--feed-url", value: entry }));
    set(entry.slice(0, eq), entry.slice(eq + 1), "--feed-url");
  }
  if (raw.apacheUrl !== undefined) set("apache", raw.apacheUrl, "--apache-url");
  if (raw.kevUrl !== undefined) set("kev", raw.kevUrl, "--kev-url");
  if (raw.debianUrl !== undefined) set("debian", raw.debianUrl, "--debian-url");
  return urls;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
