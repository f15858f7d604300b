/**
 * Issue 18: `respond` as root on this machine, where `nobody` controls a directory of the path it is told
 * to quarantine. Swapping that directory for a link to /etc after the dry run must not move /etc/passwd,
 * and neither must naming /etc/passwd through `..` or doubled slashes.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { dpkgListOwners } from "../../src/collect/exposure/dpkg.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { runMamoriChild } from "../helpers/child-cli.ts";
import { mamori } from "../helpers/cli.ts";
import { fileState } from "../helpers/files.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const MB = 1024 * 1024;

test("a nobody-owned directory swapped for a link to /etc cannot make respond quarantine /etc/passwd", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t, "mamori-rails-");
  fs.chmodSync(base, 0o1777);
  const x = path.join(base, "x");
  fs.mkdirSync(x, { mode: 0o755 });
  fs.chownSync(x, ATTACKER.uid, ATTACKER.gid);
  attackerShell(`printf 'miner' > ${x}/passwd`);
  const q = path.join(base, "q");
  const before = fileState("/etc/passwd");
  const ino = fs.statSync("/etc/passwd").ino;
  const target = path.join(x, "passwd");
  const dry = await mamori(["respond", "--quarantine", target, "--quarantine-dir", q]);
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /would: move/);
  // After the operator read the dry run: the directory becomes a link to /etc.
  attackerShell(`mv ${x} ${base}/x.old && ln -s /etc ${x}`);
  const r = await mamori(["respond", "--quarantine", target, "--quarantine-dir", q, "--apply"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REFUSED/);
  // Even --force does not follow the link; and /etc/passwd by any spelling is a system file.
  const forced = await mamori([
    "respond",
    "--quarantine",
    target,
    "--quarantine-dir",
    q,
    "--apply",
    "--force",
  ]);
  assert.equal(forced.code, 1);
  for (const spelling of ["/etc/passwd", `${base}/../../etc/passwd`, "//etc//./passwd"]) {
    const direct = await mamori(["respond", "--quarantine", spelling, "--quarantine-dir", q, "--apply"]);
    assert.equal(direct.code, 1, spelling);
    assert.match(direct.stdout, /a system file: refused/, spelling);
  }
  assert.deepEqual(fileState("/etc/passwd"), before);
  assert.equal(fs.statSync("/etc/passwd").ino, ino);
  assert.equal(fs.existsSync(path.join(base, "x.old/passwd")), true);
});

test("an image's dpkg lists that are a FIFO, links to /dev/zero and an 8 GB file: respond answers at once, bounded, and says what it did not read", async (t) => {
  // Before: readdirSync and readFileSync by host path: the FIFO hung respond (a dry run) forever, the link
  // to /dev/zero grew it past 7.9 GB in a minute.
  const dir = tempDir(t, "mamori-rails-dpkg-");
  const root = path.join(dir, "img");
  const info = path.join(root, "var/lib/dpkg/info");
  writeTree(root, {
    "tmp/miner": "miner\n",
    "opt/vendor/agent": "agent\n",
    "var/lib/dpkg/info/vendor-agent.list": "/.\n/opt\n/opt/vendor\n/opt/vendor/agent\n",
  });
  assert.equal(spawnSync("mkfifo", [path.join(info, "evil.list")]).status, 0);
  fs.symlinkSync("/dev/zero", path.join(info, "zero.list"));
  fs.symlinkSync("../../../../../../../../dev/zero", path.join(info, "zero-up.list"));
  // Sparse: 8 GB of zeros that take no disk.
  fs.writeFileSync(path.join(info, "big.list"), "");
  fs.truncateSync(path.join(info, "big.list"), 8 * 1024 * MB);
  const r = await runMamoriChild(
    [
      "respond",
      "--root",
      root,
      "--quarantine",
      "/tmp/miner",
      "--quarantine",
      "/opt/vendor/agent",
      "--quarantine-dir",
      path.join(dir, "q"),
      "--lang",
      "en",
    ],
    { timeoutMs: 30_000 },
  );
  assert.equal(r.signal, null, `respond hung: ${r.stderr}`);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /would: move \/tmp\/miner into the quarantine/);
  // The lists that are files are still read: the package's file is still refused.
  assert.match(
    r.stdout,
    /REFUSED: move \/opt\/vendor\/agent[^\n]*\n[^\n]*: \/opt\/vendor\/agent: vendor-agent/,
  );
  assert.match(
    r.stderr,
    /4 dpkg file lists in \/var\/lib\/dpkg\/info were not read \(big\.list: too-large, evil\.list: not-regular, zero-up\.list: link, zero\.list: link\)/,
  );
  assert.ok(r.peakRss > 0, "peak memory measured");
  assert.ok(r.peakRss < 400 * MB, `peak RSS ${Math.round(r.peakRss / MB)} MB`);
});

test("dpkg lists are read within a total budget and a count; what is past them is counted and named", (t) => {
  const root = path.join(tempDir(t), "img");
  const files: Record<string, string> = {};
  for (let i = 0; i < 8; i++) files[`var/lib/dpkg/info/p${i}.list`] = `/opt/p${i}\n${"/x\n".repeat(100)}`;
  writeTree(root, files);
  const fsys = new RootFs(root);
  const all = dpkgListOwners(fsys, ["/opt/p7"]);
  assert.equal(all.owners.get("/opt/p7"), "p7");
  assert.equal(all.unreadCount, 0);
  // Each list is 308 bytes: 1,000 bytes hold three of them, the fourth passes the budget.
  const cut = dpkgListOwners(fsys, ["/opt/p1", "/opt/p7"], { perFile: 1000, total: 1000, files: 100 });
  assert.equal(cut.owners.get("/opt/p1"), "p1");
  assert.equal(cut.owners.has("/opt/p7"), false);
  assert.equal(cut.unreadCount, 5);
  assert.deepEqual(
    cut.unread.map((u) => `${u.name}: ${u.reason}`),
    ["p3.list: budget", "p4.list: budget", "p5.list: budget", "p6.list: budget", "p7.list: budget"],
  );
  const few = dpkgListOwners(fsys, ["/opt/p7"], { perFile: 1000, total: 1 << 20, files: 2 });
  assert.equal(few.unreadCount, 6);
  const small = dpkgListOwners(fsys, ["/opt/p0"], { perFile: 100, total: 1 << 20, files: 100 });
  assert.deepEqual(small.unread[0], { name: "p0.list", reason: "too-large" });
});
