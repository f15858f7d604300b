/**
 * Every command's and subcommand's `--help` (issue 18): two or three examples in both languages, the
 * exit codes under each command, every option and argument described in Japanese when the language is
 * ja (the whole of the Japanese text is checked for English in test/report/ja-no-english.test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EXAMPLES } from "../../src/cli/help-examples.ts";
import { translator } from "../../src/i18n/index.ts";
import { mamori } from "../helpers/cli.ts";
import { commandPaths } from "../helpers/commands.ts";

test("every command and subcommand has two or three examples, each naming that command", async () => {
  const paths = (await commandPaths()).map((p) => p.join(" "));
  assert.deepEqual(Object.keys(EXAMPLES).sort(), [...paths].sort());
  for (const [at, lines] of Object.entries(EXAMPLES)) {
    assert.ok(lines.length >= 1 && lines.length <= 3, at);
    if (!at.includes(" ")) assert.ok(lines.length >= 2, `${at}: fewer than two examples`);
    // `mamori server --data DIR token`: the parent's options may come between the words.
    const words = at.split(" ");
    assert.ok(
      lines.some((l) => l.startsWith(`mamori ${words[0]}`) && words.every((w) => l.split(" ").includes(w))),
      at,
    );
  }
});

test("--help shows the examples in both languages and the exit codes under each command", async () => {
  for (const lang of ["en", "ja"] as const) {
    const t = translator(lang);
    const env = { LANG: lang === "ja" ? "ja_JP.UTF-8" : "C" };
    for (const at of await commandPaths()) {
      const r = await mamori([...at, "--help"], { env });
      assert.equal(r.code, 0, at.join(" "));
      const heading = t("help.examples").trim();
      assert.ok(r.stdout.includes(`\n${heading}\n`), `${lang} ${at.join(" ")}: no examples`);
      for (const line of EXAMPLES[at.join(" ")] ?? []) assert.ok(r.stdout.includes(`  ${line}\n`), line);
      if (at.length === 1) assert.ok(r.stdout.includes(t("cli.exitCodes")), `${at[0]}: no exit codes`);
      // `mamori help audit` prints the same help.
      if (lang === "en" && at.length === 1)
        assert.equal((await mamori(["help", ...at], { env })).stdout, r.stdout);
    }
  }
});

test("in Japanese every option and argument of every command is described in Japanese", async () => {
  for (const at of await commandPaths()) {
    const ja = (await mamori([...at, "--help"], { env: { LANG: "ja_JP.UTF-8" } })).stdout;
    const en = (await mamori([...at, "--help"], { env: { LANG: "C" } })).stdout;
    assert.notEqual(ja, en, at.join(" "));
    const options = ja.slice(ja.indexOf("オプション:"), ja.indexOf("\n\n", ja.indexOf("オプション:")));
    for (const line of options.split("\n").slice(1)) {
      // An option's line: its flags, then its description starting with a Japanese character (or a
      // value list such as "admin (...)"); a continued line has no flags.
      const m = /^ {2}(-[^ ]+(?: [^ ]+)*?) {2,}(.*)$/.exec(line);
      if (m) assert.match(m[2] ?? "", /[\u3000-\u30ff\u4e00-\u9fff]/, `${at.join(" ")}: ${line}`);
    }
  }
});
