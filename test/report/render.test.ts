import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { msg } from "../../src/core/message.ts";
import { correlate } from "../../src/correlate/index.ts";
import { translator } from "../../src/i18n/index.ts";
import { RENDERERS } from "../../src/report/formats/index.ts";
import { artifactUri } from "../../src/report/formats/sarif.ts";
import { guidance, packageManager, sh } from "../../src/report/guidance.ts";
import { scriptJson } from "../../src/report/html/chart-data.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { docOf, f, minerStory } from "./scenario.ts";

const en = translator("en");
const opts = { lang: "en" as const, t: en, color: false, threshold: "low" as const };

function saved(t: { after: (fn: () => void) => void }, extra = {}): string {
  const dir = tempDir(t);
  const file = path.join(dir, "report.json");
  fs.writeFileSync(
    file,
    JSON.stringify(
      docOf(minerStory(), {
        notChecked: [{ area: "logs", path: "/var/log/apache2/error.log", reason: "EACCES" }],
        ...extra,
      }),
    ),
  );
  return file;
}

test("mamori report re-runs correlation on a saved report (incidents were empty in the file)", async (t) => {
  const r = await mamori(["report", saved(t), "--format", "json"]);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.incidents.length, 1);
  assert.equal(doc.incidents[0].confidence, "confirmed");
});

test("Markdown puts incidents first, then findings, then guidance, then what could not be checked", async (t) => {
  const r = await mamori(["report", saved(t), "--format", "markdown"]);
  const order = ["## Incidents", "## Findings", "## What to do now", "## Could not check"].map((h) =>
    r.stdout.indexOf(h),
  );
  assert.ok(
    order.every((i) => i > 0),
    JSON.stringify(order),
  );
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  assert.match(
    r.stdout,
    /\| 2026-11-20 03:14:09 UTC \| process start \\\(\/proc\\\) \| \/tmp\/kdevtmpfsi started/,
  );
});

test("the report is read from standard input with -, and --lang ja tells the story in Japanese", (t) => {
  const input = fs.readFileSync(saved(t), "utf8");
  const r = spawnSync(
    process.execPath,
    ["src/cli/main.ts", "report", "-", "--format", "markdown", "--lang", "ja"],
    {
      input,
      encoding: "utf8",
      cwd: path.resolve(import.meta.dirname, "../.."),
    },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /## インシデント/);
  assert.match(r.stdout, /の Apache 2\\\.4\\\.49 が 2026\\-11\\-20 03:14:07 UTC に/);
  assert.match(r.stdout, /## 今すぐ行うこと/);
});

test("a file that is not a report is one clear line and exit 2", async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, "bad.json"), "{ nope");
  const r = await mamori(["report", path.join(dir, "bad.json")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not JSON/);
  fs.writeFileSync(path.join(dir, "v2.json"), JSON.stringify({ schemaVersion: 2, findings: [] }));
  const v2 = await mamori(["report", path.join(dir, "v2.json")]);
  assert.equal(v2.code, 2);
  assert.match(v2.stderr, /schemaVersion 2/);
});

test("a report whose findings break the contract is one clear line naming the key, not a crash", async (t) => {
  const dir = tempDir(t);
  const doc = docOf(minerStory());
  (doc.findings[1] as unknown as Record<string, unknown>).severity = "bogus";
  delete (doc.findings[2] as unknown as Record<string, unknown>).title;
  fs.writeFileSync(path.join(dir, "r.json"), JSON.stringify(doc));
  for (const argv of [["report"], ["report", "--format", "html"], ["respond", "--all-critical"]]) {
    const r = await mamori([...argv, path.join(dir, "r.json")]);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, /^mamori: .*r\.json: not a mamori report: findings\.1\.severity: /, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  const dirAsReport = await mamori(["report", dir, "--lang", "ja"]);
  assert.equal(dirAsReport.code, 2);
  assert.match(dirAsReport.stderr, /ディレクトリです/);
});

test("html is a format for audit and report alike, written to --output", async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, "r.html");
  const r = await mamori(["report", saved(t), "--format", "html", "--output", out]);
  assert.equal(r.stdout, "");
  const page = fs.readFileSync(out, "utf8");
  assert.match(page, /^<!doctype html>/);
  assert.doesNotMatch(page, /<(script|link|img|iframe)[^>]+(src|href)=/i, "the page loads nothing");
  assert.match(page, /Content-Security-Policy" content="default-src &#39;none&#39;/);
  const audit = await mamori(["audit", "--root", dir, "--format", "html"]);
  assert.equal(audit.code, 3, audit.stderr);
  // Nothing found on an empty root: the verdict and what was checked, and no empty chart box.
  assert.match(audit.stdout, /id="verdict"/);
  assert.match(audit.stdout, /id="coverage"/);
  assert.doesNotMatch(audit.stdout, /id="chart-|id="charts"/);
});

test("SARIF stays 2.1.0 and carries the incidents in the run's properties", () => {
  const doc = docOf(minerStory());
  doc.incidents = correlate(doc.findings, { now: () => new Date(), lang: "en", t: msg });
  const log = JSON.parse(RENDERERS.sarif.render(doc, opts));
  assert.equal(log.version, "2.1.0");
  assert.equal(log.runs[0].results.length, doc.findings.length);
  assert.deepEqual(log.runs[0].properties.incidents[0].findingIds, doc.incidents[0]?.findingIds);
});

test("SARIF artifact URIs encode #, ? and % so the file name is not cut into fragment and query", () => {
  assert.equal(artifactUri("/var/www/a b#1?x=%41.php"), "file:///var/www/a%20b%231%3Fx=%2541.php");
  assert.equal(artifactUri("logs/access log"), "logs/access%20log");
  const doc = docOf([f({ id: "x:1", check: "file.dropped", evidence: [{ path: "/tmp/#x", line: 2 }] })]);
  const loc = JSON.parse(RENDERERS.sarif.render(doc, opts)).runs[0].results[0].locations[0].physicalLocation;
  assert.deepEqual(loc, { artifactLocation: { uri: "file:///tmp/%23x" }, region: { startLine: 2 } });
});

test("guidance gives the commands of the detected distribution", () => {
  const cases: Array<[string | undefined, RegExp]> = [
    ["debian", /apt-get install --only-upgrade apache2/],
    ["ubuntu", /apt-get install --only-upgrade apache2/],
    ["rocky", /dnf upgrade --refresh httpd/],
    ["almalinux", /dnf upgrade --refresh httpd/],
    ["centos", /dnf upgrade --refresh httpd/],
    ["alpine", /apk upgrade apache2/],
  ];
  for (const [osId, re] of cases) {
    // The distribution's Apache (a source build gets no package-manager command: guidance-source-build).
    const findings = minerStory().map((x) =>
      x.data?.installation ? { ...x, data: { ...x.data, installation: "/usr/sbin/apache2" } } : x,
    );
    const doc = docOf(findings);
    doc.host.osId = osId;
    doc.incidents = correlate(doc.findings, { now: () => new Date(), lang: "en", t: msg });
    const all = guidance(doc, en)
      .flatMap((g) => g.commands)
      .join("\n");
    assert.match(all, re, String(osId));
  }
  assert.equal(packageManager({ osId: "gentoo" }), undefined);
  const doc = docOf(minerStory());
  doc.host.osId = "gentoo";
  assert.match(RENDERERS.markdown.render(doc, opts), /distribution was not recognised/);
});

test("guidance for an incident says to isolate, preserve, rotate and rebuild, in both languages", () => {
  const doc = docOf(minerStory());
  doc.incidents = correlate(doc.findings, { now: () => new Date(), lang: "en", t: msg });
  const [g] = guidance(doc, en);
  assert.equal(g?.kind, "incident");
  const text = g?.steps.join("\n") ?? "";
  for (const w of [/Isolate/, /Preserve evidence/, /Rotate every secret/, /Rebuild rather than clean/])
    assert.match(text, w);
  assert.ok(g?.commands.includes("iptables -I INPUT -s 203.0.113.5 -j DROP"));
  // The way in was built from source: the package upgrade alone would not close it.
  assert.match(text, /\/usr\/local\/apache2 was not installed by the package manager/);
  assert.ok(g?.commands.includes("cp /proc/4242/exe /root/mamori-evidence/4242.exe"));
  const ja = guidance(doc, translator("ja"))[0]?.steps.join("\n") ?? "";
  assert.match(ja, /隔離/);
  assert.match(ja, /再構築/);
});

test("a firewall rule is suggested only for a single public address, whatever the log named", () => {
  const doc = docOf(minerStory());
  doc.incidents = correlate(doc.findings, { now: () => new Date(), lang: "en", t: msg });
  const inc = doc.incidents[0];
  assert.ok(inc);
  // Clients as a forged log can name them: every one but the first would cut off more than an attacker.
  inc.attackers = [
    "203.0.113.5",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "evil.example",
    "(others)",
    "-",
    "10.1.2.3",
    "::",
  ];
  const rules = guidance(doc, en)
    .flatMap((g) => g.commands)
    .filter((c) => c.startsWith("iptables -I INPUT -s"));
  assert.deepEqual([...new Set(rules)], ["iptables -I INPUT -s 203.0.113.5 -j DROP"]);
});

test("values from the scanned system are shell-quoted in commands and escaped in every format", () => {
  assert.equal(sh("/tmp/a'; rm -rf / #"), `'/tmp/a'\\''; rm -rf / #'`);
  assert.equal(sh("/tmp/kdevtmpfsi"), "/tmp/kdevtmpfsi");
  const evil = "/tmp/\x1b[2J<script>alert(1)</script>$(reboot)";
  const doc = docOf([
    ...minerStory(),
    f({ id: "file.dropped:1", check: "file.dropped", title: `Dropped ${evil}`, data: { path: evil } }),
  ]);
  doc.incidents = correlate(doc.findings, { now: () => new Date(), lang: "en", t: msg });
  const cmds = guidance(doc, en).flatMap((g) => g.commands);
  assert.ok(cmds.includes(`sha256sum '/tmp/\x1b[2J<script>alert(1)</script>$(reboot)'`), cmds.join("\n"));
  for (const name of ["human", "markdown", "html"] as const) {
    const out = RENDERERS[name].render(doc, opts);
    assert.ok(!out.includes("\x1b"), `${name}: raw ESC`);
    // Markdown may show it inside a fenced code block, where it is text; nowhere else.
    const outsideCode = name === "markdown" ? out.replace(/^(`{3,})sh\n[\s\S]*?\n\1$/gm, "") : out;
    if (name !== "human") assert.ok(!outsideCode.includes("<script>alert(1)"), `${name}: raw script tag`);
  }
});

test("JSON inside <script> cannot close the element or break the line", () => {
  const s = scriptJson({ a: "</script><script>x()</script>", b: "\u2028\u2029&" });
  assert.doesNotMatch(s, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(s), { a: "</script><script>x()</script>", b: "\u2028\u2029&" });
});

test("the HTML speaks the report language", () => {
  const doc = docOf(minerStory());
  doc.incidents = correlate(doc.findings, { now: () => new Date(), lang: "ja", t: msg });
  const page = RENDERERS.html.render(doc, { ...opts, lang: "ja", t: translator("ja") });
  assert.match(page, /<html lang="ja">/);
  assert.match(page, /深刻度ごとの検出結果/);
  assert.match(page, /今すぐ行うこと/);
  assert.match(page, /攻撃され、侵入されました/);
});

test("charts handle a report without log events or process lists", () => {
  const doc = docOf([f({ id: "exposure.port:1", check: "exposure.port", severity: "medium" })]);
  const page = RENDERERS.html.render(doc, opts);
  assert.doesNotMatch(page, /id="chart-(attacks|cpu|timeline)"/);
  assert.match(page, /id="chart-severity"/);
});

test("'Could not check' in the terminal: a few of each kind, the rest counted (run without root, /tmp is hundreds of them)", () => {
  const many = Array.from({ length: 300 }, (_, i) => ({
    area: "hunt.files",
    path: `/tmp/f${i}`,
    reason: "EACCES",
  }));
  const doc = docOf(minerStory(), {
    notChecked: [
      ...many,
      { area: "hunt.persistence", path: "/root/.bashrc", reason: "EACCES" },
      { area: "logs", path: "/var/log/apache2/access.log", reason: "EACCES" },
    ],
  });
  const out = RENDERERS.human.render(doc, opts);
  const listed = out.split("\n").filter((l) => l.startsWith("  - intrusion traces /tmp/f"));
  assert.equal(listed.length, 5);
  assert.match(
    out,
    /^ {2}- intrusion traces: 296 more, each: permission denied \(all of them are in the JSON output\)$/m,
  );
  assert.match(out, /^ {2}- logs \/var\/log\/apache2\/access\.log: permission denied$/m);
  const json = JSON.parse(RENDERERS.json.render(doc, opts));
  assert.equal(json.notChecked.length, 302, "JSON keeps every entry");
});

test("SARIF names the questions the run could not answer first, as coverage-gap notifications", async (t) => {
  const root = tempDir(t);
  fs.cpSync(path.resolve(import.meta.dirname, "../fixtures/roots/debian12"), root, {
    recursive: true,
    verbatimSymlinks: true,
  });
  fs.mkdirSync(path.join(root, "var/log/apache2"), { recursive: true });
  fs.writeFileSync(path.join(root, "var/log/apache2/access.log"), "");
  const r = await mamori(["audit", "--root", root, "--format", "sarif"]);
  const notes = JSON.parse(r.stdout).runs[0].invocations[0].toolExecutionNotifications as Array<{
    descriptor?: { id: string };
    message: { text: string };
  }>;
  assert.equal(notes[0]?.descriptor?.id, "coverage-gap");
  assert.match(notes[0]?.message.text ?? "", /^The access logs found are empty/);
});
