import * as fs from "node:fs";
import * as path from "node:path";
import type { Translator } from "../../i18n/index.ts";
import { escapeTerminalLines } from "../../report/escape.ts";
import { FEEDS, type Feed } from "../../vulndb/feeds.ts";
import { SourceError } from "../../vulndb/sources/common.ts";
import { type FeedUrls, updateVulnDb } from "../../vulndb/update.ts";
import { ensureJudgeData, type RejudgeResult, readDataFile, rejudgeFleet } from "../rejudge.ts";
import type { ServerStore } from "../store/db.ts";
import { recordEvent } from "../store/fleet-queries.ts";
import { alertNewFindings, type FleetAlerts } from "./alerts.ts";

export interface ServerDbUpdate {
  dataDir: string;
  shippedData: string;
  cwd: string;
  from?: string;
  apacheUrl?: string;
  kevUrl?: string;
  debianUrl?: string;
  feed?: string;
  iocFile?: string[];
  /** false with --no-feeds. */
  feeds?: boolean;
  force?: boolean;
  alerts?: FleetAlerts;
}

const EXIT_OK = 0;
const EXIT_ERROR = 2;

/** Where the command writes (the CLI's streams). */
interface Out {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const IOC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.json$/;

/**
 * `mamori server db-update`: the same feed reading as `mamori db update` (src/vulndb/update.ts), into the
 * server's DATA/vulndata, IOC list files copied in after a check, then every host's stored facts judged
 * again. A failed feed changes nothing (the old data stays) and nothing is judged.
 */
export async function serverDbUpdate(
  store: ServerStore,
  o: ServerDbUpdate,
  io: Out,
  t: Translator,
  now: () => Date,
): Promise<number> {
  const judgeDir = ensureJudgeData(o.dataDir, o.shippedData);
  for (const file of o.iocFile ?? []) {
    const src = path.resolve(o.cwd, file);
    const name = path.basename(src);
    try {
      if (!IOC_NAME.test(name)) throw new Error("name");
      const text = readDataFile(src).toString("utf8");
      const v = JSON.parse(text) as { lists?: unknown };
      if (!v || !Array.isArray(v.lists)) throw new Error("no lists array");
      const tmp = path.join(judgeDir, "iocs", `.${name}.tmp`);
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, path.join(judgeDir, "iocs", name));
    } catch (err) {
      io.stderr.write(
        `${t("cli.error", {
          message: escapeTerminalLines(
            t("server.iocFileBad", { file: src, reason: err instanceof Error ? err.message : String(err) }),
          ),
        })}\n`,
      );
      return EXIT_ERROR;
    }
  }
  if (o.feeds !== false) {
    const urls: FeedUrls = {};
    if (o.apacheUrl) urls.apache = o.apacheUrl;
    if (o.kevUrl) urls.kev = o.kevUrl;
    if (o.debianUrl) urls.debian = o.debianUrl;
    let feeds: Feed[] | undefined;
    if (o.feed) {
      feeds = [];
      for (const id of o.feed.split(",")) {
        const f = FEEDS.find((x) => x.id === id.trim());
        if (!f) {
          io.stderr.write(
            `${t("cli.error", { message: t("vulndb.update.unknownFeed", { option: "--feed", id: escapeTerminalLines(id), ids: FEEDS.map((x) => x.id).join(", ") }) })}\n`,
          );
          return EXIT_ERROR;
        }
        feeds.push(f);
      }
    }
    try {
      const db = await updateVulnDb({
        dataDir: judgeDir,
        urls,
        from: o.from === undefined ? undefined : path.resolve(o.cwd, o.from),
        feeds,
        now: now(),
        onFetch: (source, url) =>
          io.stderr.write(`${escapeTerminalLines(t("vulndb.update.fetching", { source, url }))}\n`),
      });
      io.stdout.write(
        `${t("server.dataUpdated", { path: path.join(judgeDir, "vulndb.json"), count: db.cves.length })}\n`,
      );
      await recordEvent(store, now(), "cli", "data.update", "vulndb", { cves: db.cves.length });
    } catch (err) {
      const reason =
        err instanceof SourceError
          ? `${err.source}: ${t(err.key, err.params)}`
          : err instanceof Error
            ? err.message
            : String(err);
      io.stderr.write(
        `${t("cli.error", { message: escapeTerminalLines(t("vulndb.update.failed", { source: judgeDir, reason })) })}\n`,
      );
      return EXIT_ERROR;
    }
  }
  const alerts = o.alerts;
  const r = await rejudgeFleet(store, {
    judgeDir,
    now,
    force: o.force,
    onNew: alerts ? (n) => alertNewFindings(store, alerts, n, now) : undefined,
  });
  io.stdout.write(
    `${escapeTerminalLines(r.judged ? rejudgeLines(r, t) : t("server.rejudgeSame", { version: r.version.slice(0, 12) }))}\n`,
  );
  return EXIT_OK;
}

/** What a re-judging did, in the operator's language (host names escaped by the caller). */
export function rejudgeLines(r: RejudgeResult, t: Translator): string {
  const lines = [
    t("server.rejudged", {
      hosts: r.hosts,
      version: r.version.slice(0, 12),
      findings: r.changed.reduce((n, c) => n + c.findings.length, 0),
      changed: r.changed.length,
      skipped: r.skipped.length,
    }),
  ];
  for (const c of r.changed)
    lines.push(
      t("server.newFindings", {
        host: c.host,
        count: c.findings.length,
        ids: [...c.newCves.slice(0, 10), ...c.findings.filter((f) => f.cves.length === 0).map((f) => f.check)]
          .slice(0, 12)
          .join(" "),
      }),
    );
  return lines.join("\n");
}
