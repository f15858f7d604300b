import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { ReportDocument } from "../../src/core/document.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DATA_DIR, FIXTURE_NOW, fixtureRoot, huntArgs } from "./helpers/fixture.ts";

const EVIL = "\x1b[2J\x1b]0;pwned\x07`rm -rf /`<script>alert(1)</script>|**bold**";

test("attacker-controlled command lines are escaped by every renderer and kept raw in JSON", async (t) => {
  const root = fixtureRoot(t, "kinsing");
  fs.writeFileSync(path.join(root, "proc/777/cmdline"), `/tmp/kdevtmpfsi\0--donate-level\x001\0${EVIL}\0`);
  const base = [...huntArgs(t, root)];
  const json = await mamori([...base, "--format", "json"]);
  const doc = JSON.parse(json.stdout) as ReportDocument;
  const miner = doc.findings.find((f) => f.check === "process.miner" && f.data?.pid === 777);
  assert.ok(((miner?.data?.argv ?? []) as string[]).includes(EVIL), "JSON keeps the raw bytes");
  const human = await mamori([...base, "--color", "never"]);
  assert.ok(!human.stdout.includes("\x1b"), "no escape sequence reaches the terminal");
  assert.ok(!human.stdout.includes("\x07"));
  assert.match(human.stdout, /\\x1b\[2J/);
  const md = await mamori([...base, "--format", "markdown"]);
  // Markdown: outside code spans HTML is escaped; inside a code span it is inert text.
  for (const line of md.stdout.split("\n").filter((l) => l.includes("<script>")))
    assert.match(line, /^- (`+).*<script>.*\1$/, line);
  assert.ok(!md.stdout.includes("\x1b"));
  const sarif = await mamori([...base, "--format", "sarif"]);
  assert.doesNotThrow(() => JSON.parse(sarif.stdout));
});

test("mamori audit includes hunting", async (t) => {
  const root = fixtureRoot(t, "8220");
  const r = await mamori(
    ["audit", "--root", root, "--format", "json", "--now", FIXTURE_NOW, "--data-dir", DATA_DIR],
    {
      env: { MAMORI_IOC_DIR: tempDir(t) },
    },
  );
  const doc = JSON.parse(r.stdout) as ReportDocument;
  assert.equal(r.code, 1);
  assert.ok(doc.findings.some((f) => f.check === "process.miner" && f.data?.pid === 1500));
  assert.ok(doc.sections.hunt);
});
