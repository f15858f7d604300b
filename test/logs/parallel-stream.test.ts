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
  assert.deepEqual(tail.at(-1), { start: 2, dropped: 40_000, ended: false });
});

test("standard input read by two threads gives the facts of one pass, a too-long line included", async () => {
  const rules = loadRules();
  // A line over the scanner's 1 MB bound: one pass skips it, and so must the segments.
  const text = logText(4000, 1_200_000);
  const inputs = [{ path: "-", display: "-" }];
  const fs = new RootFs("/");
  const one = await readLogs(fs, inputs, { rules, stdin: piped(text), parallel: false });
  const two = await readLogs(fs, inputs, {
    rules,
    stdin: piped(text),
    parallelMinBytes: 1,
    segmentBytes: 30_000,
  });
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

test("a read of standard input that fails keeps what came before it and says so", async () => {
  const rules = loadRules();
  const text = logText(3000);
  const cut = text.lastIndexOf("\n", 200_000) + 1;
  const failing = () =>
    Readable.from(
      (async function* () {
        yield Buffer.from(text.slice(0, 100_000));
        yield Buffer.from(text.slice(100_000, cut));
        throw Object.assign(new Error("input/output error"), { code: "EIO" });
      })(),
    );
  const whole = await scanStream([Buffer.from(text.slice(0, cut))], "-", { rules, scenarios: [] });
  for (const segment of [1 << 20, 30_000]) {
    const scan = await scanStreamParallel(failing(), "-", { rules, scenarios: [] }, () => undefined, segment);
    assert.equal(scan.lines, whole.lines, `segments of ${segment}`);
    assert.equal(scan.matches.length, whole.matches.length);
    assert.equal(scan.skipped["read-error"], 1);
    assert.deepEqual(scan.warnings.at(-1), { line: whole.lines + 1, reason: "read-error", detail: "EIO" });
  }
});
