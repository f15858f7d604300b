import { Command, CommanderError } from "commander";
import { toolVersion } from "../core/version.ts";
import { isLang, type Lang, langFromEnv, translator } from "../i18n/index.ts";
import { escapeTerminalLines } from "../report/escape.ts";
import { commanderError } from "./commander-errors.ts";
import { EXIT_ERROR, EXIT_OK, UsageError } from "./errors.ts";
import { localizeHelp } from "./help-lang.ts";
import type { CliIo } from "./io.ts";

type Register = (program: Command, io: CliIo, done: (code: number) => void) => void;

/**
 * Each command's module, in the order help lists them. Only the module of the command being run is
 * loaded (all of them for help, --version or a mistyped name): `mamori logs` then starts without the
 * database, HTTP, mail and Apache code, which is most of the start-up time.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  audit: async () => (await import("./commands/audit.ts")).registerAudit,
  collect: async () => (await import("./commands/collect.ts")).registerCollect,
  check: async () => (await import("./commands/check.ts")).registerCheck,
  db: async () => (await import("./commands/db.ts")).registerDb,
  report: async () => (await import("./commands/report.ts")).registerReport,
  respond: async () => (await import("./commands/respond.ts")).registerRespond,
  restore: async () => (await import("./commands/restore.ts")).registerRestore,
  verify: async () => (await import("./commands/verify.ts")).registerVerify,
  ports: async () => (await import("./commands/ports.ts")).registerPorts,
  probe: async () => (await import("./commands/probe.ts")).registerProbe,
  history: async () => (await import("./commands/history.ts")).registerHistory,
  diff: async () => (await import("./commands/diff.ts")).registerDiff,
  watch: async () => (await import("./commands/watch.ts")).registerWatch,
  schedule: async () => (await import("./commands/schedule.ts")).registerSchedule,
  logs: async () => (await import("./commands/logs.ts")).registerLogs,
  hunt: async () => (await import("./commands/hunt.ts")).registerHunt,
  iocs: async () => (await import("./commands/iocs.ts")).registerIocs,
  server: async () => (await import("./commands/server.ts")).registerServer,
};

/** The modules to load for `argv`: the named command's alone, none for the version, or every one. */
function commandsFor(argv: string[]): Array<() => Promise<Register>> {
  const name = argv[0];
  if (name === "-V" || name === "--version") return [];
  const one = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  return one ? [one] : Object.values(COMMANDS);
}

/** Runs one mamori command line and returns its exit code; never throws for a user mistake. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const done = (c: number) => {
    code = c;
  };
  const program = new Command("mamori")
    .description("mamori (守り): security checkup for Linux web servers that run Apache httpd")
    .version(await versionOf(argv, io), "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(commanderError(s, translator(langOf(argv, io.env)))),
    });
  // One table of exit codes, the same as the README's, under `mamori --help`.
  program.addHelpText("after", translator(langOf(argv, io.env))("cli.exitCodes"));
  const registers = await Promise.all(commandsFor(argv).map((load) => load()));
  for (const register of registers) register(program, io, done);
  localizeHelp(program, translator(langOf(argv, io.env)), langOf(argv, io.env));

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

/** The tool's version, with the data sets' dates and sources when --version is asked for (loaded only then). */
async function versionOf(argv: string[], io: CliIo): Promise<string> {
  if (argv[0] !== "-V" && argv[0] !== "--version") return toolVersion();
  const [{ versionText }, { defaultDataDir }, path] = await Promise.all([
    import("./version-info.ts"),
    import("./options.ts"),
    import("node:path"),
  ]);
  const dataDir = path.resolve(io.cwd, io.env.MAMORI_DATA_DIR ?? defaultDataDir());
  return versionText(dataDir, path.resolve(defaultDataDir(), "../rules"), translator(langOf(argv, io.env)));
}

/** The language of errors raised before or outside a command's own parsing: --lang when given, else LANG. */
function langOf(argv: string[], env: NodeJS.ProcessEnv): Lang {
  const i = argv.findIndex((a) => a === "--lang" || a.startsWith("--lang="));
  const value = i < 0 ? undefined : argv[i]?.includes("=") ? argv[i]?.slice(7) : argv[i + 1];
  return value !== undefined && isLang(value) ? value : langFromEnv(env);
}
