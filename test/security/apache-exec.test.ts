/**
 * Issue 10, hole 1: a process any user starts, named apache2, must never make mamori (root) run its
 * executable, read its envvars or load the modules its configuration names. Each test sets a real trap
 * as the unprivileged user, shows the trap fires when triggered (as that user), runs the real CLI as
 * root, and checks that nothing fired as root and that the instance is reported instead.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type TestContext, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { queryLiveBinary } from "../../src/collect/apache/live.ts";
import { openTrustedBinary, trustedPath } from "../../src/collect/apache/trust.ts";
import { freePort, reachable } from "../helpers/net.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, asAttacker, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const APACHE = "/usr/sbin/apache2";
const PERL = "/usr/bin/perl";

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

/** Pids of every process whose command line names `dir` (what a test started, and anything it forked). */
function processesNaming(dir: string): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      if (fs.readFileSync(`/proc/${n}/cmdline`, "utf8").includes(dir)) out.push(Number(n));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** A directory the attacker owns; removed (as root), with every process naming it, when the test ends. */
function attackerDir(t: TestContext): string {
  const dir = attackerShell("mktemp -d /tmp/mamori-attack-XXXXXX").trim();
  assert.match(dir, /^\/tmp\/mamori-attack-/);
  t.after(async () => {
    // httpd's workers outlive a killed parent: end each by its pid.
    for (const pid of processesNaming(dir)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await sleep(100);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Writes a file as the attacker (so they own it, as they would). */
function writeAsAttacker(file: string, content: string): void {
  const r = asAttacker("/bin/sh", ["-c", 'cat > "$0"', file], { input: content });
  assert.equal(r.status, 0, r.stderr);
}

/** Starts a long-running process as the attacker; killed by pid when the test ends. */
function startAsAttacker(t: TestContext, argv: string[]): ChildProcess {
  const child = spawn(
    "setpriv",
    [`--reuid=${ATTACKER.uid}`, `--regid=${ATTACKER.gid}`, "--clear-groups", "--", ...argv],
    { cwd: "/", stdio: ["ignore", "ignore", "pipe"], env: { PATH: "/usr/bin:/bin", HOME: "/" } },
  );
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++) await sleep(20);
  });
  return child;
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (cond()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function comm(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

interface Exec {
  file: string;
  argv: string[];
}

/**
 * Runs `mamori audit --format json` as root through the real entry point; under strace (when installed)
 * every program mamori and its children executed is returned too.
 */
function auditAsRoot(t: TestContext): { doc: ReturnType<typeof JSON.parse>; execs?: Exec[] } {
  const bin = path.join(REPO, "bin/mamori");
  const args = ["audit", "--format", "json", "--severity-threshold", "info"];
  const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8", HOME: "/root" };
  let r: ReturnType<typeof spawnSync>;
  let execs: Exec[] | undefined;
  if (have("strace")) {
    const log = path.join(tempDir(t, "mamori-strace-"), "trace");
    // --seccomp-bpf stops only at execve, so the traced audit runs at nearly full speed.
    const fast = spawnSync("strace", ["--seccomp-bpf", "-f", "-qq", "-o", "/dev/null", "true"]).status === 0;
    const opts = [...(fast ? ["--seccomp-bpf"] : []), "-f", "-qq", "-s", "4096", "-e", "trace=execve"];
    r = spawnSync("strace", [...opts, "-o", log, bin, ...args], {
      env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    execs = [];
    for (const line of fs.readFileSync(log, "utf8").split("\n")) {
      const m = /execve\("((?:[^"\\]|\\.)*)", \[(.*?)\](?:, 0x[0-9a-f]+| \/\*)/.exec(line);
      if (!m) continue;
      const argv = [...(m[2] ?? "").matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1] as string);
      execs.push({ file: m[1] as string, argv });
    }
  } else {
    r = spawnSync(bin, args, { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  }
  assert.ok(r.status === 0 || r.status === 1, `mamori audit exited ${r.status}: ${r.stderr}`);
  return { doc: JSON.parse(String(r.stdout)), execs };
}

function assertNoExecInto(execs: Exec[] | undefined, dir: string, also: string[] = []): void {
  if (!execs) return;
  assert.ok(execs.length > 0, "strace saw mamori itself start");
  for (const e of execs) {
    const all = [e.file, ...e.argv].join("\0");
    assert.ok(!all.includes(dir), `mamori executed something naming the attacker's directory: ${all}`);
    for (const a of also) assert.notEqual(e.file, a, `mamori executed ${a}: ${e.argv.join(" ")}`);
    // The only Apache queries left: -v and -l of a verified descriptor, nothing taken from a process.
    if (/^\/proc\/self\/fd\/\d+$/.test(e.file))
      assert.ok(["-v", "-l"].includes(e.argv.slice(1).join(" ")), `unexpected query ${e.argv.join(" ")}`);
  }
}

function findingFor(doc: { findings: Array<Record<string, unknown>> }, check: string, pid: number) {
  return doc.findings.find(
    (f) => f.check === check && ((f.data as { pids?: number[] } | undefined)?.pids ?? []).includes(pid),
  ) as
    | {
        severity: string;
        title: string;
        evidence: Array<{ pid?: number; value?: string }>;
        data: { pid: number; uid: number; user: string; argv: string[]; configFile?: string; exe: string };
      }
    | undefined;
}

function assertNotFollowed(doc: { sections: { apache?: { installations: unknown[] } } }, dir: string): void {
  for (const i of (doc.sections.apache?.installations ?? []) as Array<Record<string, unknown>>) {
    assert.ok(!String(i.binary).startsWith(dir), `installation from the attacker's dir: ${i.binary}`);
    assert.ok(!String(i.configFile ?? "").startsWith(dir), `configuration read from ${i.configFile}`);
    for (const f of (i.configFiles as string[] | undefined) ?? [])
      assert.ok(!f.startsWith(dir), `configuration file read: ${f}`);
  }
}

test("a process named apache2 that is really perl, with PERL5OPT in an envvars beside its -f: nothing runs as root, it is reported", {
  timeout: 180_000,
}, async (t) => {
  const why = needsRoot() ?? (fs.existsSync(PERL) ? undefined : "needs /usr/bin/perl for the trap");
  if (why) return t.skip(why);
  const dir = attackerDir(t);
  writeAsAttacker(`${dir}/apache2.conf`, `ServerRoot "${dir}"\nServerName 127.0.0.1\n`);
  writeAsAttacker(
    `${dir}/envvars`,
    `export PERL5OPT=-MPwn\nexport PERL5LIB=${dir}\nexport APACHE_RUN_USER=root\n`,
  );
  writeAsAttacker(
    `${dir}/Pwn.pm`,
    `package Pwn;\nmy $f;\nopen($f, ">", "${dir}/PWNED.$>") and print $f "uid=$< euid=$>\\n";\n1;\n`,
  );
  attackerShell(`ln -s ${PERL} ${dir}/apache2`);
  // The trap is live: perl with that environment loads Pwn and writes a marker named by its uid.
  attackerShell(`cd / && env PERL5OPT=-MPwn PERL5LIB=${dir} ${dir}/apache2 -e 1`);
  assert.ok(fs.existsSync(path.join(dir, `PWNED.${ATTACKER.uid}`)), "the trap works when triggered");
  fs.rmSync(path.join(dir, `PWNED.${ATTACKER.uid}`));

  const child = startAsAttacker(t, [
    `${dir}/apache2`,
    "-e",
    "sleep 120",
    "--",
    "-f",
    `${dir}/apache2.conf`,
    "-d",
    dir,
  ]);
  const pid = child.pid as number;
  await waitFor(() => comm(pid) === "apache2", "the perl process to be named apache2");
  assert.equal(fs.realpathSync(`/proc/${pid}/exe`), fs.realpathSync(PERL));

  const { doc, execs } = auditAsRoot(t);

  assert.deepEqual(
    fs.readdirSync(dir).filter((n) => n.startsWith("PWNED")),
    [],
    "no code of the attacker ran (as root or at all)",
  );
  assertNoExecInto(execs, dir, [PERL, fs.realpathSync(PERL)]);
  assertNotFollowed(doc, dir);
  const f = findingFor(doc, "apache.user-started", pid);
  assert.ok(f, `apache.user-started names pid ${pid}`);
  assert.equal(f.severity, "high");
  assert.equal(f.data.pid, pid);
  assert.equal(f.data.uid, ATTACKER.uid);
  assert.equal(f.data.user, ATTACKER.user);
  assert.equal(f.data.configFile, `${dir}/apache2.conf`);
  assert.equal(f.data.exe, fs.realpathSync(PERL));
  assert.deepEqual(f.data.argv.slice(-4), ["-f", `${dir}/apache2.conf`, "-d", dir]);
  assert.ok(f.evidence.some((e) => e.pid === pid));
  assert.match(f.title, new RegExp(`pid ${pid}`));
  assert.ok(child.exitCode === null, "the trap was still running during the audit");
});

function apacheConfig(dir: string, port: number): string {
  const mods = ["mpm_event", "authz_core", "mime", "dir"];
  return [
    `ServerRoot "${dir}"`,
    "ServerName 127.0.0.1",
    "TypesConfig /etc/mime.types",
    ...mods.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
    `Listen 127.0.0.1:${port}`,
    `PidFile ${dir}/httpd.pid`,
    `DefaultRuntimeDir ${dir}/run`,
    `Mutex file:${dir}/run default`,
    `ErrorLog ${dir}/error.log`,
    `DocumentRoot ${dir}`,
    "",
  ].join("\n");
}

/** A shared object whose constructor writes DIR/PWNED.<euid> as soon as anything dlopens it. */
function buildTrapModule(dir: string): boolean {
  if (!have("cc")) return false;
  const src = path.join(dir, "mod_pwn.c");
  fs.writeFileSync(
    src,
    `#include <stdio.h>
#include <unistd.h>
__attribute__((constructor)) static void pwn(void) {
  char p[1024];
  snprintf(p, sizeof p, "%s/PWNED.%d", ${JSON.stringify(dir)}, (int)geteuid());
  FILE *f = fopen(p, "w");
  if (f) { fputs("loaded\\n", f); fclose(f); }
}
`,
  );
  const r = spawnSync("cc", ["-shared", "-fPIC", "-o", path.join(dir, "mod_pwn.so"), src], {
    encoding: "utf8",
  });
  if (r.status !== 0) return false;
  fs.chownSync(path.join(dir, "mod_pwn.so"), ATTACKER.uid, ATTACKER.gid);
  return true;
}

test("the real apache2 started by a user with its own -f that LoadModules their library: never run with that config, reported", {
  timeout: 180_000,
}, async (t) => {
  const why = needsRoot() ?? (fs.existsSync(APACHE) ? undefined : "apache2 is not installed");
  if (why) return t.skip(why);
  const dir = attackerDir(t);
  const conf = path.join(dir, "httpd.conf");
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    const port = await freePort();
    attackerShell(`mkdir -p ${dir}/run && cat > ${conf} <<'EOF'\n${apacheConfig(dir, port)}EOF`);
    const c = startAsAttacker(t, [APACHE, "-f", conf, "-DFOREGROUND"]);
    for (let i = 0; i < 100 && c.exitCode === null; i++) {
      if (await reachable(port)) {
        child = c;
        break;
      }
      await sleep(100);
    }
    if (!child) c.kill("SIGKILL");
  }
  assert.ok(child?.pid, "the attacker's apache2 runs");
  const pid = child.pid;
  assert.equal(comm(pid), "apache2");

  // With a compiler, the config now names a library that marks who loaded it (Apache read its config at
  // start, so the running server is unaffected; anything that reads the config again loads it).
  const trap = buildTrapModule(dir);
  if (trap) {
    attackerShell(`echo 'LoadModule pwn_module ${dir}/mod_pwn.so' >> ${conf}`);
    attackerShell(`cd / && ${APACHE} -t -f ${conf} >/dev/null 2>&1 || true`);
    assert.ok(fs.existsSync(path.join(dir, `PWNED.${ATTACKER.uid}`)), "the module trap works when loaded");
    fs.rmSync(path.join(dir, `PWNED.${ATTACKER.uid}`));
  } else t.diagnostic("no C compiler: the LoadModule trap is not built; exec and config checks still run");

  const { doc, execs } = auditAsRoot(t);

  if (trap)
    assert.ok(!fs.existsSync(path.join(dir, "PWNED.0")), "the attacker's module was never loaded as root");
  assert.deepEqual(
    fs.readdirSync(dir).filter((n) => n.startsWith("PWNED")),
    [],
  );
  if (!execs) t.diagnostic("strace is not installed: the list of executed programs is not checked");
  assertNoExecInto(execs, dir);
  assertNotFollowed(doc, dir);
  const f = findingFor(doc, "apache.user-started", pid);
  assert.ok(f, `apache.user-started names pid ${pid}`);
  assert.equal(f.data.user, ATTACKER.user);
  assert.equal(f.data.configFile, conf);
  assert.equal(f.data.exe, APACHE);
  assert.match(f.title, /nobody/);
  // The installed apache2 itself is still audited, with root's configuration under /etc.
  const inst = doc.sections.apache.installations.find((i: { binary: string }) => i.binary === APACHE);
  assert.ok(inst, "the installed apache2 is still an installation");
  assert.ok(!inst.pids.includes(pid), "the attacker's process is not counted as the installed server");
});

test("root's apache2 started with -f in a directory another user owns: the configuration is not read, it is reported", {
  timeout: 180_000,
}, async (t) => {
  const why = needsRoot() ?? (fs.existsSync(PERL) ? undefined : "needs /usr/bin/perl as a stand-in");
  if (why) return t.skip(why);
  const dir = attackerDir(t);
  const conf = path.join(dir, "httpd.conf");
  writeAsAttacker(conf, "ServerName 127.0.0.1\n");
  // Root runs a long-lived stand-in named apache2 with that -f (perl ignores the arguments after --).
  const bindir = tempDir(t, "mamori-rootbin-");
  fs.chmodSync(bindir, 0o755);
  fs.symlinkSync(PERL, path.join(bindir, "apache2"));
  const child = spawn(path.join(bindir, "apache2"), ["-e", "sleep 120", "--", "-f", conf], {
    stdio: "ignore",
  });
  t.after(() => child.kill("SIGKILL"));
  const pid = child.pid as number;
  await waitFor(() => comm(pid) === "apache2", "the root process to be named apache2");

  const { doc, execs } = auditAsRoot(t);
  assertNoExecInto(execs, dir);
  assertNotFollowed(doc, dir);
  const f = findingFor(doc, "apache.user-config", pid);
  assert.ok(f, `apache.user-config names pid ${pid}`);
  assert.equal(f.severity, "high");
  assert.equal(f.data.uid, 0);
  assert.equal(f.data.configFile, conf);
});

test("trusted paths: a root-only chain passes; a writable or foreign directory, or a link another user owns, is refused", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t, "mamori-trust-");
  fs.chmodSync(base, 0o755);
  const conf = path.join(base, "etc", "httpd.conf");
  fs.mkdirSync(path.dirname(conf), { mode: 0o755 });
  fs.writeFileSync(conf, "x", { mode: 0o644 });
  assert.deepEqual(trustedPath(conf, "file"), { ok: true, real: conf });
  assert.equal(trustedPath("/usr/sbin/apache2", "file").ok, fs.existsSync(APACHE));

  // A root-owned sticky directory (like /tmp) may lie on the way, never hold the file itself.
  const sticky = path.join(base, "sticky");
  fs.mkdirSync(path.join(sticky, "sub"), { recursive: true });
  fs.chmodSync(sticky, 0o1777);
  fs.writeFileSync(path.join(sticky, "sub", "f"), "x", { mode: 0o644 });
  fs.writeFileSync(path.join(sticky, "f"), "x", { mode: 0o644 });
  assert.equal(trustedPath(path.join(sticky, "sub", "f"), "file").ok, true);
  const held = trustedPath(path.join(sticky, "f"), "file");
  assert.ok(!held.ok && held.problem.why === "writable" && held.problem.path === sticky);

  // A group-writable directory in the chain.
  const gw = path.join(base, "gw");
  fs.mkdirSync(path.join(gw, "conf"), { recursive: true });
  fs.chmodSync(gw, 0o775);
  fs.writeFileSync(path.join(gw, "conf", "httpd.conf"), "x");
  const w = trustedPath(path.join(gw, "conf", "httpd.conf"), "file");
  assert.ok(!w.ok && w.problem.why === "writable" && w.problem.path === gw, JSON.stringify(w));

  // A directory the attacker owns, even holding a link to root's own configuration.
  const theirs = path.join(base, "theirs");
  fs.mkdirSync(theirs, { mode: 0o755 });
  fs.chownSync(theirs, ATTACKER.uid, ATTACKER.gid);
  attackerShell(`ln -s ${conf} ${theirs}/apache2.conf`);
  const o = trustedPath(path.join(theirs, "apache2.conf"), "file");
  assert.ok(!o.ok && o.problem.why === "owner" && o.problem.uid === ATTACKER.uid, JSON.stringify(o));

  // A link the attacker owns in a root directory (made by root, then given away) is not followed.
  const rootDir = path.join(base, "links");
  fs.mkdirSync(rootDir, { mode: 0o755 });
  fs.symlinkSync(conf, path.join(rootDir, "theirs.conf"));
  fs.lchownSync(path.join(rootDir, "theirs.conf"), ATTACKER.uid, ATTACKER.gid);
  const l = trustedPath(path.join(rootDir, "theirs.conf"), "file");
  assert.ok(!l.ok && l.problem.why === "link-owner", JSON.stringify(l));
  // Root's own link is followed to the real path.
  fs.symlinkSync(conf, path.join(rootDir, "root.conf"));
  assert.deepEqual(trustedPath(path.join(rootDir, "root.conf"), "file"), { ok: true, real: conf });
  // A link through the attacker's directory to root's directory.
  fs.symlinkSync(theirs, path.join(rootDir, "via"));
  const via = trustedPath(path.join(rootDir, "via", "apache2.conf"), "file");
  assert.ok(!via.ok && via.problem.path === theirs, JSON.stringify(via));

  // A writable file, and a file the attacker owns.
  fs.writeFileSync(path.join(base, "etc", "ww"), "x");
  fs.chmodSync(path.join(base, "etc", "ww"), 0o646);
  assert.equal(trustedPath(path.join(base, "etc", "ww"), "file").ok, false);
  fs.writeFileSync(path.join(base, "etc", "mine"), "x");
  fs.chownSync(path.join(base, "etc", "mine"), ATTACKER.uid, ATTACKER.gid);
  assert.equal(trustedPath(path.join(base, "etc", "mine"), "file").ok, false);
});

test("executing: only a root-only ELF that says Apache/2.x, opened without links, and only -v and -l", async (t) => {
  const why = needsRoot() ?? (fs.existsSync(APACHE) ? undefined : "apache2 is not installed");
  if (why) return t.skip(why);
  const base = tempDir(t, "mamori-exec-");
  fs.chmodSync(base, 0o755);
  // A root-owned perl on a root-only path: trusted path, but not Apache by its bytes, so never run.
  const perl = path.join(base, "apache2");
  fs.copyFileSync(PERL, perl);
  fs.chmodSync(perl, 0o755);
  const p = await queryLiveBinary(perl);
  assert.deepEqual("notRun" in p && p.notRun, { why: "not-apache" });
  // A script is not an ELF file.
  const script = path.join(base, "httpd");
  fs.writeFileSync(script, `#!/bin/sh\n# Apache/2.4.99\ntouch ${base}/RAN\n`, { mode: 0o755 });
  const s = await queryLiveBinary(script);
  assert.deepEqual("notRun" in s && s.notRun, { why: "not-elf" });
  assert.ok(!fs.existsSync(path.join(base, "RAN")));
  // The real one, in a directory the attacker owns: refused before anything is read.
  const theirs = path.join(base, "theirs");
  fs.mkdirSync(theirs, { mode: 0o755 });
  fs.copyFileSync(APACHE, path.join(theirs, "apache2"));
  fs.chownSync(theirs, ATTACKER.uid, ATTACKER.gid);
  const u = await queryLiveBinary(path.join(theirs, "apache2"));
  assert.ok("notRun" in u && u.notRun.why === "untrusted-path");
  // A link on the way is never followed when opening for execution.
  fs.symlinkSync("/usr/sbin", path.join(base, "sbin"));
  const viaLink = openTrustedBinary(path.join(base, "sbin", "apache2"));
  assert.ok("problem" in viaLink, "opened through a link");
  // Debian's apache2 answers -v and -l.
  const ok = await queryLiveBinary(APACHE);
  assert.ok("info" in ok, JSON.stringify(ok));
  assert.match(ok.info.version ?? "", /^2\.4\.\d+$/);
  assert.ok(ok.info.modules?.includes("mod_so.c"));
});
