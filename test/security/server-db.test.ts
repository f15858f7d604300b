/**
 * The fleet server's SQLite database holds every host's credentials and verdicts. Named with `--db FILE`
 * outside the data directory, it was opened wherever it was: as root, a file another user can replace, or a
 * link they planted, would be the server's truth. Now the history database's rule applies (found by a
 * review, 2026-12-07).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

test("as root, server --db FILE where another user can change it is refused; root's own place is used", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  const data = path.join(base, "data");
  fs.mkdirSync(data, { mode: 0o700 });
  // A directory the attacker can write.
  const shared = path.join(base, "shared");
  fs.mkdirSync(shared, { mode: 0o777 });
  fs.chmodSync(shared, 0o1777);
  const inShared = await mamori(["server", "--data", data, "--db", path.join(shared, "fleet.db"), "token"]);
  assert.equal(inShared.code, 2, inShared.stdout);
  assert.match(inShared.stderr, /fleet\.db is not used: .*shared has mode 1777: other users can change it/);
  assert.ok(!fs.existsSync(path.join(shared, "fleet.db")), "the database was created there");
  // A link the attacker planted in a directory of their own, to a file of root's.
  const theirs = path.join(base, "theirs");
  fs.mkdirSync(theirs, { mode: 0o755 });
  fs.chownSync(theirs, ATTACKER.uid, ATTACKER.gid);
  attackerShell(`ln -s ${path.join(base, "root.db")} ${theirs}/fleet.db`);
  const viaLink = await mamori(["server", "--data", data, "--db", path.join(theirs, "fleet.db"), "token"]);
  assert.equal(viaLink.code, 2);
  assert.match(viaLink.stderr, /is not used: .*theirs is owned by uid 65534/);
  // The control: a database in a directory only root can change is used.
  const own = path.join(base, "own");
  fs.mkdirSync(own, { mode: 0o700 });
  const ok = await mamori(["server", "--data", data, "--db", path.join(own, "fleet.db"), "token"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(fs.existsSync(path.join(own, "fleet.db")));
});
