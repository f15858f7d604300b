/**
 * Issue 18: `respond` as root on this machine, where `nobody` controls a directory of the path it is told
 * to quarantine. Swapping that directory for a link to /etc after the dry run must not move /etc/passwd,
 * and neither must naming /etc/passwd through `..` or doubled slashes.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { fileState } from "../helpers/files.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

test("a nobody-owned directory swapped for a link to /etc cannot make respond quarantine /etc/passwd", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t, "mamori-rails-");
  fs.chmodSync(base, 0o1777);
  const x = path.join(base, "x");
  fs.mkdirSync(x, { mode: 0o755 });
  fs.chownSync(x, ATTACKER.uid, ATTACKER.gid);
  attackerShell(`printf 'miner' > ${x}/passwd`);
  const q = path.join(base, "q");
  const before = fileState("/etc/passwd");
  const ino = fs.statSync("/etc/passwd").ino;
  const target = path.join(x, "passwd");
  const dry = await mamori(["respond", "--quarantine", target, "--quarantine-dir", q]);
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /would: move/);
  // After the operator read the dry run: the directory becomes a link to /etc.
  attackerShell(`mv ${x} ${base}/x.old && ln -s /etc ${x}`);
  const r = await mamori(["respond", "--quarantine", target, "--quarantine-dir", q, "--apply"]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REFUSED/);
  // Even --force does not follow the link; and /etc/passwd by any spelling is a system file.
  const forced = await mamori([
    "respond",
    "--quarantine",
    target,
    "--quarantine-dir",
    q,
    "--apply",
    "--force",
  ]);
  assert.equal(forced.code, 1);
  for (const spelling of ["/etc/passwd", `${base}/../../etc/passwd`, "//etc//./passwd"]) {
    const direct = await mamori(["respond", "--quarantine", spelling, "--quarantine-dir", q, "--apply"]);
    assert.equal(direct.code, 1, spelling);
    assert.match(direct.stdout, /a system file: refused/, spelling);
  }
  assert.deepEqual(fileState("/etc/passwd"), before);
  assert.equal(fs.statSync("/etc/passwd").ino, ino);
  assert.equal(fs.existsSync(path.join(base, "x.old/passwd")), true);
});
