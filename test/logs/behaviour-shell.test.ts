/**
 * Issue 12: a shell reached through CVE-2021-41773 whose command failed. The shell's raw stderr in the
 * error log (`/bin/sh: 1: X: not found`, no timestamp, no client; the reader stamps it with the time of
 * the timestamped line before it) ties to the request when the `End of script output before headers: sh`
 * line of the same client follows it, or when only one silent shell request fits its second. Then the
 * outcome is failed, why `shell-ran-command-failed`, and the finding stays critical and says so. A silent
 * shell request with no such line stays a success: commands may have run without output.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findingsFor } from "../../src/checks/logs/analyze.ts";
import { eventsFrom, logsSection } from "../../src/checks/logs/judge.ts";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { matchEntry } from "../../src/collect/logs/engine/match.ts";
import type { LogEntry, LogFileState } from "../../src/facts/log-lines.ts";
import { translator } from "../../src/i18n/index.ts";
import { loadRules } from "../../src/rules/logs.ts";

const rules = loadRules();
const SH = "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh";

function access(lines: string[]): LogFileState {
  const s: LogFileState = { path: "access_log", matches: [], samples: [], cgiErrors: [], tallies: [] };
  lines.forEach((text, i) => {
    const e = parseLine(text, i + 1, undefined) as LogEntry;
    const r = matchEntry(rules, e);
    if (r) s.matches.push({ entry: e, ruleId: r.id });
  });
  return s;
}

/** Error lines: timestamped ones parsed, raw ones stamped with the time of the line before (as the reader does). */
function errors(lines: string[]): LogFileState {
  const s: LogFileState = { path: "error_log", matches: [], samples: [], cgiErrors: [], tallies: [] };
  let last: Date | undefined;
  lines.forEach((text, i) => {
    const e = text.startsWith("[") ? parseLine(text, i + 1, undefined) : undefined;
    if (e) {
      last = e.time;
      s.cgiErrors.push(e);
    } else
      s.cgiErrors.push({ kind: "error", line: i + 1, time: last, message: text, raw: text, request: "" });
  });
  return s;
}

const A = (ip: string, time: string, status: number, size: number) =>
  `${ip} - - [04/Dec/2026:14:49:${time} +0000] "POST ${SH} HTTP/1.1" ${status} ${size} "-" "curl/8"`;
const E = (ip: string, time: string, msg: string) =>
  `[Fri Dec 04 14:49:${time} 2026] [cgid:error] [pid 1:tid 2] [client ${ip}:5000] ${msg}`;

function outcomes(scans: LogFileState[]) {
  return eventsFrom(scans, rules).map((e) => [e.ip, e.outcome, e.why]);
}

test("stderr followed by the same client's End of script line: failed, the shell ran and its command failed", () => {
  const got = outcomes([
    access([A("127.66.1.106", "29", 500, 530), A("127.66.1.107", "29", 500, 530)]),
    errors([
      "/bin/sh: 1: /usr/bin/mamori-missing-tool: not found",
      '/bin/sh: 1: Syntax error: "then" unexpected',
      E("127.66.1.106", "29.783033", "End of script output before headers: sh"),
      E("127.66.1.107", "29.790000", "End of script output before headers: sh"),
    ]),
  ]);
  assert.deepEqual(got, [
    ["127.66.1.106", "failed", "shell-ran-command-failed"],
    // The other client's shell printed no header and no stderr: its commands ran.
    ["127.66.1.107", "succeeded", "cgi-ran"],
  ]);
});

test("stderr bracketed between timestamped lines ties to the one silent shell request of its second", () => {
  const scans = [
    access([A("127.66.1.110", "29", 200, 0), A("127.66.1.111", "31", 200, 0)]),
    errors([
      E("127.66.1.104", "29.759721", "AH01264: script not found or unable to stat: /srv/lab/x"),
      "/bin/sh: 1: /usr/bin/mamori-missing-tool: not found",
      E("127.66.1.116", "29.884109", "AH01264: script not found or unable to stat: /srv/lab/bin"),
    ]),
  ];
  assert.deepEqual(outcomes(scans), [
    ["127.66.1.110", "failed", "shell-ran-command-failed"],
    // Silent, no stderr of its own: may have run commands without output.
    ["127.66.1.111", "succeeded", "exec-200"],
  ]);
  // The finding stays critical and says the shell was reached.
  const t = translator("en");
  const f = findingsFor(eventsFrom(scans, rules), rules, { t, lang: "en", now: new Date() } as never);
  const shell = f.find((x) => x.data?.ip === "127.66.1.110");
  assert.equal(shell?.severity, "critical");
  assert.match(String(shell?.detail), /reached a shell/);
  // Not folded into background noise; counted per attack.
  const s = logsSection({ files: [], unreadable: [], maxEvents: 100, next: {} }, eventsFrom(scans, rules));
  assert.equal(s.noise.requests, 0);
  assert.equal(s.attacks[0]?.shellFailed, 1);
});

test("two silent shell requests fit the stderr's second and place: no tie, both stay successes", () => {
  assert.deepEqual(
    outcomes([
      access([A("127.66.1.120", "29", 200, 0), A("127.66.1.121", "29", 200, 0)]),
      errors([
        E("127.66.1.9", "29.1", "AH01264: x"),
        "/bin/sh: 1: wget: not found",
        E("127.66.1.9", "29.9", "AH01264: y"),
      ]),
    ]).map((x) => x[1]),
    ["succeeded", "succeeded"],
  );
});

test("interleaved children (the lab's h249): one stderr line each, told apart by what follows and by place", () => {
  const got = outcomes([
    access([
      `127.66.1.104 - - [04/Dec/2026:14:49:29 +0000] "GET /cgi-bin/%2E./%2E./bin/sh HTTP/1.1" 400 226 "-" "curl/8"`,
      A("127.66.1.105", "29", 200, 0),
      A("127.66.1.106", "29", 500, 528),
      A("127.66.1.107", "29", 200, 0),
    ]),
    errors([
      E("127.66.1.104", "29.759721", "AH10244: invalid URI path (/cgi-bin/%2E./%2E./bin/sh)"),
      "/bin/sh: 1: /usr/bin/mamori-missing-tool: not found",
      '/bin/sh: 1: Syntax error: "then" unexpected',
      E("127.66.1.106", "29.783033", "End of script output before headers: sh"),
    ]),
  ]);
  assert.deepEqual(got, [
    ["127.66.1.104", "blocked", "status-400"],
    ["127.66.1.105", "failed", "shell-ran-command-failed"],
    ["127.66.1.106", "failed", "shell-ran-command-failed"],
    // After the last client line: it printed nothing to stderr, its commands may have run.
    ["127.66.1.107", "succeeded", "exec-200"],
  ]);
});
