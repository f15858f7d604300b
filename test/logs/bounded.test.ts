/**
 * What keeps `mamori logs` bounded on incident logs (tens of thousands of attackers): the engine's
 * client bound, the folded findings, the attackers in detail, and the JSON written in pieces. Each is
 * checked for what it must not lose: every matched line is still counted, and the worst come first.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findingsFor, type LogEvent, summarizeAttackers } from "../../src/checks/logs/analyze.ts";
import { logsSection } from "../../src/checks/logs/judge.ts";
import { keepMatch, MAX_CLIENT_GROUPS } from "../../src/collect/logs/keep.ts";
import { checkContext } from "../../src/core/context.ts";
import {
  type LogEntry,
  type MatchedEntry,
  type MatchTally,
  OTHER_CLIENTS,
} from "../../src/facts/log-lines.ts";
import { batched, jsonPieces, LazyList } from "../../src/report/formats/json-stream.ts";
import { loadRules } from "../../src/rules/logs.ts";

const ctx = checkContext({ now: () => new Date("2026-01-01T00:00:00Z"), lang: "en" });

function entry(ip: string, line: number, status = 404): LogEntry {
  return {
    kind: "access",
    line,
    time: new Date(Date.UTC(2024, 2, 1, line % 24)),
    ip,
    method: "GET",
    uri: "/.env",
    status,
    size: 196,
    userAgent: "curl/8",
    raw: "",
    request: "GET /.env HTTP/1.1",
  };
}

test("past the client bound, new clients' lines are tallied together as (others), none lost", () => {
  const kept: { matches: MatchedEntry[]; tallies: MatchTally[] } = { matches: [], tallies: [] };
  const clients = MAX_CLIENT_GROUPS + 5000;
  let line = 0;
  for (let c = 0; c < clients; c++)
    for (let k = 0; k < 2; k++)
      keepMatch(kept, {
        entry: entry(`10.${c >> 16}.${(c >> 8) & 255}.${c & 255}`, ++line),
        ruleId: "recon-secrets",
      });
  const counted = kept.matches.length + kept.tallies.reduce((n, t) => n + t.count, 0);
  assert.equal(counted, line);
  const others = kept.tallies.filter((t) => t.entry.ip === OTHER_CLIENTS);
  assert.equal(others.length, 1);
  assert.ok((others[0] as MatchTally).count >= 2 * 4000, String(others[0]?.count));
  // The clients seen first stay apart.
  assert.ok(kept.tallies.some((t) => t.entry.ip?.startsWith("10.")));
  // Kept lines are compact copies: no raw line, no headers.
  assert.equal(kept.matches[0]?.entry.raw, "");
});

function event(
  ip: string,
  attack: string,
  outcome: LogEvent["outcome"],
  line: number,
  count?: number,
): LogEvent {
  return {
    file: "access.log",
    line,
    time: `2024-03-01T0${line % 10}:00:00.000Z`,
    ip,
    attack,
    cves: [],
    outcome,
    severity: "high",
    request: `GET /x?u=http://198.51.100.${line % 200}/a HTTP/1.1`,
    status: 200,
    kind: "access",
    why: "test",
    ...(count ? { count } : {}),
  };
}

test("past the detailed findings, the others fold per attack and outcome; successes stay in detail", () => {
  const events: LogEvent[] = [];
  for (let i = 0; i < 50; i++) events.push(event(`192.0.2.${i}`, "cve-2021-41773", "blocked", i, 3));
  events.push(event("203.0.113.9", "cve-2021-41773", "succeeded", 100));
  for (let i = 0; i < 20; i++) events.push(event(`198.51.100.${i}`, "recon-secrets", "failed", 200 + i));
  const all = findingsFor(events, loadRules(), ctx, {}, 10);
  const folded = all.filter((f) => (f.data as { attackers?: number }).attackers !== undefined);
  assert.equal(all.length, 10 + folded.length);
  assert.ok(all.slice(0, 10).some((f) => (f.data as { outcome: string }).outcome === "succeeded"));
  const total = all.reduce((n, f) => n + ((f.data as { requests: number }).requests ?? 0), 0);
  assert.equal(total, 50 * 3 + 1 + 20);
  const attackers = folded.reduce((n, f) => n + (f.data as { attackers: number }).attackers, 0);
  assert.equal(attackers, 71 - 10);
  // The same events under the bound: one finding each, as before.
  assert.equal(findingsFor(events, loadRules(), ctx).length, 71);
});

test("attackers in detail are bounded, the worst first, and counted in attackersTotal", () => {
  const events: LogEvent[] = [];
  for (let i = 0; i < 30; i++) events.push(event(`192.0.2.${i}`, "recon-secrets", "failed", i));
  events.push(event("203.0.113.9", "thinkphp-rce", "succeeded", 99));
  const few = summarizeAttackers(events, 5);
  assert.equal(few.length, 5);
  assert.equal(few[0]?.ip, "203.0.113.9");
  const s = logsSection({ files: [], unreadable: [], maxEvents: 10, next: {} }, events);
  assert.equal(s.attackersTotal, 31);
  assert.equal(s.attackers.length, 31);
});

test("the JSON written in pieces is JSON.stringify's text, lazy lists included", () => {
  const value = {
    a: 1,
    b: undefined,
    c: [1, "two", null, undefined, { d: new Date(0), e: [] }],
    f: {},
    g: { h: { i: { j: { k: [1, { l: "x\ny\u202e" }] } } } },
    m: new LazyList(3, (i) => ({ n: i, o: [i] })),
    p: new LazyList(0, () => 1),
  };
  const plain = { ...value, m: [0, 1, 2].map((i) => ({ n: i, o: [i] })), p: [] };
  const want = JSON.stringify(plain, null, 2);
  assert.equal([...jsonPieces(value)].join(""), want);
  assert.equal([...batched(jsonPieces(value), 8)].join(""), want);
  assert.ok([...batched(jsonPieces(value), 8)].length > 3);
});
