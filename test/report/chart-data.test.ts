import assert from "node:assert/strict";
import { test } from "node:test";
import { type LogHour, type ReportSections, reportSectionsSchema } from "../../src/core/sections/index.ts";
import { translator } from "../../src/i18n/index.ts";
import { html } from "../../src/report/formats/html.ts";
import { attackSeries, cpuSeries, timelineSeries } from "../../src/report/html/chart-data.ts";
import { renderedDoc } from "../helpers/messages.ts";
import { docOf as docOfKeyed, f, huntSection, minerStory } from "./scenario.ts";

const docOf = (...a: Parameters<typeof docOfKeyed>) => renderedDoc(docOfKeyed(...a));

const H = Date.parse("2026-11-20T03:00:00Z") / 1000;

const hour = (h: string, attack: string, outcome: LogHour["outcome"], count: number): LogHour => ({
  hour: h,
  attack,
  outcome,
  count,
});

function logs(hours: LogHour[]): ReportSections["logs"] {
  return {
    files: [],
    unreadable: [],
    eventsTotal: 0,
    eventsTruncated: true,
    events: [],
    attackers: [],
    attacks: [],
    hours,
  };
}

test("attack counts come from the logs section's per-hour counts, by outcome, with quiet hours as zero", () => {
  const doc = docOf([], {
    sections: {
      logs: logs([
        hour("2026-11-20T03:00:00Z", "cve-2021-41773", "succeeded", 1),
        hour("2026-11-20T03:00:00Z", "cve-2021-41773", "blocked", 4),
        hour("2026-11-20T03:00:00Z", "cve-2021-44228", "blocked", 1),
        hour("2026-11-20T05:00:00Z", "recon-env", "failed", 2),
        // A report written before outcomes were counted per hour.
        hour("2026-11-20T05:00:00Z", "recon-git", undefined, 3),
        hour("not a time", "x", "blocked", 9),
      ]),
    },
  });
  const s = attackSeries(doc);
  assert.ok(reportSectionsSchema.safeParse(doc.sections).success, "the test data has the real shape");
  assert.equal(s?.from, "hours");
  assert.deepEqual(s?.x, [H, H + 3600, H + 7200]);
  assert.deepEqual(s?.counts, {
    succeeded: [1, 0, 0],
    blocked: [5, 0, 0],
    failed: [0, 0, 2],
    unknown: [0, 0, 3],
  });
});

test("a logs section with no attacks draws no chart, even when findings hold exploit data", () => {
  assert.equal(attackSeries(docOf(minerStory(), { sections: { logs: logs([]) } })), undefined);
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

test("CPU by process merges the hunt section's busiest processes and the process findings, highest first", () => {
  const hunt = huntSection([
    { pid: 4242, comm: "kdevtmpfsi", cpuSeconds: 10 },
    { pid: 9, comm: "apache2", exe: "/usr/sbin/apache2", cpuSeconds: 300 },
  ]);
  const doc = docOf(minerStory(), { sections: { hunt } });
  assert.ok(reportSectionsSchema.safeParse(doc.sections).success, "the test data has the real shape");
  assert.deepEqual(cpuSeries(doc), { labels: ["kdevtmpfsi (4242)", "apache2 (9)"], seconds: [86400, 300] });
  assert.equal(cpuSeries(docOf([])), undefined);
  assert.equal(cpuSeries(docOf([], { sections: { hunt: huntSection([]) } })), undefined);
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

test("a chart with no data is left out (no empty frame, no 'No data' box above the findings)", () => {
  const doc = docOf([f({ id: "x", check: "exposure.port" })], {
    sections: { logs: logs([]), hunt: huntSection([]) },
  });
  const page = html.render(doc, { lang: "en", t: translator("en"), color: false, threshold: "info" });
  for (const id of ["chart-attacks", "chart-cpu", "chart-timeline"]) {
    assert.ok(!page.includes(`id="${id}"`), id);
  }
  assert.ok(!page.includes(translator("en")("html.noData")));
  assert.ok(page.indexOf('id="findings"') < page.indexOf('id="charts"'), "charts come after the findings");
  assert.ok(page.includes('id="chart-severity"'));
});
