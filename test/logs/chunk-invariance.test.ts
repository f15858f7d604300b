/**
 * The same bytes give the same facts however they are cut: into read blocks of any size (a pipe's
 * reads, gzip's inflated pieces) or into segments two threads read. Each input holds an edge a
 * differential fuzzer found where the cut changed the result.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readLogs } from "../../src/audit/logs.ts";
import { scanStreamParallel } from "../../src/collect/logs/parallel-stream.ts";
import { type FileScan, scanStream } from "../../src/collect/logs/scan.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { loadScenarios } from "../../src/rules/logs-behaviour.ts";
import { tempDir } from "../helpers/tmp.ts";

const rules = loadRules();
const scenarios = loadScenarios();
const MAX_LINE = 1 << 20;

/** What the facts say, line numbers included (a too-long line's detail says how much was read: left out). */
function facts(s: FileScan) {
  return {
    lines: s.lines,
    bytes: s.bytes,
    parsed: s.parsed,
    skipped: s.skipped,
    warnings: s.warnings.map((w) => [w.line, w.reason, w.reason === "too-long" ? "" : w.detail]),
    samples: s.samples.map((x) => `${x.status}|${x.size}|${x.uri}`),
    matches: s.matches.map((m) => `${m.entry.line}|${m.ruleId}`).sort(),
    tallies: s.tallies.map((t) => `${t.entry.line}|${t.key}|${t.count}`).sort(),
    // In line order however they were found (scan.ts sorts them).
    cgiErrors: s.cgiErrors.map((e) => `${e.line}|${e.time?.toISOString()}|${e.message}`),
  };
}

function cut(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < b.length; at += size) out.push(b.subarray(at, at + size));
  return out;
}

/** `text` written to a file `name`, and a reader of it: readLogs with these options. */
function asFile(t: { after: (fn: () => void) => void }, name: string, text: string) {
  const f = join(tempDir(t), name);
  writeFileSync(f, text);
  const inputs = [{ path: f, display: f }];
  const fs = new RootFs("/");
  return (o: Omit<Parameters<typeof readLogs>[2], "rules"> = {}) => readLogs(fs, inputs, { rules, ...o });
}

async function sameWhateverTheCut(text: string, blocks: number[], segments: number[]) {
  const b = Buffer.from(text);
  const whole = facts(await scanStream([b], "x", { rules, scenarios }));
  for (const size of blocks)
    assert.deepEqual(
      facts(await scanStream(cut(b, size), "x", { rules, scenarios })),
      whole,
      `blocks of ${size}`,
    );
  for (const seg of segments) {
    const scan = await scanStreamParallel(
      cut(b, 4096),
      "x",
      { rules, scenarios },
      () => undefined,
      seg,
      1e15,
    );
    assert.deepEqual(facts(scan), whole, `segments of ${seg}`);
  }
  return whole;
}

const access = (i: number, req = `GET /page/${i}.html`) =>
  `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(i % 60).padStart(2, "0")}:07 +0000] "${req} HTTP/1.1" 200 ${100 + i} "-" "x"\n`;

test("an error line that is both a match and a CGI line keeps its line number when segments are joined", async () => {
  let text = "";
  for (let i = 0; i < 40; i++)
    text += `[Fri Dec 04 14:49:28.${String(485526 + i).padStart(6, "0")} 2026] [cgid:error] [pid 1:tid 1] [client 127.66.1.26:48020] AH01215: info line ${i}\n`;
  text += `[Fri Dec 04 14:49:29.491042 2026] [cgid:error] [pid 16510:tid 1] (13)Permission denied: AH01241: exec of '/etc/passwd' failed\n`;
  text += `[Fri Dec 04 14:49:29.491100 2026] [cgid:error] [pid 16510:tid 1] [client 127.66.1.27:48021] End of script output before headers: sh\n`;
  const whole = await sameWhateverTheCut(text, [100, 997], [1000, 2500]);
  assert.ok(
    whole.matches.some((m) => m.startsWith("41|")),
    JSON.stringify(whole.matches),
  );
  assert.ok(whole.cgiErrors.some((e) => e.startsWith("41|")));
});

test("a line over the line bound is counted once, with its line number, however the blocks fall", async () => {
  let text = "";
  for (let i = 0; i < 60; i++)
    text += access(i, i % 9 === 0 ? "GET /cgi-bin/.%2e/.%2e/etc/passwd" : undefined);
  text += access(60, `GET /q?a=${"x".repeat(1_500_000)}`);
  for (let i = 61; i < 120; i++) text += access(i);
  const whole = await sameWhateverTheCut(text, [65536, 1 << 20, 3 << 20], [8192, 1 << 20]);
  assert.equal(whole.skipped["too-long"], 1);
  assert.deepEqual(
    whole.warnings.find((w) => w[1] === "too-long"),
    [61, "too-long", ""],
  );
});

test("a line exactly at the line bound, ended by CRLF, is read whether or not a block ends between CR and LF", async () => {
  const head = access(0).replace("\n", "\r\n");
  const start = `203.0.113.9 - - [12/Mar/2024:03:00:09 +0000] "GET /cgi-bin/.%2e/.%2e/etc/passwd?a=`;
  const end = ` HTTP/1.1" 403 5 "-" "x"`;
  const line = start + "x".repeat(MAX_LINE - start.length - end.length) + end;
  assert.equal(line.length, MAX_LINE);
  const text = `${head}${line}\r\n${access(2).replace("\n", "\r\n")}`;
  const b = Buffer.from(text);
  const cr = b.indexOf(13, head.length);
  const whole = facts(await scanStream([b], "x", { rules, scenarios }));
  assert.equal(whole.skipped["too-long"], undefined);
  assert.ok(
    whole.matches.some((m) => m.startsWith("2|")),
    JSON.stringify(whole.matches),
  );
  // Cut just after the CR of the long line.
  const split = facts(
    await scanStream([b.subarray(0, cr + 1), b.subarray(cr + 1)], "x", { rules, scenarios }),
  );
  assert.deepEqual(split, whole);
  const seg = await scanStreamParallel(
    [b.subarray(0, cr + 1), b.subarray(cr + 1)],
    "x",
    { rules, scenarios },
    () => undefined,
    1000,
    1e15,
  );
  assert.deepEqual(facts(seg), whole);
});

test("a file read in segments finds its format past a first line longer than 64 KB", async (t) => {
  let text = access(0, `GET /q?a=${"y".repeat(70_000)}`);
  for (let i = 1; i < 3000; i++)
    text += access(i, i % 50 === 0 ? "GET /cgi-bin/.%2e/.%2e/etc/passwd" : undefined);
  const read = asFile(t, "access.log", text);
  const one = await read({ parallel: false });
  const two = await read({ parallelMinBytes: 1, segmentBytes: 50_000 });
  assert.equal(one.files[0]?.format, "combined");
  assert.equal(two.files[0]?.format, "combined");
  assert.deepEqual(two.files[0]?.skipped, one.files[0]?.skipped);
  assert.deepEqual(two.events, one.events);
});

test("a shell's stderr line takes its time from the line before it and keeps the client line after it across a block's edge", async () => {
  const line = (t: string, rest: string) =>
    `[Fri Dec 04 14:49:${t} 2026] [cgid:error] [pid 1:tid 2] ${rest}\n`;
  let text = "";
  for (let i = 0; i < 3; i++)
    text += line(
      "29.700000",
      "[client 127.66.1.100:5000] AH01264: script not found or unable to stat: /srv/lab/x",
    );
  const before = line(
    "29.759721",
    "[client 127.66.1.104:54346] AH10244: invalid URI path (/cgi-bin/%2E./%2E./bin/sh)",
  );
  const stderr = "/bin/sh: 1: /usr/bin/missing-tool: not found\n";
  const after = line(
    "29.884109",
    "[client 127.66.1.116:48498] AH01264: script not found or unable to stat: /srv/lab/bin",
  );
  const b = Buffer.from(text + before + stderr + after);
  const whole = facts(await scanStream([b], "x", { rules, scenarios }));
  assert.deepEqual(whole.cgiErrors.slice(-2), [
    "5|2026-12-04T14:49:29.759Z|/bin/sh: 1: /usr/bin/missing-tool: not found",
    "6|2026-12-04T14:49:29.884Z|AH01264: script not found or unable to stat: /srv/lab/bin",
  ]);
  const edges = [text.length + before.length, text.length + before.length + stderr.length];
  const blocks = [b.subarray(0, edges[0]), b.subarray(edges[0], edges[1]), b.subarray(edges[1])];
  const cutScan = await scanStream(blocks, "x", { rules, scenarios });
  assert.deepEqual(facts(cutScan), whole);
  assert.equal(cutScan.cgiErrors.at(-2)?.time?.toISOString(), "2026-12-04T14:49:29.759Z");
});

test("the time range is bounded by the first and last lines of the whole log, not of each block or segment", async () => {
  // Requests are logged when they end: a line can be stamped earlier than the one before it.
  const at = (m: number, s: number, i: number) =>
    `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")} +0000] "GET /page/${i}.html HTTP/1.1" 200 ${100 + i} "-" "x"\n`;
  let text = "";
  for (let i = 0; i < 60; i++) text += at(0, i, i);
  const late = at(2, 0, 60);
  const earlier = at(1, 1, 61);
  text += late + earlier;
  for (let i = 62; i < 100; i++) text += at(1, 2, i);
  const b = Buffer.from(text);
  const edge = b.indexOf(earlier);
  const range = (s: FileScan) => [s.firstTime, s.lastTime];
  const whole = range(await scanStream([b], "x", { rules, scenarios }));
  assert.deepEqual(whole, ["2024-03-12T03:00:00.000Z", "2024-03-12T03:01:02.000Z"]);
  assert.deepEqual(
    range(await scanStream([b.subarray(0, edge), b.subarray(edge)], "x", { rules, scenarios })),
    whole,
  );
  for (const seg of [500, edge])
    assert.deepEqual(
      range(await scanStreamParallel(cut(b, 700), "x", { rules, scenarios }, () => undefined, seg, 1e15)),
      whole,
      `segments of ${seg}`,
    );
});

test("segments of an error log give a shell's stderr lines at their edges the time and client line one pass gives", async (t) => {
  const line = (i: number) =>
    `[Fri Dec 04 14:${String(10 + Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000100 2026] [cgid:error] [pid 1:tid 2] [client 127.66.${i % 7}.${i % 200}:5000] AH01264: script not found or unable to stat: /srv/x${i}\n`;
  let text = "";
  for (let i = 0; i < 400; i++) {
    text += line(i);
    if (i % 7 === 3) text += `/bin/sh: 1: tool${i}: not found\n`;
    if (i % 23 === 5) text += `/bin/sh: 1: a${i}: not found\n/bin/sh: 1: b${i}: not found\n`;
  }
  const whole = await sameWhateverTheCut(text, [333, 1000], [700, 1100, 1500, 2300, 4096]);
  assert.ok(whole.cgiErrors.length > 150, String(whole.cgiErrors.length));
  // A file read in segments by both threads, each reading the lines around its segment from the file.
  const read = asFile(t, "error.log", text);
  const one = await read({ parallel: false });
  for (const segmentBytes of [900, 2000]) {
    const two = await read({ parallelMinBytes: 1, segmentBytes });
    assert.deepEqual(two.events, one.events, `file segments of ${segmentBytes}`);
  }
});

const errLine = (sec: number, ip = 5, msg = "AH01264: script not found or unable to stat: /srv/x") =>
  `[Fri Dec 04 14:49:${String(sec).padStart(2, "0")}.000000 2026] [cgid:error] [pid 1:tid 2] [client 127.66.1.${ip}:5000] ${msg}\n`;
const stderrLine = (n: number) => `/bin/sh: 1: missing${n}: not found\n`;

test("a too-long line after a stderr line is a line to its look-ahead however it is read (it stops one that opens with '[')", async (t) => {
  const head = errLine(1).repeat(3) + stderrLine(1);
  for (const long of [
    `[Fri Dec 04 14:49:02.000000 2026] [core:error] [pid 1:tid 2] AH00000: ${"x".repeat(1_500_000)}\n`,
    `${"y".repeat(1_500_000)}\n`,
  ]) {
    const text =
      head + long + errLine(3, 77, "AH00126: Invalid URI in request GET /x") + errLine(4).repeat(3);
    const whole = await sameWhateverTheCut(text, [65536], [4096, 1 << 20]);
    // Kept only past a line that is no error line of its own, and then as the line it is (6, not 5).
    assert.equal(
      whole.cgiErrors.some((e) => e.startsWith("6|")),
      long.startsWith("y"),
      JSON.stringify(whole.cgiErrors),
    );
    const read = asFile(t, "error.log", text);
    const one = await read({ parallel: false });
    const two = await read({ parallelMinBytes: 1, segmentBytes: 4096 });
    assert.deepEqual(facts(two.scans[0] as FileScan), facts(one.scans[0] as FileScan));
  }
});

test("an empty line before a stderr line counts as a line to its look-back, at a block's edge too", async () => {
  let pre = errLine(1).repeat(3) + errLine(2, 9);
  for (let i = 0; i < 7; i++) pre += stderrLine(i);
  const text = `${pre}\n${stderrLine(99)}${errLine(4).repeat(3)}`;
  const b = Buffer.from(text);
  const whole = facts(await scanStream([b], "x", { rules, scenarios }));
  for (const blocks of [
    [b.subarray(0, pre.length), b.subarray(pre.length)],
    [b.subarray(0, pre.length), b.subarray(pre.length, pre.length + 1), b.subarray(pre.length + 1)],
  ])
    assert.deepEqual(facts(await scanStream(blocks, "x", { rules, scenarios })), whole);
  const seg = await scanStreamParallel(
    cut(b, pre.length),
    "x",
    { rules, scenarios },
    () => undefined,
    pre.length - 10,
    1e15,
  );
  assert.deepEqual(facts(seg), whole);
});

test("a log that begins or ends with a too-long line: that line is its edge, without a time, however it is read", async () => {
  const acc = (m: number, i: number, ua = "x") =>
    `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(m).padStart(2, "0")}:07 +0000] "GET /page/${i}.html HTTP/1.1" 200 ${100 + i} "-" "${ua}"\n`;
  const long = acc(30, 1, "L".repeat(1_200_000));
  let mid = "";
  for (let i = 0; i < 30; i++) mid += acc(10 + (i % 3), i + 2);
  for (const text of [long + acc(0, 99) + mid, mid + acc(59, 98) + long]) {
    const b = Buffer.from(text);
    const range = (s: FileScan) => [s.firstTime, s.lastTime];
    const whole = range(await scanStream([b], "x", { rules, scenarios }));
    assert.deepEqual(range(await scanStream(cut(b, 65536), "x", { rules, scenarios })), whole);
    assert.deepEqual(
      range(await scanStreamParallel(cut(b, 65536), "x", { rules, scenarios }, () => undefined, 4096, 1e15)),
      whole,
    );
  }
});

test("a tail read's segments give the lines before a stderr as one pass does, the dropped first fragment not among them", async (t) => {
  const L0 = errLine(1).repeat(20);
  const L1 = errLine(5, 9);
  const text = L0 + L1 + stderrLine(1) + stderrLine(2) + stderrLine(3) + errLine(7).repeat(3);
  const read = asFile(t, "error.log", text);
  for (const into of [0, 10]) {
    const tailBytes = text.length - L0.length - into;
    const one = await read({ parallel: false, tailBytes });
    const two = await read({ parallelMinBytes: 1, segmentBytes: L1.length + 5 - into, tailBytes });
    assert.deepEqual(
      facts(two.scans[0] as FileScan),
      facts(one.scans[0] as FileScan),
      `${into} bytes into a line`,
    );
  }
});
