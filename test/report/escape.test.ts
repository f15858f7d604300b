import assert from "node:assert/strict";
import { test } from "node:test";
import {
  escapeCsv,
  escapeHtml,
  escapeMarkdown,
  escapeTerminal,
  escapeTerminalLines,
  jsonOutput,
  markdownCode,
} from "../../src/report/escape.ts";

const hostile = "GET /\x1b[31mred\x1b]0;title\x07 \u202eevil\r\n<script>alert(1)</script>";

test("terminal escaping leaves no control character or escape sequence", () => {
  const out = escapeTerminal(hostile);
  assert.doesNotMatch(out, /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202e]/);
  assert.match(out, /\\x1b\[31mred/);
  assert.match(out, /\\u202e/);
});

test("a message of several lines keeps its own line breaks, and nothing else of the hostile text", () => {
  const out = escapeTerminalLines(`file a: ${hostile.replace("\n", "")}\nfile b: ok`);
  assert.equal(out.split("\n").length, 2);
  assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
});

test("HTML escaping neutralises tags and attributes", () => {
  const out = escapeHtml(`${hostile} <img src=x onerror="alert(1)">`);
  assert.doesNotMatch(out, /<|>|"/);
  assert.match(out, /&#60;script&#62;/);
});

test("Markdown escaping stops links, emphasis and raw HTML", () => {
  const out = escapeMarkdown("[click](http://x) *b* <b>");
  assert.equal(out, "\\[click\\]\\(http://x\\) \\*b\\* &#60;b&#62;");
  assert.equal(markdownCode("a`b"), "``a`b``");
});

test("CSV cells cannot start a formula", () => {
  assert.equal(escapeCsv("=cmd|' /C calc'!A0"), `"'=cmd|' /C calc'!A0"`);
});

test("invisible characters are shown: a name cannot pass for another or carry hidden text", () => {
  // A zero-width space, Hangul fillers, a word joiner, a soft hyphen and Unicode tag characters ("AB").
  const name = "kdevtmpfsi\u200b httpd\u3164\u3164 sys\u2060temd in\u00adit tag:\u{e0041}\u{e0042}";
  const out = escapeTerminal(name);
  assert.equal(
    out,
    "kdevtmpfsi\\u200b httpd\\u3164\\u3164 sys\\u2060temd in\\xadit tag:\\u{e0041}\\u{e0042}",
  );
  // Japanese, accents and ordinary emoji stay as they are.
  assert.equal(escapeTerminal("侵入の痕跡 café ⚠"), "侵入の痕跡 café ⚠");
  assert.doesNotMatch(escapeHtml(name), /[\u200b\u3164\u2060\u00ad]|\u{e0041}/u);
});

test("JSON output writes invisible characters as escapes and stays the same data", () => {
  const value = { name: "x\u200by\u{e0041}\u202e" };
  const text = jsonOutput(value);
  assert.match(text, /x\\u200by\\udb40\\udc41\\u202e/);
  assert.doesNotMatch(text, /[\u200b\u202e]|\u{e0041}/u);
  assert.deepEqual(JSON.parse(text), value);
});
