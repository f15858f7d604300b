import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeLogFacts, type LogFacts } from "../../src/facts/log-codec.ts";
import { HourCounts } from "../../src/facts/log-lines.ts";
import { logFactsSchema } from "../../src/facts/logs.ts";

test("a tally's hours are counted as numbers and saved and read back as ISO hours", () => {
  const h = new HourCounts();
  h.addAt(Date.parse("2026-11-20T03:10:00Z"));
  h.addAt(Date.parse("2026-11-20T03:59:59Z"));
  h.addAt(Date.parse("2026-11-20T04:00:00Z"));
  const other = HourCounts.fromRecord({ "2026-11-20T04": 2, "2026-11-20T05": 1, junk: 7 });
  h.addAll(other);
  const json = JSON.parse(JSON.stringify(h));
  assert.deepEqual(json, { "2026-11-20T03": 2, "2026-11-20T04": 3, "2026-11-20T05": 1, junk: 7 });
  const seen: Array<[string, number]> = [];
  HourCounts.from(json).forEach((k, n) => {
    seen.push([k, n]);
  });
  assert.deepEqual(seen.sort(), Object.entries(json).sort());
  // As another thread sends it (structured clone: the fields, no class).
  assert.deepEqual({ ...HourCounts.from(structuredClone(h)).toJSON() }, json);
});

test("hour counts: the first hour in place, the others in order, a saved record never read as fields", () => {
  const h = new HourCounts();
  for (const iso of [
    "2026-11-20T05:00:00Z",
    "2026-11-20T03:00:00Z",
    "2026-11-20T05:30:00Z",
    "2026-11-20T04:00:00Z",
  ])
    h.addAt(Date.parse(iso));
  assert.deepEqual(Object.entries(h.toJSON()), [
    ["2026-11-20T05", 2],
    ["2026-11-20T03", 1],
    ["2026-11-20T04", 1],
  ]);
  assert.deepEqual(Object.entries(HourCounts.from(structuredClone(h)).toJSON()), Object.entries(h.toJSON()));
  // A saved bundle's hours named like the fields are hours as saved (kept as they were), not fields.
  assert.deepEqual({ ...HourCounts.from({ h: 5, n: 2, more: 1 }).toJSON() }, { h: 5, n: 2, more: 1 });
  assert.deepEqual({ ...new HourCounts().toJSON() }, {});
});

test("saved facts with tallies go through the schema and decode to hour counts", () => {
  const entry = {
    kind: "access" as const,
    line: 3,
    raw: "",
    request: "GET / HTTP/1.1",
    time: "2026-11-20T03:10:00.000Z",
  };
  const saved: LogFacts = {
    version: 1,
    files: [],
    scans: [
      {
        path: "a.log",
        matches: [],
        samples: [],
        cgiErrors: [],
        tallies: [{ key: "k", ruleId: "r", entry, count: 2, hours: { "2026-11-20T03": 2 }, varied: false }],
      },
    ],
    next: {},
    maxEvents: 10,
    unreadable: [],
  };
  const parsed = logFactsSchema.parse(JSON.parse(JSON.stringify(saved)));
  const t = decodeLogFacts(parsed).scans[0]?.tallies?.[0];
  assert.ok(t?.hours instanceof HourCounts);
  assert.deepEqual({ ...t.hours.toJSON() }, { "2026-11-20T03": 2 });
  assert.ok(t.entry.time instanceof Date);
});
