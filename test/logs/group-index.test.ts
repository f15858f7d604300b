/**
 * The group index of kept lines (collect/logs/keep.ts): a line's group is found by its key's hash and a
 * comparison in place. Two keys whose hashes collide stay two groups, and every key is the one the
 * README's grouping names (rule, client, status, method, size, path before the query).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { keepMatch, PER_GROUP } from "../../src/collect/logs/keep.ts";
import type { LogEntry, MatchedEntry, MatchTally } from "../../src/facts/log-lines.ts";

function entry(line: number, uri: string, status = 200, size: number | undefined = 1294): LogEntry {
  return {
    kind: "access",
    line,
    time: new Date(Date.UTC(2026, 11, 4, 14, 49, line % 60)),
    ip: "203.0.113.5",
    method: "GET",
    uri,
    status,
    size,
    userAgent: "curl/8",
    raw: "",
    request: `GET ${uri} HTTP/1.1`,
  };
}

/** FNV-1a over UTF-16 code units, the hash the index uses, of the key string. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

function keep(lines: LogEntry[]): { matches: MatchedEntry[]; tallies: MatchTally[] } {
  const kept: { matches: MatchedEntry[]; tallies: MatchTally[] } = { matches: [], tallies: [] };
  for (const e of lines) keepMatch(kept, { entry: e, ruleId: "cve-2021-41773" });
  return kept;
}

test("two paths whose keys hash alike are two groups, each with its own key and count", () => {
  const keyOf = (path: string) => `cve-2021-41773\u0000203.0.113.5\u0000200\u0000GET\u00001294\u0000${path}`;
  const seen = new Map<number, string>();
  let pair: [string, string] | undefined;
  for (let i = 0; !pair && i < 2_000_000; i++) {
    const path = `/icons/.%2e/p${i}`;
    const h = fnv(keyOf(path));
    const other = seen.get(h);
    if (other !== undefined) pair = [other, path];
    else seen.set(h, path);
  }
  assert.ok(pair, "no colliding pair found");
  const [a, b] = pair;
  const lines: LogEntry[] = [];
  for (let k = 0; k < PER_GROUP + 3; k++) lines.push(entry(lines.length + 1, a), entry(lines.length + 2, b));
  const kept = keep(lines);
  assert.equal(kept.matches.length, 2 * PER_GROUP);
  assert.deepEqual(
    kept.tallies.map((t) => [t.key, t.count]).sort(),
    [
      [keyOf(a), 3],
      [keyOf(b), 3],
    ].sort(),
  );
});

test("a group's key: status-only answers leave out method and size, the path ends before the query and at 1024", () => {
  const long = `/${"a".repeat(2000)}`;
  const lines: LogEntry[] = [];
  const add = (uri: string, status: number, size?: number) => {
    for (let k = 0; k < PER_GROUP + 1; k++) lines.push({ ...entry(lines.length + 1, uri, status), size });
  };
  add("/x?q=1", 404, 196);
  add("/x?q=2", 404, 200); // same group: a 404 is judged by its status alone
  add("/cgi-bin/.%2e/bin/sh", 500, undefined);
  add(`${long}?z`, 200, 5);
  const kept = keep(lines);
  const keys = kept.tallies.map((t) => [t.key, t.count]);
  assert.deepEqual(keys, [
    ["cve-2021-41773\u0000203.0.113.5\u0000404\u0000\u0000\u0000/x", PER_GROUP + 2],
    ["cve-2021-41773\u0000203.0.113.5\u0000500\u0000GET\u0000\u0000/cgi-bin/.%2e/bin/sh", 1],
    [`cve-2021-41773\u0000203.0.113.5\u0000200\u0000GET\u00005\u0000${long.slice(0, 1024)}`, 1],
  ]);
});
