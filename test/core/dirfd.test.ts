import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { VerifiedDir, withDir } from "../../src/core/dirfd.ts";
import { writeFileAtomic } from "../../src/core/write-file.ts";
import { tempDir } from "../helpers/tmp.ts";
import { attackerShell, needsRoot } from "../helpers/unprivileged.ts";

test("a symbolic link anywhere in the path is refused, not followed", (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "real"));
  fs.symlinkSync(path.join(dir, "real"), path.join(dir, "link"));
  assert.throws(() => VerifiedDir.open(path.join(dir, "link", "x"), { create: true }), /symbolic link/);
  assert.equal(fs.existsSync(path.join(dir, "real", "x")), false);
});

test("createExclusive refuses a planted link and never writes through it", (t) => {
  const dir = tempDir(t);
  const victim = path.join(dir, "victim");
  fs.writeFileSync(victim, "root's");
  fs.symlinkSync(victim, path.join(dir, "out"));
  withDir(dir, {}, (d) => assert.throws(() => d.createExclusive("out"), /EEXIST/));
  assert.equal(fs.readFileSync(victim, "utf8"), "root's");
});

test("unlink with an identity refuses an entry swapped since the check", (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, "a"), "1");
  withDir(dir, {}, (d) => {
    const st = d.lstat("a") as fs.Stats;
    fs.renameSync(path.join(dir, "a"), path.join(dir, "b"));
    fs.writeFileSync(path.join(dir, "a"), "2");
    assert.throws(() => d.unlink("a", st), /changed since/);
    d.unlink("b", st);
  });
  assert.equal(fs.readFileSync(path.join(dir, "a"), "utf8"), "2");
});

test("operations stay in the opened directory after its path is swapped for a link", (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "q"));
  fs.mkdirSync(path.join(dir, "elsewhere"));
  fs.writeFileSync(path.join(dir, "elsewhere", "f"), "keep");
  const d = VerifiedDir.open(path.join(dir, "q"));
  t.after(() => d.close());
  fs.renameSync(path.join(dir, "q"), path.join(dir, "q-moved"));
  fs.symlinkSync(path.join(dir, "elsewhere"), path.join(dir, "q"));
  d.writeFileDurable("f", "new");
  assert.equal(fs.readFileSync(path.join(dir, "elsewhere", "f"), "utf8"), "keep");
  assert.equal(fs.readFileSync(path.join(dir, "q-moved", "f"), "utf8"), "new");
});

test("a private directory another user owns or can write is refused", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o755);
  const theirs = path.join(dir, "theirs");
  fs.mkdirSync(theirs, { mode: 0o700 });
  fs.chownSync(theirs, 65534, 65534);
  assert.throws(() => VerifiedDir.open(theirs, { privateTo: 0 }), /owned by uid 65534/);
  const open = path.join(dir, "open");
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o777);
  assert.throws(() => VerifiedDir.open(open, { privateTo: 0 }), /mode 777/);
  const created = path.join(dir, "state");
  VerifiedDir.open(created, { create: true, privateTo: 0 }).close();
  assert.equal(fs.statSync(created).mode & 0o777, 0o700);
  // And the attacker cannot get in to plant anything.
  assert.throws(() => attackerShell(`touch ${created}/x`));
});

test("a write whose target is a directory leaves no temporary copy behind, and writes nothing first", (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "out"));
  const d = VerifiedDir.open(dir);
  try {
    assert.throws(() => d.writeFileDurable("out", "report"), /EISDIR|EEXIST|ENOTEMPTY/);
  } finally {
    d.close();
  }
  assert.deepEqual(fs.readdirSync(dir), ["out"]);
  let written = false;
  const pieces = (function* () {
    written = true;
    yield "report";
  })();
  assert.throws(() => writeFileAtomic(path.join(dir, "out"), pieces), { code: "EISDIR" });
  assert.equal(written, false);
  assert.deepEqual(fs.readdirSync(dir), ["out"]);
});
