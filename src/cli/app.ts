import { Command, CommanderError } from "commander";
import { toolVersion } from "../core/version.ts";
import { isLang, type Lang, langFromEnv, translator } from "../i18n/index.ts";
import { escapeTerminalLines } from "../report/escape.ts";
import { commanderError } from "./commander-errors.ts";
import { registerAudit } from "./commands/audit.ts";
import { registerDb } from "./commands/db.ts";
import { registerDiff } from "./commands/diff.ts";
import { registerHistory } from "./commands/history.ts";
import { registerHunt } from "./commands/hunt.ts";
import { registerIocs } from "./commands/iocs.ts";
import { registerLogs } from "./commands/logs.ts";
import { registerPorts } from "./commands/ports.ts";
import { registerProbe } from "./commands/probe.ts";
import { registerReport } from "./commands/report.ts";
import { registerRespond } from "./commands/respond.ts";
import { registerRestore } from "./commands/restore.ts";
import { registerSchedule } from "./commands/schedule.ts";
import { registerWatch } from "./commands/watch.ts";
import { EXIT_ERROR, EXIT_OK, UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

/** Runs one mamori command line and returns its exit code; never throws for a user mistake. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const done = (c: number) => {
    code = c;
  };
  const program = new Command("mamori")
    .description("mamori (守り): security checkup for Linux web servers that run Apache httpd")
    .version(toolVersion(), "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(commanderError(s, translator(langOf(argv, io.env)))),
    });
  registerAudit(program, io, done);
  registerDb(program, io, done);
  registerReport(program, io, done);
  registerRespond(program, io, done);
  registerRestore(program, io, done);
  registerPorts(program, io, done);
  registerProbe(program, io, done);
  registerHistory(program, io, done);
  registerDiff(program, io, done);
  registerWatch(program, io, done);
  registerSchedule(program, io, done);
  registerLogs(program, io, done);
  registerHunt(program, io, done);
  registerIocs(program, io, done);

  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      )
        return EXIT_OK;
      return EXIT_ERROR;
    }
    const t = translator(langOf(argv, io.env));
    // Messages quote what the user gave and what was read (a report's bytes in JSON.parse's message, file
    // names, config values): no escape sequence may reach the terminal; a message's own line breaks stay.
    if (err instanceof UsageError) {
      io.stderr.write(`${t("cli.error", { message: escapeTerminalLines(err.message) })}\n`);
      return EXIT_ERROR;
    }
    io.stderr.write(
      `${t("cli.unexpected", { message: escapeTerminalLines(err instanceof Error ? err.message : String(err)) })}\n`,
    );
    if (io.env.MAMORI_DEBUG) io.stderr.write(`${err instanceof Error ? err.stack : ""}\n`);
    return EXIT_ERROR;
  }
}

/** The language of errors raised before or outside a command's own parsing: --lang when given, else LANG. */
function langOf(argv: string[], env: NodeJS.ProcessEnv): Lang {
  const i = argv.findIndex((a) => a === "--lang" || a.startsWith("--lang="));
  const value = i < 0 ? undefined : argv[i]?.includes("=") ? argv[i]?.slice(7) : argv[i + 1];
  return value !== undefined && isLang(value) ? value : langFromEnv(env);
}
