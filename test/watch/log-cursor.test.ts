import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { RootFs } from "../../src/collect/rootfs.ts";
import type { CursorRecord } from "../../src/store/state.ts";
import { collectNewLines, readNewChunks } from "../../src/watch/log-cursor.ts";
import { tempDir } from "../helpers/tmp.ts";

const LOG = "/var/log/apache2/access.log";

function setup(t: Parameters<typeof tempDir>[0]) {
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "var/log/apache2"), { recursive: true });
  const host = (guest: string) => path.join(root, guest);
  let clock = 1_700_000_000;
  // Every write gets a later mtime, as it would on a real server (gzip keeps the source's mtime).
  const touch = (guest: string) => {
    clock += 10;
    fs.utimesSync(host(guest), clock, clock);
  };
  const append = (guest: string, s: string) => {
    fs.appendFileSync(host(guest), s);
    touch(guest);
  };
  const rfs = new RootFs(root);
  let cursor: CursorRecord | undefined;
  const read = async () => {
    const r = await collectNewLines(rfs, LOG, cursor);
    cursor = r.report.cursor;
    return r;
  };
  return { root, host, append, touch, read, cursor: () => cursor };
}

test("first read yields complete lines only; the partial line comes once it is finished", async (t) => {
  const s = setup(t);
  s.append(LOG, "a\nb\nc-part");
  let r = await s.read();
  assert.deepEqual(
    r.lines.map((l) => l.line),
    ["a", "b"],
  );
  assert.equal(r.report.event, "start");
  r = await s.read();
  assert.equal(r.lines.length, 0, "nothing new");
  s.append(LOG, "ial\r\nd\n");
  r = await s.read();
  assert.deepEqual(
    r.lines.map((l) => l.line),
    ["c-partial", "d"],
  );
  assert.equal(r.report.event, "continue");
  assert.equal(s.cursor()?.offset, fs.statSync(s.host(LOG)).size);
});

test("truncation (size below the offset) starts again at 0", async (t) => {
  const s = setup(t);
  s.append(LOG, "one\ntwo\nthree\n");
  await s.read();
  fs.truncateSync(s.host(LOG), 0);
  s.append(LOG, "four\n");
  const r = await s.read();
  assert.equal(r.report.event, "truncated");
  assert.deepEqual(
    r.lines.map((l) => l.line),
    ["four"],
  );
});

test("truncated and refilled past the old offset under the same inode is noticed by the head", async (t) => {
  const s = setup(t);
  s.append(LOG, "old1\nold2\n");
  await s.read();
  fs.writeFileSync(s.host(LOG), "NEW1\nNEW2\nNEW3\n");
  const r = await s.read();
  assert.equal(r.report.event, "truncated");
  assert.deepEqual(
    r.lines.map((l) => l.line),
    ["NEW1", "NEW2", "NEW3"],
  );
});

test("rotation: the old file is finished under its rotated name, then the new file from 0", async (t) => {
  const s = setup(t);
  s.append(LOG, "1\n2\n");
  await s.read();
  s.append(LOG, "3\n4-last-without-newline");
  fs.renameSync(s.host(LOG), s.host(`${LOG}.1`));
  s.append(LOG, "5\n");
  const r = await s.read();
  assert.equal(r.report.event, "rotated");
  assert.deepEqual(
    r.lines.map((l) => `${path.basename(l.file)}:${l.line}`),
    ["access.log.1:3", "access.log.1:4-last-without-newline", "access.log:5"],
  );
});

test("rotation then gzip (access.log.1 -> access.log.1.gz): the rest is read from the compressed file", async (t) => {
  const s = setup(t);
  s.append(LOG, "1\n2\n");
  await s.read();
  s.append(LOG, "3\n");
  const mtime = fs.statSync(s.host(LOG)).mtime;
  fs.renameSync(s.host(LOG), s.host(`${LOG}.1`));
  fs.writeFileSync(s.host(`${LOG}.1.gz`), gzipSync(fs.readFileSync(s.host(`${LOG}.1`))));
  fs.utimesSync(s.host(`${LOG}.1.gz`), mtime, mtime);
  fs.rmSync(s.host(`${LOG}.1`));
  s.append(LOG, "4\n");
  const r = await s.read();
  assert.equal(r.report.event, "rotated");
  assert.deepEqual(
    r.lines.map((l) => `${path.basename(l.file)}:${l.line}`),
    ["access.log.1.gz:3", "access.log:4"],
  );
});

test("copytruncate: the lines after the offset are read from the copy, then the truncated file", async (t) => {
  const s = setup(t);
  s.append(LOG, "1\n2\n");
  await s.read();
  s.append(LOG, "3\n");
  fs.copyFileSync(s.host(LOG), s.host(`${LOG}.1`));
  fs.truncateSync(s.host(LOG), 0);
  s.append(LOG, "4\n");
  const r = await s.read();
  assert.deepEqual(
    r.lines.map((l) => l.line),
    ["3", "4"],
  );
});

// A small deterministic PRNG, so a failure can be replayed.
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test("random appends, partial lines, rotations, compressions and reads: every line exactly once, in order", async (t) => {
  let totalRotations = 0;
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 42, 1234, 99999]) {
    const s = setup(t);
    const rnd = prng(seed);
    const written: string[] = [];
    const seen: string[] = [];
    let n = 0;
    let pending = "";
    let rotations = 0;
    // logrotate with compress + delaycompress: .N.gz -> .N+1.gz, .1 -> .2.gz; returns the path of .1
    const shiftOlder = (): string => {
      for (let k = 20; k >= 2; k--) {
        const from = s.host(`${LOG}.${k}.gz`);
        if (fs.existsSync(from)) fs.renameSync(from, s.host(`${LOG}.${k + 1}.gz`));
      }
      const one = s.host(`${LOG}.1`);
      if (fs.existsSync(one)) {
        const m = fs.statSync(one).mtime;
        fs.writeFileSync(s.host(`${LOG}.2.gz`), gzipSync(fs.readFileSync(one)));
        fs.utimesSync(s.host(`${LOG}.2.gz`), m, m);
        fs.rmSync(one);
      }
      return one;
    };
    const rotate = () => {
      const one = shiftOlder();
      if (fs.existsSync(s.host(LOG))) fs.renameSync(s.host(LOG), one);
      fs.writeFileSync(s.host(LOG), "");
      s.touch(LOG);
      rotations++;
    };
    const copytruncate = () => {
      const one = shiftOlder();
      fs.copyFileSync(s.host(LOG), one);
      s.touch(`${LOG}.1`);
      fs.truncateSync(s.host(LOG), 0);
      s.touch(LOG);
      rotations++;
    };
    s.append(LOG, "");
    await s.read(); // the cursor starts at the (empty) log: what was there before watching is not "new"
    for (let step = 0; step < 60; step++) {
      const r = rnd();
      if (r < 0.55) {
        const count = 1 + Math.floor(rnd() * 4);
        let chunk = pending;
        pending = "";
        for (let i = 0; i < count; i++) {
          const line = `s${seed}-line-${n++}-${"x".repeat(Math.floor(rnd() * 50))}`;
          written.push(line);
          chunk += `${line}\n`;
        }
        if (rnd() < 0.3) {
          // half a line now, the rest with the next append (Apache writes whole lines, but readers can race)
          const line = `s${seed}-line-${n++}`;
          written.push(line);
          const cut = 1 + Math.floor(rnd() * (line.length - 1));
          chunk += line.slice(0, cut);
          pending = `${line.slice(cut)}\n`;
        }
        s.append(LOG, chunk);
      } else if (r < 0.75) {
        if (pending) {
          s.append(LOG, pending);
          pending = "";
        }
        if (rnd() < 0.7) rotate();
        else copytruncate();
      } else {
        const got = await s.read();
        seen.push(...got.lines.map((l) => l.line));
      }
    }
    if (pending) s.append(LOG, pending);
    seen.push(...(await s.read()).lines.map((l) => l.line));
    totalRotations += rotations;
    assert.deepEqual(seen, written, `seed ${seed}`);
  }
  assert.ok(totalRotations > 30, "the sequences did rotate");
});

test("a huge run without a newline is cut at MAX_LINE and never held whole in memory", async (t) => {
  const s = setup(t);
  s.append(LOG, `${"A".repeat(3 * 1024 * 1024)}\nnext\n`);
  const r = await s.read();
  assert.equal(r.lines.at(-1)?.line, "next");
  assert.ok(r.lines.every((l) => l.line.length <= 1024 * 1024));
  assert.equal(s.cursor()?.offset, fs.statSync(s.host(LOG)).size);
  assert.equal((await s.read()).lines.length, 0);
});

test("a log appended to while it is read is read up to its size when looked at; the rest comes next time", async (t) => {
  const s = setup(t);
  const line = `${"x".repeat(99)}\n`;
  s.append(LOG, line.repeat(10_000)); // 1 MB: several chunks
  const rfs = new RootFs(s.root);
  const it = readNewChunks(rfs, LOG, undefined);
  let bytes = 0;
  let appended = false;
  for (;;) {
    const n = await it.next();
    if (n.done) {
      assert.equal(n.value.cursor.offset, 1_000_000);
      break;
    }
    bytes += n.value.buf.length;
    // Someone writes on while the scan reads (`yes >> access.log` would never stop).
    if (!appended) {
      s.append(LOG, line.repeat(5_000));
      appended = true;
    }
  }
  assert.equal(bytes, 1_000_000);
});

test("a log swapped for a FIFO after it was looked at is refused, not waited on", async (t) => {
  const s = setup(t);
  s.append(LOG, "a\nb\n");
  const fifo = s.host(LOG);
  // The swap lands between the look (statOf) and the open: the second time the path is resolved.
  class SwappingRoot extends RootFs {
    calls = 0;
    override resolve(guest: string): string {
      const host = super.resolve(guest);
      if (guest === LOG && ++this.calls === 2) {
        fs.rmSync(host);
        execFileSync("mkfifo", [host]);
      }
      return host;
    }
  }
  const read = collectNewLines(new SwappingRoot(s.root), LOG, undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("still waiting"), 5000);
  });
  try {
    const outcome = await Promise.race([
      read.then(
        () => "read",
        (e: Error) => `refused: ${e.message}`,
      ),
      late,
    ]);
    assert.match(outcome, /^refused/);
  } finally {
    clearTimeout(timer);
    // Lets a reader blocked in open() go (the code before this test's fix would be one).
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // no reader waiting
    }
  }
});
