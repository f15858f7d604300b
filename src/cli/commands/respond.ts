import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, Option } from "commander";
import { checkContext } from "../../core/context.ts";
import type { ReportDocument } from "../../core/document.ts";
import { correlate } from "../../correlate/index.ts";
import { isLang, type Lang, langFromEnv, type Translator, translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { ReportFileError, readReport } from "../../report/load.ts";
import { RespondError } from "../../respond/errors.ts";
import { killActionFor } from "../../respond/kill.ts";
import { dedupe, planFromReport } from "../../respond/plan.ts";
import { renderResults } from "../../respond/render.ts";
import { respond } from "../../respond/run.ts";
import { QuarantineStore } from "../../respond/store.ts";
import type { Action } from "../../respond/types.ts";
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { clockOf, existingRoot } from "../options.ts";

export const DEFAULT_QUARANTINE = "/var/lib/mamori/quarantine";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface RespondEnv {
  root: string;
  quarantineDir: string;
  lang: Lang;
  now: () => Date;
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
    .addOption(new Option("--now <iso>", "pretend the current time is ISO").hideHelp());
}

export function parseRespondEnv(
  raw: { root?: string; quarantineDir?: string; lang?: string; now?: string },
  io: CliIo,
): RespondEnv {
  const lang = raw.lang ?? langFromEnv(io.env);
  if (!isLang(lang))
    throw new UsageError(
      translator(langFromEnv(io.env))("cli.badOption", { option: "--lang", value: lang, expected: "ja|en" }),
    );
  const t = translator(lang);
  const root = existingRoot(io.cwd, raw.root ?? "/", t);
  // The quarantine is the host's, never the image's: a manifest shipped inside an image would otherwise
  // decide what restore writes, where, and with which owner and mode.
  const quarantineDir = raw.quarantineDir ? path.resolve(io.cwd, raw.quarantineDir) : DEFAULT_QUARANTINE;
  if (root !== "/" && isInside(root, quarantineDir))
    throw new UsageError(t("respond.quarantineInRoot", { dir: esc(quarantineDir), root: esc(root) }));
  const now = clockOf(raw.now, io, t);
  return { root, quarantineDir, lang, now };
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
    .option("--apply", "do it");
  addRespondOptions(cmd).action((report: string | undefined, raw) => {
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
    if ((findingIds.length > 0 || incidentIds.length > 0 || raw.allCritical) && !doc)
      throw new UsageError(t("respond.needReport"));
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
    const plan = dedupe(actions);
    if (plan.length === 0) {
      io.stdout.write(`${t("respond.nothing")}\n`);
      done(EXIT_OK);
      return;
    }
    const apply = Boolean(raw.apply) && !raw.dryRun;
    if (apply) checkQuarantine(env.quarantineDir, true, t);
    const results = respond(plan, { root: env.root, quarantineDir: env.quarantineDir, apply, now: env.now });
    io.stdout.write(renderResults(results, apply, t));
    const bad = results.some((r) => r.status === "refused" || r.status === "failed");
    done(results.some((r) => r.status === "failed") ? EXIT_ERROR : bad ? EXIT_FINDINGS : EXIT_OK);
  });
}
