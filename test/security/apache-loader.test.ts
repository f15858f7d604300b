/**
 * A root-only httpd binary is still not safe to run if what its dynamic loader reads is not root's: a
 * source build linked with `-rpath` to a lib directory the web user owns, a library there with an RPATH of
 * its own, or a program interpreter elsewhere. Each case is built with gcc as a real ELF; the attack test
 * plants a library whose constructor leaves a marker with the uid that ran it, shows it fires as the
 * attacker, and shows mamori (root) never runs the binary.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type TestContext, test } from "node:test";
import { readLoaderNames, searchDirs } from "../../src/collect/apache/elf-loader.ts";
import { queryLiveBinary } from "../../src/collect/apache/live.ts";
import { loaderProblem } from "../../src/collect/apache/loader-trust.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, asAttacker, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const APACHE = "/usr/sbin/apache2";

function gccMissing(): string | undefined {
  return spawnSync("gcc", ["--version"]).status === 0 ? undefined : "needs gcc to build the test binaries";
}

function gcc(args: string[]): void {
  const r = spawnSync("gcc", args, { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

function namesOfFile(file: string) {
  const fd = fs.openSync(file, "r");
  try {
    return readLoaderNames(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function problemOf(file: string) {
  const fd = fs.openSync(file, "r");
  try {
    return loaderProblem(fd, file);
  } finally {
    fs.closeSync(fd);
  }
}

/** A library whose constructor creates `${marker}.<uid>`: proof of who loaded it. */
function buildTrap(dir: string, marker: string, name = "trap"): string {
  const src = path.join(dir, `${name}.c`);
  fs.writeFileSync(
    src,
    `#include <stdio.h>\n#include <unistd.h>\n#include <fcntl.h>\n` +
      `__attribute__((constructor)) static void trap(void) { char p[512];` +
      ` snprintf(p, sizeof p, "%s.%d", "${marker}", (int)getuid()); int fd = open(p, O_CREAT | O_WRONLY, 0644);` +
      ` if (fd >= 0) close(fd); }\nint ${name}fn(void) { return 0; }\n`,
  );
  const lib = path.join(dir, `lib${name}.so`);
  gcc(["-shared", "-fPIC", "-o", lib, src]);
  fs.rmSync(src);
  return lib;
}

/** An ELF that says Apache/2.4.99 and calls into lib`name` from `libDir`, with `ldflags` for the link. */
function buildHttpd(out: string, libDir: string, name: string, ldflags: string[]): void {
  const src = `${out}.c`;
  fs.writeFileSync(
    src,
    `#include <stdio.h>\nint ${name}fn(void);\nstatic const char v[] = "Apache/2.4.99 (Unix)";\n` +
      `int main(void) { printf("Server version: %s\\n", v); return ${name}fn(); }\n`,
  );
  gcc(["-o", out, src, `-L${libDir}`, `-l${name}`, ...ldflags]);
  fs.rmSync(src);
}

/** A directory tree root alone can change (the temporary directory made 0755). */
function rootDir(t: TestContext): string {
  const base = tempDir(t, "mamori-loader-");
  fs.chmodSync(base, 0o755);
  return base;
}

test("ELF loader names: interpreter, needed libraries, RPATH and RUNPATH as the binary holds them", (t) => {
  const why = gccMissing() ?? (fs.existsSync(APACHE) ? undefined : "apache2 is not installed");
  if (why) return t.skip(why);
  const apache = namesOfFile(APACHE);
  assert.ok(apache.ok, JSON.stringify(apache));
  assert.match(apache.names.interp ?? "", /^\/lib.*\/ld-linux.*\.so\.\d$/);
  assert.ok(apache.names.needed.includes("libapr-1.so.0"), apache.names.needed.join(" "));
  assert.deepEqual([apache.names.rpath, apache.names.runpath], [[], []]);

  const dir = rootDir(t);
  buildTrap(dir, path.join(dir, "RAN"), "x");
  const runpath = path.join(dir, "runpath");
  buildHttpd(runpath, dir, "x", [`-Wl,-rpath,/opt/a:$ORIGIN/../lib`, "-Wl,--enable-new-dtags"]);
  const r = namesOfFile(runpath);
  assert.ok(r.ok);
  assert.deepEqual(r.names.runpath, ["/opt/a:$ORIGIN/../lib"]);
  assert.deepEqual(r.names.rpath, []);
  assert.ok(r.names.needed.includes("libx.so"));
  const rpath = path.join(dir, "rpath");
  buildHttpd(rpath, dir, "x", ["-Wl,-rpath,/opt/b", "-Wl,--disable-new-dtags"]);
  const p = namesOfFile(rpath);
  assert.ok(p.ok);
  assert.deepEqual([p.names.rpath, p.names.runpath], [["/opt/b"], []]);

  // The braced form of the loader's token, built so it reads as no template.
  const braced = ["/opt/a", "$ORIGIN/../lib", "$" + "{ORIGIN}", "lib"].join(":");
  assert.deepEqual(searchDirs(braced, "/usr/local/apache2/bin"), [
    "/opt/a",
    "/usr/local/apache2/bin/../lib",
    "/usr/local/apache2/bin",
    "/lib",
  ]);
  assert.equal(searchDirs("/opt/$LIB", "/x"), undefined, "a token whose value depends on the machine");
});

test("ELF loader names: a truncated or garbled header is an answer, never a throw or a guess", (t) => {
  const why = fs.existsSync(APACHE) ? undefined : "apache2 is not installed";
  if (why) return t.skip(why);
  const dir = tempDir(t);
  const whole = fs.readFileSync(APACHE);
  const file = path.join(dir, "f");
  for (const n of [0, 3, 16, 40, 63, 64, 200, 0x350, 4096]) {
    fs.writeFileSync(file, whole.subarray(0, n));
    const r = namesOfFile(file);
    assert.equal(r.ok, false, `a file cut at ${n} bytes was read as whole`);
  }
  // Random changes to the headers (seeded): whatever they say, the reader ends with an answer.
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const head = 0x400;
  for (let i = 0; i < 300; i++) {
    const copy = Buffer.from(whole);
    for (let k = 0; k < 1 + (i % 6); k++) copy[rand() % head] = rand() & 0xff;
    // And anywhere else (the dynamic section and the string table sit further in).
    copy[rand() % copy.length] = rand() & 0xff;
    fs.writeFileSync(file, copy);
    const r = namesOfFile(file);
    assert.ok(typeof r.ok === "boolean");
    if (r.ok) for (const s of [...r.names.needed, ...r.names.rpath]) assert.ok(s.length <= 4096);
  }
});

test("as root, a root-only httpd whose RUNPATH names the web user's directory is never run", async (t) => {
  const why = needsRoot() ?? gccMissing();
  if (why) return t.skip(why);
  const theirs = attackerShell("mktemp -d /tmp/mamori-attack-XXXXXX").trim();
  t.after(() => fs.rmSync(theirs, { recursive: true, force: true }));
  const marker = path.join(theirs, "RAN");
  // The attacker's library, in their directory, owned by them.
  const lib = buildTrap(theirs, marker);
  fs.chownSync(lib, ATTACKER.uid, ATTACKER.gid);
  // Root's binary on a root-only path, linked the way a source build is linked to its own lib directory.
  const dir = rootDir(t);
  const httpd = path.join(dir, "httpd");
  buildHttpd(httpd, theirs, "trap", [`-Wl,-rpath,${theirs}`]);
  // The control: it is their code that runs, as whoever runs the binary.
  const ran = asAttacker(httpd, []);
  assert.equal(ran.status, 0, ran.stderr);
  assert.ok(fs.existsSync(`${marker}.${ATTACKER.uid}`), "the trap did not fire as the attacker");

  const r = await queryLiveBinary(httpd);
  assert.ok("notRun" in r, "mamori ran it");
  assert.equal(r.notRun.why, "untrusted-loader");
  assert.ok(r.notRun.why === "untrusted-loader" && r.notRun.what === "directory" && r.notRun.by === httpd);
  assert.ok(!fs.existsSync(`${marker}.0`), "the attacker's library ran as root");

  // The same binary with its RUNPATH pointing at a root-only directory holding the library runs.
  const ownLib = path.join(dir, "lib");
  fs.mkdirSync(ownLib, { mode: 0o755 });
  buildTrap(ownLib, path.join(dir, "OWN"));
  const good = path.join(dir, "httpd-good");
  buildHttpd(good, ownLib, "trap", ["-Wl,-rpath,$ORIGIN/lib:/opt/mamori-not-here"]);
  const ok = await queryLiveBinary(good);
  assert.ok("info" in ok, JSON.stringify(ok));
  assert.equal(ok.info.version, "2.4.99");
});

test("as root, a library in root's own RPATH directory that names the web user's directory is not followed into", (t) => {
  const why = needsRoot() ?? gccMissing();
  if (why) return t.skip(why);
  const theirs = attackerShell("mktemp -d /tmp/mamori-attack-XXXXXX").trim();
  t.after(() => fs.rmSync(theirs, { recursive: true, force: true }));
  const dir = rootDir(t);
  const lib = path.join(dir, "lib");
  fs.mkdirSync(lib, { mode: 0o755 });
  // Root's libapr-like library, itself linked with an RPATH into the attacker's directory.
  buildTrap(theirs, path.join(theirs, "RAN"), "inner");
  const src = path.join(lib, "mid.c");
  fs.writeFileSync(src, "int innerfn(void);\nint midfn(void) { return innerfn(); }\n");
  gcc([
    "-shared",
    "-fPIC",
    "-o",
    path.join(lib, "libmid.so"),
    src,
    `-L${theirs}`,
    "-linner",
    `-Wl,-rpath,${theirs}`,
    "-Wl,--disable-new-dtags",
  ]);
  fs.rmSync(src);
  const httpd = path.join(dir, "httpd");
  buildHttpd(httpd, lib, "mid", ["-Wl,-rpath,$ORIGIN/lib"]);
  const p = problemOf(httpd);
  assert.ok(p && p.what === "directory", JSON.stringify(p));
  assert.equal(p.by, path.join(lib, "libmid.so"));
  assert.equal("problem" in p && p.problem.path, theirs);
});

test("as root, a program interpreter outside root's files, or a missing directory the web user could make, stops the run", (t) => {
  const why = needsRoot() ?? gccMissing();
  if (why) return t.skip(why);
  const theirs = attackerShell("mktemp -d /tmp/mamori-attack-XXXXXX").trim();
  t.after(() => fs.rmSync(theirs, { recursive: true, force: true }));
  const dir = rootDir(t);
  buildTrap(dir, path.join(dir, "RAN"), "x");
  // A copy of the real loader, but theirs.
  const names = namesOfFile(APACHE);
  const interp = names.ok ? names.names.interp : undefined;
  if (!interp) return t.skip("no interpreter to copy");
  attackerShell(`cp ${interp} ${theirs}/ld.so`);
  const httpd = path.join(dir, "httpd");
  buildHttpd(httpd, dir, "x", [`-Wl,--dynamic-linker=${theirs}/ld.so`, "-Wl,-rpath,$ORIGIN"]);
  const p = problemOf(httpd);
  assert.ok(p && p.what === "interpreter", JSON.stringify(p));
  // A RUNPATH directory that does not exist yet, in a directory the attacker can write: they could make it.
  const later = path.join(dir, "later");
  buildHttpd(later, dir, "x", [`-Wl,-rpath,${theirs}/not-yet/lib:$ORIGIN`]);
  const q = problemOf(later);
  assert.ok(q && q.what === "directory" && "problem" in q && q.problem.path === theirs, JSON.stringify(q));
  // One that does not exist under root's own directory: only root could make it.
  const fine = path.join(dir, "fine");
  buildHttpd(fine, dir, "x", [`-Wl,-rpath,${dir}/not-yet/lib:$ORIGIN`]);
  assert.equal(problemOf(fine), undefined);
  // Each directory is a walk of its path: past a bound the answer is "cannot tell", not a long wait.
  const many = path.join(dir, "many");
  const dirs = Array.from({ length: 80 }, (_, i) => `${dir}/d${i}`).join(":");
  buildHttpd(many, dir, "x", [`-Wl,-rpath,${dirs}:$ORIGIN`]);
  const m = problemOf(many);
  assert.ok(
    m && m.what === "unreadable" && /more than 64 library directories/.test(m.detail),
    JSON.stringify(m),
  );
});
