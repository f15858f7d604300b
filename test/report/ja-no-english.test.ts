/**
 * No English left in Japanese output: every command's human output in `--lang ja` on every fixture
 * root (audit, hunt, ports, verify, respond's dry run, restore --list, logs on a corpus file, and the
 * Japanese --help of every command and subcommand), with English words outside an allowlist reported.
 * What is quoted from the host (paths, command lines, config lines, log excerpts, evidence values) is
 * not ours to translate: tokens with path or identifier characters, `$ ` command lines, "quoted" and
 * `code` spans are skipped, and the allowlist names product, protocol, directive and malware names seen
 * in the fixtures, and mamori's own command, argument and option-value names.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { commandPaths } from "../helpers/commands.ts";
import { englishWords } from "../helpers/english-words.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const ROOTS = path.join(REPO, "test/fixtures/roots");
const LOG = path.resolve(REPO, "../shared/corpus/apache-lab/deb/access_log");

interface Run {
  what: string;
  text: string;
}

async function ja(args: string[], what: string): Promise<Run> {
  const r = await mamori([...args], { env: { LANG: "ja_JP.UTF-8", TZ: "Asia/Tokyo" } });
  const text = `${r.stdout}\n${r.stderr}`;
  assert.ok(text.trim().length > 0, `${what}: no output`);
  return { what, text };
}

async function runs(): Promise<Run[]> {
  const out: Run[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-ja-"));
  const q = path.join(tmp, "quarantine");
  try {
    for (const root of fs.readdirSync(ROOTS).sort()) {
      const dir = path.join(ROOTS, root);
      out.push(
        await ja(["audit", "--root", dir, "--lang", "ja", "--severity-threshold", "info"], `audit ${root}`),
      );
      out.push(await ja(["hunt", "--root", dir, "--lang", "ja"], `hunt ${root}`));
      out.push(await ja(["ports", "--root", dir, "--lang", "ja"], `ports ${root}`));
    }
    const compromised = path.join(ROOTS, "compromised-2.4.49");
    const report = path.join(tmp, "report.json");
    const json = await mamori(["audit", "--root", compromised, "--format", "json", "--lang", "ja"]);
    fs.writeFileSync(report, json.stdout);
    out.push(
      await ja(
        ["respond", report, "--all-critical", "--root", compromised, "--quarantine-dir", q, "--lang", "ja"],
        "respond dry run",
      ),
    );
    // Applied on a copy of the root, so restore --list and verify have entries to show.
    const copy = path.join(tmp, "root");
    fs.cpSync(compromised, copy, { recursive: true });
    out.push(
      await ja(
        [
          "respond",
          report,
          "--all-critical",
          "--root",
          copy,
          "--quarantine-dir",
          q,
          "--lang",
          "ja",
          "--apply",
        ],
        "respond --apply",
      ),
    );
    out.push(await ja(["restore", "--list", "--quarantine-dir", q, "--lang", "ja"], "restore --list"));
    out.push(await ja(["verify", "--root", copy, "--quarantine-dir", q, "--lang", "ja"], "verify"));
    if (fs.existsSync(LOG)) out.push(await ja(["logs", LOG, "--lang", "ja"], "logs apache-lab"));
    out.push(await ja(["--help"], "--help"));
    // Every command's and subcommand's help: summary, arguments, options, examples, exit codes.
    for (const at of await commandPaths()) out.push(await ja([...at, "--help"], `${at.join(" ")} --help`));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

test("the word finder skips commands, quotes, paths and names, and finds English prose", () => {
  assert.deepEqual(
    englishWords('  $ apachectl configtest\n/usr/local/apache2 の `httpd -v` と "Require all"'),
    [],
  );
  assert.deepEqual(englishWords("一致した情報源: files, processes"), ["files", "processes"]);
});

test("Japanese output of every command on every fixture has no English outside the allowlist", async (t) => {
  const found = new Map<string, Set<string>>();
  for (const r of await runs()) {
    for (const w of englishWords(r.text)) {
      if (!found.has(w)) found.set(w, new Set());
      found.get(w)?.add(r.what);
    }
  }
  const report = [...found].map(([w, where]) => `${w}  (${[...where].slice(0, 3).join("; ")})`);
  for (const line of report) t.diagnostic(line);
  assert.deepEqual(report, []);
});
