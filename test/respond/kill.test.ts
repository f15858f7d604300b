import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { liveKillAction } from "../../src/respond/kill.ts";
import { respond, restore } from "../../src/respond/run.ts";
import { listEntries, sha256 } from "../../src/respond/store.ts";
import type { Action } from "../../src/respond/types.ts";
import { tempDir } from "../helpers/tmp.ts";

const NOW = () => new Date("2026-11-25T12:00:00Z");
// Refusals never touch the quarantine; the one kill that happens gets its own directory.
const opts = { root: "/", quarantineDir: "/nonexistent/mamori-q", apply: true, now: NOW };

function child(t: { after: (fn: () => void) => void }): ChildProcess {
  const c = spawn("sleep", ["30"], { stdio: "ignore" });
  t.after(() => {
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });
  return c;
}

/** What a report records for a running process: exe and start time from /proc. */
function record(pid: number): Extract<Action, { kind: "kill" }> {
  const a = liveKillAction(pid);
  assert.ok(a, `pid ${pid} is running`);
  return a;
}

function alive(c: ChildProcess): boolean {
  return (
    c.exitCode === null &&
    c.signalCode === null &&
    (() => {
      try {
        process.kill(c.pid as number, 0);
        return true;
      } catch {
        return false;
      }
    })()
  );
}

test("a pid whose start time differs from the report is never killed", async (t) => {
  const c = child(t);
  await once(c, "spawn");
  const rec = record(c.pid as number);
  // A report that only has the ISO start time (no clock ticks) is checked too.
  const reused = {
    ...rec,
    startTicks: undefined,
    startTime: new Date(Date.parse(rec.startTime as string) - 3600_000).toISOString(),
  };
  const [r] = respond([reused], opts);
  assert.deepEqual([r?.status, r?.reason], ["refused", "pid-reused"]);
  assert.ok(alive(c));
});

test("a pid that now runs another program is never killed", async (t) => {
  const c = child(t);
  await once(c, "spawn");
  const [r] = respond([{ ...record(c.pid as number), exe: "/tmp/kdevtmpfsi" }], opts);
  assert.deepEqual([r?.status, r?.reason], ["refused", "pid-reused"]);
  assert.ok(alive(c));
});

test("a recorded process that ended, and its pid given to a new one, is left alone", async (t) => {
  const first = child(t);
  await once(first, "spawn");
  const rec = record(first.pid as number);
  first.kill("SIGKILL");
  await once(first, "exit");
  // Let the clock tick (10 ms) so the new process has a different start time, as a reused pid would.
  await new Promise((r) => setTimeout(r, 50));
  const second = child(t);
  await once(second, "spawn");
  // Whichever pid the new child got, the record points at the old process: gone or reused, never killed.
  const [r] = respond([{ ...rec, pid: second.pid as number }], opts);
  assert.equal(r?.status, "refused");
  assert.ok(["pid-reused", "pid-gone"].includes(r?.reason as string), r?.reason);
  assert.ok(alive(second));
});

test("without a start time in the report, or on a --root that is not this machine, nothing is killed", async (t) => {
  const c = child(t);
  await once(c, "spawn");
  const rec = record(c.pid as number);
  const [a] = respond([{ ...rec, startTime: undefined, startTicks: undefined }], opts);
  assert.deepEqual([a?.status, a?.reason], ["refused", "no-start-time"]);
  const [b] = respond([rec], { ...opts, root: "/tmp" });
  assert.deepEqual([b?.status, b?.reason], ["refused", "not-live"]);
  assert.ok(alive(c));
});

test("the process the report saw is killed after its program is kept as evidence; the dry run only says so", async (t) => {
  const c = child(t);
  await once(c, "spawn");
  const rec = record(c.pid as number);
  const q = path.join(tempDir(t), "q");
  const [dry] = respond([rec], { ...opts, quarantineDir: q, apply: false });
  assert.equal(dry?.status, "planned");
  assert.ok(alive(c));
  const exited = once(c, "exit");
  const [r] = respond([rec], { ...opts, quarantineDir: q });
  assert.equal(r?.status, "done");
  const [, signal] = await exited;
  assert.equal(signal, "SIGKILL");
  const [e] = listEntries(q);
  assert.equal(e?.status, "evidence");
  assert.equal(e?.manifest.id, r?.evidenceId);
  assert.equal(e?.manifest.sha256, sha256(fs.readFileSync(rec.exe as string)));
  assert.equal(fs.readFileSync(path.join(q, e?.manifest.id as string, "cmdline"), "utf8"), "sleep\x0030\x00");
  assert.throws(
    () => restore(e?.manifest.id as string, { quarantineDir: q, now: NOW }),
    /evidence|quarantine/,
  );
});
