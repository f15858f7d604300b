import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { collectHost, hostIdFromMachineId } from "../../src/collect/host.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { reportSchema } from "../../src/core/contract.ts";
import { HOST_ID_FILE, keptHostId, withHostId } from "../../src/watch/host-id.ts";
import { UnsafeStateError } from "../../src/watch/state-dir.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { doc } from "../watch/helpers.ts";

const MID_A = "3d1219c7c4c5404aaa1f6d2a48adfda4";
const MID_B = "0123456789abcdef0123456789abcdef";

test("the host id is the hashed machine-id: stable across runs and hostname changes, never the raw id", (t) => {
  const root = path.join(tempDir(t), "r");
  writeTree(root, { "etc/machine-id": `${MID_A}\n`, "etc/hostname": "web1\n" });
  const first = collectHost(new RootFs(root), () => "x");
  const again = collectHost(new RootFs(root), () => "x");
  assert.match(first.id ?? "", /^[0-9a-f]{32}$/);
  assert.equal(again.id, first.id);
  assert.equal(first.id, hostIdFromMachineId(MID_A));
  assert.notEqual(first.id, MID_A);
  fs.writeFileSync(path.join(root, "etc/hostname"), "renamed\n");
  const renamed = collectHost(new RootFs(root), () => "x");
  assert.equal(renamed.hostname, "renamed");
  assert.equal(renamed.id, first.id, "a new hostname is the same host");
  assert.ok(!JSON.stringify(renamed).includes(MID_A), "the raw machine-id stays private");
  // The report contract takes the id (and still takes reports written before it existed).
  assert.ok(reportSchema.safeParse({ ...doc([], "2026-01-01T00:00:00Z"), host: renamed }).success);
  assert.ok(reportSchema.safeParse(doc([], "2026-01-01T00:00:00Z")).success);
  assert.ok(
    !reportSchema.safeParse({ ...doc([], "2026-01-01T00:00:00Z"), host: { ...renamed, id: "../x" } }).success,
  );
});

test("two roots with different machine-ids are two hosts; D-Bus's id is used when systemd's is missing", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "a/etc/machine-id": `${MID_A}\n`,
    "b/var/lib/dbus/machine-id": `${MID_B}\n`,
    "a/etc/hostname": "same\n",
    "b/etc/hostname": "same\n",
  });
  const a = collectHost(new RootFs(path.join(dir, "a")), () => "x");
  const b = collectHost(new RootFs(path.join(dir, "b")), () => "x");
  assert.equal(b.id, hostIdFromMachineId(MID_B));
  assert.notEqual(a.id, b.id);
});

test("no usable machine-id: no id from the root (first-boot 'uninitialized', garbage, a huge file)", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "u/etc/machine-id": "uninitialized\n",
    "g/etc/machine-id": "../../etc/shadow\n",
    "h/etc/machine-id": `${MID_A}${"0".repeat(1 << 20)}`,
    "n/etc/hostname": "none\n",
  });
  for (const r of ["u", "g", "h", "n"])
    assert.equal(collectHost(new RootFs(path.join(dir, r)), () => "x").id, undefined, r);
});

test("the live root without a machine-id gets a generated id kept in the private state directory", (t) => {
  const state = path.join(tempDir(t), "state");
  const euid = process.geteuid?.() ?? 0;
  const id = keptHostId(state, euid);
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(keptHostId(state, euid), id, "the same id every run");
  const st = fs.statSync(path.join(state, HOST_ID_FILE));
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(fs.statSync(state).mode & 0o777, 0o700);
  assert.deepEqual(
    fs.readdirSync(state).filter((n) => n.endsWith(".tmp")),
    [],
    "no temporary left",
  );
  const host = { hostname: "c1", root: "/", live: true };
  assert.equal(withHostId(host, state, euid).id, id);
  assert.equal(withHostId({ ...host, live: false }, state, euid).id, undefined, "only for the live root");
  assert.equal(withHostId({ ...host, id: "f".repeat(32) }, state, euid).id, "f".repeat(32));
});

test("a kept host id others could have written, or a malformed one, is refused and never replaced", (t) => {
  const dir = tempDir(t);
  const euid = process.geteuid?.() ?? 0;
  const open = path.join(dir, "open");
  fs.mkdirSync(open, { mode: 0o700 });
  fs.writeFileSync(path.join(open, HOST_ID_FILE), `${"a".repeat(32)}\n`, { mode: 0o666 });
  fs.chmodSync(path.join(open, HOST_ID_FILE), 0o666);
  assert.throws(() => keptHostId(open, euid), UnsafeStateError);
  const bad = path.join(dir, "bad");
  fs.mkdirSync(bad, { mode: 0o700 });
  fs.writeFileSync(path.join(bad, HOST_ID_FILE), "not an id\n", { mode: 0o600 });
  assert.throws(() => keptHostId(bad, euid), /not a host id/);
  assert.equal(fs.readFileSync(path.join(bad, HOST_ID_FILE), "utf8"), "not an id\n");
  const shared = path.join(dir, "shared");
  fs.mkdirSync(shared, { mode: 0o777 });
  fs.chmodSync(shared, 0o777);
  assert.throws(() => keptHostId(shared, euid), UnsafeStateError);
  assert.deepEqual(fs.readdirSync(shared), [], "nothing written where others can write");
});
