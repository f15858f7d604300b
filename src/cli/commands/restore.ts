import type { Command } from "commander";
import { translator } from "../../i18n/index.ts";
import { escapeTerminal as esc } from "../../report/escape.ts";
import { RespondError } from "../../respond/quarantine.ts";
import { reasonText } from "../../respond/render.ts";
import { restore } from "../../respond/run.ts";
import { isEntryId, listEntries } from "../../respond/store.ts";
import { EXIT_FINDINGS, EXIT_OK, UsageError } from "../errors.ts";
import type { CliIo } from "../io.ts";
import { addRespondOptions, parseRespondEnv } from "./respond.ts";

/** `mamori restore ID` undoes one `mamori respond` change; `--list` shows the quarantine. */
export function registerRestore(program: Command, io: CliIo, done: (code: number) => void): void {
  const cmd = program
    .command("restore")
    .description("undo a `mamori respond` change: put a quarantined file back, re-enable a cron line or unit")
    .argument("[id]", "quarantine entry id (see --list)")
    .option("--list", "list the quarantine entries");
  addRespondOptions(cmd).action((id: string | undefined, raw) => {
    const env = parseRespondEnv(raw, io);
    const t = translator(env.lang);
    if (raw.list) {
      const entries = listEntries(env.quarantineDir);
      if (entries.length === 0)
        io.stdout.write(`${t("respond.listEmpty", { dir: esc(env.quarantineDir) })}\n`);
      for (const e of entries) {
        const m = e.manifest;
        const what =
          m.kind === "cron" && m.cron
            ? `${m.originalPath}:${m.cron.line}`
            : m.kind === "unit" && m.unit
              ? m.unit.name
              : m.originalPath;
        io.stdout.write(
          `${m.id}  ${e.status.padEnd(11)} ${m.kind.padEnd(4)} ${esc(what)}  ${m.createdAt}${m.sha256 ? `  sha256:${m.sha256.slice(0, 16)}` : ""}\n`,
        );
      }
      done(EXIT_OK);
      return;
    }
    if (!id) throw new UsageError(t("respond.needId"));
    if (!isEntryId(id)) throw new UsageError(t("respond.badId", { id }));
    try {
      const how = restore(id, { quarantineDir: env.quarantineDir, now: env.now });
      const m = listEntries(env.quarantineDir).find((e) => e.manifest.id === id)?.manifest;
      const p = esc(m?.originalPath ?? "?");
      io.stdout.write(
        `${how === "marker-removed" ? t("respond.restoredMarker", { id, path: p }) : t("respond.restored", { id, path: p })}\n`,
      );
      done(EXIT_OK);
    } catch (err) {
      if (err instanceof RespondError) {
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
