import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { defaultDbPath } from "../../src/store/db.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { serverRoot } from "./helpers.ts";

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const sock = (n: number, local: string, st: string, inode: number) =>
  `   ${n}: ${local} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

test("a new listening port since the baseline is a baseline.port finding; a connection is not", async (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  serverRoot(root);
  writeTree(root, { "proc/net/tcp": HEADER + sock(0, "00000000:0050", "0A", 100) }); // *:80 LISTEN
  const db = path.join(dir, "h.db");
  // Exit 3: no Apache and no log under this root, so "not fully checked" (nothing at or above the threshold).
  assert.equal((await mamori(["audit", "--root", root, "--db", db])).code, 3);
  writeTree(root, {
    "proc/net/tcp":
      HEADER +
      sock(0, "00000000:0050", "0A", 100) +
      sock(1, "00000000:115C", "0A", 200) + // *:4444 LISTEN: new
      sock(2, "0100007F:9C40", "01", 300), // an established connection: not a listening port
  });
  const r = await mamori(["audit", "--root", root, "--db", db, "--format", "json"]);
  const ports = JSON.parse(r.stdout).findings.filter((f: { check: string }) => f.check === "baseline.port");
  assert.equal(ports.length, 1);
  assert.equal(ports[0].data.key, "tcp 0.0.0.0:4444");
  assert.equal(ports[0].severity, "medium");
  assert.match(ports[0].title, /New listening port since the baseline: tcp 0\.0\.0\.0:4444/);

  // The operator accepts the change: the next scan has nothing baseline.* left.
  const accepted = await mamori(["watch", "--once", "--accept-baseline", "--root", root, "--db", db]);
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.match(accepted.stderr, /Baseline recorded/);
  const after = await mamori(["audit", "--root", root, "--db", db, "--format", "json"]);
  assert.deepEqual(
    JSON.parse(after.stdout).findings.filter((f: { check: string }) => f.check.startsWith("baseline.")),
    [],
  );
});

test("the default history path: /var/lib/mamori as root, else XDG_DATA_HOME or ~/.local/share", () => {
  assert.equal(defaultDbPath({}, true, "/root"), "/var/lib/mamori/history.db");
  assert.equal(defaultDbPath({ XDG_DATA_HOME: "/x/data" }, false, "/home/a"), "/x/data/mamori/history.db");
  assert.equal(defaultDbPath({}, false, "/home/a"), "/home/a/.local/share/mamori/history.db");
  assert.equal(
    defaultDbPath({ XDG_DATA_HOME: "relative" }, false, "/home/a"),
    "/home/a/.local/share/mamori/history.db",
    "a relative XDG_DATA_HOME is ignored, as the spec says",
  );
});

test("--help works for history, diff, watch and schedule", async () => {
  for (const c of ["history", "diff", "watch", "schedule"]) {
    const r = await mamori([c, "--help"]);
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, /--db <path>/, c);
  }
  const audit = await mamori(["audit", "--help"]);
  assert.match(audit.stdout, /--save/);
});

test("history on an unwritable location is one clear line, not a stack trace", async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, "file"), "");
  const r = await mamori(["history", "--db", path.join(dir, "file", "h.db")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot open the history database/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("--output to a device writes to it and leaves it a device (never renamed over, as /dev/null once was)", async (t) => {
  const dir = tempDir(t);
  const dev = path.join(dir, "null");
  // A null device of our own: a regression must not be able to break the machine's /dev/null.
  if (spawnSync("mknod", ["-m", "666", dev, "c", "1", "3"]).status !== 0) return t.skip("mknod needs root");
  const before = fs.statSync(dev);
  const r = await mamori(["audit", "--root", dir, "--format", "json", "--output", dev]);
  assert.equal(r.code, 3, r.stderr);
  const after = fs.statSync(dev);
  assert.ok(after.isCharacterDevice(), "still a device");
  assert.equal(after.ino, before.ino);
  assert.deepEqual(fs.readdirSync(dir), ["null"], "no temporary file left behind");
});
