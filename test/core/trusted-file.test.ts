import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { readTrustedText } from "../../src/core/trusted-file.ts";
import { tempDir } from "../helpers/tmp.ts";
import { attackerShell, needsRoot } from "../helpers/unprivileged.ts";

test("as root, a file another user wrote or can replace is refused, a root-owned one is read", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, "ok.yaml"), "lang: ja\n", { mode: 0o644 });
  assert.equal(readTrustedText(path.join(dir, "ok.yaml"), { uid: 0 }), "lang: ja\n");

  const theirs = path.join(dir, "theirs");
  fs.mkdirSync(theirs, { mode: 0o755 });
  fs.chownSync(theirs, 65534, 65534);
  attackerShell(`printf 'allow: []\\n' > ${theirs}/allow.yaml`);
  assert.throws(() => readTrustedText(path.join(theirs, "allow.yaml"), { uid: 0 }), /owner uid 65534/);

  // Root's own file inside a directory the attacker owns: they can swap it at will.
  fs.writeFileSync(path.join(theirs, "root.yaml"), "x: 1\n", { mode: 0o644 });
  assert.throws(() => readTrustedText(path.join(theirs, "root.yaml"), { uid: 0 }), /owner uid 65534/);

  fs.writeFileSync(path.join(dir, "open.yaml"), "x: 1\n");
  fs.chmodSync(path.join(dir, "open.yaml"), 0o666);
  assert.throws(() => readTrustedText(path.join(dir, "open.yaml"), { uid: 0 }), /mode 666/);
});

test("a FIFO is refused at once, not waited on", (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, "config.yaml");
  execFileSync("mkfifo", [fifo]);
  assert.throws(() => readTrustedText(fifo), /not a regular file/);
});
