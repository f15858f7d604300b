/**
 * The attackers a report names first: who got in, then who reached a shell (its command failed), then the
 * unknowns however busy they were; a report shows the first ones only.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type LogEvent, SHELL_FAILED, summarizeAttackers } from "../../src/checks/logs/analyze.ts";

const ev = (ip: string, outcome: LogEvent["outcome"], why = "", line = 1) =>
  ({
    file: "/var/log/apache2/access.log",
    line,
    ip,
    attack: "cve-2021-41773",
    cves: ["CVE-2021-41773"],
    outcome,
    severity: "critical",
    request: "POST /cgi-bin/.%2e/.%2e/bin/sh HTTP/1.1",
    kind: "access",
    why,
    time: "2026-12-04T14:49:29.000Z",
  }) as unknown as LogEvent;

test("who got in, then who reached a shell whose command failed, then the unknowns however busy", () => {
  const events = [
    ...Array.from({ length: 20 }, (_, i) => ev("198.51.100.9", "unknown", "normal-page", i + 1)),
    ev("198.51.100.7", "failed", SHELL_FAILED, 30),
    ev("198.51.100.8", "failed", "status-404", 31),
    ev("198.51.100.5", "succeeded", "exec-200", 32),
  ];
  assert.deepEqual(
    summarizeAttackers(events).map((a) => a.ip),
    ["198.51.100.5", "198.51.100.7", "198.51.100.9", "198.51.100.8"],
  );
});

test("what they did next: another spelling of a file already read folds; a shell run again or another query stays", () => {
  const at = (line: number, request: string, attack = "cve-2021-41773") =>
    ({ ...ev("198.51.100.5", "succeeded", "file-200", line), request, attack }) as LogEvent;
  const events = [
    at(1, "GET /icons/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1"),
    // The same file in other encodings, as a scanner sends it: no next step.
    at(2, "GET /icons/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1"),
    at(3, "GET /icons/.%2E/.%2E/.%2E/etc/passwd HTTP/1.1"),
    at(4, "GET /icons/.%2e/.%2e/.%2e/etc/hostname HTTP/1.1"),
    // Two shells: each a command of its own (the body is not logged).
    at(5, "POST /cgi-bin/.%2e/.%2e/.%2e/bin/sh HTTP/1.1"),
    at(6, "POST /cgi-bin/.%2e/.%2e/.%2e/bin/sh HTTP/1.1"),
    // A page asked with two queries: two steps; the same query again: one.
    at(7, "GET /?s=index/think&cmd=id HTTP/1.1", "thinkphp-rce"),
    at(8, "GET /?s=index/think&cmd=wget HTTP/1.1", "thinkphp-rce"),
    at(9, "GET /?s=index/think&cmd=wget HTTP/1.1", "thinkphp-rce"),
  ];
  const [a] = summarizeAttackers(events);
  assert.deepEqual(
    a?.after.map((x) => x.request.split(" ")[1]),
    [
      "/icons/.%2e/.%2e/.%2e/etc/hostname",
      "/cgi-bin/.%2e/.%2e/.%2e/bin/sh",
      "/cgi-bin/.%2e/.%2e/.%2e/bin/sh",
      "/?s=index/think&cmd=id",
      "/?s=index/think&cmd=wget",
    ],
  );
});
