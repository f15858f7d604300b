import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { readLogs } from "../../src/audit/logs.ts";
import { ScanWorker } from "../../src/collect/logs/parallel.ts";
import { scanStreamParallel, streamPieces } from "../../src/collect/logs/parallel-stream.ts";
import { type FileScan, scanStream } from "../../src/collect/logs/scan.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { loadRules } from "../../src/rules/logs.ts";

/** A combined log with an attack every 97 lines, and (with `long`) a line of `long` bytes at line 1500. */
function logText(lines: number, long = 0): string {
  let s = "";
  for (let i = 0; i < lines; i++) {
    const req =
      i === 1500 && long > 0
        ? `GET /${"a".repeat(long)}`
        : i % 97 === 0
          ? "GET /cgi-bin/.%2e/.%2e/etc/passwd"
          : `GET /page/${i}.html?q=${i % 7}`;
    s += `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(i % 60).padStart(2, "0")}:07 +0000] "${req} HTTP/1.1" ${i % 97 === 0 ? 403 : 200} ${i} "-" "x"\n`;
  }
  return s;
}

/** `text` as a pipe gives it: chunks of uneven sizes. */
function piped(text: string): Readable {
  const b = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < b.length; k++) {
    const n = [65536, 4096, 100_003, 17][k % 4] as number;
    chunks.push(b.subarray(at, at + n));
    at += n;
  }
  return Readable.from(chunks);
}

/** `text` piped to `mamori logs -` in one pass and read by two threads in small segments. */
async function stdinOneAndTwo(
  text: string,
  extra: { format?: import("../../src/collect/logs/engine/format.ts").AccessFormat } = {},
) {
  const rules = loadRules();
  const inputs = [{ path: "-", display: "-" }];
  const fs = new RootFs("/");
  const one = await readLogs(fs, inputs, { rules, ...extra, stdin: piped(text), parallel: false });
  const two = await readLogs(fs, inputs, {
    rules,
    ...extra,
    stdin: piped(text),
    parallelMinBytes: 1,
    segmentBytes: 30_000,
  });
  return { one, two };
}

test("standard input cut into segments: whole lines, every byte once, a too-long line dropped as it comes", async () => {
  const text = logText(3000, 250_000);
  const pieces: Array<{ start: number; bytes?: Buffer; dropped?: number; ended?: boolean }> = [];
  for await (const p of streamPieces(piped(text), 20_000, 30_000)) pieces.push(p);
  let at = 0;
  let dropped = 0;
  for (const p of pieces) {
    assert.equal(p.start, at, "pieces follow each other");
    if (p.bytes) {
      assert.ok(p.bytes.length <= 20_000 + 100_003, `a segment of ${p.bytes.length} bytes`);
      assert.equal(p.bytes.at(-1), 10, "a segment ends with its last line's newline");
      assert.equal(p.bytes.toString(), text.slice(at, at + p.bytes.length));
      at += p.bytes.length;
    } else {
      dropped++;
      assert.equal(p.ended, true);
      assert.ok(text.slice(p.start, p.start + (p.dropped as number)).includes("a".repeat(30_000)));
      at += p.dropped as number;
    }
  }
  assert.equal(at, Buffer.byteLength(text));
  assert.equal(dropped, 1);
  // A stream that ends inside a too-long line: dropped, and said to have no newline.
  const tail: Array<{ start: number; bytes?: Buffer; dropped?: number; ended?: boolean }> = [];
  for await (const p of streamPieces(
    Readable.from([Buffer.from(`x\n${"b".repeat(40_000)}`)]),
    10_000,
    30_000,
  ))
    tail.push(p);
  assert.deepEqual(tail.at(-1), { start: 2, dropped: 40_000, ended: false, first: "b".charCodeAt(0) });
});

test("standard input read by two threads gives the facts of one pass, a too-long line included", async () => {
  // A line over the scanner's 1 MB bound: one pass skips it, and so must the segments.
  const text = logText(4000, 1_200_000);
  const { one, two } = await stdinOneAndTwo(text);
  assert.equal(one.files[0]?.lines, 4000);
  assert.equal(two.files[0]?.lines, 4000);
  assert.equal(two.files[0]?.bytes, Buffer.byteLength(text));
  assert.deepEqual(two.files[0]?.skipped, one.files[0]?.skipped);
  assert.equal(one.files[0]?.skipped["too-long"], 1);
  assert.equal(one.events.length, 42);
  assert.deepEqual(two.events, one.events);
});

test("segments the worker held when it failed are read on this thread: nothing is lost", async () => {
  const rules = loadRules();
  const text = logText(3000);
  const one = await scanStream([Buffer.from(text)], "-", { rules, scenarios: [] });
  let given = 0;
  let worker: ScanWorker | undefined;
  const start = () => {
    worker = new ScanWorker();
    const w = worker;
    const scanSegment = w.scanSegment.bind(w);
    // The worker ends while it holds its second segment.
    w.scanSegment = (...a) => {
      const p = scanSegment(...a);
      if (++given === 2) w.close();
      return p;
    };
    return w;
  };
  // The worker is wanted from the first byte: wait until it is ready before the stream flows.
  let ready!: () => void;
  const readyNow = new Promise<void>((r) => {
    ready = r;
  });
  async function* slowly(): AsyncGenerator<Buffer> {
    const b = Buffer.from(text);
    let first = true;
    for (let at = 0; at < b.length; at += 8192) {
      yield b.subarray(at, at + 8192);
      if (first && worker) {
        first = false;
        while (!worker.ready) await new Promise((r) => setTimeout(r, 10));
        ready();
      }
    }
  }
  const scan: FileScan = await scanStreamParallel(slowly(), "-", { rules, scenarios: [] }, start, 10_000, 0);
  await readyNow;
  worker?.close();
  assert.ok(given >= 2, `the worker was given ${given} segments`);
  assert.equal(scan.lines, 3000);
  assert.deepEqual(
    scan.matches.map((m) => [m.entry.line, m.ruleId]),
    one.matches.map((m) => [m.entry.line, m.ruleId]),
  );
  assert.equal(scan.tallies.length, one.tallies.length);
});

test("a read of standard input that fails keeps what came before it and says so, at the line one pass says", async () => {
  const rules = loadRules();
  const text = logText(3000);
  // Ending after a whole line, and inside one.
  for (const cut of [text.lastIndexOf("\n", 200_000) + 1, 200_000]) {
    const failing = () =>
      Readable.from(
        (async function* () {
          yield Buffer.from(text.slice(0, 100_000));
          yield Buffer.from(text.slice(100_000, cut));
          throw Object.assign(new Error("input/output error"), { code: "EIO" });
        })(),
      );
    const one = await scanStream(failing(), "-", { rules, scenarios: [] });
    assert.equal(one.skipped["read-error"], 1);
    for (const segment of [1 << 20, 30_000]) {
      const scan = await scanStreamParallel(
        failing(),
        "-",
        { rules, scenarios: [] },
        () => undefined,
        segment,
      );
      assert.equal(scan.lines, one.lines, `segments of ${segment}`);
      assert.equal(scan.matches.length, one.matches.length);
      assert.deepEqual(scan.skipped, one.skipped);
      assert.deepEqual(scan.warnings.at(-1), one.warnings.at(-1));
    }
  }
});

test("the format is decided once from the first lines, as one pass decides it, whatever follows", async () => {
  // A container's start-up chatter before its access lines: one pass reads the first lines, finds no
  // format, and says so for the whole input; segments must not find one further on.
  let chatter = "";
  for (let i = 0; i < 60; i++)
    chatter += `AH00558: httpd: Could not reliably determine the server's name ${i}\n`;
  const text = chatter + logText(4000);
  const { one, two } = await stdinOneAndTwo(text);
  assert.equal(one.files[0]?.format, "unknown");
  assert.equal(two.files[0]?.format, one.files[0]?.format);
  assert.deepEqual(two.files[0]?.skipped, one.files[0]?.skipped);
  // A format given that reads the lines: kept, and said to be given, even when the input starts with a
  // line too long to read.
  const { formatFromOption } = await import("../../src/collect/logs/engine/format.ts");
  const long = `${"x".repeat(1_100_000)}\n${logText(3000)}`;
  const { one: optOne, two: opt } = await stdinOneAndTwo(long, { format: formatFromOption("combined") });
  assert.equal(opt.files[0]?.formatSource, "option");
  assert.equal(optOne.files[0]?.formatSource, "option");
  assert.deepEqual(opt.events, optOne.events);
});

test("a file read in segments decides its format once too", async (t) => {
  const { writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tempDir } = await import("../helpers/tmp.ts");
  const rules = loadRules();
  let chatter = "";
  for (let i = 0; i < 60; i++) chatter += `starting worker ${i}\n`;
  const f = join(tempDir(t), "access.log");
  writeFileSync(f, chatter + logText(4000));
  const inputs = [{ path: f, display: f }];
  const fs = new RootFs("/");
  const one = await readLogs(fs, inputs, { rules, parallel: false });
  const two = await readLogs(fs, inputs, { rules, parallelMinBytes: 1, segmentBytes: 30_000 });
  assert.equal(one.files[0]?.format, "unknown");
  assert.equal(two.files[0]?.format, "unknown");
  assert.deepEqual(two.files[0]?.skipped, one.files[0]?.skipped);
});

test("a worker that has ended is not given segments: the input is read here, no wait for answers that never come", async (t) => {
  const rules = loadRules();
  const w = new ScanWorker();
  t.after(() => w.close());
  while (!w.ready) await new Promise((r) => setTimeout(r, 10));
  // A job that fails ends the thread (worker.ts): here one with no rules.
  const broken = { fd: -1, display: "x", bounds: [0, 10] } as unknown as Parameters<typeof w.run>[0];
  await assert.rejects(w.run(broken));
  assert.equal(w.usable, false);
  await assert.rejects(w.scanSegment(1, { n: 0, start: 0, bytes: Buffer.from("x\n") }));
  const text = logText(2000);
  const one = await scanStream([Buffer.from(text)], "-", { rules, scenarios: [] });
  let timer: NodeJS.Timeout | undefined;
  const scan = await Promise.race([
    scanStreamParallel(piped(text), "-", { rules, scenarios: [] }, () => w, 10_000, 0),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("hung")), 20_000);
    }),
  ]);
  clearTimeout(timer);
  assert.equal(scan.lines, one.lines);
  assert.equal(scan.matches.length, one.matches.length);
});

test("the worker reads a stream's segments with the same line bound as this thread", async () => {
  const rules = loadRules();
  const text = logText(3000, 40_000);
  const one = await scanStream([Buffer.from(text)], "-", { rules, scenarios: [], maxLine: 30_000 });
  assert.equal(one.skipped["too-long"], 1);
  const w = new ScanWorker();
  while (!w.ready) await new Promise((r) => setTimeout(r, 10));
  try {
    let given = 0;
    const scanSegment = w.scanSegment.bind(w);
    w.scanSegment = (...a) => {
      given++;
      return scanSegment(...a);
    };
    // Big segments hold the 40 KB line whole, so it is the scan's bound that skips it, wherever it is read.
    const scan = await scanStreamParallel(
      piped(text),
      "-",
      { rules, scenarios: [], maxLine: 30_000 },
      () => w,
      200_000,
      0,
    );
    assert.ok(given > 0);
    assert.equal(scan.lines, one.lines);
    assert.deepEqual(scan.skipped, one.skipped);
    assert.deepEqual(
      scan.matches.map((m) => [m.entry.line, m.ruleId]),
      one.matches.map((m) => [m.entry.line, m.ruleId]),
    );
  } finally {
    w.close();
  }
});
