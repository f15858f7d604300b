import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import type { RenderedDocument as ReportDocument } from "../../src/report/localize.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { huntArgs } from "./helpers/fixture.ts";

type T = Parameters<typeof tempDir>[0];

const ELF = "\x7fELF\x02\x01\x01\0fixture-not-a-real-binary\0";
const DPKG_STATUS =
  "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\n\n" +
  "Package: libjemalloc2\nStatus: install ok installed\nVersion: 5.3.0-1\n";

/** A server root with a package database and the given files, hunted as `mamori hunt --root`. */
async function huntRoot(t: T, files: Record<string, string>): Promise<ReportDocument> {
  const root = path.join(tempDir(t), "root");
  writeTree(root, {
    "etc/os-release": 'ID=debian\nVERSION_ID="12"\n',
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\n",
    "var/lib/dpkg/status": DPKG_STATUS,
    "var/lib/dpkg/info/libc6:amd64.list": "/.\n/usr/lib/x86_64-linux-gnu/libc.so.6\n",
    "var/lib/dpkg/info/libjemalloc2:amd64.list": "/.\n/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n",
    "usr/lib/x86_64-linux-gnu/libjemalloc.so.2": ELF,
    ...files,
  });
  const r = await mamori([...huntArgs(t, root), "--format", "json"]);
  return JSON.parse(r.stdout) as ReportDocument;
}

const preloadOf = (doc: ReportDocument) => doc.findings.find((f) => f.check === "persistence.preload");
const signals = (f: ReturnType<typeof preloadOf>) =>
  ((f?.data?.signals ?? []) as Array<{ signal: string }>).map((s) => s.signal);

test("ld.so.preload naming a library outside the library directories that no package owns is high (Kinsing, perfctl)", async (t) => {
  const doc = await huntRoot(t, {
    "etc/ld.so.preload": "/etc/data/libsystem.so\n",
    "etc/data/libsystem.so": `${ELF}readdir\0`,
  });
  const f = preloadOf(doc);
  assert.ok(f, JSON.stringify(doc.findings.map((x) => x.check)));
  assert.equal(f.severity, "high");
  assert.equal(f.confidence, "likely");
  for (const s of ["preloadEntry", "preloadOutsideLibDirs", "preloadUnowned"])
    assert.ok(signals(f).includes(s), `${s} in ${signals(f)}`);
});

test("ld.so.preload naming a package's library in a system directory stays low", async (t) => {
  const doc = await huntRoot(t, { "etc/ld.so.preload": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n" });
  const f = preloadOf(doc);
  assert.ok(f);
  assert.equal(f.severity, "low");
  assert.ok(signals(f).includes("preloadPackaged"), signals(f).join(","));
  assert.ok(!signals(f).includes("preloadUnowned"));
});

test("an unowned library in a system directory is medium; one that does not exist says so", async (t) => {
  const unowned = await huntRoot(t, {
    "etc/ld.so.preload": "/usr/lib/libsystemd-shared.so.6\n",
    "usr/lib/libsystemd-shared.so.6": ELF,
  });
  const f = preloadOf(unowned);
  assert.equal(f?.severity, "medium");
  assert.ok(signals(f).includes("preloadUnowned"));
  assert.ok(!signals(f).includes("preloadOutsideLibDirs"));
  const missing = await huntRoot(t, { "etc/ld.so.preload": "/etc/data/libsystem.so\n" });
  const g = preloadOf(missing);
  assert.ok(signals(g).includes("preloadMissing"), signals(g).join(","));
  // Gone: still odd (outside every library dir), but it preloads nothing today and no package is asked about it.
  assert.ok(!signals(g).includes("preloadUnowned"));
  assert.equal(g?.severity, "medium");
});

test("without a package database, where the library lives still counts", async (t) => {
  const root = path.join(tempDir(t), "root");
  writeTree(root, {
    "etc/os-release": 'ID=alpine\nVERSION_ID="3.20"\n',
    "etc/ld.so.preload": "/etc/data/libsystem.so\n",
    "etc/data/libsystem.so": ELF,
  });
  const r = await mamori([...huntArgs(t, root), "--format", "json"]);
  const f = preloadOf(JSON.parse(r.stdout) as ReportDocument);
  assert.equal(f?.severity, "medium");
  assert.ok(signals(f).includes("preloadOutsideLibDirs"));
});
