import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { decodeAddress, parseProcNet, readSockets } from "../../src/collect/net/sockets.ts";
import { parseStat, readProcess, readProcesses } from "../../src/collect/proc/processes.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

test("stat parsing survives a comm with spaces and parentheses", () => {
  const s = parseStat("42 (evil) (x y) S 1 42 42 0 -1 4194560 0 0 0 0 7 3 0 0 20 0 1 0 5000 0 0");
  assert.equal(s?.comm, "evil) (x y");
  assert.equal(s?.fields[0], "S");
  assert.equal(s?.fields[1], "1");
});

test("a recorded /proc tree under --root reads like a live one", (t) => {
  const root = tempDir(t);
  writeTree(root, {
    "proc/777/stat": "777 (kdevtmpfsi) R 1 777 777 0 -1 4194304 0 0 0 0 9000 100 0 0 20 0 1 0 12345 0 0",
    "proc/777/cmdline": "/tmp/kdevtmpfsi\0-o\0pool:3333\0",
    "proc/777/status": "Name:\tkdevtmpfsi\nUid:\t1\t1\t1\t1\nGid:\t1\t1\t1\t1\nVmRSS:\t 2048 kB\n",
    "proc/net/tcp":
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
      "   0: 0100007F:A1B2 0100007F:0D05 01 00000000:00000000 00:00000000 00000000     1        0 99999 1 0 20 4 30 10 -1\n",
  });
  fs.mkdirSync(path.join(root, "proc/777/fd"));
  fs.symlinkSync("/tmp/kdevtmpfsi (deleted)", path.join(root, "proc/777/exe"));
  fs.symlinkSync("socket:[99999]", path.join(root, "proc/777/fd/3"));
  const rfs = new RootFs(root);
  const p = readProcess(rfs, 777);
  assert.ok(p);
  assert.deepEqual(p.argv, ["/tmp/kdevtmpfsi", "-o", "pool:3333"]);
  assert.equal(p.exe, "/tmp/kdevtmpfsi");
  assert.equal(p.exeDeleted, true);
  assert.equal(p.uid, 1);
  assert.equal(p.cpuTicks, 9100);
  assert.equal(p.startTicks, 12345);
  assert.equal(p.rssKb, 2048);
  const [sock] = readSockets(rfs, [777]);
  assert.equal(sock?.remotePort, 3333);
  assert.equal(sock?.state, "ESTABLISHED");
  assert.deepEqual(sock?.pids, [777]);
});

test("IPv6 and IPv4-mapped addresses decode", () => {
  assert.equal(decodeAddress("00000000000000000000000001000000"), "::1");
  assert.equal(decodeAddress("00000000000000000000000000000000"), "::");
  assert.equal(decodeAddress("0000000000000000FFFF00000100007F"), "::ffff:127.0.0.1");
  assert.equal(
    parseProcNet("h\n 0: 00000000:0050 00000000:0000 0A 0 0 0 0 0 10\n", "tcp")[0]?.state,
    "LISTEN",
  );
});

test("the live /proc lists this test's own process", () => {
  const procs = readProcesses(new RootFs("/"));
  const me = procs.find((p) => p.pid === process.pid);
  assert.ok(me);
  assert.equal(me.exe, fs.realpathSync(process.execPath));
});
