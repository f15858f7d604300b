/**
 * The logs and inventory areas in a FactsBundle: JSON with versioned schemas, validated by `check`,
 * and judged from the saved facts (not from a judgement made while collecting).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { ReportDocument } from "../../src/core/document.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

const NOW = "2026-11-21T00:00:00Z";

/** The parts of a saved bundle these tests change. */
interface Saved {
  areas: {
    logs: {
      version: number;
      events?: unknown;
      scans: [{ matches: [{ entry: { time?: string } }] }];
    };
    inventory: { version: number; items: [{ kind: string }] };
  };
}

function root(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t);
  writeTree(dir, {
    "etc/hostname": "web1\n",
    "var/log/apache2/access.log": [
      '198.51.100.7 - - [20/Nov/2026:03:14:07 +0000] "GET /cgi-bin/.%2e/%2e%2e/%2e%2e/bin/sh HTTP/1.1" 403 120 "-" "x"',
      '198.51.100.8 - - [20/Nov/2026:03:15:07 +0000] "GET /index.html HTTP/1.1" 200 5120 "-" "Mozilla"',
      "",
    ].join("\n"),
    "etc/cron.d/backup": "*/5 * * * * root /usr/local/bin/backup\n",
    "var/lib/dpkg/status":
      "Package: apache2\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.4.62-1\n\n",
  });
  return dir;
}

async function check(file: string, lang = "en") {
  return mamori(["check", file, "--format", "json", "--now", NOW, "--lang", lang]);
}

test("collect + check judge logs and inventory as the audit does, in either language", async (t) => {
  const r = root(t);
  const file = path.join(tempDir(t), "facts.json");
  assert.equal((await mamori(["collect", "--root", r, "--output", file, "--now", NOW])).code, 0);
  const bundle = JSON.parse(fs.readFileSync(file, "utf8"));
  // Saved as JSON: versioned, times as ISO strings, nothing judged in it.
  assert.equal(bundle.areas.logs.version, 1);
  assert.equal(bundle.areas.logs.scans[0].matches[0].entry.time, "2026-11-20T03:14:07.000Z");
  assert.equal(bundle.areas.logs.events, undefined);
  assert.equal(bundle.areas.inventory.version, 1);
  assert.ok(bundle.areas.inventory.items.some((i: { kind: string }) => i.kind === "cron"));
  for (const lang of ["en", "ja"]) {
    const audit = JSON.parse(
      (await mamori(["audit", "--root", r, "--format", "json", "--now", NOW, "--lang", lang])).stdout,
    ) as ReportDocument;
    const checked = JSON.parse((await check(file, lang)).stdout) as ReportDocument;
    assert.deepEqual(checked.findings, audit.findings);
    assert.deepEqual(checked.sections.logs, audit.sections.logs);
    assert.deepEqual(checked.sections.inventory, audit.sections.inventory);
    assert.ok(checked.findings.some((f) => f.check.startsWith("logs.")));
    assert.equal(checked.sections.inventory?.counts.cron, 1);
    assert.equal(checked.sections.inventory?.counts.package, 1);
  }
});

test("check judges the saved log lines again: an outcome follows the facts, not the collector", async (t) => {
  const file = path.join(tempDir(t), "facts.json");
  await mamori(["collect", "--root", root(t), "--output", file, "--now", NOW]);
  const before = JSON.parse((await check(file)).stdout) as ReportDocument;
  assert.equal(before.sections.logs?.events[0]?.outcome, "blocked");
  const bundle = JSON.parse(fs.readFileSync(file, "utf8"));
  // The same request, answered 200 with a body unlike the site's pages: the checks call it a success.
  bundle.areas.logs.scans[0].matches[0].entry.status = 200;
  fs.writeFileSync(file, JSON.stringify(bundle));
  const after = JSON.parse((await check(file)).stdout) as ReportDocument;
  assert.notEqual(after.sections.logs?.events[0]?.outcome, "blocked");
});

test("check refuses logs or inventory facts that break their schema, naming where", async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, "facts.json");
  await mamori(["collect", "--root", root(t), "--output", file, "--now", NOW]);
  const good = fs.readFileSync(file, "utf8");
  const cases: Array<[string, (b: Saved) => void, RegExp]> = [
    [
      "time",
      (b) => {
        b.areas.logs.scans[0].matches[0].entry.time = "yesterday";
      },
      /logs\.scans\.0/,
    ],
    [
      "version",
      (b) => {
        b.areas.logs.version = 2;
      },
      /logs\.version/,
    ],
    [
      "extra key",
      (b) => {
        b.areas.logs.events = [];
      },
      /logs/,
    ],
    [
      "inventory kind",
      (b) => {
        b.areas.inventory.items[0].kind = "rootkit";
      },
      /inventory\.items\.0\.kind/,
    ],
    [
      "inventory version",
      (b) => {
        b.areas.inventory.version = 0;
      },
      /inventory\.version/,
    ],
  ];
  for (const [name, change, where] of cases) {
    const b = JSON.parse(good);
    change(b);
    const bad = path.join(dir, `${name.replace(/ /g, "-")}.json`);
    fs.writeFileSync(bad, JSON.stringify(b));
    const r = await check(bad);
    assert.equal(r.code, 2, `${name}: ${r.stdout.slice(0, 200)}`);
    assert.match(r.stderr, where, name);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});
