import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type TestContext, test } from "node:test";
import { auditJson, FIXTURE_NOW } from "../helpers/audit.ts";
import { rootWithRpmDb, rpmFixtures, rpmToolsMissing } from "../helpers/rpm-fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

const REPO = path.resolve(import.meta.dirname, "../..");

type Inst = { owner?: Record<string, unknown> };

function ownerOf(doc: Awaited<ReturnType<typeof auditJson>>["doc"]): Record<string, unknown> | undefined {
  return (doc.sections.apache?.installations[0] as Inst | undefined)?.owner;
}

test("mamori audit --root of an AlmaLinux 9 root (rpmdb.sqlite made by rpm) finds httpd with its rpm version", async (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const root = rootWithRpmDb("alma9", rpmFixtures().el9Sqlite, path.join(tempDir(t), "alma9"));
  const { doc } = await auditJson(root);
  assert.deepEqual(ownerOf(doc), {
    manager: "rpm",
    name: "httpd",
    source: "httpd",
    version: "2.4.62-13.el9_8.5",
    distro: "almalinux",
    release: "9",
    origin: "distro",
  });
  assert.deepEqual(
    doc.notChecked.filter((n) => n.area === "apache.packages"),
    [],
    "nothing about the package database was left unread",
  );
});

test("mamori audit --root of an EL8 root with a Berkeley DB Packages finds the module build of httpd", async (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const dest = path.join(tempDir(t), "rocky8");
  fs.cpSync(path.join(REPO, "test/fixtures/roots/rhel8"), dest, { recursive: true });
  // The committed rhel8 root carries a stand-in rpmdb.sqlite; this one is an EL8 with the real BDB file.
  fs.rmSync(path.join(dest, "var/lib/rpm"), { recursive: true });
  fs.mkdirSync(path.join(dest, "var/lib/rpm"), { recursive: true });
  fs.copyFileSync(rpmFixtures().el8Bdb, path.join(dest, "var/lib/rpm/Packages"));
  const { doc } = await auditJson(dest);
  const owner = ownerOf(doc);
  assert.equal(owner?.manager, "rpm");
  assert.equal(owner?.version, "2.4.37-65.module_el8.10.0+4233+8b7d9181.9");
  assert.equal(owner?.distro, "rocky");
  assert.equal(owner?.release, "8");
});

/** Every program the real CLI (and its children) executed, from strace; undefined without strace or root. */
function execsOf(t: TestContext, root: string): string[] | undefined {
  if (process.getuid?.() !== 0 || spawnSync("strace", ["-V"]).status !== 0) return undefined;
  const log = path.join(tempDir(t, "mamori-strace-"), "trace");
  const r = spawnSync(
    "strace",
    [
      "-f",
      "-qq",
      "-s",
      "256",
      "-e",
      "trace=execve",
      "-o",
      log,
      path.join(REPO, "bin/mamori"),
      "audit",
      "--root",
      root,
      "--format",
      "json",
      "--now",
      FIXTURE_NOW,
    ],
    {
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8", HOME: "/root" },
      encoding: "utf8",
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  assert.ok(r.status === 0 || r.status === 1, `mamori audit exited ${r.status}: ${r.stderr}`);
  return [...fs.readFileSync(log, "utf8").matchAll(/execve\("((?:[^"\\]|\\.)*)"/g)].map(
    (m) => m[1] as string,
  );
}

test("the rpm command never parses another root's database: not when it reads natively, not when it does not", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const base = tempDir(t);
  const good = execsOf(t, rootWithRpmDb("alma9", rpmFixtures().el9Sqlite, path.join(base, "alma9")));
  if (!good) return t.skip("needs root and strace to see what mamori executes");
  // The control: the trace follows bin/mamori into Node, so it would have seen rpm had it run.
  assert.ok(
    good.some((f) => /(^|\/)node$/.test(f)),
    `strace did not see Node start: ${good.join(" ")}`,
  );
  assert.deepEqual(
    good.filter((f) => /(^|\/)rpm$/.test(f)),
    [],
    "rpm ran although the database was read",
  );
  // The committed rhel8 root's rpmdb.sqlite is not a database: an image's author can make the native
  // reader refuse it, and rpm (C code, as root) must not be what reads it next.
  const bad = execsOf(t, path.join(REPO, "test/fixtures/roots/rhel8")) ?? [];
  assert.ok(bad.length > 0, "strace saw the second audit");
  assert.deepEqual(
    bad.filter((f) => /(^|\/)rpm$/.test(f)),
    [],
    "rpm ran on the image's database",
  );
});
