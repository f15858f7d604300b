import assert from "node:assert/strict";
import { test } from "node:test";
import { attackSeries, cpuSeries, timelineSeries } from "../../src/report/html/chart-data.ts";
import { renderedDoc } from "../helpers/messages.ts";
import { docOf as docOfKeyed, f, minerStory } from "./scenario.ts";

const docOf = (...a: Parameters<typeof docOfKeyed>) => renderedDoc(docOfKeyed(...a));

const H = Date.parse("2026-11-20T03:00:00Z") / 1000;

test("attack counts come from log events when the log area emits them, bucketed per hour with quiet hours as zero", () => {
  const doc = docOf([], {
    sections: {
      logs: {
        events: [
          { time: "2026-11-20T03:14:07Z", outcome: "succeeded" },
          { time: "2026-11-20T03:59:59Z", outcome: "blocked" },
          { time: "2026-11-20T05:00:00Z", outcome: "weird" },
          { time: "not a time", outcome: "blocked" },
        ],
      },
    },
  });
  const s = attackSeries(doc);
  assert.equal(s?.from, "events");
  assert.deepEqual(s?.x, [H, H + 3600, H + 7200]);
  assert.deepEqual(s?.counts, {
    succeeded: [1, 0, 0],
    blocked: [1, 0, 0],
    failed: [0, 0, 0],
    unknown: [0, 0, 1],
  });
});

test("per-hour tables are read in the shapes a log area may write", () => {
  const shapes: unknown[] = [
    [{ hour: "2026-11-20T03:00:00Z", succeeded: 2, blocked: 5 }],
    [
      { hour: "2026-11-20T03", outcome: "succeeded", count: 2 },
      { hour: "2026-11-20T03", outcome: "blocked", count: 5 },
    ],
    [{ time: "2026-11-20T03:00:00Z", counts: { succeeded: 2, blocked: 5 } }],
    { "2026-11-20T03": { succeeded: 2, blocked: 5 } },
  ];
  for (const perHour of shapes) {
    const s = attackSeries(docOf([], { sections: { logs: { perHour } } }));
    assert.equal(s?.from, "perHour", JSON.stringify(perHour));
    assert.deepEqual(s?.x, [H]);
    assert.deepEqual([s?.counts.succeeded, s?.counts.blocked], [[2], [5]], JSON.stringify(perHour));
  }
});

test("without a logs section the exploit findings still give a chart; with nothing, no chart", () => {
  const s = attackSeries(docOf(minerStory()));
  assert.equal(s?.from, "findings");
  const total = (o: "succeeded" | "blocked" | "failed" | "unknown") =>
    s?.counts[o].reduce((a, b) => a + b, 0);
  // One success, eleven more requests from the same attacker, one blocked probe.
  assert.deepEqual([total("succeeded"), total("unknown"), total("blocked")], [1, 11, 1]);
  assert.equal(attackSeries(docOf([f({ id: "x", check: "exposure.port" })])), undefined);
});

test("CPU by process merges the process list and the process findings, highest first", () => {
  const doc = docOf(minerStory(), {
    sections: {
      processes: {
        processes: [
          { pid: 4242, comm: "kdevtmpfsi", cpuSeconds: 10 },
          { pid: 9, exe: "/usr/sbin/apache2", cpuSeconds: 300 },
        ],
      },
    },
  });
  assert.deepEqual(cpuSeries(doc), { labels: ["kdevtmpfsi (4242)", "apache2 (9)"], seconds: [86400, 300] });
  assert.equal(cpuSeries(docOf([])), undefined);
});

test("the timeline chart has one lane per incident and a point per timeline entry", () => {
  const tl = timelineSeries([
    {
      id: "i1",
      severity: "critical",
      confidence: "confirmed",
      title: "one",
      summary: "",
      findingIds: [],
      timeline: [
        { time: "2026-11-20T03:14:07Z", source: "log", text: "a", kind: "exploit" },
        { time: "2026-11-20T03:14:09Z", source: "proc", text: "b", kind: "process" },
      ],
    },
  ]);
  assert.deepEqual(
    tl?.points.map((p) => [p[1], tl.kinds[p[2]]]),
    [
      [1, "exploit"],
      [1, "process"],
    ],
  );
  assert.equal(timelineSeries([]), undefined);
});
