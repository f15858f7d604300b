import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { atLeast } from "../../src/core/finding.ts";
import type {
  RenderedFinding as Finding,
  RenderedDocument as ReportDocument,
} from "../../src/report/localize.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DATA_DIR, FIXTURE_NOW, fixtureRoot, huntArgs } from "./helpers/fixture.ts";
import { FIXTURE_SSH_FP, WALLET } from "./helpers/fixture-specs.ts";

type T = Parameters<typeof tempDir>[0];

async function hunt(
  t: T,
  name: string,
  extra: string[] = [],
): Promise<{ doc: ReportDocument; code: number; root: string }> {
  const root = fixtureRoot(t, name);
  const feedDir = extra.includes("--feed-dir") ? [] : ["--feed-dir", tempDir(t)];
  const r = await mamori([
    "hunt",
    "--root",
    root,
    "--format",
    "json",
    "--now",
    FIXTURE_NOW,
    "--data-dir",
    DATA_DIR,
    ...feedDir,
    ...extra,
  ]);
  assert.equal(r.stderr, "");
  return { doc: JSON.parse(r.stdout) as ReportDocument, code: r.code, root };
}

function one(doc: ReportDocument, check: string, pred: (f: Finding) => boolean = () => true): Finding {
  const f = doc.findings.find((x) => x.check === check && pred(x));
  assert.ok(
    f,
    `expected a ${check} finding; got ${doc.findings.map((x) => `${x.check}:${x.title}`).join("; ")}`,
  );
  return f;
}

const pidIs = (pid: number) => (f: Finding) => f.data?.pid === pid;

test("Kinsing-like root: the deleted miner, its pool connection, the C2 agent, the cron downloader and the preload", async (t) => {
  const { doc, code } = await hunt(t, "kinsing");
  assert.equal(code, 1);
  const miner = one(doc, "process.miner", pidIs(777));
  assert.equal(miner.severity, "critical");
  assert.equal(miner.confidence, "confirmed");
  assert.equal(miner.data?.exe, "/tmp/kdevtmpfsi");
  assert.equal(miner.data?.exeDeleted, true);
  assert.equal(miner.data?.user, "www-data");
  assert.equal(miner.time, "2026-11-18T12:00:00.000Z");
  assert.equal(miner.timeSource, "proc");
  assert.deepEqual(miner.data?.remotes, ["176.31.105.53:3333"]);
  const cost = miner.data?.cost as { cpuSeconds: number; kWh: number; currency: string };
  assert.equal(cost.cpuSeconds, 2 * 86400 * 1.9);
  assert.equal(cost.kWh, 1.368); // 91.2 core-hours at 15 W
  assert.ok(miner.evidence.some((e) => e.pid === 777 && e.value === "/tmp/kdevtmpfsi"));
  const net = one(doc, "network.miner-connection", pidIs(777));
  assert.equal(net.data?.remoteAddress, "176.31.105.53");
  assert.equal(net.data?.remotePort, 3333);
  one(doc, "network.miner-connection", pidIs(778));
  const cron = one(doc, "persistence.cron");
  assert.equal(cron.data?.path, "/var/spool/cron/crontabs/www-data");
  assert.equal(cron.data?.line, 2);
  assert.ok(atLeast(cron.severity, "high"));
  assert.equal(cron.time, "2026-11-18T03:12:39.000Z");
  const preload = one(doc, "persistence.preload");
  assert.equal(preload.data?.text, "/etc/libsystem.so");
  assert.ok(doc.notChecked.some((n) => n.reason === "not-live" && n.path === "cpu-sample"));
  // The correlator joins the miner, its cron entry and its preload into one incident with a timeline.
  assert.ok(doc.incidents.some((i) => i.findingIds.includes(miner.id) && i.timeline.length >= 3));
});

test("perfctl-like root: masquerading httpd in /tmp/.perf.c, the miner's config and pool, preload, cron and profile", async (t) => {
  const { doc } = await hunt(t, "perfctl");
  const miner = one(doc, "process.miner", pidIs(901));
  assert.equal(miner.data?.config, "/tmp/.perf.c/config.json");
  assert.ok(((miner.data?.pools ?? []) as string[]).includes("pool.supportxmr.com:443"));
  const httpd = doc.findings.find((f) => f.data?.pid === 900 && f.check.startsWith("process."));
  assert.ok(httpd && atLeast(httpd.severity, "high"));
  assert.ok(httpd.evidence.some((e) => e.value?.includes("httpd -> /tmp/.perf.c/httpd")));
  assert.equal(one(doc, "persistence.preload").data?.text, "/lib/libgcwrap.so");
  assert.equal(one(doc, "persistence.cron").data?.text, "* * * * * /root/.config/cron/perfcc");
  one(doc, "persistence.profile", (f) => f.data?.path === "/root/.profile");
  one(doc, "file.suspicious", (f) => f.data?.path === "/root/.config/cron/perfcc");
});

test("TeamTNT-like root: [ext4] masquerade, bind mount over its /proc, unit, cron, and an SSH key from an IOC feed", async (t) => {
  const feedDir = tempDir(t);
  const list = path.join(tempDir(t), "teamtnt-keys.txt");
  fs.writeFileSync(list, `# test feed\n${FIXTURE_SSH_FP}\n`);
  const up = await mamori(["iocs", "update", "--from", list, "--feed-dir", feedDir, "--kind", "malware"]);
  assert.equal(up.code, 0, up.stderr);
  const { doc } = await hunt(t, "teamtnt", ["--feed-dir", feedDir]);
  const ext4 = one(doc, "process.miner", pidIs(1200));
  assert.ok(ext4.evidence.some((e) => e.value?.startsWith("[ext4] -> /usr/sbin/.configure/bin/ext4")));
  const tnt = one(doc, "process.miner", pidIs(1210));
  assert.ok(((tnt.data?.argv ?? []) as string[]).includes(WALLET));
  one(doc, "process.hidden", (f) => f.data?.path === "/proc/1200");
  one(doc, "persistence.systemd", (f) => f.data?.unit === "tntbot.service");
  one(doc, "persistence.cron", (f) => f.data?.path === "/etc/cron.d/tnt");
  const key = one(doc, "persistence.ssh-key");
  assert.equal(key.severity, "critical");
  assert.equal(key.data?.fingerprint, FIXTURE_SSH_FP);
  one(doc, "file.suspicious", (f) => f.data?.path === "/usr/sbin/.configure/bin/ext4");
});

test("8220-like root: sysupdate miner with /etc/config.json, reverse shell under Apache, units, cron, dropped miner", async (t) => {
  const { doc } = await hunt(t, "8220");
  const m = one(doc, "process.miner", pidIs(1500));
  assert.equal(m.data?.config, "/etc/config.json");
  const shell = one(doc, "process.webshell-child", pidIs(1510));
  assert.equal(shell.severity, "critical");
  assert.equal(shell.data?.user, "www-data");
  one(doc, "persistence.systemd", (f) => f.data?.unit === "sysupdate.service");
  one(doc, "persistence.cron", (f) => f.data?.path === "/etc/cron.d/8220");
  one(doc, "file.suspicious", (f) => f.data?.path === "/var/tmp/.11/sshd");
});

test("clean busy server: full CPU, chrony stratum, gcc -o pool.o, upgraded apache, runc memfd: nothing above low", async (t) => {
  const { doc, code } = await hunt(t, "clean-busy");
  const loud = doc.findings.filter((f) => atLeast(f.severity, "medium"));
  assert.deepEqual(
    loud.map((f) => `${f.check}: ${f.title}`),
    [],
  );
  assert.equal(code, 0);
});

test("allowlisted miner: suppressed while the entry is valid, back (and the entry reported) once it expires", async (t) => {
  const root = fixtureRoot(t, "allowlisted-miner");
  const sha = (await import("node:crypto"))
    .createHash("sha256")
    .update(fs.readFileSync(path.join(root, "opt/xmrig/xmrig")))
    .digest("hex");
  const dir = tempDir(t);
  const write = (expires: string) => {
    const f = path.join(dir, `allow-${expires}.yaml`);
    fs.writeFileSync(
      f,
      `- path: /opt/xmrig/xmrig\n  sha256: ${sha}\n  reason: mining research box, approved by ops\n  expires: ${expires}\n`,
    );
    return f;
  };
  const run = async (file: string) => {
    const r = await mamori([...huntArgs(t, root), "--format", "json", "--allowlist", file]);
    assert.equal(r.stderr, "");
    return JSON.parse(r.stdout) as ReportDocument;
  };
  const valid = await run(write("2027-03-31"));
  assert.deepEqual(
    valid.findings.filter((f) => atLeast(f.severity, "medium")).map((f) => f.title),
    [],
  );
  assert.ok(valid.findings.some((f) => f.check === "hunt.allowlisted"));
  const expired = await run(write("2026-11-01"));
  one(expired, "process.miner", pidIs(3000));
  one(expired, "hunt.allowlist-expired");
  // Without the allowlist the same root is a miner: the fixture is not clean by accident.
  const { doc } = await hunt(t, "allowlisted-miner");
  one(doc, "process.miner", pidIs(3000));
  // A path without its hash is refused: anyone could put another binary there.
  fs.writeFileSync(
    path.join(dir, "bad.yaml"),
    "- path: /opt/xmrig/xmrig\n  reason: x\n  expires: 2030-01-01\n",
  );
  const bad = await mamori(["hunt", "--root", root, "--allowlist", path.join(dir, "bad.yaml")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /sha256/);
});

test("bad input: garbage crontab, link loops, vanished and truncated processes, a huge file: reported, no crash", async (t) => {
  const root = fixtureRoot(t, "bad-input");
  const huge = path.join(root, "tmp/huge.bin");
  const fd = fs.openSync(huge, "w");
  fs.writeSync(fd, Buffer.from("\x7fELF", "latin1"));
  fs.ftruncateSync(fd, 200 * 1024 * 1024); // sparse: no disk used
  fs.closeSync(fd);
  fs.chmodSync(huge, 0o755);
  fs.writeFileSync(path.join(root, "etc/cron.d/huge"), `# ${"x".repeat(3 * 1024 * 1024)}\n`);
  const r = await mamori([...huntArgs(t, root), "--format", "json"]);
  assert.equal(r.stderr, "");
  const doc = JSON.parse(r.stdout) as ReportDocument;
  assert.ok(doc.notChecked.some((n) => n.path === "/etc/cron.d/self-loop" && n.reason === "ELOOP"));
  assert.ok(doc.notChecked.some((n) => n.path === "/tmp/huge.bin" && n.reason === "too-large"));
  assert.ok(doc.notChecked.some((n) => n.path === "/etc/cron.d/huge" && n.reason === "too-large"));
  assert.ok(doc.warnings.some((w) => w.reason === "vanished"));
  // The real line inside the garbage is still read and judged.
  const cron = one(doc, "persistence.cron");
  assert.equal(cron.data?.line, 2);
  // Human output escapes the control bytes an attacker put in the crontab.
  const human = await mamori([...huntArgs(t, root), "--color", "never"]);
  assert.ok(!human.stdout.includes("\x1b"));
  assert.ok(!human.stdout.includes("\u0000"));
});

test("Japanese report and cost flags", async (t) => {
  const root = fixtureRoot(t, "kinsing");
  const r = await mamori([
    "hunt",
    "--root",
    root,
    "--lang",
    "ja",
    "--now",
    FIXTURE_NOW,
    "--data-dir",
    DATA_DIR,
    "--feed-dir",
    tempDir(t),
    "--watts-per-core",
    "20",
    "--price-per-kwh",
    "0.3",
    "--currency",
    "USD",
    "--color",
    "never",
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /暗号通貨マイナーが動いています: kdevtmpfsi \(pid 777\)/);
  assert.match(r.stdout, /20 W、1 kWh あたり 0\.3 USD/);
  const bad = await mamori(["hunt", "--root", root, "--watts-per-core", "-5"]);
  assert.equal(bad.code, 2);
});
