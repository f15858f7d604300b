/**
 * Human output wrapped to the terminal's width, East Asian width aware: unit rules of the wrapper, then
 * the real thing: `mamori audit` on the compromised fixture in a tmux pseudo-terminal of 80 and 100
 * columns, in Japanese and English. No line wider than the terminal (by display width), no English
 * word cut, every command line intact and on its own line.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { textWidth } from "../../src/report/text-width.ts";
import { wrapLine, wrapText } from "../../src/report/wrap.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const ROOT = path.join(REPO, "test/fixtures/roots/compromised-2.4.49");

test("display width: kanji, kana and fullwidth forms take two columns, colour none", () => {
  assert.equal(textWidth("abc"), 3);
  assert.equal(textWidth("日本語"), 6);
  assert.equal(textWidth("ｱ"), 1); // halfwidth katakana
  assert.equal(textWidth("ＡＢ"), 4); // fullwidth Latin
  assert.equal(textWidth("\x1b[1;31m緊急\x1b[0m"), 4);
  assert.equal(textWidth("が\u3099"), 2); // combining voiced mark
  assert.equal(textWidth("■…"), 2); // ambiguous: narrow, as terminals draw them
});

test("English wraps at spaces only, keeping indentation under list items", () => {
  const line = "    - the quick brown fox jumps over the lazy dog and keeps on running far away";
  const out = wrapLine(line, 30);
  for (const l of out) assert.ok(textWidth(l) <= 30, l);
  assert.equal(out.join(" ").replace(/\s+/g, " ").trim(), line.replace(/\s+/g, " ").trim());
  for (const l of out.slice(1)) assert.match(l, /^ {6}\S/); // under the text of "- "
});

test("Japanese breaks between characters, never before 。、」 nor after 「", () => {
  const line = "  理由: この行は何かを繰り返し起動します。「侵入者」のものと見られる理由は、以下の兆候です。";
  for (const width of [20, 21, 22, 23, 24, 25, 30]) {
    const out = wrapLine(line, width);
    for (const l of out) assert.ok(textWidth(l) <= width, `${width}: ${l}`);
    for (const l of out.slice(1)) assert.doesNotMatch(l.trimStart(), /^[。、」）]/, `${width}: ${l}`);
    for (const l of out.slice(0, -1)) assert.doesNotMatch(l, /[「（]$/, `${width}: ${l}`);
    assert.equal(out.join("").replace(/ /g, ""), line.replace(/ /g, ""));
  }
});

test("commands are never wrapped; long paths are cut only when wider than the line", () => {
  const cmd =
    "    $ /usr/local/apache2/bin/apachectl configtest && /usr/local/apache2/bin/apachectl -k graceful";
  assert.deepEqual(wrapLine(cmd, 40), [cmd]);
  const url = `  - ${"http://198.51.100.7/".repeat(5)}x`;
  const out = wrapLine(url, 40);
  for (const l of out) assert.ok(textWidth(l) <= 40, l);
  assert.equal(out.join("").replace(/ /g, ""), url.replace(/ /g, ""));
  assert.equal(wrapText("a b c", undefined), "a b c");
});

test("a local time with its zone is never split over two lines", () => {
  const line = "  Scanned root: /srv/some/where/long  Scanned at: 2026-12-05 17:01:34 JST and more";
  for (let w = 30; w < 70; w++) {
    const out = wrapLine(line, w);
    assert.ok(
      out.some((l) => l.includes("2026-12-05 17:01:34 JST")),
      `${w}: ${out.join(" | ")}`,
    );
  }
});

test("a colour open at a break is closed and reopened", () => {
  const out = wrapLine("\x1b[1mbold words that go on and on and on\x1b[0m tail", 20);
  assert.ok(out.length > 1);
  assert.ok((out[0] as string).endsWith("\x1b[0m"));
  assert.match(out[1] as string, /^ +\x1b\[1m/);
});

function tmux(sock: string, ...args: string[]): string {
  const r = spawnSync("tmux", ["-S", sock, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Runs a command in a tmux pane `cols` wide and returns what the pane shows, wrapped lines joined. */
async function inTerminal(command: string, cols: number, env: Record<string, string>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-tmux-"));
  const sock = path.join(dir, "sock");
  const conf = path.join(dir, "tmux.conf");
  fs.writeFileSync(conf, "set -g history-limit 50000\nset -g remain-on-exit on\n");
  const envs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  try {
    tmux(sock, "-f", conf, "new-session", "-d", "-x", String(cols), "-y", "40", ...envs, command);
    for (let i = 0; i < 600; i++) {
      if (tmux(sock, "display-message", "-p", "#{pane_dead}").trim() === "1") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(tmux(sock, "display-message", "-p", "#{pane_width}").trim(), String(cols));
    return tmux(sock, "capture-pane", "-p", "-J", "-S", "-", "-E", "-");
  } finally {
    spawnSync("tmux", ["-S", sock, "kill-server"]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const piped = (lang: string) =>
  spawnSync(path.join(REPO, "bin/mamori"), ["audit", "--root", ROOT, "--lang", lang], {
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
  }).stdout;

for (const lang of ["ja", "en"]) {
  const flat = piped(lang);
  const commands = flat.split("\n").filter((l) => /^\s*\$ /.test(l));
  // Every English word of the unwrapped report (letters only, short enough to fit any line).
  const words = new Set((flat.match(/[A-Za-z]{2,}/g) ?? []).filter((w) => w.length < 30));
  for (const cols of [80, 100]) {
    test(`audit --lang ${lang} in an ${cols}-column terminal fits, cuts no word, keeps commands whole`, async () => {
      assert.ok(commands.length > 0, "the compromised root has commands to show");
      const screen = await inTerminal(
        `${path.join(REPO, "bin/mamori")} audit --root ${ROOT} --lang ${lang} --color never`,
        cols,
        { TZ: "UTC", PATH: process.env.PATH ?? "" },
      );
      const lines = screen
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => !/^Pane is dead/.test(l)); // tmux's own note (remain-on-exit)
      assert.ok(lines.length > flat.split("\n").length, "the report was wrapped");
      const shown = lines.join("\n");
      for (const c of commands) assert.ok(lines.includes(c.trimEnd()), `command intact: ${c}`);
      for (const l of lines) {
        if (/^\s*\$ /.test(l)) continue; // commands stay whole (the terminal may fold them)
        assert.ok(textWidth(l) <= cols, `wider than ${cols}: ${l}`);
      }
      // A cut word leaves fragments that are not words of the unwrapped report.
      for (const w of shown.match(/[A-Za-z]{2,}/g) ?? [])
        if (w.length < 30) assert.ok(words.has(w), `"${w}" is not a word of the report (a cut word?)`);
      for (let i = 1; i < lines.length; i++)
        assert.doesNotMatch(
          (lines[i] as string).trimStart(),
          /^[。、」）]/,
          `line starts with closing mark: ${lines[i]}`,
        );
    });
  }
}
