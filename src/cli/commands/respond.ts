import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import { redactDbTarget } from "../../alert/redact.ts";
import { scanContext } from "../../audit/context.ts";
import { runScanners } from "../../audit/run.ts";
import { auditScanners } from "../../audit/scanners.ts";
import { DEFAULT_CONFIG_PATH } from "../../config/load.ts";
import { checkContext } from "../../core/context.ts";
import type { ReportDocument } from "../../core/document.ts";
import { correlate } from "../../correlate/index.ts";
import { type Lang, type Translator, translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { sh } from "../../report/guidance.ts";
import { ReportFileError, readReport } from "../../report/load.ts";
import { localizeTime, resolveTimeZone, zonedTranslator } from "../../report/time-format.ts";
import { RespondError } from "../../respond/errors.ts";
import { killActionFor } from "../../respond/kill.ts";
import { recordLastRespond } from "../../respond/last.ts";
import { dedupe, planFromReport } from "../../respond/plan.ts";
import { renderResults } from "../../respond/render.ts";
import { respond } from "../../respond/run.ts";
import { QuarantineStore } from "../../respond/store.ts";
import type { Action, ActionResult } from "../../respond/types.ts";
import { openStore } from "../../store/db.ts";
import { listScans, scanDocument } from "../../store/scans.ts";
import { runConfigOf } from "../config-options.ts";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { clockOf, defaultDataDir, existingRoot } from "../options.ts";
import { parseHistoryOptions } from "../watch-options.ts";

export const DEFAULT_QUARANTINE = "/var/lib/mamori/quarantine";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface RespondEnv {
  root: string;
  quarantineDir: string;
  lang: Lang;
  now: () => Date;
  /** --config, for the history database named in the configuration file. */
  config?: string;
}

/** --root, --quarantine-dir, --lang and --now, shared by respond and restore. */
export function addRespondOptions(cmd: Command): Command {
  return cmd
    .option("--root <dir>", "act on the filesystem under DIR (a mounted image) instead of this machine", "/")
    .option(
      "--quarantine-dir <dir>",
      `where moved files and backups go, on this machine (default ${DEFAULT_QUARANTINE}, also with --root)`,
    )
    .option("--lang <lang>", "language: ja|en (default from LANG)")
    .option("--config <file>", `configuration file (default ${DEFAULT_CONFIG_PATH} when it exists)`)
    .addOption(new Option("--now <iso>", "pretend the current time is ISO").hideHelp());
}

export function parseRespondEnv(
  raw: { root?: string; quarantineDir?: string; lang?: string; now?: string; config?: string },
  io: CliIo,
): RespondEnv {
  // --lang, else the configuration file's lang, else LANG.
  const { lang } = runConfigOf(raw, io);
  const t = translator(lang);
  const root = existingRoot(io.cwd, raw.root ?? "/", t);
  // The quarantine is the host's, never the image's: a manifest shipped inside an image would otherwise
  // decide what restore writes, where, and with which owner and mode.
  const quarantineDir = raw.quarantineDir ? path.resolve(io.cwd, raw.quarantineDir) : DEFAULT_QUARANTINE;
  if (root !== "/" && isInside(root, quarantineDir))
    throw new UsageError(t("respond.quarantineInRoot", { dir: esc(quarantineDir), root: esc(root) }));
  const now = clockOf(raw.now, io, t);
  return { root, quarantineDir, lang, now, config: raw.config };
}

/** Whether `p` is `root` or below it, by path and by what the path resolves to now. */
function isInside(root: string, p: string): boolean {
  const under = (r: string, x: string) => x === r || x.startsWith(r.endsWith("/") ? r : `${r}/`);
  if (under(root, p)) return true;
  try {
    const realRoot = fs.realpathSync(root);
    let probe = p;
    // The nearest existing ancestor: a link in it could lead into the image.
    while (!fs.existsSync(probe) && probe !== path.dirname(probe)) probe = path.dirname(probe);
    return under(realRoot, fs.realpathSync(probe));
  } catch {
    return false;
  }
}

/** Opens (creating if asked) the quarantine, or a clear one-line refusal when it is unsafe. */
export function checkQuarantine(dir: string, create: boolean, t: Translator): void {
  try {
    if (create) QuarantineStore.open(dir, { create: true }).close();
    else QuarantineStore.openExisting(dir)?.close();
  } catch (err) {
    if (err instanceof RespondError)
      throw new UsageError(t("respond.unsafeQuarantine", { dir: esc(dir), detail: esc(err.message) }));
    throw err;
  }
}

export function registerRespond(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("respond")
    .description(
      "contain what a report found: stop processes, quarantine files, disable cron lines and units (dry run unless --apply)",
    )
    .argument("[report]", "JSON report from `mamori audit --format json` (- for standard input)")
    .option("--finding <id>", "act on this finding of the report (repeatable)", collect)
    .option(
      "--incident <id>",
      "act on every finding of this incident (ids as in the report's incidents)",
      collect,
    )
    .option("--all-critical", "act on every critical finding of the report")
    .option("--kill <pid>", "stop this process, if it is still the one the report saw (repeatable)", collect)
    .option("--quarantine <path>", "move this file into the quarantine (repeatable)", collect)
    .option("--disable-cron <file:line>", "comment out this line of a cron file (repeatable)", collect)
    .option("--disable-unit <name>", "mask this systemd unit (repeatable)", collect)
    .option("--dry-run", "show what would be done (the default)")
    .option("--apply", "do it")
    .option(
      "--force",
      "also move system, package-owned and Apache files, and act on low-confidence findings (refused otherwise)",
    )
    .option("--db <path>", "history database whose newest scan is used when no report is given");
  addRespondOptions(cmd).action(async (report: string | undefined, raw) => {
    const env = parseRespondEnv(raw, io);
    const t = translator(env.lang);
    let doc: ReportDocument | undefined;
    if (report !== undefined) {
      try {
        doc = readReport(report, io.cwd, t, env.lang);
      } catch (err) {
        throw err instanceof ReportFileError ? new UsageError(err.message) : err;
      }
    }
    const findingIds: string[] = [...(raw.finding ?? [])];
    const incidentIds: string[] = raw.incident ?? [];
    if ((findingIds.length > 0 || incidentIds.length > 0 || raw.allCritical) && !doc) {
      // No report file: the newest stored scan (`audit --save`, `watch`) when it has what was named, else
      // a scan now (finding and incident ids are stable across scans): the commands a plain `audit`
      // prints then work as shown.
      doc = await reportWithoutFile(raw.db, env, { findingIds, incidentIds }, io, t);
    }
    if (doc && incidentIds.length > 0) {
      // Correlated again, as `mamori report` does: the ids are stable, so they match the rendered report.
      const incidents = correlate(doc.findings, checkContext(env));
      for (const id of incidentIds) {
        const inc = incidents.find((i) => i.id === id) ?? doc.incidents.find((i) => i.id === id);
        if (!inc) throw new UsageError(t("respond.unknownIncident", { id }));
        findingIds.push(...inc.findingIds);
      }
    }
    const actions: Action[] = [];
    const notes: string[] = [];
    if (doc) {
      const plan = planFromReport(doc, { findingIds, allCritical: Boolean(raw.allCritical) });
      const unknown = plan.unknown[0];
      if (unknown !== undefined) throw new UsageError(t("respond.unknownFinding", { id: unknown }));
      for (const id of plan.noAction) notes.push(t("respond.noAction", { id: esc(id) }));
      actions.push(...plan.actions);
    }
    for (const v of (raw.kill ?? []) as string[]) {
      if (!/^\d+$/.test(v)) throw new UsageError(t("respond.badPid", { value: v }));
      actions.push(killActionFor(Number(v), doc, env.root));
    }
    for (const p of (raw.quarantine ?? []) as string[]) actions.push({ kind: "quarantine", path: p });
    for (const v of (raw.disableCron ?? []) as string[]) {
      const m = /^(.+):(\d+)$/.exec(v);
      if (!m?.[1] || !m[2] || Number(m[2]) < 1) throw new UsageError(t("respond.badCron", { value: v }));
      actions.push({ kind: "disable-cron", path: m[1], line: Number(m[2]) });
    }
    for (const n of (raw.disableUnit ?? []) as string[]) actions.push({ kind: "disable-unit", name: n });
    for (const n of notes) io.stderr.write(`${n}\n`);
    // A finding the user named themselves is acted on whatever its confidence.
    const named = new Set<string>(raw.finding ?? []);
    const plan = dedupe(actions).map((a) =>
      (a.kind === "kill" || a.kind === "quarantine") && a.findingId && named.has(a.findingId)
        ? { ...a, lowConfidence: undefined }
        : a,
    );
    if (plan.length === 0) {
      io.stdout.write(`${t("respond.nothing")}\n`);
      done(EXIT_OK);
      return;
    }
    const apply = Boolean(raw.apply) && !raw.dryRun;
    if (apply) checkQuarantine(env.quarantineDir, true, t);
    const results = respond(plan, {
      root: env.root,
      quarantineDir: env.quarantineDir,
      apply,
      now: env.now,
      force: Boolean(raw.force),
      onUnreadPackageLists: (u) =>
        io.stderr.write(
          `${t("respond.packageListsUnread", {
            count: u.count,
            dir: esc(u.dir),
            lists: esc(
              u.lists.map((l) => `${l.name}: ${l.reason}`).join(", ") +
                (u.count > u.lists.length ? ", …" : ""),
            ),
          })}\n`,
        ),
    });
    // Process start times in the reader's zone and the report's format, not raw ISO.
    io.stdout.write(renderResults(results, apply, zonedTranslator(t, resolveTimeZone(io.env))));
    if (!apply) {
      // The command that applies is its own block after a blank line: pasting the dry run never applies.
      const cmdLine = applyCommand(results, report, raw, env);
      io.stdout.write(
        cmdLine ? `\n${t("respond.applyBlock")}\n\n    ${cmdLine}\n` : `\n${t("respond.applyNone")}\n`,
      );
    } else {
      recordLastRespond(env, results);
    }
    io.stdout.write(`\n${checklist(apply ? results.filter((r) => r.status === "done") : results, t)}`);
    // A dry run only reports: 0 unless it could not even look. --apply: 1 when something was not done.
    const failed = results.some((r) => r.status === "failed");
    const refused = results.some((r) => r.status === "refused");
    done(failed ? EXIT_ERROR : apply && refused ? EXIT_FINDINGS : EXIT_OK);
  });
}

/** `mamori respond ... --apply` for exactly the actions the dry run found possible, or undefined for none. */
function applyCommand(
  results: ActionResult[],
  report: string | undefined,
  raw: { root?: string; quarantineDir?: string; db?: string; lang?: string },
  env: RespondEnv,
): string | undefined {
  const ok = results.filter((r) => r.status === "planned").map((r) => r.action);
  if (ok.length === 0) return undefined;
  const args: string[] = ["mamori", "respond"];
  const fromReport = new Set<string>();
  if (report !== undefined) args.push(sh(report));
  for (const a of ok) {
    if (a.findingId) fromReport.add(a.findingId);
    else if (a.kind === "kill") args.push("--kill", String(a.pid));
    else if (a.kind === "quarantine") args.push("--quarantine", sh(a.path));
    else if (a.kind === "disable-cron") args.push("--disable-cron", sh(`${a.path}:${a.line}`));
    else args.push("--disable-unit", sh(a.name));
  }
  for (const id of fromReport) args.push("--finding", sh(id));
  if (env.root !== "/") args.push("--root", sh(env.root));
  if (raw.quarantineDir) args.push("--quarantine-dir", sh(env.quarantineDir));
  if (raw.db) args.push("--db", sh(raw.db));
  if (raw.lang) args.push("--lang", env.lang);
  args.push("--apply");
  return esc(args.join(" "));
}

/** What to look at afterwards, one line per thing acted on; `mamori verify` checks the same list. */
function checklist(results: ActionResult[], t: Translator): string {
  const out = [t("respond.checklist")];
  for (const r of results) {
    const a = r.action;
    if (r.status === "refused" || r.status === "failed") continue;
    if (a.kind === "kill")
      out.push(`  [ ] ${t("respond.check.kill", { pid: a.pid, exe: esc(a.exe ?? "?") })}`);
    else if (a.kind === "quarantine")
      out.push(`  [ ] ${t("respond.check.quarantine", { path: esc(a.path) })}`);
    else if (a.kind === "disable-cron")
      out.push(`  [ ] ${t("respond.check.disable-cron", { path: esc(a.path), line: a.line })}`);
    else out.push(`  [ ] ${t("respond.check.disable-unit", { name: esc(a.name) })}`);
  }
  out.push(`  [ ] ${t("respond.check.hunt")}`);
  return `${out.join("\n")}\n`;
}

/**
 * The report `respond` acts on when no file is given: the newest stored scan if it has every finding and
 * incident named (said on stderr), else a scan of --root now, as `mamori audit` runs it. With --db, the
 * stored scan is required.
 */
async function reportWithoutFile(
  db: string | undefined,
  env: RespondEnv,
  named: { findingIds: string[]; incidentIds: string[] },
  io: CliIo,
  t: Translator,
): Promise<ReportDocument> {
  const stored = await storedScan(db, env, io, t, db !== undefined);
  if (stored && covers(stored.doc, named, env)) {
    io.stderr.write(
      `${t("respond.usingStoredScan", { id: stored.id, host: esc(stored.host), at: localizeTime(stored.at, resolveTimeZone(io.env)) })}\n`,
    );
    return stored.doc;
  }
  if (stored && db !== undefined) return stored.doc; // unknown ids are then named by the caller
  io.stderr.write(
    `${t(stored ? "respond.scanningNowStale" : "respond.scanningNow", { root: esc(env.root), id: stored?.id ?? "" })}\n`,
  );
  const ctx = scanContext(
    {
      root: env.root,
      now: env.now,
      lang: env.lang,
      dataDir: path.resolve(io.cwd, io.env.MAMORI_DATA_DIR ?? defaultDataDir()),
    },
    io.env,
  );
  return runScanners(ctx, auditScanners(), "audit");
}

function covers(
  doc: ReportDocument,
  named: { findingIds: string[]; incidentIds: string[] },
  env: RespondEnv,
): boolean {
  const ids = new Set(doc.findings.map((f) => f.id));
  if (!named.findingIds.every((id) => ids.has(id))) return false;
  if (named.incidentIds.length === 0) return true;
  const incidents = [...correlate(doc.findings, checkContext(env)), ...doc.incidents].map((i) => i.id);
  return named.incidentIds.every((id) => incidents.includes(id));
}

/** The newest scan of the history database; a clear line when there is none and one is required. */
async function storedScan(
  db: string | undefined,
  env: RespondEnv,
  io: CliIo,
  t: Translator,
  required: boolean,
): Promise<{ doc: ReportDocument; id: number | string; host: string; at: string } | undefined> {
  const o = parseHistoryOptions({ db, lang: env.lang, config: env.config }, io);
  const none = () => {
    if (required)
      throw new UsageError(t("respond.noStoredScan", { db: esc(redactDbTarget(o.store.target)) }));
    return undefined;
  };
  // Looking must not create an empty database where there was none.
  if (!/^postgres(ql)?:\/\//.test(o.store.target) && !fs.existsSync(o.store.target)) return none();
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    store = await openStore(o.store.target, { busyTimeoutMs: o.store.busyTimeoutMs });
  } catch {
    store = undefined;
  }
  if (!store) return none();
  try {
    const newest = (await listScans(store.db, { limit: 1 }))[0];
    const doc = newest ? await scanDocument(store.db, newest.id) : undefined;
    if (!newest || !doc) return none();
    return { doc, id: newest.id, host: newest.host, at: newest.startedAt };
  } finally {
    await store.close();
  }
}
