import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { renderText, type Text } from "../../src/core/message.ts";
import { translator } from "../../src/i18n/index.ts";
import { loadVulnDb, vulnDbAgeDays } from "../../src/vulndb/load.ts";
import type { VulnDb } from "../../src/vulndb/types.ts";
import { tempDir } from "../helpers/tmp.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const en = (d: Text | undefined) => (d === undefined ? "" : renderText(d, translator("en")));

function fresh(builtAt: string, fetched: string[]): VulnDb {
  return {
    meta: {
      builtAt,
      sources: fetched.map((f, i) => ({
        name: `source ${i}`,
        url: "https://example.org/",
        fetchedAt: f,
        records: 1,
      })),
    },
    cves: [
      {
        id: "CVE-2021-41773",
        title: "t",
        impact: "critical",
        affected: [{ exact: ["2.4.49"] }],
        fixedIn: ["2.4.50"],
        distroFixed: {},
      },
    ],
  };
}

function dirWith(t: { after: (fn: () => void) => void }, content: string): string {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, "vulndb.json"), content);
  return dir;
}

test("the committed snapshot loads and validates", () => {
  const diag = new Diagnostics();
  const db = loadVulnDb(path.join(repo, "data"), diag, new Date("2026-08-06T00:00:00Z"));
  assert.ok(db);
  assert.equal(diag.notChecked.length, 0);
});

test("fresh data gives no warning; data older than 30 days says to run mamori db update", (t) => {
  const dir = dirWith(t, JSON.stringify(fresh("2026-11-01T00:00:00Z", ["2026-11-01T00:00:00Z"])));
  const quiet = new Diagnostics();
  assert.ok(loadVulnDb(dir, quiet, new Date("2026-11-25T00:00:00Z")));
  assert.deepEqual(quiet.warnings, []);

  const loud = new Diagnostics();
  assert.ok(loadVulnDb(dir, loud, new Date("2026-12-02T00:00:00Z")));
  assert.equal(loud.warnings.length, 1);
  assert.equal(loud.warnings[0]?.area, "vulndb");
  assert.equal(loud.warnings[0]?.reason, "stale");
  assert.match(en(loud.warnings[0]?.detail), /31 days old.*mamori db update/);

  // The note is keyed text, so the same warning reads in Japanese too.
  assert.match(renderText(loud.warnings[0]?.detail ?? "", translator("ja")), /31 日前.*mamori db update/);
});

test("age is counted from the oldest source, or from builtAt without sources", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  assert.equal(
    vulnDbAgeDays(fresh("2026-11-20T00:00:00Z", ["2026-11-20T00:00:00Z", "2026-10-26T00:00:00Z"]), now),
    30,
  );
  assert.equal(vulnDbAgeDays(fresh("2026-11-24T00:00:00Z", []), now), 1);
  assert.equal(
    vulnDbAgeDays(fresh("2027-01-01T00:00:00Z", []), now),
    0,
    "a clock behind the data is not negative",
  );
  // The shipped snapshot's oldest source is Alpine's secdb mirror (2020): its age says so.
  const snap = loadVulnDb(path.join(repo, "data"), new Diagnostics(), now) as VulnDb;
  assert.equal(
    vulnDbAgeDays(snap, now),
    Math.floor((now.getTime() - Date.parse("2020-02-04T00:00:00Z")) / 86400000),
  );
});

test("damaged data is a 'parse' diagnostic and undefined, never an exception", (t) => {
  const cases: Array<[string, RegExp]> = [
    ["{ not json", /JSON|property/i],
    ['{"meta": {"builtAt": "2026-01-01T00:00:00Z", "sources": []}, "cves": [{"id": "nope"}]}', /cves\.0\./],
    ['{"meta": {"builtAt": "yesterday", "sources": []}, "cves": []}', /builtAt/],
    ["[]", /\(top\)|expected object/],
    [JSON.stringify(fresh("2026-01-01T00:00:00Z", [])).slice(0, 100), /JSON|Unterminated|Expected/i],
  ];
  for (const [content, detail] of cases) {
    const diag = new Diagnostics();
    const db = loadVulnDb(dirWith(t, content), diag, new Date("2026-01-02T00:00:00Z"));
    assert.equal(db, undefined, content);
    assert.equal(diag.notChecked.length, 1);
    assert.equal(diag.notChecked[0]?.area, "vulndb");
    assert.equal(diag.notChecked[0]?.reason, "parse");
    assert.match(en(diag.notChecked[0]?.detail), detail);
    assert.match(en(diag.notChecked[0]?.detail), /mamori db update/);
  }
});

test("a missing data file says where it looked", (t) => {
  const diag = new Diagnostics();
  const dir = tempDir(t);
  assert.equal(loadVulnDb(dir, diag, new Date()), undefined);
  assert.equal(diag.notChecked[0]?.reason, "ENOENT");
  assert.ok(en(diag.notChecked[0]?.detail).includes(path.join(dir, "vulndb.json")));
});

test("the schema keeps every field mamori writes (zod would silently drop unknown ones)", () => {
  const file = path.join(repo, "data/vulndb.json");
  const raw = JSON.parse(fs.readFileSync(file, "utf8"));
  const db = loadVulnDb(path.join(repo, "data"), new Diagnostics(), new Date("2026-08-06T00:00:00Z"));
  assert.deepEqual(db, raw);
  assert.ok(
    Object.keys(raw.cves.find((c: { id: string }) => c.id === "CVE-2026-23918")).includes("cvssSeverity"),
  );
});

test("optional fields the snapshot does not use yet survive a load too", (t) => {
  const db = fresh("2026-11-01T00:00:00Z", ["2026-11-01T00:00:00Z"]);
  (db.meta.sources[0] as { kept?: boolean }).kept = true;
  const cve = db.cves[0] as VulnDb["cves"][number];
  cve.distroOpen = ["debian:bookworm"];
  cve.affected = [{ from: "2.4.0", lessThan: "2.4.50", possible: true }];
  cve.unfixedBranches = ["2.2"];
  const loaded = loadVulnDb(
    dirWith(t, JSON.stringify(db)),
    new Diagnostics(),
    new Date("2026-11-02T00:00:00Z"),
  );
  assert.deepEqual(loaded, db);
});
