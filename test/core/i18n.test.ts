import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { dictionary, format, langFromEnv } from "../../src/i18n/index.ts";

const messagesDir = new URL("../../src/i18n/messages/", import.meta.url);

test("every area dictionary is merged and no key is defined twice", async () => {
  const seen = new Map<string, string>();
  const files = readdirSync(messagesDir).filter((f) => f.endsWith(".ts"));
  for (const file of files) {
    const mod = (await import(new URL(file, messagesDir).href)) as Record<string, Record<string, unknown>>;
    for (const table of Object.values(mod)) {
      for (const key of Object.keys(table)) {
        assert.ok(!seen.has(key), `${key} is defined in both ${seen.get(key)} and ${file}`);
        seen.set(key, file);
        assert.ok(
          key in dictionary,
          `${key} from ${file} is not in the merged dictionary (add the spread to i18n/index.ts)`,
        );
      }
    }
  }
  assert.equal(seen.size, Object.keys(dictionary).length);
});

test("every sentence exists in English and Japanese with the same placeholders", () => {
  const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [key, m] of Object.entries(dictionary) as Array<[string, { en: string; ja: string }]>) {
    assert.ok(m.en.trim().length > 0, `${key}: empty English`);
    assert.ok(m.ja.trim().length > 0, `${key}: empty Japanese`);
    assert.deepEqual(names(m.ja), names(m.en), `${key}: placeholders differ between en and ja`);
  }
});

test("LANG chooses the default language; placeholders are filled", () => {
  assert.equal(langFromEnv({ LANG: "ja_JP.UTF-8" }), "ja");
  assert.equal(langFromEnv({ LANG: "C.UTF-8" }), "en");
  assert.equal(langFromEnv({ LC_ALL: "ja_JP.UTF-8", LANG: "en_US.UTF-8" }), "ja");
  assert.equal(format("{a} and {b}", { a: 1, b: "x" }), "1 and x");
});

test("English counts read as English: 1 finding, 3 findings, and a value is never changed", () => {
  assert.equal(
    format("{count} more finding(s) below {t}", { count: 1, t: "LOW" }),
    "1 more finding below LOW",
  );
  assert.equal(
    format("{count} more finding(s) below {t}", { count: 3, t: "LOW" }),
    "3 more findings below LOW",
  );
  assert.equal(
    format("{n} automated probe(s) from {a} address(es)", { n: 12, a: 1 }),
    "12 automated probes from 1 address",
  );
  assert.equal(format("{n} new log line(s)", { n: 0 }), "0 new log lines");
  assert.equal(format("{n} process(es)", { n: "1,204" }), "1,204 processes");
  assert.equal(format("{n} entr(y|ies), {m} login tr(y|ies)", { n: 1, m: 2 }), "1 entry, 2 login tries");
  assert.equal(format("{n} entr(y|ies)", { n: 0 }), "0 entries");
  // No count before the word, or a value holding "(s)": left exactly as written.
  assert.equal(format("not a valid http(s) URL {x}", { x: 1 }), "not a valid http(s) URL 1");
  assert.equal(format("{path}: read", { path: "/srv/1 file(s)" }), "/srv/1 file(s): read");
  assert.equal(format("{what} file(s)", { what: "some" }), "some file(s)");
  // Every English sentence with a count reads without "(s)" once its counts are filled in.
  for (const [key, m] of Object.entries(dictionary) as Array<[string, { en: string }]>) {
    const params = Object.fromEntries([...m.en.matchAll(/\{(\w+)\}/g)].map((x) => [x[1] as string, 1]));
    for (const n of [1, 2]) {
      for (const k of Object.keys(params)) params[k] = n;
      const out = format(m.en, params).replaceAll("http(s)", "");
      assert.doesNotMatch(out, /\w\((e?s|ies|[a-z]*\|[a-z]+)\)/, `${key}: ${out}`);
    }
  }
});
