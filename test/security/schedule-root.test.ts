/**
 * `schedule --root IMAGE` as root, where the image is the attacker's: its links must never send a read, a
 * write or an unlink to this machine's own files. Before: `etc -> /etc` in the image made
 * `schedule remove` delete the host's own mamori cron and timer files (monitoring silently off), and a
 * FIFO at etc/cron.d/mamori hung `schedule status`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { MARKER } from "../../src/watch/schedule-files.ts";
import { runMamoriChild } from "../helpers/child-cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

const OURS = `${MARKER}\n* * * * * root true\n`;
const HOST_FILES = [
  "etc/cron.d/mamori",
  "etc/systemd/system/mamori.service",
  "etc/systemd/system/mamori.timer",
];

/** A stand-in for this machine's /etc with mamori's own schedule installed, outside the image. */
function fakeHost(dir: string): string {
  const host = path.join(dir, "host");
  writeTree(host, Object.fromEntries(HOST_FILES.map((f) => [f, OURS])));
  return host;
}

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      out.push(`${path.relative(dir, p)}${e.isFile() ? ` ${fs.readFileSync(p, "utf8").length}` : ""}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

test("schedule remove/status/install on an image whose etc links out of it: the outside files survive, the CLI says it refused", async (t) => {
  const dir = tempDir(t, "mamori-schedule-root-");
  const host = fakeHost(dir);
  const before = snapshot(host);
  const img = path.join(dir, "img");
  fs.mkdirSync(img);
  fs.symlinkSync(path.join(host, "etc"), path.join(img, "etc"));

  const rm = await runMamoriChild(["schedule", "remove", "--root", img, "--lang", "en"], {
    timeoutMs: 30_000,
  });
  assert.equal(rm.signal, null, rm.stderr);
  assert.equal(rm.code, 2, rm.stdout + rm.stderr);
  assert.doesNotMatch(rm.stdout, /Removed/);
  assert.match(
    rm.stderr,
    /\/etc\/cron\.d\/mamori under \S+img was left alone: a symbolic link stands on its path/,
  );
  assert.deepEqual(snapshot(host), before, "the outside files are all still there, unchanged");

  const status = await runMamoriChild(["schedule", "status", "--root", img, "--format", "json"]);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout);
  assert.deepEqual(s.installed, [], "the outside files are not the image's");
  assert.equal(s.refused.length, 3);

  for (const kind of ["cron", "systemd"]) {
    const inst = await runMamoriChild(["schedule", "install", "--root", img, "--kind", kind, "--lang", "en"]);
    assert.equal(inst.code, 2, inst.stdout + inst.stderr);
    assert.match(inst.stderr, /was left alone: a symbolic link stands on its path/);
  }
  assert.deepEqual(snapshot(host), before, "nothing written or made outside");
});

test("a link deeper in the image, or at the file itself, is refused too; a FIFO there is not waited on", async (t) => {
  const dir = tempDir(t, "mamori-schedule-root-");
  const host = fakeHost(dir);
  const before = snapshot(host);
  const img = path.join(dir, "img");
  fs.mkdirSync(path.join(img, "etc/systemd"), { recursive: true });
  fs.mkdirSync(path.join(img, "etc/cron.d"), { recursive: true });
  // etc/systemd/system links out; etc/cron.d/mamori is a link to the host's file.
  fs.symlinkSync(path.join(host, "etc/systemd/system"), path.join(img, "etc/systemd/system"));
  fs.symlinkSync(path.join(host, "etc/cron.d/mamori"), path.join(img, "etc/cron.d/mamori"));
  const rm = await runMamoriChild(["schedule", "remove", "--root", img, "--lang", "en"], {
    timeoutMs: 30_000,
  });
  assert.equal(rm.code, 2, rm.stdout + rm.stderr);
  assert.equal(rm.stderr.match(/left alone: a symbolic link/g)?.length, 3, rm.stderr);
  assert.deepEqual(snapshot(host), before);

  // A FIFO where the cron file would be: looked at, never opened.
  fs.rmSync(path.join(img, "etc/cron.d/mamori"));
  assert.equal(spawnSync("mkfifo", [path.join(img, "etc/cron.d/mamori")]).status, 0);
  const st = await runMamoriChild(["schedule", "status", "--root", img, "--lang", "en"], {
    timeoutMs: 20_000,
  });
  assert.equal(st.signal, null, "status hung on the FIFO");
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /No mamori schedule is installed/);
  const inst = await runMamoriChild(
    ["schedule", "install", "--root", img, "--kind", "cron", "--lang", "en"],
    {
      timeoutMs: 20_000,
    },
  );
  assert.equal(inst.signal, null);
  assert.equal(inst.code, 2);
  assert.match(inst.stderr, /was not written by mamori; leaving it alone/);
  assert.equal(fs.lstatSync(path.join(img, "etc/cron.d/mamori")).isFIFO(), true);
});

test("on an image without links, schedule installs, removes and refuses exactly as before", async (t) => {
  const img = tempDir(t, "mamori-schedule-root-");
  fs.mkdirSync(path.join(img, "etc/systemd/system"), { recursive: true });
  const inst = await runMamoriChild(["schedule", "install", "--root", img, "--lang", "en"]);
  assert.equal(inst.code, 0, inst.stderr);
  for (const f of ["mamori.service", "mamori.timer"]) {
    const st = fs.statSync(path.join(img, "etc/systemd/system", f));
    assert.equal(st.mode & 0o777, 0o644, f);
  }
  const rm = await runMamoriChild(["schedule", "remove", "--root", img, "--lang", "en"]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(
    rm.stdout,
    /Removed \/etc\/systemd\/system\/mamori\.service, \/etc\/systemd\/system\/mamori\.timer\./,
  );
  assert.deepEqual(fs.readdirSync(path.join(img, "etc/systemd/system")), []);
});
