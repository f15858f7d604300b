import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckContext } from "../../src/core/context.ts";
import type { Finding } from "../../src/core/finding.ts";
import { correlate as correlateKeyed } from "../../src/correlate/index.ts";
import { translator } from "../../src/i18n/index.ts";
import { renderIncident } from "../../src/report/localize.ts";
import { checkCtx } from "../helpers/messages.ts";
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
      "(access_log line 18842). 2 second(s) later /tmp/kdevtmpfsi started as daemon. " +
      "It connected to pool.example (198.51.100.9:3333). It has used 1440 minute(s) of CPU time. " +
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
  assert.match(inc.summary, /6 minute\(s\) later \/var\/tmp\/\.x\/ld started as www-data/);
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
