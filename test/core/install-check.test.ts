import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { untrustedComponent, untrustedInstall } from "../../src/core/install-check.ts";
import { tempDir } from "../helpers/tmp.ts";
import { needsRoot } from "../helpers/unprivileged.ts";

test("an install another user can change is refused; a root-owned one is trusted", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o755);
  for (const d of ["src", "rules", "node_modules"]) fs.mkdirSync(path.join(dir, d), { mode: 0o755 });
  assert.equal(untrustedInstall(dir, process.execPath), undefined);
  fs.chmodSync(path.join(dir, "rules"), 0o777);
  assert.match(untrustedInstall(dir, process.execPath) ?? "", /rules \(mode 777\)/);
  fs.chmodSync(path.join(dir, "rules"), 0o755);
  fs.chownSync(path.join(dir, "src"), 65534, 65534);
  assert.match(untrustedInstall(dir, process.execPath) ?? "", /src \(owner uid 65534\)/);
  // A link another user could retarget is judged by where it leads, and by the directory it sits in.
  const link = path.join(dir, "node");
  fs.symlinkSync(path.join(dir, "src"), link);
  assert.match(untrustedComponent(link) ?? "", /owner uid 65534/);
});
