/**
 * Per-client behaviour (issue 15): every scenario's own samples (positives fire, negatives do not, fed
 * line by line as a stream), its names in both languages, bounded state, and the whole path through
 * `mamori logs`: probes of one client gathered into a probing event, failed probes told as one line of
 * background noise, a success still raised.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { BehaviourTracker, scenarioPath } from "../../src/checks/logs/behaviour.ts";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { dictionary } from "../../src/i18n/index.ts";
import { compileScenarios, loadScenarios, scenariosFile } from "../../src/rules/logs-behaviour.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const scenarios = loadScenarios();

function feed(tracker: BehaviourTracker, lines: string[]): void {
  for (const [i, text] of lines.entries()) {
    const e = parseLine(text, i + 1, undefined);
    assert.ok(e?.ip && e.uri !== undefined, `sample does not parse: ${text}`);
    tracker.observe({ ip: e.ip, timeMs: e.time?.getTime(), target: e.uri, status: e.status });
  }
}

test("each scenario fires on its positive samples and on none of its negatives", () => {
  assert.ok(scenarios.length >= 5);
  for (const s of scenarios) {
    for (const sample of s.samples.positive) {
      const tr = new BehaviourTracker([s]);
      feed(tr, sample);
      const f = tr.fired();
      assert.equal(f.length, 1, `${s.id} should fire on ${sample[0]}`);
      assert.equal(f[0]?.scenario, s.id);
      assert.ok((f[0]?.lines ?? 0) >= (s.count === "lines" ? s.threshold : 1));
    }
    for (const sample of s.samples.negative) {
      const tr = new BehaviourTracker([s]);
      feed(tr, sample);
      assert.deepEqual(tr.fired(), [], `${s.id} fired on its negative sample ${sample[0]}`);
    }
  }
});

test("a scenario's positive sample minus one counted line does not fire (thresholds are exact)", () => {
  for (const s of scenarios) {
    const sample = s.samples.positive[0] as string[];
    if (sample.length !== s.threshold) continue;
    const tr = new BehaviourTracker([s]);
    feed(tr, sample.slice(0, -1));
    assert.deepEqual(tr.fired(), [], s.id);
  }
});

test("scenario names in the dictionary are the ones in the data, in both languages", () => {
  const doc = parse(readFileSync(scenariosFile(), "utf8")) as { scenarios: Array<{ id: string }> };
  assert.equal(doc.scenarios.length, scenarios.length);
  for (const s of scenarios) {
    const m = (dictionary as Record<string, { en: string; ja: string }>)[`logs.scenario.${s.id}`];
    assert.ok(m, `logs.scenario.${s.id} missing`);
    assert.deepEqual({ en: m.en, ja: m.ja }, s.name);
  }
});

test("a bad scenario file is refused with its name and the scenario", () => {
  assert.throws(() => compileScenarios({ scenarios: [{ id: "x" }] }, "f.yaml"), /f\.yaml: scenario x: name/);
  assert.throws(() => compileScenarios({}, "f.yaml"), /no scenarios/);
});

test("bounded: clients past the cap are forgotten least-recent first; a fired scenario is kept", () => {
  const notFound = scenarios.find((s) => s.id === "probe-not-found");
  assert.ok(notFound);
  const tr = new BehaviourTracker([notFound], 100);
  const t0 = Date.parse("2026-11-20T03:00:00Z");
  for (let i = 0; i < 10; i++)
    tr.observe({ ip: "198.51.100.1", timeMs: t0 + i, target: `/p${i}`, status: 404 });
  for (let i = 0; i < 10_000; i++)
    tr.observe({ ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, timeMs: t0, target: "/x", status: 404 });
  assert.ok(tr.clientCount <= 100, String(tr.clientCount));
  const f = tr.fired();
  assert.equal(f.length, 1);
  assert.equal(f[0]?.ip, "198.51.100.1");
  assert.equal(f[0]?.distinct, 10);
  // A forgotten client starts over: 9 paths, forgotten, then 9 more never reach 10 in one counter.
  const tr2 = new BehaviourTracker([notFound], 2);
  for (let i = 0; i < 9; i++) tr2.observe({ ip: "198.51.100.2", timeMs: t0, target: `/a${i}`, status: 404 });
  tr2.observe({ ip: "198.51.100.3", timeMs: t0, target: "/x", status: 404 });
  tr2.observe({ ip: "198.51.100.4", timeMs: t0, target: "/x", status: 404 });
  tr2.observe({ ip: "198.51.100.2", timeMs: t0, target: "/b", status: 404 });
  assert.deepEqual(tr2.fired(), []);
});

test("distinct paths of a fired client are counted exactly past the short list, and stop at the bound", () => {
  const notFound = scenarios.find((s) => s.id === "probe-not-found");
  assert.ok(notFound);
  const t0 = Date.parse("2026-11-20T03:00:00Z");
  const tr = new BehaviourTracker([notFound]);
  // 700 distinct paths, each asked twice (the repeats must not count).
  for (let pass = 0; pass < 2; pass++)
    for (let i = 0; i < 700; i++)
      tr.observe({ ip: "198.51.100.5", timeMs: t0 + i, target: `/scan/${i}.php`, status: 404 });
  assert.equal(tr.fired()[0]?.distinct, 700);
  // Past 1,000 distinct paths the count stops (the state of one client stays bounded).
  for (let i = 700; i < 1500; i++)
    tr.observe({ ip: "198.51.100.5", timeMs: t0 + i, target: `/scan/${i}.php`, status: 404 });
  assert.equal(tr.fired()[0]?.distinct, 1000);
});

test("windows, times and examples are exact whatever the span (times held from the tracker's first)", () => {
  const notFound = scenarios.find((s) => s.id === "probe-not-found");
  assert.ok(notFound);
  const t0 = Date.parse("2026-11-20T03:00:00Z");
  // 40 days after the first line (past 2^31 ms, where a time from the first stops being a small integer).
  const late = t0 + 40 * 86_400_000 + 0.5;
  const tr = new BehaviourTracker([notFound]);
  tr.observe({ ip: "198.51.100.9", timeMs: t0, target: "/first", status: 404, line: 1 });
  for (let i = 0; i < 10; i++)
    tr.observe({ ip: "198.51.100.7", timeMs: late + i * 1000, target: `/p${i}`, status: 404, line: 10 + i });
  // The window is 120 s: a line 121 s after the window's start opens another one.
  for (let i = 0; i < 9; i++)
    tr.observe({
      ip: "198.51.100.8",
      timeMs: t0 + 1000 + i * 10_000,
      target: `/q${i}`,
      status: 404,
      line: 30 + i,
    });
  tr.observe({ ip: "198.51.100.8", timeMs: t0 + 1000 + 121_000, target: "/q9", status: 404, line: 40 });
  const f = tr.fired();
  assert.equal(f.length, 1);
  assert.equal(f[0]?.ip, "198.51.100.7");
  assert.equal(f[0]?.firstSeen, new Date(late).toISOString());
  assert.equal(f[0]?.lastSeen, new Date(late + 9000).toISOString());
  assert.deepEqual(
    f[0]?.examples.map((x) => [x.line, x.time, x.target]),
    [
      [10, new Date(late).toISOString(), "/p0"],
      [19, new Date(late + 9000).toISOString(), "/p9"],
    ],
  );
});

test("paths are judged decoded and lower-cased, the query left out", () => {
  assert.equal(scenarioPath("/%2Eenv?x=1"), "/.env");
  assert.equal(scenarioPath("/HNAP1"), "/hnap1");
  assert.equal(scenarioPath("/a%252fb"), "/a/b");
});

const L = (ip: string, req: string, status: number, size: number, sec = 0) =>
  `${ip} - - [12/Mar/2024:03:14:${String(sec).padStart(2, "0")} +0000] "${req} HTTP/1.1" ${status} ${size} "-" "curl/8"\n`;

test("mamori logs: one client's failed probes become a probing event and one line of noise; a success stays raised", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    L("198.51.100.20", "GET /.env", 404, 196, 1) +
      L("198.51.100.20", "GET /.git/config", 404, 196, 2) +
      L("198.51.100.20", "GET /wp-config.php.bak", 404, 196, 3) +
      L("198.51.100.21", "GET /.env", 404, 196, 4) +
      L("198.51.100.22", "GET /cgi-bin/.%2e/.%2e/.%2e/etc/passwd", 403, 199, 5) +
      L("203.0.113.5", "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", 200, 7, 6),
  );
  for (const lang of ["en", "ja"] as const) {
    const json = await mamori(["logs", "--format", "json", "--lang", lang, f]);
    const s = JSON.parse(json.stdout).sections.logs;
    assert.equal(s.probingTotal, 1);
    assert.deepEqual(
      s.probing.map(
        (p: { ip: string; scenario: string; requests: number; paths: number; outcome: string }) => [
          p.ip,
          p.scenario,
          p.requests,
          p.paths,
          p.outcome,
        ],
      ),
      [["198.51.100.20", "probe-secrets", 3, 3, "failed"]],
    );
    const marked = s.events
      .filter((e: { probing?: string }) => e.probing)
      .map((e: { line: number }) => e.line);
    assert.deepEqual(marked, [1, 2, 3]);
    // The lone .env probe of another client stays an ordinary event (not part of anyone's probing).
    assert.ok(s.events.some((e: { line: number; probing?: string }) => e.line === 4 && !e.probing));
    // JSON stays complete: per-attack outcome counts, and the noise counted.
    const trav = s.attacks.find(
      (a: { attack: string }) => a.attack === "cve-2021-42013" || a.attack === "cve-2021-41773",
    );
    assert.ok(trav);
    // The refused traversal shares its attack with the success: told with it, not as noise.
    assert.equal(s.noise.requests + 2, s.eventsTotal, JSON.stringify(s.noise));
    assert.equal(s.noise.attackers, 2);
    assert.ok(trav.blocked >= 1 && trav.succeeded === 1, JSON.stringify(trav));
    const story = await mamori(["logs", "--lang", lang, "--color", "never", f]);
    const out = story.stdout;
    if (lang === "en") {
      // A success is told first; the failed background after it, as "also".
      assert.match(out.split("\n")[0] ?? "", /^Act now: 1 address got in \(details below\)\.$/);
      assert.match(
        out,
        /^Also 4 automated probes from 2 addresses of \d+ other kinds? of attack, every one failed/m,
      );
      assert.match(out, /Probing \(sensitive-file sweep\): 1 address, 3 requests, none succeeded\./);
      assert.match(out, /203\.0\.113\.5 succeeded at 2024-03-12 03:14:06 UTC/);
    } else {
      assert.match(
        out,
        /ほかに 2 件の送信元から自動化された探索・攻撃が 4 件ありました \(\d+ 種類、すべて失敗または拒否\)/,
      );
      assert.match(out, /探索行為 \(機密ファイルの一斉探索\): 1 件の送信元、3 件のリクエスト、成功なし。/);
    }
    // The noise is one line: no per-attack "None of them is seen to succeed" for the failed ones.
    assert.doesNotMatch(out, /None of them|成功したものは確認されませんでした/);
  }
});
