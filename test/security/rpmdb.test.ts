import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { auditJson } from "../helpers/audit.ts";
import { rootWithRpmDb, rpmFixtures, rpmToolsMissing } from "../helpers/rpm-fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

/** An AlmaLinux 9 root whose /var/lib/rpm the attacker owns (as www-data owning a container's tree would). */
function attackerRpmDir(t: { after: (fn: () => void) => void }): { root: string; dir: string } {
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  const root = rootWithRpmDb("alma9", rpmFixtures().el9Sqlite, path.join(base, "root"));
  const dir = path.join(root, "var/lib/rpm");
  fs.chownSync(dir, ATTACKER.uid, ATTACKER.gid);
  fs.chownSync(path.join(dir, "rpmdb.sqlite"), ATTACKER.uid, ATTACKER.gid);
  return { root, dir };
}

function listing(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((n) => {
      const st = fs.lstatSync(path.join(dir, n));
      return `${n} ${st.uid} ${st.size} ${st.mtimeMs}`;
    })
    .sort();
}

test("as root, an attacker's rpmdb with WAL and journal files beside it: read as it is, nothing written next to it", async (t) => {
  const why = needsRoot() ?? rpmToolsMissing();
  if (why) return t.skip(why);
  const { root, dir } = attackerRpmDir(t);
  // A WAL full of junk and a hot journal: a normal SQLite open would replay or roll back (write) them.
  attackerShell(
    `head -c 70000 /dev/urandom > ${dir}/rpmdb.sqlite-wal && head -c 9000 /dev/urandom > ${dir}/rpmdb.sqlite-journal`,
  );
  const before = listing(dir);
  const { doc } = await auditJson(root);
  const owner = (doc.sections.apache?.installations[0] as { owner?: { version?: string } } | undefined)
    ?.owner;
  assert.equal(owner?.version, "2.4.62-13.el9_8.5");
  assert.deepEqual(listing(dir), before, "root changed or created a file in the attacker's rpm directory");
});

test("as root, an rpmdb.sqlite that is a FIFO or a link out of the root is refused with a note; the audit finishes", async (t) => {
  const why = needsRoot() ?? rpmToolsMissing();
  if (why) return t.skip(why);
  const { root, dir } = attackerRpmDir(t);
  attackerShell(`rm ${dir}/rpmdb.sqlite && mkfifo ${dir}/rpmdb.sqlite`);
  const fifo = await auditJson(root);
  const nc = fifo.doc.notChecked.find((n) => n.reason === "rpmdb-unreadable");
  assert.match(nc?.detail ?? "", /not-regular/);
  // A link to the host's own database: inside --root it resolves to the root's /var/lib/rpm, never the host's.
  attackerShell(
    `rm ${dir}/rpmdb.sqlite && ln -s /../../../../../../var/lib/rpm/rpmdb.sqlite ${dir}/rpmdb.sqlite`,
  );
  const link = await auditJson(root);
  const owner = (link.doc.sections.apache?.installations[0] as { owner?: unknown } | undefined)?.owner;
  assert.equal(owner, undefined);
});
