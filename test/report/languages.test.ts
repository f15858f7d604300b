import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { reportSchema } from "../../src/core/contract.ts";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DATA_DIR, huntArgs, fixtureRoot as huntRoot } from "../hunt/helpers/fixture.ts";

/** Hiragana, Katakana, CJK ideographs and full-width forms: none may be left in an English render. */
const JAPANESE = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;

type Note = { detail?: string; message?: { detail?: unknown } };
type Doc = {
  notChecked: Note[];
  warnings: Note[];
  findings: Array<{ id: string; title: string; message?: Record<string, unknown> }>;
  incidents: Array<{ id: string; title: string; summary: string }>;
};

async function saved(t: { after: (fn: () => void) => void }, args: string[]): Promise<string> {
  const r = await mamori([...args, "--format", "json", "--lang", "ja"]);
  assert.ok(r.stdout, r.stderr);
  const file = path.join(tempDir(t), "ja.json");
  fs.writeFileSync(file, r.stdout);
  return file;
}

async function report(file: string, lang: string, format: string): Promise<string> {
  const r = await mamori([
    "report",
    file,
    "--lang",
    lang,
    "--format",
    format,
    "--severity-threshold",
    "info",
  ]);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 3, r.stderr);
  return r.stdout;
}

function assertEnglish(out: string, what: string): void {
  const m = JAPANESE.exec(out);
  assert.equal(
    m,
    null,
    `${what}: Japanese left at "${m ? out.slice(Math.max(0, m.index - 60), m.index + 20) : ""}"`,
  );
}

for (const c of [
  { name: "audit of fixtures/roots/upstream-2.4.49", incidents: false },
  { name: "hunt of fixtures/hunt/kinsing (an incident)", incidents: true },
]) {
  test(`${c.name}: a saved Japanese report renders entirely in English, and back in Japanese`, async (t) => {
    const args = c.incidents
      ? huntArgs(t, huntRoot(t, "kinsing"))
      : ["audit", "--root", fixtureRoot("upstream-2.4.49"), "--now", FIXTURE_NOW, "--data-dir", DATA_DIR];
    const file = await saved(t, args);
    const ja = JSON.parse(fs.readFileSync(file, "utf8")) as Doc;
    assert.ok(reportSchema.safeParse(ja).success, "the saved report follows the contract");
    assert.ok(ja.findings.length > 0);
    assert.ok(
      ja.findings.every((f) => f.message?.title !== undefined),
      "every finding has its keyed title",
    );
    if (c.incidents) assert.ok(ja.incidents.length > 0, "the fixture has an incident");

    // The collectors' "could not check" notes are saved in Japanese with their keyed form beside them,
    // so the English render below proves they are translated too, not merely absent.
    const notes = [...ja.notChecked, ...ja.warnings].filter((n) => n.detail && JAPANESE.test(n.detail));
    assert.ok(notes.length > 0, "the saved report has Japanese collector notes");
    assert.ok(
      notes.every((n) => n.message?.detail !== undefined),
      "every translated note has its keyed form",
    );
    for (const format of ["human", "sarif", "markdown"])
      assertEnglish(await report(file, "en", format), `report --lang en --format ${format}`);
    const en = JSON.parse(await report(file, "en", "json")) as Doc;
    assertEnglish(
      JSON.stringify({
        f: en.findings.map((f) => f.title),
        i: en.incidents,
        n: [...en.notChecked, ...en.warnings].map((n) => n.detail),
      }),
      "json",
    );

    // Every finding's title changes language: no English sentence is left in the Japanese render.
    const back = JSON.parse(await report(file, "ja", "json")) as Doc;
    const enById = new Map(en.findings.map((f) => [f.id, f.title]));
    for (const f of back.findings)
      assert.notEqual(f.title, enById.get(f.id), `${f.id} has the same title in ja and en`);
    for (const f of [...en.findings, ...back.findings]) assert.doesNotMatch(f.title, /\[object Object\]/);
  });
}

test("diff between a Japanese and an English audit of the same root: nothing changed", async (t) => {
  const db = path.join(tempDir(t), "history.sqlite");
  const root = fixtureRoot("upstream-2.4.49");
  for (const lang of ["ja", "en"]) {
    const r = await mamori([
      "audit",
      "--root",
      root,
      "--now",
      FIXTURE_NOW,
      "--data-dir",
      DATA_DIR,
      "--lang",
      lang,
      "--format",
      "json",
      "--db",
      db,
    ]);
    assert.ok(r.code === 0 || r.code === 1 || r.code === 3, r.stderr);
  }
  const d = await mamori(["diff", "--db", db, "--format", "json"]);
  assert.equal(d.code, 0, d.stderr + d.stdout);
  const diff = JSON.parse(d.stdout).sections.diff as {
    new: unknown[];
    resolved: unknown[];
    changed: unknown[];
    unchanged: number;
  };
  assert.deepEqual(
    [diff.new.length, diff.resolved.length, diff.changed.length],
    [0, 0, 0],
    d.stdout.slice(0, 2000),
  );
  assert.ok(diff.unchanged > 0);
});
