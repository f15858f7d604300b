import assert from "node:assert/strict";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { freePort, startProcess, waitForPort } from "../helpers/net.ts";
import { tempDir } from "../helpers/tmp.ts";

const REDIS = "/usr/bin/redis-server";

interface F {
  check: string;
  severity: string;
  title: string;
  remediation: string;
  evidence: Array<{ path?: string; pid?: number; package?: string; label?: string; value?: string }>;
  data: {
    port?: number;
    protocol?: string;
    address?: string;
    pid?: number;
    service?: string;
    scope?: string;
    package?: string;
    process?: string;
  };
}

async function listenTcp(t: { after: (fn: () => Promise<void>) => void }, host: string): Promise<number> {
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

async function livePorts() {
  const r = await mamori(["ports", "--format", "json", "--severity-threshold", "info"]);
  assert.notEqual(r.code, 2, r.stderr);
  const doc = JSON.parse(r.stdout);
  return {
    doc,
    findings: doc.findings as F[],
    listeners: doc.sections.exposure.listeners as Array<Record<string, unknown>>,
  };
}

test("live: listeners opened by this test on 0.0.0.0 and 127.0.0.1 (TCP, UDP, IPv6) are classified with their owner", async (t) => {
  const pub = await listenTcp(t, "0.0.0.0");
  const lo = await listenTcp(t, "127.0.0.1");
  const udp = dgram.createSocket("udp4");
  await new Promise<void>((r) => udp.bind(0, "0.0.0.0", () => r()));
  t.after(() => new Promise<void>((r) => udp.close(() => r())));
  const udpPort = udp.address().port;
  let v6: number | undefined;
  let v6any: number | undefined;
  try {
    v6 = await listenTcp(t, "::1");
    v6any = await listenTcp(t, "::");
  } catch {
    v6 = undefined; // no IPv6 on this machine
  }
  const { findings, listeners } = await livePorts();
  const row = (port: number, protocol = "tcp") =>
    listeners.find((l) => l.port === port && l.protocol === protocol);
  assert.equal(row(pub)?.scope, "all");
  assert.equal(row(lo)?.scope, "loopback");
  assert.equal(row(udpPort, "udp")?.scope, "all");
  const procs = row(pub)?.processes as Array<{ pid: number; exe?: string; user?: string }>;
  assert.equal(procs[0]?.pid, process.pid);
  assert.equal(procs[0]?.exe, fs.realpathSync(process.execPath));
  const f = findings.find((x) => x.data.port === pub && x.data.protocol === "tcp");
  assert.equal(f?.check, "exposure.port");
  assert.equal(f?.severity, "low");
  assert.equal(f?.data.address, "0.0.0.0");
  assert.equal(f?.data.pid, process.pid);
  assert.ok(f?.evidence.some((e) => e.label === "socket" && e.value?.includes(`0.0.0.0:${pub}`)));
  assert.ok(
    findings.some((x) => x.data.port === udpPort && x.data.protocol === "udp" && x.check === "exposure.port"),
  );
  // A loopback listener of an unknown program is not a finding at all.
  assert.ok(!findings.some((x) => x.data.port === lo));
  if (v6 !== undefined) {
    assert.equal(row(v6)?.scope, "loopback");
    assert.deepEqual(row(v6)?.addresses, ["::1"]);
  }
  if (v6any !== undefined) {
    // [::] is dual stack: reachable over IPv4 too.
    assert.equal(row(v6any)?.scope, "all");
    const f6 = findings.find((x) => x.data.port === v6any);
    assert.equal(f6?.check, "exposure.port");
    assert.equal(f6?.data.address, "::");
  }
});

test("live: a real Debian redis-server bound to loopback on a free port is Redis, info only, with its package", {
  skip: fs.existsSync(REDIS) ? false : "redis-server is not installed (scripts/apt-packages.txt)",
}, async (t) => {
  const dir = tempDir(t, "mamori-redis-");
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = path.join(dir, `redis-${port}.conf`);
    fs.writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        "daemonize no",
        `dir ${dir}`,
        'save ""',
        "appendonly no",
        "protected-mode yes",
        `logfile ${dir}/redis.log`,
        "",
      ].join("\n"),
    );
    const { child } = startProcess(REDIS, [conf], t);
    try {
      await waitForPort(port, "127.0.0.1", 10000, child);
    } catch (err) {
      if (/Address already in use/.test(fs.readFileSync(`${dir}/redis.log`, "utf8"))) continue;
      throw err;
    }
    const { findings, listeners } = await livePorts();
    const f = findings.find((x) => x.data.port === port);
    assert.ok(f, `no finding for redis on ${port}`);
    assert.equal(f.check, "exposure.service");
    assert.equal(f.data.service, "redis");
    assert.equal(f.data.scope, "loopback");
    assert.equal(f.severity, "info");
    assert.equal(f.data.pid, child.pid);
    assert.equal(f.data.process, "redis-server");
    assert.match(f.title, /Redis listens on loopback only \(127\.0\.0\.1:\d+\)/);
    assert.match(f.remediation, /Nothing to change/);
    // The owning package, from /var/lib/dpkg/info/*.list (the exe is redis-check-rdb, shipped by redis-tools).
    assert.match(f.data.package ?? "", /^redis-(tools|server)$/);
    const ev = f.evidence.find((e) => e.pid === child.pid);
    assert.ok(ev?.path?.startsWith("/usr/bin/redis"));
    const row = listeners.find((l) => l.port === port);
    assert.equal(row?.service, "redis");
    // The machine's own /etc/redis/redis.conf bind line is evidence too.
    if (fs.existsSync("/etc/redis/redis.conf"))
      assert.ok(f.evidence.some((e) => e.path === "/etc/redis/redis.conf"));
    return;
  }
  assert.fail("no free port for redis after 5 attempts");
});
