/**
 * Start-up (issue 13): `mamori --help`, `--version` and a mistyped name load no command's module and not
 * the whole dictionary, and what they print is still what the commands' modules define. Timing is
 * bench/startup.bench.ts's job; these assert what is loaded and what is printed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Command, Help } from "commander";
import { COMMANDS, type Register, runCli } from "../../src/cli/app.ts";
import { commanderError } from "../../src/cli/commander-errors.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { dictionary, type MessageKey, translator } from "../../src/i18n/index.ts";
import { startupTranslator } from "../../src/i18n/index-startup.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const io = (): CliIo & { out: string[]; err: string[] } => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env: { LANG: "C" },
    cwd: repo,
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    out,
    err,
  };
};

test("each command's help line in app.ts is what its module registers", async () => {
  const help = new Help();
  for (const [name, entry] of Object.entries(COMMANDS)) {
    assert.equal(typeof entry, "object", `${name}: no help line in COMMANDS, its module loads for --help`);
    if (typeof entry === "function") continue;
    const program = new Command("mamori");
    (await entry.load())(program, io(), () => {});
    const real = program.commands.find((c) => c.name() === name);
    assert.ok(real, `${name}: its module registers no command of that name`);
    assert.equal(`${name}${entry.term ? ` ${entry.term}` : ""}`, help.subcommandTerm(real), name);
    assert.equal(entry.about, real.description(), name);
  }
});

test("mamori --help lists every command, in both languages, with the exit codes", async () => {
  for (const lang of ["en", "ja"] as const) {
    const o = io();
    o.env = { LANG: lang === "ja" ? "ja_JP.UTF-8" : "C" };
    assert.equal(await runCli(["--help"], o), 0);
    const text = o.out.join("");
    for (const name of Object.keys(COMMANDS)) assert.match(text, new RegExp(`\\n  ${name}\\b`), name);
    const check = lang === "ja" ? "  check [オプション] <file...>  " : "  check [options] <file...>  ";
    assert.ok(text.includes(check), text);
    assert.ok(text.endsWith(`${translator(lang)("cli.exitCodes")}\n`), text);
  }
});

test("a command named in `help NAME` or run shows its own options, a mistyped one a suggestion", async () => {
  const o = io();
  assert.equal(await runCli(["help", "history"], o), 0);
  assert.match(o.out.join(""), /--limit <n>/);
  const typo = io();
  assert.equal(await runCli(["histroy"], typo), 2);
  assert.equal(typo.err.join(""), "mamori: unknown command 'histroy' (did you mean history?)\n");
});

test("the start-up sentences are the dictionary's, and cover commander's errors", () => {
  for (const lang of ["en", "ja"] as const) {
    const small = startupTranslator(lang);
    const full = translator(lang);
    for (const key of ["cli.exitCodes", "cli.error", "cli.unexpected", "version.rules"] as MessageKey[])
      assert.equal(small(key, { message: "m" }), full(key, { message: "m" }), key);
    for (const line of [
      "error: unknown option '--x'",
      "error: unknown command 'x'\n(Did you mean one of a, b?)",
      "error: missing required argument 'file'",
      "error: option '--root <dir>' argument missing",
      "error: too many arguments. Expected 0 arguments but got 1.",
    ])
      assert.equal(commanderError(line, small), commanderError(line, full), line);
    assert.throws(() => small(Object.keys(dictionary).find((k) => k.startsWith("hunt.")) as MessageKey));
  }
});

/** The files a `bin/mamori` run loads, recorded by a module hook in the same process. */
function loaded(args: string[]): string[] {
  const hook = `data:text/javascript,${encodeURIComponent(`
    import { registerHooks } from "node:module";
    import { writeSync } from "node:fs";
    const urls = [];
    registerHooks({ load(url, ctx, next) { urls.push(url); return next(url, ctx); } });
    process.on("exit", () => writeSync(3, urls.join("\\n")));`)}`;
  const r = spawnSync(
    join(repo, "node_modules/.bin/node"),
    ["--import", hook, join(repo, "src/cli/main.ts"), ...args],
    { stdio: ["ignore", "ignore", "pipe", "pipe"], encoding: "utf8", env: { ...process.env, LANG: "C" } },
  );
  assert.ok(r.status === 0 || r.status === 2, `${args}: ${r.status} ${r.stderr}`);
  return String(r.output[3]).split("\n");
}

test("--help, --version and a mistyped name load no command module, database, schema or the whole dictionary", () => {
  const heavy =
    /\/src\/cli\/commands\/|\/src\/i18n\/index\.ts$|\/node_modules\/(kysely|zod|yaml|pg|nodemailer|croner)\//;
  for (const args of [["--help"], ["--version"], ["help"], ["audti"]]) {
    const urls = loaded(args);
    assert.ok(
      urls.some((u) => u.endsWith("/src/cli/app.ts")),
      `${args}: the hook saw nothing`,
    );
    assert.deepEqual(
      urls.filter((u) => heavy.test(u)),
      [],
      `${args}`,
    );
  }
  // The command that runs loads its module (the hook does see them).
  assert.ok(loaded(["help", "db"]).some((u) => u.endsWith("/src/cli/commands/db.ts")));
});

// A command whose entry is only a loader still works: listed from its module.
test("an entry without a help line is loaded for the list", async () => {
  const extra = "zz-test";
  const register: Register = (program) => {
    program.command(extra).description("a test command");
  };
  COMMANDS[extra] = async () => register;
  try {
    const o = io();
    assert.equal(await runCli(["--help"], o), 0);
    assert.match(o.out.join(""), /\n {2}zz-test\s+a test command\n/);
  } finally {
    delete COMMANDS[extra];
  }
});
