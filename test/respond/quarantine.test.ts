import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { quarantineFile, restoreFile } from "../../src/respond/quarantine.ts";
import { respond, restore } from "../../src/respond/run.ts";
import { listEntries } from "../../src/respond/store.ts";
import { fileState } from "../helpers/files.ts";
import { tempDir } from "../helpers/tmp.ts";

const NOW = () => new Date("2026-11-25T12:00:00Z");
// Bytes that are not UTF-8, a NUL and a CR: a text round trip would change them.
const CONTENT = Buffer.concat([
  Buffer.from("#!/bin/sh\r\nexec /tmp/.x\n"),
  Buffer.from([0, 0xff, 0xfe, 0x80, 0x0a]),
]);

function setup(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  const q = path.join(dir, "quarantine");
  fs.mkdirSync(path.join(root, "tmp"), { recursive: true });
  const file = path.join(root, "tmp", "kdevtmpfsi");
  fs.writeFileSync(file, CONTENT);
  fs.chownSync(file, 1234, 2345);
  fs.chmodSync(file, 0o4751); // after chown, which clears set-user-id
  fs.utimesSync(file, new Date("2026-11-20T03:14:09.250Z"), new Date("2026-11-20T03:14:08.125Z"));
  return { root, q, file, before: fileState(file) };
}

test("quarantine moves a file out and restore puts it back byte-identical with owner, mode and times", (t) => {
  const { root, q, file, before } = setup(t);
  const [r] = respond([{ kind: "quarantine", path: "/tmp/kdevtmpfsi" }], {
    root,
    quarantineDir: q,
    apply: true,
    now: NOW,
  });
  assert.equal(r?.status, "done", JSON.stringify(r));
  assert.equal(fs.existsSync(file), false);
  const [entry] = listEntries(q);
  assert.equal(entry?.status, "quarantined");
  assert.equal(entry?.manifest.sha256, before.bytes);
  assert.equal(entry?.manifest.originalPath, "/tmp/kdevtmpfsi");
  assert.deepEqual([entry?.manifest.uid, entry?.manifest.gid, entry?.manifest.mode], [1234, 2345, 0o4751]);
  // The quarantined copy cannot be run.
  assert.equal(fs.statSync(path.join(q, r?.entryId as string, "content")).mode & 0o111, 0);

  // Set-id bits come back only when asked, and the outcome says they did.
  const back = restore(r?.entryId as string, { quarantineDir: q, now: NOW, keepSetid: true });
  assert.equal(back.setidKept, 0o4000);
  assert.deepEqual(fileState(file), before);
  assert.equal(listEntries(q)[0]?.status, "restored");
  // The copy stays in the quarantine: nothing is ever deleted.
  assert.ok(fs.existsSync(path.join(q, r?.entryId as string, "content")));
});

test("without --keep-setid, restore clears set-user-id and set-group-id bits and says so", (t) => {
  const { root, q, file, before } = setup(t);
  const m = quarantineFile("/tmp/kdevtmpfsi", { root, quarantineDir: q, now: NOW });
  const back = restore(m.id, { quarantineDir: q, now: NOW });
  assert.equal(back.setidDropped, 0o4000);
  assert.deepEqual(fileState(file), { ...before, mode: 0o751 });
});

test("the dry run changes nothing", (t) => {
  const { root, q, file, before } = setup(t);
  const [r] = respond([{ kind: "quarantine", path: "/tmp/kdevtmpfsi" }], {
    root,
    quarantineDir: q,
    apply: false,
    now: NOW,
  });
  assert.equal(r?.status, "planned");
  assert.deepEqual(fileState(file), before);
  assert.equal(fs.existsSync(q), false);
});

const STEPS = ["create-entry", "write-manifest", "copy", "verify", "mark-done", "remove-original"];

for (const failAt of STEPS) {
  test(`a quarantine interrupted at "${failAt}" leaves the file in place or fully quarantined, never lost`, (t) => {
    const { root, q, file, before } = setup(t);
    const hooks = {
      step(name: string) {
        if (name === failAt) throw new Error(`crash at ${name}`);
      },
    };
    assert.throws(
      () => quarantineFile("/tmp/kdevtmpfsi", { root, quarantineDir: q, now: NOW, hooks }),
      /crash/,
    );
    const entries = listEntries(q);
    if (fs.existsSync(file)) {
      // In place, untouched; any partial entry says so and restore will not overwrite the original.
      assert.deepEqual(fileState(file), before);
      for (const e of entries) {
        assert.ok(["in-place", "incomplete"].includes(e.status), e.status);
        assert.throws(() => restore(e.manifest.id, { quarantineDir: q, now: NOW }));
      }
      assert.deepEqual(fileState(file), before);
    } else {
      const e = entries.find((x) => x.status === "quarantined");
      assert.ok(e, `file gone and not quarantined after a crash at ${failAt}`);
      restore(e.manifest.id, { quarantineDir: q, now: NOW, keepSetid: true });
      assert.deepEqual(fileState(file), before);
    }
  });
}

test("a crash in the last step is recovered by the same command; the quarantine then holds the file", (t) => {
  const { root, q, file, before } = setup(t);
  const hooks = {
    step(name: string) {
      if (name === "remove-original") throw new Error("crash");
    },
  };
  assert.throws(() => quarantineFile("/tmp/kdevtmpfsi", { root, quarantineDir: q, now: NOW, hooks }));
  assert.deepEqual(fileState(file), before);
  const [r] = respond([{ kind: "quarantine", path: "/tmp/kdevtmpfsi" }], {
    root,
    quarantineDir: q,
    apply: true,
    now: NOW,
  });
  assert.equal(r?.status, "done");
  assert.equal(fs.existsSync(file), false);
  assert.equal(listEntries(q).filter((e) => e.status === "quarantined").length, 1);
});

test("restore never overwrites a file that is back at the original path", (t) => {
  const { root, q, file } = setup(t);
  const m = quarantineFile("/tmp/kdevtmpfsi", { root, quarantineDir: q, now: NOW });
  fs.writeFileSync(file, "new content");
  assert.throws(() => restoreFile(m, q), /kdevtmpfsi/);
  assert.equal(fs.readFileSync(file, "utf8"), "new content");
});

test("--root confines file actions: a link pointing outside the root is not followed", (t) => {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  const outside = path.join(dir, "outside");
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, "secret"), "keep me");
  fs.symlinkSync(outside, path.join(root, "escape"));
  const [r] = respond([{ kind: "quarantine", path: "/escape/secret" }], {
    root,
    quarantineDir: path.join(dir, "q"),
    apply: true,
    now: NOW,
  });
  assert.equal(r?.status, "refused");
  assert.equal(fs.readFileSync(path.join(outside, "secret"), "utf8"), "keep me");
});

test("links, directories and devices are refused, not moved", (t) => {
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "etc"));
  fs.symlinkSync("/etc/passwd", path.join(dir, "etc", "link"));
  const res = respond(
    [
      { kind: "quarantine", path: "/etc/link" },
      { kind: "quarantine", path: "/etc" },
    ],
    { root: dir, quarantineDir: path.join(dir, "q"), apply: true, now: NOW },
  );
  assert.deepEqual(
    res.map((r) => [r.status, r.reason]),
    [
      ["refused", "not-regular"],
      ["refused", "not-regular"],
    ],
  );
  assert.ok(fs.lstatSync(path.join(dir, "etc", "link")).isSymbolicLink());
});
