/**
 * Any LogFormat string compiles to a linear-time regex (issue 10, hole 6): formats come from
 * `--log-format` and from the Apache configuration, which a hostile `--root` image writes. recheck
 * (a ReDoS checker) must call each built regex safe: ordinary formats, and hostile ones with fields
 * side by side, repeated unquoted requests, times with spaces, quotes around several fields.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkSync } from "recheck";
import { compileFormat, NICKNAMES, parseAccessLine } from "../../src/collect/logs/engine/format.ts";
import { RECHECK } from "../helpers/regex-sources.ts";

const HOSTILE = [
  "%h%l",
  "%h%l%u%t%r%s%b",
  "%{X}i%{Y}i",
  '"%{X}i%{Y}i"',
  "%r %r %r",
  "%r%r%r",
  '%h %r %>s %b "%{User-Agent}i"',
  '"%r %b" %h',
  '"%r"%r"%r"',
  "%{%Y-%m-%d %H:%M:%S}t %r %>s",
  "[%{%d/%b/%Y %T}t] %h %r",
  "%{sec}t%{msec}t %h",
  "%v:%p:%h:%a",
  "%b0%b1%O",
  "%t%t%h%t",
  "%h %l %u %t \\%r\\ %>s",
  '%{Referer}i" "%{User-Agent}i" "%r',
  "%%%h%%%r%%",
  `%h ${"%r ".repeat(20)}`,
];

function verdict(format: string): string {
  const re = compileFormat(format).regex;
  const v = checkSync(re.source, re.flags, RECHECK);
  return v.status === "vulnerable" ? `vulnerable: ${v.attack.pattern.slice(0, 80)}` : v.status;
}

test("the built-in formats and hostile LogFormat strings compile to regexes recheck calls safe", () => {
  const bad: string[] = [];
  for (const f of [...Object.values(NICKNAMES), ...HOSTILE]) {
    const v = verdict(f);
    if (v !== "safe") bad.push(`${JSON.stringify(f)}: ${v}\n  /${compileFormat(f).regex.source}/`);
  }
  assert.deepEqual(bad, [], bad.join("\n"));
});

test("an 8 KB pathological line against a pathological format is parsed in one pass", () => {
  // Unquoted requests side by side with a status that never comes: the old lazy `(.*?)` fields
  // tried every split of the spaces among them. The verdict is recheck's (above), not a timer's.
  const format = "%h %r %r %r %>s %b";
  assert.equal(verdict(format), "safe");
  const fmt = compileFormat(format);
  const line = `203.0.113.9 ${"GET / ".repeat(1365)}`.slice(0, 8192);
  assert.equal(line.length, 8192);
  assert.equal(parseAccessLine(fmt, line, 1), undefined);
  const ok = parseAccessLine(fmt, "203.0.113.9 GET /x HTTP/1.1 a b 200 12", 1);
  assert.equal(ok?.ip, "203.0.113.9");
  assert.equal(ok?.status, 200);
});

test("side-by-side fields: the first takes the text, the next match nothing", () => {
  const e = parseAccessLine(compileFormat('%h%l "%r" %>s'), '198.51.100.7- "GET /a HTTP/1.1" 404', 1);
  assert.equal(e?.ip, "198.51.100.7-");
  assert.equal(e?.uri, "/a");
  assert.equal(e?.status, 404);
  const c = parseAccessLine(compileFormat("%v:%p %h %r"), "example.org:443 192.0.2.1 GET /b HTTP/1.1", 1);
  assert.equal(c?.vhost, "example.org");
  assert.equal(c?.uri, "/b");
});
