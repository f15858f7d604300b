import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type { RenderedDocument as ReportDocument } from "../../src/report/localize.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DATA_DIR, REPO } from "./helpers/fixture.ts";
import { WALLET } from "./helpers/fixture-specs.ts";

/** A stratum-like listener on 127.0.0.1: 3333 when free (the mining-port rule), else any free port. */
async function listener(t: {
  after: (fn: () => void) => void;
}): Promise<{ port: number; connected: Promise<void> }> {
  let resolveConn: () => void = () => {};
  const connected = new Promise<void>((r) => {
    resolveConn = r;
  });
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on("error", () => {});
    s.once("data", () => {
      s.write('{"id":1,"jsonrpc":"2.0","result":{"id":"fixture","job":{"blob":"00","target":"ffffffff"}}}\n');
      resolveConn();
    });
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
    });
  let port: number;
  try {
    port = await listen(3333);
  } catch {
    port = await listen(0);
  }
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port, connected };
}

const MINER_SCRIPT = `
use strict; use IO::Socket::INET;
my %a = @ARGV; my ($h, $p) = split /:/, $a{"-o"};
my $s = IO::Socket::INET->new(PeerAddr => $h, PeerPort => $p, Proto => "tcp") or die "connect: $!";
$s->autoflush(1);
print $s qq({"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"$a{"-u"}","pass":"x","agent":"stand-in/1.0"}}\\n);
my $end = time + 30; my $x = 0;
while (time < $end) { $x = ($x * 31 + 7) % 1000003 for 1 .. 200000; }
`;

test("live: a stand-in miner run from a deleted temp dir is found with its connection, deleted executable and cost", {
  timeout: 60_000,
}, async (t) => {
  const perl = ["/usr/bin/perl", "/bin/perl"].find((p) => fs.existsSync(p));
  if (!perl) {
    t.skip("perl is not installed");
    return;
  }
  const { port, connected } = await listener(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-standin-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const exe = path.join(dir, "xmrig");
  fs.copyFileSync(perl, exe);
  fs.chmodSync(exe, 0o755);
  const script = path.join(dir, "miner.pl");
  fs.writeFileSync(script, MINER_SCRIPT);
  const child: ChildProcess = spawn(
    exe,
    [script, "-o", `127.0.0.1:${port}`, "-u", WALLET, "--donate-level", "1"],
    {
      stdio: "ignore",
      cwd: dir,
    },
  );
  t.after(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  });
  await Promise.race([
    connected,
    new Promise((_, rej) => setTimeout(() => rej(new Error("stand-in miner did not connect")), 10_000)),
  ]);
  const realExe = path.join(fs.realpathSync(dir), "xmrig");
  // The dropper's trick: delete the executable and its directory once it runs.
  fs.rmSync(dir, { recursive: true, force: true });
  // Let it burn some CPU (the machine may be busy with other tests): up to 15 s for 0.3 CPU-seconds.
  const cpuOf = () => {
    const f = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  for (let i = 0; i < 150 && cpuOf() < 0.3; i++) await new Promise((r) => setTimeout(r, 100));

  const r = await mamori(["hunt", "--format", "json", "--data-dir", DATA_DIR, "--feed-dir", tempDir(t)]);
  assert.ok(r.code === 1, `exit ${r.code}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as ReportDocument;
  const miner = doc.findings.find((f) => f.check === "process.miner" && f.data?.pid === child.pid);
  assert.ok(miner, `no process.miner for pid ${child.pid}: ${doc.findings.map((f) => f.title).join("; ")}`);
  assert.equal(miner.severity, "critical");
  assert.equal(miner.data?.exe, realExe);
  assert.equal(miner.data?.exeDeleted, true);
  // Hashed although deleted: through the kernel's /proc/PID/exe, so a hash IOC still matches.
  assert.equal(miner.data?.sha256, createHash("sha256").update(fs.readFileSync(perl)).digest("hex"));
  assert.deepEqual(miner.data?.argv, [
    exe,
    script,
    "-o",
    `127.0.0.1:${port}`,
    "-u",
    WALLET,
    "--donate-level",
    "1",
  ]);
  assert.ok(((miner.data?.remotes ?? []) as string[]).includes(`127.0.0.1:${port}`));
  assert.equal(miner.timeSource, "proc");
  const cost = miner.data?.cost as { cpuSeconds: number; kWh: number; price: number };
  assert.ok(cost.cpuSeconds >= 0.3, `cpu seconds ${cost.cpuSeconds}`);
  assert.ok(cost.kWh > 0 && cost.price > 0);
  assert.ok((miner.data?.sampleCores as number) > 0, "the live CPU sample saw it burn CPU");
  const signals = ((miner.data?.signals ?? []) as Array<{ signal: string }>).map((s) => s.signal);
  for (const s of ["donateLevel", "poolWallet", "deletedExe", "tempExe", "poolConnection"])
    assert.ok(signals.includes(s), s);
  if (port === 3333) assert.ok(signals.includes("minerPort"));
  const net = doc.findings.find((f) => f.check === "network.miner-connection" && f.data?.pid === child.pid);
  assert.ok(net);
  assert.equal(net.data?.remotePort, port);
  assert.equal(
    doc.sections.hunt && (doc.sections.hunt as { hiddenPidProbe: { found: number } }).hiddenPidProbe.found,
    0,
  );
  // Human output shows the cost assumption.
  assert.match(miner.detail, /W per busy core/);
});

test("live, not root: runs as nobody and says what it could not see", { timeout: 60_000 }, (t) => {
  if (process.getuid?.() !== 0 || !fs.existsSync("/usr/sbin/runuser")) {
    t.skip("needs root and runuser to start a child as nobody");
    return;
  }
  const home = tempDir(t);
  fs.chmodSync(home, 0o777);
  const r = spawnSync(
    "/usr/sbin/runuser",
    [
      "-u",
      "nobody",
      "--",
      process.execPath,
      path.join(REPO, "src/cli/main.ts"),
      "hunt",
      "--format",
      "json",
      "--sample-ms",
      "200",
      "--data-dir",
      DATA_DIR,
      "--feed-dir",
      home,
    ],
    {
      encoding: "utf8",
      env: { PATH: process.env.PATH, HOME: home, LANG: "C.UTF-8" },
      timeout: 50_000,
      cwd: home,
    },
  );
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as ReportDocument;
  assert.ok(
    doc.notChecked.some((n) => n.area === "hunt.processes" && n.reason === "EACCES"),
    JSON.stringify(doc.notChecked.slice(0, 5)),
  );
  assert.ok(doc.notChecked.some((n) => n.reason === "EACCES" && n.path?.startsWith("/root")));
});

/** A free port on 127.0.0.1 (closed again before Apache binds it). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

test("live: a real Apache run from its own prefix is not 'disguised'; a sleep named httpd is, once for all its processes", {
  timeout: 90_000,
}, async (t) => {
  const apache = ["/usr/sbin/apache2", "/usr/sbin/httpd"].find((p) => fs.existsSync(p));
  const mpm = "/usr/lib/apache2/modules/mod_mpm_prefork.so";
  if (process.getuid?.() !== 0 || !apache || !fs.existsSync(mpm)) {
    t.skip("needs root and Debian's apache2 with mod_mpm_prefork");
    return;
  }
  // Outside /tmp and every system prefix, as a source build under /srv or /data would be.
  const prefix = fs.mkdtempSync("/srv/mamori-httpd-");
  t.after(() => fs.rmSync(prefix, { recursive: true, force: true }));
  for (const d of ["bin", "conf", "logs", "fake"]) fs.mkdirSync(path.join(prefix, d));
  const httpd = path.join(prefix, "bin/httpd");
  fs.copyFileSync(apache, httpd);
  fs.chmodSync(httpd, 0o755);
  const conf = path.join(prefix, "conf/httpd.conf");
  fs.writeFileSync(
    conf,
    [
      `ServerRoot ${prefix}`,
      "ServerName localhost",
      `Listen 127.0.0.1:${await freePort()}`,
      `LoadModule mpm_prefork_module ${mpm}`,
      "LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so",
      "User www-data",
      "Group www-data",
      `PidFile ${prefix}/logs/httpd.pid`,
      `ErrorLog ${prefix}/logs/error_log`,
      "StartServers 3",
      `DocumentRoot ${prefix}`,
      "",
    ].join("\n"),
  );
  const server = spawn(httpd, ["-d", prefix, "-f", conf, "-DFOREGROUND"], { stdio: "ignore", cwd: prefix });
  // The impostor: not Apache at all, under Apache's name, with two processes.
  const fake = path.join(prefix, "fake/httpd");
  fs.copyFileSync("/bin/sleep", fake);
  fs.chmodSync(fake, 0o755);
  const impostors = [spawn(fake, ["60"], { stdio: "ignore" }), spawn(fake, ["61"], { stdio: "ignore" })];
  t.after(() => {
    for (const c of [server, ...impostors])
      if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGKILL");
    // Apache's children leave when their parent dies; make sure they are gone before the prefix is removed.
    spawnSync("/usr/bin/pkill", ["-KILL", "-f", "--", `^${httpd} `]);
  });
  const workers = () =>
    fs
      .readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return fs.readlinkSync(`/proc/${d}/exe`) === httpd;
        } catch {
          return false;
        }
      });
  for (let i = 0; i < 100 && workers().length < 4; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(
    workers().length >= 2,
    `Apache did not start: ${fs.readFileSync(path.join(prefix, "logs/error_log"), "utf8")}`,
  );

  const r = await mamori([
    "hunt",
    "--format",
    "json",
    "--sample-ms",
    "200",
    "--data-dir",
    DATA_DIR,
    "--feed-dir",
    tempDir(t),
  ]);
  const doc = JSON.parse(r.stdout) as ReportDocument;
  const about = (exe: string) =>
    doc.findings.filter((f) => f.check.startsWith("process.") && f.data?.exe === exe);
  assert.deepEqual(
    about(httpd).map((f) => `${f.check}: ${f.title}`),
    [],
    "the real Apache is reported",
  );
  const disguised = about(fake);
  assert.equal(disguised.length, 1, disguised.map((f) => f.title).join("; "));
  assert.equal(disguised[0]?.check, "process.masquerade");
  assert.deepEqual(
    [...((disguised[0]?.data?.pids ?? []) as number[])].sort((a, b) => a - b),
    impostors.map((c) => c.pid).sort((a, b) => (a ?? 0) - (b ?? 0)),
  );
});

test("live: a database client connected to the DSN on its command line is not a miner", {
  timeout: 60_000,
}, async (t) => {
  const perl = ["/usr/bin/perl", "/bin/perl"].find((p) => fs.existsSync(p));
  if (!perl) {
    t.skip("perl is not installed");
    return;
  }
  const { port, connected } = await listener(t);
  const dir = tempDir(t);
  const script = path.join(dir, "client.pl");
  // Connects where its --db URL says and then idles, as an application server holding a PostgreSQL link.
  fs.writeFileSync(
    script,
    `use strict; use IO::Socket::INET;
my %a = @ARGV; my ($h, $p) = $a{"--db"} =~ m{\\@([\\d.]+):(\\d+)/};
my $s = IO::Socket::INET->new(PeerAddr => $h, PeerPort => $p, Proto => "tcp") or die "connect: $!";
print $s "hello\\n"; sleep 30;
`,
  );
  const child: ChildProcess = spawn(perl, [script, "--db", `postgres://app@127.0.0.1:${port}/app`], {
    stdio: "ignore",
  });
  t.after(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  });
  await Promise.race([
    connected,
    new Promise((_, rej) => setTimeout(() => rej(new Error("the client did not connect")), 10_000)),
  ]);
  const r = await mamori(["hunt", "--format", "json", "--data-dir", DATA_DIR, "--feed-dir", tempDir(t)]);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as ReportDocument;
  const mine = doc.findings.filter((f) => f.data?.pid === child.pid);
  const signals = mine.flatMap((f) =>
    ((f.data?.signals ?? []) as Array<{ signal: string }>).map((s) => s.signal),
  );
  assert.ok(!signals.includes("poolConnection"), `signals: ${signals.join(", ")}`);
  assert.deepEqual(
    mine
      .filter((f) => f.check === "process.miner" || f.check === "network.miner-connection")
      .map((f) => f.title),
    [],
  );
  assert.ok(
    !doc.incidents.some((i) => JSON.stringify(i).includes(`pid ${child.pid}`)),
    "no incident for the client",
  );
});
