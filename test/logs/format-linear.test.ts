/**
 * Any LogFormat string compiles to a linear-time regex (issue 10, hole 6): formats come from
 * `--log-format` and from the Apache configuration, which a hostile `--root` image writes. recheck
 * (a ReDoS checker) must call each built regex safe: ordinary formats, and hostile ones with fields
 * side by side, repeated unquoted requests, times with spaces, quotes around several fields.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { checkSync } from "recheck";
import { compileFormat, NICKNAMES, parseAccessLine } from "../../src/collect/logs/engine/format.ts";
import { RECHECK } from "../helpers/regex-sources.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

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

test("an unclosed %{ (a typo in --log-format, or a hostile image's LogFormat) is text: the run ends, no loop", (t) => {
  const main = path.resolve(import.meta.dirname, "../../src/cli/main.ts");
  // In a child with a time limit: the loop this guards against never returned (it died out of memory).
  const run = (args: string[]) =>
    spawnSync(process.execPath, [main, ...args], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, LANG: "C" },
    });
  const dir = tempDir(t);
  const file = path.join(dir, "a.log");
  fs.writeFileSync(file, '198.51.100.7 - - [06/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n');
  for (const f of ["bogus %Z %{", "%h %{User-Agent"]) {
    const r = run(["logs", file, "--log-format", f]);
    assert.equal(r.signal, null, `${f}: killed after 60 s`);
    assert.ok(r.status === 0 || r.status === 3, `${f}: ${r.stderr}`);
  }
  const root = tempDir(t);
  writeTree(root, {
    "etc/apache2/apache2.conf":
      'LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{User-Agent" broken\nCustomLog /var/log/apache2/access.log broken\n',
    "var/log/apache2/access.log":
      '198.51.100.7 - - [06/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n',
  });
  const a = run(["audit", "--root", root, "--format", "json"]);
  assert.equal(a.signal, null, "audit killed after 60 s");
  assert.ok([0, 1, 3].includes(a.status ?? -1), a.stderr);
});
