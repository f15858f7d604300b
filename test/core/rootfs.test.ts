import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parseApacheConfig } from "../../src/collect/apache/config/parse.ts";
import { globToRegExp, RootFs, RootFsError } from "../../src/collect/rootfs.ts";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

test("absolute symbolic links resolve inside the root, not on the host", (t) => {
  const root = tempDir(t);
  writeTree(root, { "etc/passwd": "guest-passwd\n", "etc/apache2/sites-available/a.conf": "x" });
  fs.symlinkSync("/etc/passwd", path.join(root, "link-to-passwd"));
  fs.symlinkSync("../../../../../../etc/passwd", path.join(root, "etc/apache2/up"));
  const rfs = new RootFs(root);
  assert.equal(rfs.readText("/link-to-passwd"), "guest-passwd\n");
  assert.equal(rfs.readText("/etc/apache2/up"), "guest-passwd\n");
  assert.equal(rfs.readText("/../../etc/passwd"), "guest-passwd\n");
  assert.equal(rfs.isLive, false);
});

test("symbolic link loops fail with ELOOP instead of hanging", (t) => {
  const root = tempDir(t);
  fs.symlinkSync("/b", path.join(root, "a"));
  fs.symlinkSync("/a", path.join(root, "b"));
  const rfs = new RootFs(root);
  assert.throws(
    () => rfs.readText("/a"),
    (e: unknown) => e instanceof RootFsError && e.code === "ELOOP",
  );
});

test("missing and unreadable files report the errno code and the guest path", (t) => {
  const root = tempDir(t);
  const rfs = new RootFs(root);
  assert.throws(
    () => rfs.readText("/nope"),
    (e: unknown) => e instanceof RootFsError && e.code === "ENOENT" && e.guestPath === "/nope",
  );
  assert.equal(rfs.tryReadText("/nope"), undefined);
});

test("a FIFO or device where a file is expected is refused at once, never waited on", (t) => {
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "etc"));
  execFileSync("mkfifo", [path.join(root, "etc/apache2.conf")]);
  const rfs = new RootFs(root);
  for (const opts of [{}, { maxBytes: 1024 }]) {
    assert.throws(
      () => rfs.readText("/etc/apache2.conf", opts),
      (e: unknown) => e instanceof RootFsError && e.code === "not-regular",
    );
  }
  assert.throws(
    () => new RootFs("/").readBytes("/dev/zero"),
    (e: unknown) => (e as RootFsError).code === "not-regular",
  );
  assert.throws(
    () => rfs.readText("/etc"),
    (e: unknown) => (e as RootFsError).code === "EISDIR",
  );
});

test("maxBytes bounds what is read from a large file", (t) => {
  const root = tempDir(t);
  writeTree(root, { big: "a".repeat(100_000) });
  assert.equal(new RootFs(root).readBytes("/big", { maxBytes: 10 }).length, 10);
});

test("glob matches like Apache's Include: sorted, no hidden files for *", (t) => {
  const root = tempDir(t);
  writeTree(root, { "c/b.conf": "", "c/a.conf": "", "c/.hidden.conf": "", "c/x.txt": "", "d/e/f.conf": "" });
  const rfs = new RootFs(root);
  assert.deepEqual(rfs.glob("/c/*.conf"), ["/c/a.conf", "/c/b.conf"]);
  assert.deepEqual(rfs.glob("/*/e/*.conf"), ["/d/e/f.conf"]);
  assert.deepEqual(rfs.glob("/c/none*.conf"), []);
  assert.ok(globToRegExp("[ab].conf").test("a.conf"));
  assert.ok(!globToRegExp("[!ab].conf").test("a.conf"));
});

test("the live root reads through links as Apache does: Debian's mods-enabled and sites-enabled are all links", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "apache2.conf": "IncludeOptional mods-enabled/*.load\nIncludeOptional sites-enabled/*.conf\n",
    "mods-available/cgid.load": "LoadModule cgid_module /usr/lib/apache2/modules/mod_cgid.so\n",
    "sites-available/000-default.conf": "CustomLog /var/log/apache2/access.log combined\n",
  });
  fs.mkdirSync(path.join(dir, "mods-enabled"));
  fs.mkdirSync(path.join(dir, "sites-enabled"));
  fs.symlinkSync("../mods-available/cgid.load", path.join(dir, "mods-enabled/cgid.load"));
  fs.symlinkSync(
    path.join(dir, "sites-available/000-default.conf"),
    path.join(dir, "sites-enabled/000-default.conf"),
  );
  const live = new RootFs("/");
  assert.equal(live.isLive, true);
  assert.match(live.readText(path.join(dir, "mods-enabled/cgid.load")), /cgid_module/);
  const diag = new Diagnostics();
  const parsed = parseApacheConfig({
    fs: live,
    diag,
    mainFile: path.join(dir, "apache2.conf"),
    serverRoot: dir,
  });
  assert.ok(parsed.modules.some((m) => m.id === "cgid_module" && m.file?.endsWith("mods-enabled/cgid.load")));
  assert.equal(parsed.files.length, 3, JSON.stringify(diag.notChecked));
  assert.deepEqual(diag.notChecked, []);
});
