/**
 * Issue 15, behaviour over lines no rule names: a 404 for a path no rule knows is unremarkable alone,
 * but the log reader tracks every 4xx line (status literals let it through the prefilter) and counts
 * it into its client's probing event when that client's behaviour shows intent; the same lines from a
 * normal client stay out. One thread and two give the same. Severity by evidence: a failed or refused
 * attempt is a low finding that keeps what it tried, and the blocklist selects by that.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { judgedSection, readLogs } from "../../src/audit/logs.ts";
import { findingsFor } from "../../src/checks/logs/analyze.ts";
import { eventsFrom } from "../../src/checks/logs/judge.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import type { Finding } from "../../src/core/finding.ts";
import { translator } from "../../src/i18n/index.ts";
import { renderBlocklist } from "../../src/report/formats/blocklist.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { docOf } from "../report/scenario.ts";

const rules = loadRules();
const line = (ip: string, sec: number, path: string, status: number) =>
  `${ip} - - [20/Nov/2026:03:${String(Math.floor(sec / 60)).padStart(2, "0")}:${String(sec % 60).padStart(2, "0")} +0000] "GET ${path} HTTP/1.1" ${status} 196 "-" "Mozilla/5.0"`;

/** Twelve nonexistent pages no rule names, asked for by a scanner in 12 s and by a reader over hours. */
function sampleLog(): string {
  const out: string[] = [];
  const paths = Array.from({ length: 12 }, (_, i) => `/old/page-${i}.html`);
  for (const [i, p] of paths.entries()) out.push(line("198.51.100.77", i, p, 404));
  // A normal client: the same pages, a few an hour apart, and ordinary pages answered 200.
  for (let i = 0; i < 3; i++) out.push(line("203.0.113.40", 100 + i * 1200, paths[i] as string, 404));
  for (let i = 0; i < 40; i++) out.push(line("203.0.113.40", 101 + i * 60, `/blog/${i}.html`, 200));
  return `${out.join("\n")}\n`;
}

test("unremarkable 404s of a scanning client join its probing event; the same lines of a normal client do not", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(f, sampleLog());
  const fs = new RootFs("/");
  const one = await readLogs(fs, [{ path: f, display: f }], { rules, parallel: false });
  // No line is an event: no rule names any of them.
  assert.equal(one.events.length, 0);
  const facts = one.scans[0]?.probing ?? [];
  assert.deepEqual(
    facts.map((p) => [p.ip, p.scenario, p.lines, p.distinct, p.quiet, p.quietOutcome]),
    [["198.51.100.77", "probe-not-found", 12, 12, 12, "failed"]],
  );
  const s = judgedSection(one);
  assert.equal(s.probingTotal, 1);
  const p = s.probing[0];
  assert.equal(p?.ip, "198.51.100.77");
  assert.equal(p?.requests, 12);
  assert.equal(p?.quiet, 12);
  assert.equal(p?.paths, 12);
  assert.equal(p?.outcome, "failed");
  assert.equal(p?.firstSeen, "2026-11-20T03:00:00.000Z");
  assert.equal(p?.lastSeen, "2026-11-20T03:00:11.000Z");
  // Examples: the window's first line, the one that set the scenario off, then the next ones.
  assert.deepEqual(
    p?.examples.map((x) => [x.file, x.line, x.target, x.status]),
    [0, 9, 10, 11].map((i) => [f, i + 1, `/old/page-${i}.html`, 404]),
  );
  // Two threads joining small segments in file order: the same facts.
  const two = await readLogs(fs, [{ path: f, display: f }], {
    rules,
    parallelMinBytes: 1,
    segmentBytes: 700,
  });
  assert.ok((two.files[0]?.lines ?? 0) > 50);
  assert.deepEqual(two.scans[0]?.probing, one.scans[0]?.probing);
  // The reader's light path for such lines (client, time, target, status; no parser, no rules) gives
  // what the full parser gives: the same lines in a format read only by the full parser.
  const vf = join(dir, "vhost.log");
  writeFileSync(
    vf,
    sampleLog()
      .split("\n")
      .filter(Boolean)
      .map((l) => `www.example.org:80 ${l}\n`)
      .join(""),
  );
  const full = await readLogs(fs, [{ path: vf, display: vf }], { rules, parallel: false });
  assert.equal(full.files[0]?.format, "vhost_combined");
  assert.deepEqual(
    full.scans[0]?.probing?.map((x) => ({ ...x, examples: x.examples.map((e) => ({ ...e })) })),
    one.scans[0]?.probing,
  );
  assert.equal(full.files[0]?.parsed, one.files[0]?.parsed);
  // The CLI's story tells it; the report's JSON lists it.
  const out = join(dir, "r.json");
  const r = await mamori(["logs", f, "--format", "json", "--output", out]);
  assert.equal(r.code, 0, r.stderr);
  const human = await mamori(["logs", f, "--lang", "en"]);
  assert.match(
    human.stdout,
    /Probing \(many nonexistent paths\): 1 address, 12 requests \(12 unremarkable alone\), none succeeded/,
  );
  assert.doesNotMatch(human.stdout, /203\.0\.113\.40/);
});

test("probing of a client whose lines also matched rules counts both kinds once", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  const ip = "198.51.100.8";
  const lines = [
    line(ip, 1, "/hhh.php", 404),
    line(ip, 2, "/cmd.php", 404),
    line(ip, 3, "/about.php", 404),
    line(ip, 4, "/wp-content/plugins/x/up.php", 404),
    line(ip, 5, "/alfa.php7", 404),
  ];
  writeFileSync(f, `${lines.join("\n")}\n`);
  const facts = await readLogs(new RootFs("/"), [{ path: f, display: f }], { rules, parallel: false });
  const s = judgedSection(facts);
  const p = s.probing.find((x) => x.scenario === "probe-webshells");
  assert.equal(p?.requests, 5);
  const events = facts.events.filter((e) => e.ip === ip).length;
  assert.ok(events >= 1 && events < 5, `some lines match rules (${events})`);
  assert.equal(p?.quiet, 5 - events);
  for (const e of facts.events) assert.equal(e.probing, "probe-webshells");
});

test("a failed or refused attempt is a low finding that keeps what it tried; a success keeps its severity", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(
    f,
    `${[
      line("198.51.100.30", 1, "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", 403),
      line("198.51.100.31", 2, "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", 404),
      `198.51.100.32 - - [20/Nov/2026:03:00:03 +0000] "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 200 120 "-" "x"`,
    ].join("\n")}\n`,
  );
  const facts = await readLogs(new RootFs("/"), [{ path: f, display: f }], { rules, parallel: false });
  const t2 = translator("en");
  const found = findingsFor(eventsFrom(facts.scans, rules), rules, {
    t: t2,
    lang: "en",
    now: new Date(),
  } as never);
  const by = (ip: string) => found.find((x) => x.data?.ip === ip);
  assert.equal(by("198.51.100.30")?.severity, "low");
  assert.equal(by("198.51.100.30")?.data?.outcome, "blocked");
  assert.equal(by("198.51.100.30")?.data?.attempt, "critical");
  assert.equal(by("198.51.100.31")?.severity, "low");
  assert.equal(by("198.51.100.31")?.data?.attempt, "critical");
  assert.equal(by("198.51.100.32")?.severity, "critical");
  // The story groups the two as background noise.
  const s = judgedSection(facts);
  assert.equal(s.noise.requests, 0, "the attack succeeded once: not noise");
  // The blocklist at medium still lists the senders of the refused critical attempts.
  const doc = docOf(found, { incidents: [] });
  const list = renderBlocklist(doc, { format: "plain", threshold: "medium" });
  assert.equal(list.text, "198.51.100.30\n198.51.100.31\n198.51.100.32\n");
});

test("blocklist: selected by the attempt's severity, not the lowered one; a low attempt stays out at medium", () => {
  const f = (ip: string, severity: Finding["severity"], attempt?: string): Finding => ({
    id: `logs.exploit:${ip}`,
    check: "logs.exploit",
    severity,
    confidence: "confirmed",
    title: "x",
    detail: "",
    cves: [],
    evidence: [{ ip }],
    remediation: "",
    data: { ip, attack: "a", outcome: "failed", ...(attempt ? { attempt } : {}) },
  });
  const doc = docOf(
    [
      f("198.51.100.1", "low", "critical"),
      f("198.51.100.2", "low", "low"),
      f("198.51.100.3", "low"),
      // A value that is no severity, or below the finding's, is ignored.
      f("198.51.100.4", "low", "extreme"),
      f("198.51.100.5", "high", "info"),
    ],
    { incidents: [] },
  );
  assert.equal(
    renderBlocklist(doc, { format: "plain", threshold: "medium" }).text,
    "198.51.100.1\n198.51.100.5\n",
  );
  assert.equal(renderBlocklist(doc, { format: "plain", threshold: "low" }).count, 5);
});
