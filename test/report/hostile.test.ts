import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { probeReport } from "../../src/audit/probe.ts";
import type { ReportDocument } from "../../src/core/document.ts";
import type { Finding } from "../../src/core/finding.ts";
import type { ReportSections } from "../../src/core/sections/index.ts";
import { translator } from "../../src/i18n/index.ts";
import type { ProbeDocument } from "../../src/probe/types.ts";
import { renderPortsTable } from "../../src/report/exposure/ports-table.ts";
import { RENDERERS } from "../../src/report/formats/index.ts";
import { renderLogsStory } from "../../src/report/logs-story.ts";
import { mamori } from "../helpers/cli.ts";
import { assertTerminalSafe, HOSTILE } from "../helpers/hostile.ts";
import { tempDir } from "../helpers/tmp.ts";

test("an error message quoting the bytes of a bad report file cannot write escape sequences", async (t) => {
  const file = path.join(tempDir(t), "report.json");
  fs.writeFileSync(file, HOSTILE);
  const r = await mamori(["report", file]);
  assert.equal(r.code, 2);
  assertTerminalSafe(r.stderr, "stderr");
});

/** Every string a report carries, set to the hostile text (severity and confidence stay valid). */
function hostileDoc(): ReportDocument {
  const x = HOSTILE;
  const finding: Finding = {
    id: `logs.exploit:${x}`,
    check: "logs.exploit",
    severity: "critical",
    confidence: "confirmed",
    title: x,
    detail: x,
    cves: [x],
    evidence: [
      {
        path: x,
        line: 3,
        pid: 7,
        value: x,
        package: x,
        version: x,
        url: x,
        ip: x,
        user: x,
        time: x,
        label: x,
      },
    ],
    remediation: x,
    commands: [x],
    time: x,
    timeSource: "log",
    data: { ip: x, attack: x, outcome: "succeeded", indicators: { urls: [x], ips: [x], files: [x] } },
  };
  const attacker: NonNullable<ReportSections["logs"]>["attackers"][number] = {
    ip: x,
    firstSeen: x,
    lastSeen: x,
    requests: 2,
    attacks: [{ attack: x, cves: [x], requests: 2, outcome: "succeeded" }],
    outcome: "succeeded",
    userAgents: [x],
    successTimes: [x],
    after: [{ time: x, request: x, attack: x, outcome: "succeeded" }],
    next: [{ file: x, line: 4, time: x, request: x }],
    indicators: { urls: [x], ips: [x], files: [x] },
  };
  return {
    schemaVersion: 1,
    tool: { name: "mamori", version: x },
    command: "audit",
    host: { hostname: x, os: x, root: x, live: false },
    scannedAt: x,
    lang: "en",
    findings: [finding],
    incidents: [
      {
        id: x,
        severity: "critical",
        confidence: "confirmed",
        title: x,
        summary: x,
        findingIds: [finding.id],
        timeline: [{ time: x, source: x, text: x, findingId: finding.id }],
        attackers: [x],
        entryPoint: { installation: x, version: x, cves: [x] },
        startedAt: x,
        sources: [x],
      },
    ],
    notChecked: [{ area: x, path: x, reason: x, detail: x }],
    warnings: [{ area: x, path: x, reason: x }],
    sections: {
      logs: {
        files: [
          {
            path: x,
            format: x,
            formatSource: "detected",
            lines: 1,
            bytes: 1,
            parsed: 1,
            skipped: { [x]: 1 },
            warnings: [{ line: 1, reason: x }],
            skippedBytes: 0,
            lineNumbersRelative: false,
          },
        ],
        unreadable: [{ path: x, reason: x }],
        events: [
          {
            file: x,
            line: 1,
            time: x,
            ip: x,
            attack: x,
            cves: [x],
            outcome: "succeeded",
            severity: "critical",
            request: x,
            why: x,
          },
        ],
        attackers: [attacker],
        attacks: [{ attack: x, cves: [x], attackers: 1, events: 1, succeeded: 1 }],
        hours: [{ hour: x, attack: x, outcome: "succeeded", count: 1 }],
        eventsTotal: 1,
        eventsTruncated: false,
      },
      exposure: {
        listeners: [
          {
            protocol: x,
            port: 80,
            addresses: [x],
            scope: "all",
            service: x,
            processes: [{ pid: 1, comm: x, exe: x, user: x, package: x }],
          },
        ],
        firewall: [],
      },
    },
  };
}

/** Markdown without its code spans and fenced blocks, where text is shown as it is. */
function outsideCode(md: string): string {
  return md.replace(/^(`{3,})\w*\n[\s\S]*?\n\1$/gm, "").replace(/(`+)[\s\S]*?[^`]\1(?!`)/g, "");
}

const en = translator("en");
const opts = { lang: "en" as const, t: en, color: false, threshold: "info" as const };

test("every renderer keeps a hostile value inert: no ESC, no new line, no tag, no link", () => {
  const doc = hostileDoc();
  assertTerminalSafe(RENDERERS.human.render(doc, opts), "human");
  assertTerminalSafe(renderLogsStory(doc, opts), "logs story");
  assertTerminalSafe(renderPortsTable(doc, en), "ports table");

  const md = RENDERERS.markdown.render(doc, opts);
  assertTerminalSafe(md, "markdown");
  assert.doesNotMatch(outsideCode(md), /<script|\]\(javascript:/, "markdown: live tag or link");

  const html = RENDERERS.html.render(doc, opts);
  assertTerminalSafe(html, "html");
  assert.doesNotMatch(html, /<script>alert|href="?javascript/i, "html: live tag or link");

  for (const name of ["sarif", "json"] as const) {
    const out = RENDERERS[name].render(doc, opts);
    assertTerminalSafe(out, name);
    JSON.parse(out);
  }
});

test("JSON and SARIF carry bidirectional overrides and C1 controls as \\u escapes, data unchanged", () => {
  const doc = hostileDoc();
  const sneaky = "evil\u202e\u0085\u2066txt.exe\u007f";
  (doc.findings[0] as Finding).title = sneaky;
  for (const name of ["json", "sarif"] as const) {
    const out = RENDERERS[name].render(doc, opts);
    assert.doesNotMatch(out, /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, name);
    assert.ok(JSON.stringify(JSON.parse(out)).includes(JSON.stringify(sneaky).slice(1, -1)), name);
  }
});

test("SARIF messages carry no embedded link: brackets in attacker text are escaped as SARIF requires", () => {
  const doc = hostileDoc();
  const link = "GET /[click here](https://evil.example/x) \\[y]";
  (doc.findings[0] as Finding).title = link;
  ((doc.findings[0] as Finding).evidence[0] as { value?: string }).value = link;
  const out = JSON.parse(RENDERERS.sarif.render(doc, opts));
  const result = out.runs[0].results[0];
  const texts = [
    result.message.text,
    ...result.locations.map((l: { message?: { text: string } }) => l.message?.text),
  ];
  for (const t of texts.filter(Boolean)) {
    assert.ok(t.includes("\\[click here\\](https://evil.example/x) \\\\\\[y\\]"), t);
  }
});

test("probe renderers keep server text inert", () => {
  const x = HOSTILE;
  const doc: ProbeDocument = {
    schemaVersion: 1,
    tool: { name: "mamori", version: "0" },
    command: "probe",
    probedAt: x,
    lang: "en",
    targets: [
      {
        url: x,
        finalUrl: x,
        checks: [
          {
            id: "banner",
            cves: [x],
            verdict: "inconclusive",
            confidence: "possible",
            summary: x,
            evidence: [{ method: x, path: x, status: 200, bytes: 1, note: x }],
          },
        ],
      },
      { url: x, checks: [], error: x },
    ],
  };
  const report = probeReport({
    targets: doc.targets,
    at: new Date(0),
    lang: "en",
    host: { hostname: x, root: "/", live: true },
  });
  const ropts = { lang: "en" as const, t: en, color: false, threshold: "info" as const };
  assertTerminalSafe(RENDERERS.human.render(report, ropts), "probe human");
  const md = RENDERERS.markdown.render(report, ropts);
  assertTerminalSafe(md, "probe markdown");
  assert.doesNotMatch(outsideCode(md), /<script|\]\(javascript:/, "probe markdown: live tag or link");
});

test("mamori logs: a hostile file name reaches stderr and the story escaped", async (t) => {
  const dir = tempDir(t);
  const name = HOSTILE.replaceAll("/", "_");
  const garbage = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + (i >> 3)) % 256));
  fs.writeFileSync(path.join(dir, `access.log${name}`), garbage);
  // Brackets would make the missing path a glob (one that matches nothing is not reported).
  const r = await mamori(["logs", dir, path.join(dir, "missing\x1b]0;title\x07\nINJECTED")]);
  assert.match(r.stderr, /missing/);
  assert.match(r.stderr, /line skipped/);
  assertTerminalSafe(r.stderr, "stderr");
  assertTerminalSafe(r.stdout, "stdout");
});
