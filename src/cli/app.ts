import { fileURLToPath } from "node:url";
import { Command, CommanderError, Help } from "commander";
import { toolVersion } from "../core/version.ts";
import type { Lang, Translator } from "../i18n/index.ts";
import { isLang, langFromEnv } from "../i18n/index-base.ts";
import { escapeTerminalLines } from "../report/escape.ts";
import { commanderError } from "./commander-errors.ts";
import { EXIT_ERROR, EXIT_OK, UsageError } from "./errors.ts";
import type { CliIo } from "./io.ts";

export type Register = (program: Command, io: CliIo, done: (code: number) => void) => void;

/** A command: its line in `mamori --help` (the arguments after its name, its description) and its module. */
export interface CommandEntry {
  /** What help shows after the name: `[options]` when it has options, then its arguments. */
  term: string;
  about: string;
  load: () => Promise<Register>;
}

const cmd = (term: string, about: string, load: () => Promise<Register>): CommandEntry => ({
  term,
  about,
  load,
});

/**
 * Each command, in the order help lists them. Only the module of the command being run is loaded:
 * `mamori logs` starts without the database, HTTP, mail and Apache code. `mamori --help`, `mamori help`
 * and a mistyped name load none: they list each command from its line here (test/cli/startup.test.ts
 * checks every line against what the module registers). A bare loader, without a help line, works too:
 * its module is then loaded for the command list.
 */
export const COMMANDS: Record<string, CommandEntry | (() => Promise<Register>)> = {
  audit: cmd(
    "[options] [target]",
    "check this server (or --root DIR): Apache version and CVEs, configuration, logs, processes, persistence, open ports",
    async () => (await import("./commands/audit.ts")).registerAudit,
  ),
  collect: cmd(
    "[options]",
    "read this server (or --root DIR) into a facts file, without judging it; judge it later with `mamori check FILE`",
    async () => (await import("./commands/collect.ts")).registerCollect,
  ),
  check: cmd(
    "[options] <file...>",
    "judge facts saved by `mamori collect` or `mamori audit --save-facts` with the current vulnerability data, IOC lists and rules",
    async () => (await import("./commands/check.ts")).registerCheck,
  ),
  db: cmd(
    "",
    "the vulnerability data: show how old it is, update it, or fetch the feeds for an offline server",
    async () => (await import("./commands/db.ts")).registerDb,
  ),
  report: cmd(
    "[options] <file>",
    "render a saved JSON report (FILE, or - for standard input) in another format",
    async () => (await import("./commands/report.ts")).registerReport,
  ),
  respond: cmd(
    "[options] [report]",
    "contain what a report found: stop processes, quarantine files, disable cron lines and units (dry run unless --apply)",
    async () => (await import("./commands/respond.ts")).registerRespond,
  ),
  restore: cmd(
    "[options] [id]",
    "undo a `mamori respond` change: put a quarantined file back, re-enable a cron line or unit",
    async () => (await import("./commands/restore.ts")).registerRestore,
  ),
  verify: cmd(
    "[options]",
    "check that what the last `mamori respond --apply` did still holds: processes gone, files not back, cron lines and units disabled (exit 0 clean, 1 something remains)",
    async () => (await import("./commands/verify.ts")).registerVerify,
  ),
  ports: cmd(
    "[options]",
    "list listening TCP/UDP sockets with process, user and package; flag risky services reachable from outside and say what to close (reads saved firewall rules, changes nothing)",
    async () => (await import("./commands/ports.ts")).registerPorts,
  ),
  probe: cmd(
    "[options] [url...]",
    "check your own web servers from outside, without harming them: banner, CVE-2021-41773/42013 path traversal (missing files only; no file read unless --confirm-read, never command execution), TRACE, directory listing, /server-status, /server-info, .git/ and .env. Only probe servers you own or are allowed to test; requests go only to the hosts you name.",
    async () => (await import("./commands/probe.ts")).registerProbe,
  ),
  history: cmd(
    "[options]",
    "list stored scans (newest first) and the alert deliveries, failed ones included",
    async () => (await import("./commands/history.ts")).registerHistory,
  ),
  diff: cmd(
    "[options] [from] [to]",
    "what changed between two stored scans: new, resolved and changed findings (exit 1 when something new or changed is at or above the threshold)",
    async () => (await import("./commands/diff.ts")).registerDiff,
  ),
  watch: cmd(
    "[options]",
    "keep watching: audit on a schedule, follow the Apache logs, store every scan, alert on what is new (stop with SIGTERM)",
    async () => (await import("./commands/watch.ts")).registerWatch,
  ),
  schedule: cmd(
    "[options] <action>",
    "install, remove or show a systemd timer (or /etc/cron.d file where systemd is absent) that runs `mamori watch --once` periodically",
    async () => (await import("./commands/schedule.ts")).registerSchedule,
  ),
  logs: cmd(
    "[options] [paths...]",
    "read access and error logs: who attacked, with what, when, and did it work",
    async () => (await import("./commands/logs.ts")).registerLogs,
  ),
  hunt: cmd(
    "[options]",
    "look for what an intruder left: cryptominers, hidden processes, backdoors and their persistence",
    async () => (await import("./commands/hunt.ts")).registerHunt,
  ),
  server: cmd(
    "[options]",
    "run the fleet server: agents push their scans to it (mamori audit --push), people read them",
    async () => (await import("./commands/server.ts")).registerServer,
  ),
  iocs: cmd(
    "",
    "IOC lists used by hunting: update from URLs or files, show status",
    async () => (await import("./commands/iocs.ts")).registerIocs,
  ),
};

const loaderOf = (e: CommandEntry | (() => Promise<Register>)) => (typeof e === "function" ? e : e.load);

/**
 * The commands whose module `argv` needs: the named command alone (also for `help NAME`), none for the
 * version, and for anything else (help, a mistyped name) only those without a help line; every one
 * when `all`.
 */
function commandsFor(argv: string[], all: boolean): string[] {
  if (argv[0] === "-V" || argv[0] === "--version") return [];
  const names = Object.keys(COMMANDS);
  if (all) return names;
  const name = argv[0] === "help" ? argv[1] : argv[0];
  if (name !== undefined && Object.hasOwn(COMMANDS, name)) return [name];
  return names.filter((n) => typeof COMMANDS[n] === "function");
}

/** Raised when a command known only by its help line is about to run: the run starts again with every module. */
class NeedsModules extends Error {}

/**
 * Registers each command in help order: those loaded with their module, the others as a line of help
 * that only names and describes them (enough for the list and for "did you mean"). Should commander
 * dispatch to one of those anyway, NeedsModules stops it before it parses anything.
 */
function registerAll(
  program: Command,
  loaded: Map<string, Register>,
  io: CliIo,
  done: (c: number) => void,
): void {
  const terms = new Map<Command, string>();
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const register = loaded.get(name);
    if (register) register(program, io, done);
    else if (typeof entry !== "function") {
      const stub = program.command(name).description(entry.about).helpOption(false);
      terms.set(stub, `${name}${entry.term ? ` ${entry.term}` : ""}`);
    }
  }
  if (terms.size === 0) return;
  program.configureHelp({ subcommandTerm: (c) => terms.get(c) ?? new Help().subcommandTerm(c) });
  program.hook("preSubcommand", (_, sub) => {
    if (terms.has(sub)) throw new NeedsModules();
  });
}

/**
 * `mamori --lang ja audit` as `mamori audit --lang ja`, and `mamori --lang ja db status` as `mamori db
 * status --lang ja`: every command takes --lang (a group such as `db` does not), and a reader puts it
 * first as often as last (it was "unknown option '--lang'"). It goes after the command's leading words.
 */
export function langFirst(argv: readonly string[]): string[] {
  const [a, b] = argv;
  const lang = a === "--lang" && b !== undefined ? [a, b] : a?.startsWith("--lang=") ? [a] : undefined;
  if (!lang) return [...argv];
  const rest = argv.slice(lang.length);
  const words = rest.findIndex((w) => w.startsWith("-"));
  const at = words < 0 ? rest.length : words;
  if (at === 0) return [...argv];
  return [...rest.slice(0, at), ...lang, ...rest.slice(at)];
}

/** Runs one mamori command line and returns its exit code; never throws for a user mistake. */
export async function runCli(rawArgv: string[], given: CliIo): Promise<number> {
  const argv = langFirst(rawArgv);
  // Under systemd (or --log-format journald) every line is one journal message with its priority.
  const io =
    given.env.JOURNAL_STREAM || argv.some((a) => a.startsWith("--log-format"))
      ? await (async () => {
          const j = await import("./journald.ts");
          return j.journaldWanted(argv, given) ? j.journalIo(given) : given;
        })()
      : given;
  try {
    return await run(argv, io, false);
  } catch (err) {
    if (err instanceof NeedsModules) return await run(argv, io, true);
    throw err;
  }
}

async function run(argv: string[], io: CliIo, all: boolean): Promise<number> {
  let code = EXIT_OK;
  const done = (c: number) => {
    code = c;
  };
  const names = commandsFor(argv, all);
  const [registers, t] = await Promise.all([
    Promise.all(names.map((n) => loaderOf(COMMANDS[n] as CommandEntry)())),
    translatorFor(names.length > 0, langOf(argv, io.env)),
  ]);
  const program = new Command("mamori")
    .description("mamori (守り): security checkup for Linux web servers that run Apache httpd")
    .version(await versionOf(argv, io, t), "-V, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => (io.stderr.writeAt ? io.stderr.writeAt(3, s) : io.stderr.write(s)),
      outputError: (s, write) => write(commanderError(s, t)),
    });
  // One table of exit codes, the same as the README's, under `mamori --help`.
  program.addHelpText("after", t("cli.exitCodes"));
  registerAll(program, new Map(names.map((n, i) => [n, registers[i] as Register])), io, done);
  // A command's own help ends with its examples and the exit codes (its module loaded the whole dictionary).
  if (names.length > 0)
    (await import("./help-examples.ts")).addHelpExtras(
      program.commands.filter((c) => names.includes(c.name())),
      t,
    );
  // Japanese help needs the whole dictionary; English help stays on the start-up path.
  const lang = langOf(argv, io.env);
  if (lang === "ja") {
    const [{ localizeHelp }, { translator }] = await Promise.all([
      import("./help-lang.ts"),
      import("../i18n/index.ts"),
    ]);
    localizeHelp(program, translator(lang), lang);
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof NeedsModules) throw err;
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      )
        return EXIT_OK;
      return EXIT_ERROR;
    }
    // Messages quote what the user gave and what was read (a report's bytes in JSON.parse's message, file
    // names, config values): no escape sequence may reach the terminal; a message's own line breaks stay.
    if (err instanceof UsageError) {
      errorLine(io, `${t("cli.error", { message: escapeTerminalLines(err.message) })}\n`);
      return EXIT_ERROR;
    }
    errorLine(
      io,
      `${t("cli.unexpected", { message: escapeTerminalLines(err instanceof Error ? err.message : String(err)) })}\n`,
    );
    if (io.env.MAMORI_DEBUG) io.stderr.write(`${err instanceof Error ? err.stack : ""}\n`);
    return EXIT_ERROR;
  }
}

/** An error line: priority 3 (error) when standard error is the journal. */
function errorLine(io: CliIo, text: string): void {
  if (io.stderr.writeAt) io.stderr.writeAt(3, text);
  else io.stderr.write(text);
}

/** The tool's version, with the data sets' dates and sources when --version is asked for (loaded only then). */
async function versionOf(argv: string[], io: CliIo, t: Translator): Promise<string> {
  if (argv[0] !== "-V" && argv[0] !== "--version") return toolVersion();
  const [{ versionText }, path] = await Promise.all([import("./version-info.ts"), import("node:path")]);
  // defaultDataDir() of options.ts, without loading options.ts (it loads the report formats and zod).
  const shipped = fileURLToPath(new URL("../../data", import.meta.url));
  const dataDir = path.resolve(io.cwd, io.env.MAMORI_DATA_DIR ?? shipped);
  return versionText(dataDir, path.resolve(shipped, "../rules"), t);
}

/**
 * The translator of help, version and errors. With no command's module loaded (help, version, a mistyped
 * name) only the start-up sentences are loaded, not the whole dictionary; a command's module has loaded
 * the whole dictionary already.
 */
async function translatorFor(commandLoaded: boolean, lang: Lang): Promise<Translator> {
  if (commandLoaded) return (await import("../i18n/index.ts")).translator(lang);
  return (await import("../i18n/index-startup.ts")).startupTranslator(lang);
}

/** The language of errors raised before or outside a command's own parsing: --lang when given, else LANG. */
function langOf(argv: string[], env: NodeJS.ProcessEnv): Lang {
  const i = argv.findIndex((a) => a === "--lang" || a.startsWith("--lang="));
  const value = i < 0 ? undefined : argv[i]?.includes("=") ? argv[i]?.slice(7) : argv[i + 1];
  return value !== undefined && isLang(value) ? value : langFromEnv(env);
}
