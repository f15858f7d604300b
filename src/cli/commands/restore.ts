import type { Command } from "commander";
import { isMessageKey, type Translator, translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { padEndWidth } from "../../report/text-width.ts";
import { localizeTime, resolveTimeZone } from "../../report/time-format.ts";
import { RespondError } from "../../respond/errors.ts";
import { reasonText } from "../../respond/render.ts";
import { restore } from "../../respond/run.ts";
import { type EntryStatus, isEntryId, QuarantineStore } from "../../respond/store.ts";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { addRespondOptions, checkQuarantine, parseRespondEnv } from "./respond.ts";

/** One line of `restore --list`: every field came from a file on disk, so every field is escaped. */
function listLine(e: EntryStatus, currentRoot: string, t: Translator, zone: string): string {
  const m = e.manifest;
  const what =
    m.kind === "cron" && m.cron
      ? `${m.originalPath}:${m.cron.line}`
      : m.kind === "unit" && m.unit
        ? m.unit.name
        : m.originalPath;
  const root = m.root !== currentRoot ? `  (--root ${esc(m.root)})` : "";
  const hash = m.sha256 ? `  sha256:${esc(m.sha256.slice(0, 16))}` : "";
  const statusKey = `restore.status.${e.status}`;
  const kindKey = `restore.kind.${m.kind}`;
  const status = isMessageKey(statusKey) ? t(statusKey) : esc(e.status);
  const kind = isMessageKey(kindKey) ? t(kindKey) : esc(m.kind);
  const cols = [padEndWidth(status, 12), padEndWidth(kind, 8)].join(" ");
  return `${esc(m.id)}  ${cols} ${esc(what)}  ${esc(localizeTime(m.createdAt, zone))}${hash}${root}\n`;
}

function octal(bits: number): string {
  return `0${bits.toString(8)}`;
}

function list(dir: string, root: string, io: CliIo, t: Translator): void {
  checkQuarantine(dir, false, t);
  const store = QuarantineStore.openExisting(dir);
  const { good, bad } = store
    ? (() => {
        try {
          return store.entries();
        } finally {
          store.close();
        }
      })()
    : { good: [], bad: [] };
  if (good.length === 0 && bad.length === 0)
    io.stdout.write(`${t("respond.listEmpty", { dir: esc(dir) })}\n`);
  const zone = resolveTimeZone(io.env);
  for (const e of good) io.stdout.write(listLine(e, root, t, zone));
  for (const b of bad) io.stdout.write(`${t("respond.listBad", { id: esc(b.id), detail: esc(b.error) })}\n`);
}

/** `mamori restore ID` undoes one `mamori respond` change; `--list` shows the quarantine. */
export function registerRestore(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("restore")
    .description("undo a `mamori respond` change: put a quarantined file back, re-enable a cron line or unit")
    .argument("[id]", "quarantine entry id (see --list)")
    .option("--list", "list the quarantine entries")
    .option("--keep-setid", "also restore set-user-id/set-group-id bits (cleared otherwise)");
  addRespondOptions(cmd).action((id: string | undefined, raw) => {
    const env = parseRespondEnv(raw, io);
    const t = translator(env.lang);
    if (raw.list) {
      list(env.quarantineDir, env.root, io, t);
      done(EXIT_OK);
      return;
    }
    if (!id) throw new UsageError(t("respond.needId"));
    if (!isEntryId(id)) throw new UsageError(t("respond.badId", { id: esc(id) }));
    checkQuarantine(env.quarantineDir, false, t);
    try {
      const r = restore(id, {
        quarantineDir: env.quarantineDir,
        now: env.now,
        root: env.root,
        keepSetid: Boolean(raw.keepSetid),
      });
      const p = esc(r.path);
      io.stdout.write(
        `${r.how === "marker-removed" ? t("respond.restoredMarker", { id, path: p }) : t("respond.restored", { id, path: p })}\n`,
      );
      if (r.setidDropped) io.stdout.write(`${t("respond.setidDropped", { bits: octal(r.setidDropped) })}\n`);
      if (r.setidKept) io.stdout.write(`${t("respond.setidKept", { bits: octal(r.setidKept) })}\n`);
      done(EXIT_OK);
    } catch (err) {
      if (err instanceof RespondError) {
        if (err.reason === "missing" && err.message === id)
          throw new UsageError(`${id}: ${t("respond.reason.missing")}`);
        io.stderr.write(`mamori: ${esc(id)}: ${reasonText(err.reason, err.message, t)}\n`);
        done(EXIT_FINDINGS);
        return;
      }
      if ((err as NodeJS.ErrnoException).code === "ENOENT")
        throw new UsageError(`${id}: ${t("respond.reason.missing")}`);
      throw err;
    }
  });
}
