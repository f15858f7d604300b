/**
 * Issues 12 and 15, "did they get in" for the most common attack on small sites: password guessing on
 * WordPress's login page. Its failed tries answer 200 and name no rule, so the reader reads lines
 * holding the scenario's literals (`wp-login.php`) although no rule needs them; a client that tried 20
 * times in an hour and then got the redirect a right password gets is a critical finding, in both
 * languages; an editor who mistypes a few times, and the same lines over a day, are not. One thread,
 * two threads (segments read by the worker) and gzip give the same facts.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { judgedSection, readLogs } from "../../src/audit/logs.ts";
import { BehaviourTracker } from "../../src/checks/logs/behaviour.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { loadScenarios } from "../../src/rules/logs-behaviour.ts";
import { accessLine } from "../helpers/access-line.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const rules = loadRules();
const line = accessLine;

/** A bot guessing slowly (one try a minute) that gets in at the 31st; an editor; a day of a monitor's logins. */
function sampleLog(): string {
  const out: string[] = [];
  for (let i = 0; i < 30; i++) out.push(line("198.51.100.90", i * 60, "POST", "/wp-login.php", 200, 4514));
  out.push(line("198.51.100.90", 30 * 60, "POST", "/wp-login.php", 302, "-"));
  out.push(line("198.51.100.90", 30 * 60 + 2, "GET", "/wp-admin/", 200, 52000));
  out.push(
    line("198.51.100.90", 30 * 60 + 40, "POST", "/wp-admin/update.php?action=upload-plugin", 200, 3100),
  );
  // A guesser whose last try went to http and was sent back to https by Apache (a redirect with a page).
  for (let i = 0; i < 30; i++)
    out.push(line("198.51.100.91", 5 + i * 60, "POST", "/wp-login.php", 200, 4514));
  out.push(line("198.51.100.91", 30 * 60 + 5, "POST", "/wp-login.php", 302, 230));
  // An editor: form and wrong password three times, then in, then out (a logout redirects too).
  for (let i = 0; i < 3; i++) {
    out.push(line("203.0.113.60", 100 + i * 30, "GET", "/wp-login.php", 200, 4400));
    out.push(line("203.0.113.60", 110 + i * 30, "POST", "/wp-login.php", 200, 4520));
  }
  out.push(line("203.0.113.60", 200, "POST", "/wp-login.php", 302, "-"));
  out.push(line("203.0.113.60", 900, "GET", "/wp-login.php?action=logout&_wpnonce=abc", 302, "-"));
  // A monitor that logs in every 20 minutes all day, and ordinary pages between.
  for (let i = 0; i < 60; i++) {
    out.push(line("203.0.113.61", i * 1200, "POST", "/wp-login.php", 302, "-"));
    out.push(line("203.0.113.62", i * 60 + 5, "GET", `/blog/${i}.html`, 200, 9000));
  }
  return `${out.join("\n")}\n`;
}

test("tracker: the success is the first redirect after the tries; a logout's redirect is none; a client let in early is no guesser; answered lines count only where asked", () => {
  const scenarios = loadScenarios();
  const login = scenarios.find((s) => s.id === "login-bruteforce");
  assert.ok(login?.literals?.includes("wp-login.php"));
  const tr = new BehaviourTracker(scenarios);
  const base = Date.UTC(2026, 10, 20, 3);
  const post = (ip: string, sec: number, target: string, status: number, line: number) =>
    tr.observe({ ip, timeMs: base + sec * 1000, target, status, quiet: true, line });
  for (let i = 0; i < 30; i++) post("198.51.100.1", i * 60, "/wp-login.php", 200, i + 1);
  post("198.51.100.1", 1860, "/wp-login.php?action=logout", 302, 31);
  post("198.51.100.1", 1870, "/wp-login.php", 302, 32);
  post("198.51.100.1", 1880, "/wp-login.php", 302, 33);
  // A guesser sent to https by a redirect Apache writes (it has a body), then let in (WordPress's has none).
  for (let i = 0; i < 30; i++) post("198.51.100.4", i * 60, "/wp-login.php", 200, 300 + i);
  tr.observe({
    ip: "198.51.100.4",
    timeMs: base + 1900_000,
    target: "/wp-login.php",
    status: 302,
    quiet: true,
    line: 330,
    body: true,
  });
  post("198.51.100.4", 1910, "/wp-login.php", 302, 331);
  // An office behind one address: let in at its second line, then many more tries and logins.
  post("198.51.100.3", 0, "/wp-login.php", 200, 200);
  post("198.51.100.3", 10, "/wp-login.php", 302, 201);
  for (let i = 0; i < 40; i++)
    post("198.51.100.3", 60 + i * 300, "/wp-login.php", i % 4 === 3 ? 302 : 200, 202 + i);
  // Answered lines no rule named, on paths a scenario without literals counts (a sweep of secrets):
  // such lines are read only for the login scenario, so they count for nothing else.
  for (const [i, target] of ["/.env", "/.git/config", "/backup.sql", "/.aws/credentials"].entries())
    tr.observe({ ip: "198.51.100.2", timeMs: base + i, target, status: 200, quiet: true, line: 100 + i });
  const fired = tr.fired();
  assert.deepEqual(
    fired.map((f) => [f.ip, f.scenario, f.lines, f.won?.line, f.won?.status, f.won?.after]),
    [
      ["198.51.100.1", "login-bruteforce", 33, 32, 302, 32],
      ["198.51.100.4", "login-bruteforce", 32, 331, 302, 32],
      ["198.51.100.3", "login-bruteforce", 42, undefined, undefined, undefined],
    ],
  );
});

test("mamori logs: a guessed WordPress password is a critical finding naming the client, the tries and the line; an editor and a monitor are not", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  const text = sampleLog();
  writeFileSync(f, text);
  writeFileSync(`${f}.1.gz`, gzipSync(text));
  const fs = new RootFs("/");
  const one = await readLogs(fs, [{ path: f, display: f }], { rules, parallel: false });
  // No rule names any of these lines: the finding comes from behaviour alone.
  assert.equal(one.events.length, 0);
  const facts = one.scans[0]?.probing ?? [];
  assert.deepEqual(
    facts.map((p) => [p.ip, p.scenario, p.won?.line, p.won?.after]),
    [
      ["198.51.100.90", "login-bruteforce", 31, 31],
      ["198.51.100.91", "login-bruteforce", undefined, undefined],
    ],
  );
  const s = judgedSection(one);
  assert.deepEqual(
    s.probing.map((p) => [p.ip, p.scenario, p.outcome, p.won?.line]),
    [
      ["198.51.100.90", "login-bruteforce", "succeeded", 31],
      ["198.51.100.91", "login-bruteforce", "unknown", undefined],
    ],
  );
  // Two threads joining small segments (the worker reads with the scenarios' literals too), and gzip.
  const two = await readLogs(fs, [{ path: f, display: f }], {
    rules,
    parallelMinBytes: 1,
    segmentBytes: 900,
  });
  assert.deepEqual(two.scans[0]?.probing, one.scans[0]?.probing);
  const gz = await readLogs(fs, [{ path: `${f}.1.gz`, display: `${f}.1.gz` }], {
    rules,
    gzipWorkerMinBytes: 1,
  });
  assert.deepEqual(gz.scans[0]?.probing, one.scans[0]?.probing);

  for (const lang of ["en", "ja"] as const) {
    const json = JSON.parse((await mamori(["logs", "--format", "json", "--lang", lang, f])).stdout);
    const found = json.findings.filter((x: { check: string }) => x.check === "logs.login");
    assert.equal(found.length, 1, JSON.stringify(json.findings.map((x: { check: string }) => x.check)));
    const [g] = found;
    assert.equal(g.severity, "critical");
    assert.equal(g.data.ip, "198.51.100.90");
    assert.equal(g.time, "2026-11-20T03:30:00.000Z");
    assert.ok(
      g.evidence.some((e: { line: number; value: string }) => e.line === 31 && e.value === "/wp-login.php"),
    );
    assert.match(
      g.title,
      lang === "en"
        ? /198\.51\.100\.90 guessed a WordPress password: 31 login tries/
        : /198\.51\.100\.90 が WordPress のパスワードを当てた/,
    );
    assert.match(g.remediation, /wp user list --role=administrator/);
    // What it did once in (the reader's second pass): the plugin upload, on the finding and in the story.
    assert.ok(
      g.evidence.some(
        (e: { line: number; value: string; label: string }) =>
          e.line === 33 &&
          e.value === "POST /wp-admin/update.php?action=upload-plugin HTTP/1.1" &&
          e.label === (lang === "en" ? "200 after the login" : "200 ログイン後"),
      ),
      JSON.stringify(g.evidence),
    );
    const story = (await mamori(["logs", "--lang", lang, "--color", "never", f])).stdout;
    assert.match(
      story,
      lang === "en"
        ? /^ {2}198\.51\.100\.90 got in at 2026-11-20 03:30:00 UTC: after 31 tries, \/wp-login\.php answered 302\.$/m
        : /^ {2}198\.51\.100\.90 が 2026-11-20 03:30:00 UTC に侵入: 31 回の試行の後/m,
    );
    assert.doesNotMatch(story, /203\.0\.113\.6[01]/);
    assert.match(
      story,
      /^ {4}2026-11-20 03:30:40 UTC {2}POST \/wp-admin\/update\.php\?action=upload-plugin HTTP\/1\.1$/m,
    );
    // Said first (the headline, then the guessing), and never beside "no exploit attempts were found".
    const [first, second] = story.split("\n");
    assert.match(
      first ?? "",
      lang === "en" ? /^Act now: 1 address got in/ : /^至急対応: 1 件の送信元が侵入に成功しました/,
    );
    assert.match(second ?? "", lang === "en" ? /^Probing \(password guessing/ : /^探索行為 \(WordPress/);
    assert.doesNotMatch(story, /No exploit attempts|攻撃の試みは見つかりませんでした/);
  }
  // Blocklist: the guessers (the one let in at any threshold; the other, whose behaviour alone shows it,
  // at low), never the editor, the monitor or the reader.
  const low = await mamori(["logs", "--blocklist", "plain", f]);
  assert.deepEqual(low.stdout.trim().split("\n"), ["198.51.100.90", "198.51.100.91"]);
  const high = await mamori(["logs", "--blocklist", "plain", "--severity-threshold", "high", f]);
  assert.deepEqual(high.stdout.trim().split("\n"), ["198.51.100.90"]);
});
