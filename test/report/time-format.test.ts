/**
 * Human output shows local time with its zone, in one format, from TZ (resolved by the CLI); JSON stays
 * UTC ISO. Checked on the compromised fixture with TZ=Asia/Tokyo and TZ=UTC.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import { translator } from "../../src/i18n/index.ts";
import { localizeTime, localTime, resolveTimeZone, zonedTranslator } from "../../src/report/time-format.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const ROOT = path.join(REPO, "test/fixtures/roots/compromised-2.4.49");
const ISO_Z = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/;

test("one format: date, time and zone abbreviation or offset", () => {
  const at = Date.parse("2026-11-18T03:12:30.000Z");
  assert.equal(localTime(at, "Asia/Tokyo"), "2026-11-18 12:12:30 JST");
  assert.equal(localTime(at, "UTC"), "2026-11-18 03:12:30 UTC");
  assert.equal(localTime(at, "Asia/Kolkata"), "2026-11-18 08:42:30 +05:30");
  assert.equal(localTime(at, "America/New_York"), "2026-11-17 22:12:30 EST");
  assert.equal(localizeTime("2026-11-18T03:12:30Z", "Asia/Tokyo"), "2026-11-18 12:12:30 JST");
  assert.equal(localizeTime("not a time", "Asia/Tokyo"), "not a time");
});

test("the zone comes from TZ; an unknown TZ falls back, never throws", () => {
  assert.equal(resolveTimeZone({ TZ: "Asia/Tokyo" }), "Asia/Tokyo");
  assert.equal(resolveTimeZone({ TZ: ":Asia/Tokyo" }), "Asia/Tokyo");
  assert.equal(resolveTimeZone({ TZ: "/usr/share/zoneinfo/Asia/Tokyo" }), "Asia/Tokyo");
  assert.equal(typeof resolveTimeZone({ TZ: "Nowhere/Atlantis" }), "string");
});

test("story times: the short form follows the last full time, and turns full across local midnight", () => {
  const t = zonedTranslator(translator("en"), "Asia/Tokyo");
  // 14:59:00 UTC is 23:59 JST; 15:00:30 UTC the same UTC day is already the next day in Tokyo.
  const first = t("incident.story.exploit", {
    time: "2026-11-20 14:59:00 UTC",
    ip: "x",
    where: "y",
    attack: "z",
  });
  assert.match(first, /2026-11-20 23:59:00 JST/);
  const next = t("incident.story.exploit", { time: "15:00:30", ip: "x", where: "y", attack: "z" });
  assert.match(next, /2026-11-21 00:00:30 JST/);
  const same = t("incident.story.exploit", { time: "14:59:30", ip: "x", where: "y", attack: "z" });
  assert.match(same, /at 23:59:30 from/);
});

function run(format: string, tz: string): string {
  const r = spawnSync(
    path.join(REPO, "bin/mamori"),
    ["audit", "--root", ROOT, "--lang", "en", "--format", format, "--now", "2026-11-21T00:00:00Z"],
    { encoding: "utf8", env: { ...process.env, TZ: tz } },
  );
  assert.ok(r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

for (const [tz, label, exploited] of [
  ["Asia/Tokyo", "JST", "2026-11-20 12:14:09 JST"],
  ["UTC", "UTC", "2026-11-20 03:14:09 UTC"],
] as const) {
  test(`TZ=${tz}: terminal, Markdown and HTML show local times with ${label}; JSON stays UTC ISO`, () => {
    const human = run("human", tz);
    assert.match(human, new RegExp(`exploited at ${exploited}`));
    assert.match(human, new RegExp(`Scanned at: 2026-11-21 \\d\\d:00:00 ${label}`));
    assert.doesNotMatch(human, ISO_Z, "no UTC ISO timestamp left in the terminal output");
    for (const l of human.split("\n").filter((x) => /^ {4}\d{4}-/.test(x)))
      assert.match(l, new RegExp(`^ {4}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${label}  `), l);
    const md = run("markdown", tz);
    assert.match(md, new RegExp(exploited));
    assert.doesNotMatch(md, ISO_Z);
    const html = run("html", tz);
    assert.match(html, new RegExp(`<time datetime="2026-11-20T03:14:09\\.000Z">${exploited}</time>`));
    const json = JSON.parse(run("json", tz));
    assert.equal(json.scannedAt, "2026-11-21T00:00:00.000Z");
    assert.match(JSON.stringify(json.incidents[0].timeline[0].time), ISO_Z);
  });
}
