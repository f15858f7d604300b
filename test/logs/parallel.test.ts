import assert from "node:assert/strict";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readLogs as runLogs } from "../../src/audit/logs.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { tempDir } from "../helpers/tmp.ts";

test("two threads give the same lines, events and line numbers as one", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  let s = "";
  for (let i = 0; i < 3000; i++) {
    const req = i % 97 === 0 ? "GET /cgi-bin/.%2e/.%2e/etc/passwd" : `GET /page/${i}.html`;
    s += `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(i % 60).padStart(2, "0")}:07 +0000] "${req} HTTP/1.1" 200 ${i} "-" "x"\n`;
  }
  writeFileSync(f, s);
  const fs = new RootFs("/");
  const rules = loadRules();
  const inputs = [{ path: f, display: f }];
  const one = await runLogs(fs, inputs, { rules, parallel: false });
  const two = await runLogs(fs, inputs, { rules, parallelMinBytes: 1, segmentBytes: 10_000 });
  assert.equal(two.files[0]?.lines, 3000);
  assert.equal(one.files[0]?.lines, 3000);
  assert.deepEqual(
    two.events.map((e) => e.line),
    one.events.map((e) => e.line),
  );
  assert.deepEqual(two.events, one.events);
  assert.equal(one.events.length, 31);
  // Reading only the end of the file (the audit's bound) starts inside a line in both cases.
  const tailOne = await runLogs(fs, inputs, { rules, parallel: false, tailBytes: 150_000 });
  const tailTwo = await runLogs(fs, inputs, {
    rules,
    parallelMinBytes: 1,
    segmentBytes: 7_000,
    tailBytes: 150_000,
  });
  assert.equal(tailTwo.files[0]?.lines, tailOne.files[0]?.lines);
  assert.deepEqual(tailTwo.events, tailOne.events);
  assert.ok(tailOne.events.length > 5);
  assert.equal(Math.min(...one.events.map((e) => e.line).filter((l) => l > 1)), 98);
});

test("the JSON lists at most maxEvents events, successes first, but findings count them all", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  let s = "";
  for (let i = 0; i < 30; i++)
    s += `203.0.113.1 - - [12/Mar/2024:03:00:${String(i).padStart(2, "0")} +0000] "GET /cgi-bin/.%2e/.%2e/etc/passwd HTTP/1.1" 403 199 "-" "x"\n`;
  s += `203.0.113.2 - - [12/Mar/2024:04:00:00 +0000] "POST /cgi-bin/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 200 7 "-" "x"\n`;
  writeFileSync(f, s);
  const { judgedSection: logsSection } = await import("../../src/audit/logs.ts");
  const facts = await runLogs(new RootFs("/"), [{ path: f, display: f }], {
    rules: loadRules(),
    maxEvents: 5,
  });
  const section = logsSection(facts);
  assert.equal(section.events.length, 5);
  assert.equal(section.eventsTotal, 31);
  assert.ok(section.events.some((e) => e.outcome === "succeeded"));
  assert.equal(section.attackers.find((a) => a.ip === "203.0.113.1")?.requests, 30);
});

test("a gzip file read in segments by both threads gives the result of one pass, truncation included", async (t) => {
  const dir = tempDir(t);
  const { gzipSync } = await import("node:zlib");
  let s = "";
  for (let i = 0; i < 6000; i++) {
    const req = i % 3 === 0 ? "GET /cgi-bin/.%2e/.%2e/etc/passwd" : `GET /page/${i}.html`;
    s += `203.0.113.${i % 50} - - [12/Mar/2024:03:${String(i % 60).padStart(2, "0")}:00 +0000] "${req} HTTP/1.1" ${i % 3 === 0 ? 403 : 200} ${i} "-" "x"\n`;
  }
  const full = gzipSync(s);
  writeFileSync(join(dir, "a.log.gz"), full.subarray(0, full.length - 100));
  const inputs = [{ path: join(dir, "a.log.gz"), display: "a.log.gz" }];
  const here = await runLogs(new RootFs("/"), inputs, { rules: loadRules(), parallel: false });
  const there = await runLogs(new RootFs("/"), inputs, {
    rules: loadRules(),
    gzipWorkerMinBytes: 1,
    segmentBytes: 20_000,
  });
  assert.ok((here.files[0]?.lines ?? 0) > 5000);
  assert.equal(there.files[0]?.lines, here.files[0]?.lines);
  assert.deepEqual(there.files[0]?.skipped, here.files[0]?.skipped);
  assert.equal(there.files[0]?.skipped["truncated-gzip"], 1);
  assert.deepEqual(there.files[0]?.warnings.at(-1), here.files[0]?.warnings.at(-1));
  // 2000 attack lines from 50 clients: some kept as lines, the rest counted in tallies (bounded memory).
  const lines = (j: typeof here) => j.events.reduce((n, e) => n + (e.count ?? 1), 0);
  assert.deepEqual(there.events, here.events);
  assert.ok(lines(there) > 1900);
});

test("segments scanned by the worker thread join into the scan of one pass", async (t) => {
  const { ScanWorker, segmentBounds, SegmentJoin, WORKER_AHEAD } = await import(
    "../../src/collect/logs/parallel.ts"
  );
  const { scanStream } = await import("../../src/collect/logs/scan.ts");
  const { plainChunks } = await import("../../src/collect/logs/read.ts");
  const { specOf } = await import("../../src/rules/logs-compile.ts");
  const f = join(tempDir(t), "access.log");
  let s = "";
  for (let i = 0; i < 2000; i++) {
    const req = i % 89 === 0 ? "GET /cgi-bin/.%2e/.%2e/etc/passwd" : `GET /page/${i}.html`;
    s += `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(i % 60).padStart(2, "0")}:07 +0000] "${req} HTTP/1.1" 200 ${i} "-" "x"\n`;
  }
  writeFileSync(f, s);
  const rules = loadRules();
  const fd = openSync(f, "r");
  t.after(() => closeSync(fd));
  const bounds = segmentBounds(fd, 0, s.length, 5000);
  assert.ok(bounds.length > 10);
  const worker = new ScanWorker();
  try {
    // The main thread takes no segment here: the worker takes them all, sending each as it is read.
    // It waits while more than WORKER_AHEAD taken segments are not joined: joined late here, one every
    // 20 ms, it never runs further ahead, and it still sends every segment.
    const join = new SegmentJoin();
    const next = new Int32Array(new SharedArrayBuffer(8));
    let sent = 0;
    let furthest = 0;
    const queue: Array<[number, import("../../src/collect/logs/scan.ts").FileScan]> = [];
    const joining = setInterval(() => {
      const part = queue.shift();
      if (!part) return;
      join.add(...part);
      Atomics.store(next, 1, join.joinedCount);
      Atomics.notify(next, 1);
    }, 20);
    const last = await worker.run(
      { rules: rules.map(specOf), fd, display: f, bounds, next: next.buffer as SharedArrayBuffer },
      (i, scan) => {
        sent++;
        furthest = Math.max(furthest, Math.min(Atomics.load(next, 0), bounds.length - 1) - join.joinedCount);
        queue.push([i, scan]);
      },
    );
    while (queue.length > 0) await new Promise((r) => setTimeout(r, 20));
    clearInterval(joining);
    assert.equal(last.done, true);
    assert.equal(sent, bounds.length - 1);
    assert.ok(furthest <= WORKER_AHEAD + 1, `worker ran ${furthest} segments ahead of the join`);
    assert.ok(furthest >= WORKER_AHEAD, `the join never fell behind (${furthest}): the bound was not tested`);
    const joined = join.result();
    const one = await scanStream(plainChunks(f), f, { rules });
    assert.equal(joined.lines, 2000);
    assert.equal(joined.lines, one.lines);
    assert.deepEqual(
      joined.matches.map((m) => [m.entry.line, m.ruleId]),
      one.matches.map((m) => [m.entry.line, m.ruleId]),
    );
  } finally {
    worker.close();
  }
});
