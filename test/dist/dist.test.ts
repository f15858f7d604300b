/**
 * `npm run dist` and its three artifacts, each run the way a user would: the single executable with no
 * node on PATH, the .deb installed with dpkg (then purged), the npm tarball installed into an empty prefix.
 * The build (a few minutes) runs once per test run, in a temporary copy of dist/ (MAMORI_DIST_DIR reuses one).
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

const REPO = path.resolve(import.meta.dirname, "../..");
const NODE = process.execPath;
const FIXTURE = path.join(REPO, "test/fixtures/roots/debian12");
const LOG = path.resolve(REPO, "../shared/corpus/apache-lab/deb/access_log");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

let built: string | undefined;
function dist(): string {
  if (built) return built;
  const reuse = process.env.MAMORI_DIST_DIR;
  if (reuse && fs.existsSync(path.join(reuse, "mamori-linux-x64"))) built = reuse;
  else {
    execFileSync(NODE, [path.join(REPO, "scripts/dist/build.ts")], { cwd: REPO, stdio: "inherit" });
    built = path.join(REPO, "dist");
  }
  return built;
}
const version = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string })
  .version;

test("the single executable runs audit and logs with no node on PATH", { timeout: 600_000 }, (t) => {
  if (!has("dpkg-deb")) return t.skip("needs dpkg-deb (scripts/apt-packages.txt: dpkg-dev)");
  const exe = path.join(dist(), "mamori-linux-x64");
  // This machine has a node in /usr/bin: PATH is an empty directory, so no node can be found at all.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-nopath-"));
  const env = { PATH: empty, HOME: os.tmpdir(), LANG: "C" };
  t.after(() => fs.rmSync(empty, { recursive: true, force: true }));
  const audit = spawnSync(exe, ["audit", "--root", FIXTURE, "--format", "json"], { env, encoding: "utf8" });
  assert.ok([0, 1, 3].includes(audit.status ?? -1), audit.stderr);
  const doc = JSON.parse(audit.stdout) as { tool: { version: string }; findings: unknown[] };
  assert.equal(doc.tool.version, version);
  assert.ok(doc.findings.length > 0, "the debian12 fixture has findings");
  if (fs.existsSync(LOG)) {
    const logs = spawnSync(exe, ["logs", LOG, "--format", "json"], {
      env,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    assert.ok(
      [0, 1, 3].includes(logs.status ?? -1),
      `exit ${logs.status} signal ${logs.signal} ${logs.error ?? ""} ${logs.stderr}`,
    );
    assert.ok((JSON.parse(logs.stdout) as { findings: unknown[] }).findings.length > 0);
  }
  const v = spawnSync(exe, ["--version"], { env, encoding: "utf8" });
  // Its code cache was made under the flags it runs with: a rejected one means a slow start each time.
  assert.doesNotMatch(v.stderr, /Code cache data rejected/);
  // Run as root, it takes no Node options from the environment.
  const injected = spawnSync(exe, ["--version"], {
    env: { ...env, NODE_OPTIONS: "--require /nonexistent/mamori-injected.js" },
    encoding: "utf8",
  });
  assert.equal(injected.status, 0, injected.stderr);
  assert.match(v.stdout, new RegExp(`^mamori ${version.replace(/\./g, "\\.")}\\n`));
  assert.match(v.stdout, /vulnerability data: .*built \d{4}-\d\d-\d\d/);
  assert.match(v.stdout, /IOC lists: /);
  assert.match(v.stdout, /rules: .*\d+ files/);
});

test("the arm64 single executable and .deb (run emulated: this machine is x86-64)", {
  timeout: 600_000,
}, (t) => {
  if (process.arch !== "x64") return t.skip("the emulated run is for an x86-64 build machine");
  if (!has("dpkg-deb")) return t.skip("needs dpkg-deb");
  const qemu = "/usr/bin/qemu-aarch64-static";
  if (!fs.existsSync(qemu) || !fs.existsSync("/lib/ld-linux-aarch64.so.1"))
    return t.skip("needs qemu-user-static and libc6:arm64 (scripts/apt-packages.txt)");
  const exe = path.join(dist(), "mamori-linux-arm64");
  const head = fs.readFileSync(exe).subarray(0, 20);
  assert.equal(head.readUInt16LE(18), 183, "an aarch64 ELF file");
  const sum = fs.readFileSync(`${exe}.sha256`, "utf8").split(/\s+/)[0];
  assert.equal(sum, createHash("sha256").update(fs.readFileSync(exe)).digest("hex"));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-nopath-"));
  t.after(() => fs.rmSync(empty, { recursive: true, force: true }));
  const env = { PATH: empty, HOME: os.tmpdir(), LANG: "C" };
  const v = spawnSync(qemu, [exe, "--version"], { env, encoding: "utf8" });
  assert.match(v.stdout, new RegExp(`^mamori ${version.replace(/\./g, "\\.")}\\n`), v.stderr);
  const audit = spawnSync(qemu, [exe, "audit", "--root", FIXTURE, "--format", "json"], {
    env,
    encoding: "utf8",
  });
  assert.ok([0, 1, 3].includes(audit.status ?? -1), audit.stderr);
  const native = spawnSync(
    path.join(dist(), "mamori-linux-x64"),
    ["audit", "--root", FIXTURE, "--format", "json"],
    {
      env,
      encoding: "utf8",
    },
  );
  const ids = (out: string) =>
    (JSON.parse(out) as { findings: Array<{ id: string }> }).findings.map((f) => f.id).sort();
  assert.deepEqual(ids(audit.stdout), ids(native.stdout), "the same findings on both architectures");
  const deb = path.join(dist(), `mamori_${version}_arm64.deb`);
  assert.equal(execFileSync("dpkg-deb", ["-f", deb, "Architecture"], { encoding: "utf8" }).trim(), "arm64");
  assert.match(execFileSync("dpkg-deb", ["-c", deb], { encoding: "utf8" }), /\.\/usr\/lib\/mamori\/mamori\n/);
});

test("the .deb installs, runs, has its man page and units, and purges clean", { timeout: 600_000 }, (t) => {
  if (process.geteuid?.() !== 0) return t.skip("needs root to dpkg -i");
  if (!has("dpkg-deb")) return t.skip("needs dpkg-deb");
  if (spawnSync("dpkg-query", ["-W", "mamori"]).status === 0)
    return t.skip("a mamori package is already installed");
  const deb = path.join(dist(), `mamori_${version}_amd64.deb`);
  const stateBefore = fs.existsSync("/var/lib/mamori") ? fs.readdirSync("/var/lib/mamori").sort() : undefined;
  execFileSync("dpkg", ["-i", deb], { stdio: "ignore" });
  try {
    const files = execFileSync("dpkg", ["-L", "mamori"], { encoding: "utf8" }).split("\n").filter(Boolean);
    for (const f of [
      "/usr/bin/mamori",
      "/etc/mamori/config.yaml",
      "/lib/systemd/system/mamori.timer",
      "/usr/share/man/man1/mamori.1.gz",
      "/usr/share/bash-completion/completions/mamori",
      "/usr/share/zsh/vendor-completions/_mamori",
    ])
      assert.ok(files.includes(f), f);
    const r = spawnSync("/usr/bin/mamori", ["audit", "--root", FIXTURE], { encoding: "utf8" });
    assert.ok([0, 1, 3].includes(r.status ?? -1), r.stderr);
    const v = execFileSync("/usr/bin/mamori", ["--version"], { encoding: "utf8" });
    assert.match(v, /\/var\/lib\/mamori\/data\/vulndb\.json/);
    if (has("man")) {
      const man = execFileSync("man", ["mamori"], {
        encoding: "utf8",
        env: { ...process.env, MANPAGER: "cat" },
      });
      assert.match(man, /security checkup/);
    }
    const unit = fs.readFileSync("/lib/systemd/system/mamori.service", "utf8");
    assert.match(unit, /^ExecStart=\/usr\/bin\/mamori /m);
    assert.doesNotMatch(unit, /^PrivateTmp/m);
    assert.match(unit, /^Environment=MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072$/m);
    if (has("systemd-analyze")) {
      const a = spawnSync("systemd-analyze", ["verify", "/lib/systemd/system/mamori.timer"], {
        encoding: "utf8",
      });
      assert.equal(a.status, 0, a.stderr);
    }
    // Installed disabled.
    assert.ok(!fs.existsSync("/etc/systemd/system/timers.target.wants/mamori.timer"));
    serviceRunsSandboxed(unit);
    // An upgrade (reinstall of the same version) keeps an edited conffile.
    fs.appendFileSync("/etc/mamori/config.yaml", "# edited\n");
    execFileSync("dpkg", ["-i", "--force-confold", deb], { stdio: "ignore" });
    assert.match(fs.readFileSync("/etc/mamori/config.yaml", "utf8"), /# edited\n$/);
  } finally {
    execFileSync("dpkg", ["--purge", "mamori"], { stdio: "ignore" });
  }
  assert.equal(spawnSync("dpkg-query", ["-W", "mamori"]).status, 1);
  for (const gone of [
    "/usr/bin/mamori",
    "/usr/lib/mamori",
    "/etc/mamori",
    "/usr/share/mamori",
    "/var/lib/mamori/data",
  ])
    assert.ok(!fs.existsSync(gone), `${gone} left after purge`);
  // The admin's history and quarantine stay. Other tests running beside this one (as root) may create
  // /var/lib/mamori meanwhile, so only "nothing that was there is gone" is asserted, not an equal listing.
  const stateAfter = fs.existsSync("/var/lib/mamori") ? fs.readdirSync("/var/lib/mamori").sort() : [];
  for (const kept of stateBefore?.filter((n) => n !== "data") ?? [])
    assert.ok(stateAfter.includes(kept), `/var/lib/mamori/${kept} removed by purge`);
});

/**
 * What the timer starts, run once the way the unit runs it. CI has no systemd as PID 1, so neither
 * `systemctl start` nor `systemd-run` can run here; instead the unit's own ExecStart runs in a private
 * mount namespace that imitates its sandbox: the root read-only (ProtectSystem=strict) and the state
 * directory (StateDirectory=mamori, ReadWritePaths) writable, as a tmpfs copy of what the package put
 * there, so this machine's own /var/lib/mamori is not touched. It must finish its scan and leave its history in the state directory.
 */
function serviceRunsSandboxed(unit: string): void {
  if (spawnSync("unshare", ["-m", "true"]).status !== 0) return; // no mount namespaces here: say so below
  const exec = /^ExecStart=(.+)$/m.exec(unit)?.[1];
  assert.ok(exec, "the unit has an ExecStart");
  assert.match(exec, /^\/usr\/bin\/mamori [a-z -]+$/, "a plain command line, safe to run as written");
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-unit-state-"));
  const script = [
    "set -e",
    "mount --make-rprivate /",
    // The state directory as the package left it (its data snapshot), on a tmpfs private to this run.
    `mount -t tmpfs -o mode=0700 tmpfs ${state}`,
    `cp -a /var/lib/mamori/data ${state}/data`,
    `mount --bind ${state} /var/lib/mamori`,
    "mount -o remount,bind,ro /",
    "rc=0",
    `${exec} >/dev/null || rc=$?`,
    'echo "rc=$rc"',
    "ls /var/lib/mamori",
  ].join("\n");
  const r = spawnSync("unshare", ["-m", "sh", "-c", script], { encoding: "utf8", timeout: 300_000 });
  fs.rmSync(state, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  const rc = Number(/rc=(\d+)/.exec(r.stdout)?.[1]);
  // watch --once: 0 nothing new, 1 findings (this machine has some), never 2 (failed) or a crash.
  assert.ok(rc === 0 || rc === 1, `the service's scan exited ${rc}: ${r.stdout}`);
  assert.match(r.stdout, /history\.db|\.db\b/, `no history written to the state directory: ${r.stdout}`);
}

test("npm pack installs into an empty prefix and runs", { timeout: 600_000 }, () => {
  const tgz = path.join(dist(), `mamori-${version}.tgz`);
  const listing = execFileSync("tar", ["-tzf", tgz], { encoding: "utf8" });
  assert.match(listing, /package\/dist\/npm\/mamori\.mjs/);
  assert.doesNotMatch(listing, /package\/src\/cli\//, "no TypeScript sources to run");
  assert.doesNotMatch(listing, /package\/test\//);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-npm-"));
  try {
    // The npm cache of this machine's install serves the dependencies (--prefer-offline).
    execFileSync("npm", ["i", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tgz], {
      stdio: "ignore",
    });
    const nodeDir = path.dirname(NODE);
    const env = { ...process.env, PATH: `${path.join(prefix, "bin")}:${nodeDir}:/usr/bin:/bin` };
    const r = spawnSync("mamori", ["audit", "--root", FIXTURE, "--format", "json"], {
      env,
      encoding: "utf8",
    });
    assert.ok([0, 1, 3].includes(r.status ?? -1), r.stderr);
    assert.equal((JSON.parse(r.stdout) as { tool: { version: string } }).tool.version, version);
    const x = spawnSync("npx", ["--prefix", prefix, "mamori", "audit", "--root", FIXTURE], {
      env,
      encoding: "utf8",
      cwd: prefix,
    });
    assert.ok([0, 1, 3].includes(x.status ?? -1), x.stderr);
    const modules = path.join(prefix, "lib/node_modules/mamori/node_modules");
    for (const dev of ["typescript", "@biomejs", "playwright-core", "esbuild"])
      assert.ok(!fs.existsSync(path.join(modules, dev)), `${dev} installed`);
  } finally {
    fs.rmSync(prefix, { recursive: true, force: true });
  }
});
