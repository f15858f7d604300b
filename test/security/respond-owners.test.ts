/**
 * `respond` as root against what an unprivileged user (`nobody`, or an image's `www`) controls: a user's
 * unit file named like a system unit, root's programs the attacker merely runs, and a sparse file far
 * larger than anything worth keeping. Each runs the real CLI as root.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { RespondError } from "../../src/respond/errors.ts";
import { copyFd } from "../../src/respond/fdio.ts";
import { liveKillAction } from "../../src/respond/kill.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";
import { docOf, f } from "../report/scenario.ts";

const MINER_LINE = "ExecStart=/tmp/.x/kdevtmpfsi -o stratum+tcp://pool.minexmr.com:4444\n";

function put(p: string, content: string, uid = 0, gid = 0): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  fs.chownSync(p, uid, gid);
}

test("a user's unit file named like a system unit is quarantined, root's own unit of that name is never masked", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = tempDir(t);
  const img = path.join(dir, "img");
  put(path.join(img, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nwww:x:33:33::/home/www:/bin/sh\n");
  const sshd = "[Service]\nExecStart=/usr/sbin/sshd -D\n";
  const rootUnit = path.join(img, "etc/systemd/system/ssh.service");
  put(rootUnit, sshd);
  // A system unit of the attacker's own is still masked as before.
  put(path.join(img, "etc/systemd/system/kworkerd.service"), `[Service]\n${MINER_LINE}`);
  const home = path.join(img, "home/www");
  const userUnit = path.join(home, ".config/systemd/user/systemd/system/ssh.service");
  put(userUnit, `[Service]\n${MINER_LINE}`, 33, 33);
  for (let d = path.dirname(userUnit); d.startsWith(home); d = path.dirname(d)) fs.chownSync(d, 33, 33);

  const audit = await mamori(["audit", "--root", img, "--format", "json"]);
  const report = path.join(dir, "img.json");
  fs.writeFileSync(report, audit.stdout);
  const q = path.join(dir, "q");
  const r = await mamori([
    "respond",
    report,
    "--all-critical",
    "--root",
    img,
    "--quarantine-dir",
    q,
    "--apply",
    "--lang",
    "en",
  ]);
  assert.doesNotMatch(r.stdout, /mask systemd unit ssh\.service/, r.stdout);
  const st = fs.lstatSync(rootUnit);
  assert.ok(st.isFile(), "root's ssh.service is still a file, not a mask");
  assert.equal(fs.readFileSync(rootUnit, "utf8"), sshd);
  assert.match(r.stdout, /done: move \/home\/www\/\.config\/systemd\/user\/systemd\/system\/ssh\.service/);
  assert.equal(fs.existsSync(userUnit), false, "the user's own unit file is quarantined");
  assert.match(r.stdout, /done: mask systemd unit kworkerd\.service/);
  assert.equal(fs.readlinkSync(path.join(img, "etc/systemd/system/kworkerd.service")), "/dev/null");
});

function runAsAttacker(exe: string): number {
  const child = spawn(
    "setpriv",
    [
      `--reuid=${ATTACKER.uid}`,
      `--regid=${ATTACKER.gid}`,
      "--clear-groups",
      "--",
      exe,
      "-e",
      "sleep 900",
      "--",
      "-o",
      "stratum+tcp://pool.example:3333",
      "--donate-level",
      "1",
    ],
    { stdio: "ignore", cwd: "/" },
  );
  return child.pid as number;
}

async function running(pid: number, exe: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/exe`) === exe) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pid ${pid} never ran ${exe}`);
}

function uidOf(pid: number): number {
  const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1]);
}

test("a root-owned program in a root-only directory that nobody runs: the process is stopped, the program stays; nobody's own program is moved", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t, "mamori-review-");
  fs.chmodSync(base, 0o755);
  const optBin = path.join(base, "opt/bin");
  fs.mkdirSync(optBin, { recursive: true, mode: 0o755 });
  fs.chmodSync(path.join(base, "opt"), 0o755);
  fs.chmodSync(optBin, 0o755);
  const rootPerl = path.join(optBin, "perl");
  fs.copyFileSync("/usr/bin/perl", rootPerl);
  fs.chmodSync(rootPerl, 0o755);
  const x = path.join(base, "x");
  fs.mkdirSync(x, { mode: 0o755 });
  fs.chownSync(x, ATTACKER.uid, ATTACKER.gid);
  const theirPerl = path.join(x, "perl");
  attackerShell(`cp /usr/bin/perl ${theirPerl} && chmod 755 ${theirPerl}`);

  const pids = [runAsAttacker(rootPerl), runAsAttacker(theirPerl)];
  t.after(() => {
    for (const pid of pids)
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already stopped
      }
  });
  await running(pids[0] as number, rootPerl);
  await running(pids[1] as number, theirPerl);
  const findings = pids.map((pid, i) => {
    const live = liveKillAction(pid);
    assert.ok(live);
    return f({
      id: `process.miner:${i}`,
      check: "process.miner",
      severity: "critical",
      confidence: "confirmed",
      data: { pid, exe: live.exe, uid: uidOf(pid), startTime: live.startTime, startTicks: live.startTicks },
    });
  });
  const report = path.join(base, "live.json");
  fs.writeFileSync(
    report,
    JSON.stringify(docOf(findings, { host: { hostname: "h", root: "/", live: true } })),
  );
  const q = path.join(base, "q");
  const args = ["respond", report, "--all-critical", "--quarantine-dir", q, "--lang", "en"];

  const dry = await mamori(args);
  assert.match(dry.stdout, new RegExp(`REFUSED: move ${rootPerl}[^\\n]*\\n\\s+the program the process ran`));
  assert.match(dry.stdout, new RegExp(`${rootPerl}: uid 0`));
  const forced = await mamori([...args, "--force"]);
  assert.match(forced.stdout, new RegExp(`would: move ${rootPerl}`), "--force would move it");

  const r = await mamori([...args, "--apply"]);
  assert.match(r.stdout, new RegExp(`done: stop process ${pids[0]}`), r.stdout);
  assert.match(r.stdout, new RegExp(`REFUSED: move ${rootPerl}`));
  assert.ok(fs.existsSync(rootPerl), "root's perl is left in place");
  assert.match(r.stdout, new RegExp(`done: move ${theirPerl}`));
  assert.equal(fs.existsSync(theirPerl), false, "nobody's own program is quarantined");
});

function duBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else total += fs.lstatSync(p).blocks * 512;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return total;
}

test("a 1 GB sparse file nobody made is refused, saying why, and nothing is copied", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t, "mamori-sec-");
  fs.chmodSync(base, 0o1777);
  const x = path.join(base, "x");
  fs.mkdirSync(x, { mode: 0o755 });
  fs.chownSync(x, ATTACKER.uid, ATTACKER.gid);
  const big = path.join(x, "big");
  attackerShell(`truncate -s 1G ${big}`);
  const q = path.join(base, "q");
  const started = Date.now();
  const dry = await mamori(["respond", "--quarantine", big, "--quarantine-dir", q, "--lang", "en"]);
  assert.match(dry.stdout, /REFUSED: move [^\n]*\n\s+larger than the 512 MiB the quarantine takes/);
  const r = await mamori(["respond", "--quarantine", big, "--apply", "--quarantine-dir", q, "--lang", "en"]);
  assert.match(r.stdout, /REFUSED: move [^\n]*\n\s+larger than the 512 MiB the quarantine takes/, r.stdout);
  assert.ok(Date.now() - started < 5000, "refused at once, not after reading the file");
  assert.ok(fs.existsSync(big), "the file is left in place");
  assert.ok(duBytes(q) < 1024 * 1024, "the quarantine did not grow");
});

test("a copy into the quarantine stops at its bound however far the file has grown, leaving at most that much", (t) => {
  const dir = tempDir(t);
  const src = path.join(dir, "src");
  fs.writeFileSync(src, Buffer.alloc(1 << 20, 1));
  const from = fs.openSync(src, "r");
  const to = fs.openSync(path.join(dir, "dst"), "w");
  try {
    assert.throws(
      () => copyFd(from, to, 100_000, src, "quarantine-too-large"),
      (e) => e instanceof RespondError && e.reason === "quarantine-too-large",
    );
  } finally {
    fs.closeSync(from);
    fs.closeSync(to);
  }
  assert.ok(fs.statSync(path.join(dir, "dst")).size <= 100_000);
});
