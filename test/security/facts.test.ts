import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { MAX_BUNDLE_BYTES } from "../../src/facts/read.ts";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

/**
 * A facts file is hostile input: it may come from the server being examined. mamori refuses what it
 * did not write (exit 2, one line, no stack trace), never opens a path named in it, and escapes its text.
 */
const ESC = "\u001b";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit the bundle as plain JSON.
type Json = any;

async function bundleOf(root: string): Promise<Json> {
  const r = await mamori(["collect", "--root", root, "--output", "-", "--now", FIXTURE_NOW]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function write(t: { after: (fn: () => void) => void }, content: string | object): string {
  const file = path.join(tempDir(t), "facts.json");
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

async function refused(file: string, reason: RegExp) {
  const r = await mamori(["check", file]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(r.stderr, /not a usable mamori facts file/);
  assert.match(r.stderr, reason);
  assert.doesNotMatch(r.stderr, /\n\s+at |unexpected error/);
  assert.ok(!r.stderr.includes(ESC), "no escape sequence reaches the terminal");
  return r;
}

test("an oversized facts file is refused before it is read (a sparse file of 1 TB costs nothing)", async (t) => {
  const file = path.join(tempDir(t), "huge.json");
  const fd = fs.openSync(file, "w");
  // 1 TB: were any of it read, the test would not end (nor fit in memory).
  fs.ftruncateSync(fd, Math.max(MAX_BUNDLE_BYTES + 1, 2 ** 40));
  fs.closeSync(fd);
  await refused(file, /too large/);
});

test("deep nesting, not JSON, another kind, another version, unknown keys: each refused with its reason", async (t) => {
  await refused(write(t, `{"a":${"[".repeat(200_000)}`), /nested too deeply/);
  await refused(write(t, "{ not json"), /not JSON/);
  await refused(write(t, "[]"), /not a facts bundle/);
  const good = await bundleOf(fixtureRoot("debian12"));
  await refused(write(t, { ...good, kind: "mamori-report" }), /not a facts bundle .*\(mamori-report\)\n$/);
  // A JSON object with no kind at all: no "(undefined)" after the reason.
  await refused(write(t, { x: 1 }), /\(kind is not mamori-facts\)\n$/);
  await refused(write(t, { ...good, schemaVersion: 99 }), /schema version/);
  await refused(write(t, { ...good, extra: 1 }), /does not fit the schema/);
  await refused(write(t, { ...good, areas: { ...good.areas, shell: {} } }), /does not fit the schema/);
  await refused(write(t, { ...good, root: "/\u0000" }), /does not fit the schema/);
  const exposure = structuredClone(good);
  exposure.areas.exposure.listeners = [{ port: "80; rm -rf /" }];
  await refused(write(t, exposure), /does not fit the schema/);
  // A key the attacker chose, with escape sequences in it, is quoted escaped.
  const evil = structuredClone(good);
  evil.areas.exposure.firewall[`${ESC}]0;owned${ESC}\\`] = 1;
  await refused(write(t, evil), /does not fit the schema/);
  // A FIFO never hangs the run.
  const fifo = path.join(tempDir(t), "fifo");
  const { spawnSync } = await import("node:child_process");
  if (spawnSync("mkfifo", [fifo]).status === 0) await refused(fifo, /not a regular file/);
});

test("one bad file among several: the good ones are still judged, the run exits 2", async (t) => {
  const good = write(t, await bundleOf(fixtureRoot("upstream-2.4.49")));
  const r = await mamori(["check", write(t, "[]"), good, "--format", "json"]);
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.stdout).command, "check");
  assert.match(r.stderr, /not a facts bundle/);
});

test("paths in a bundle are text: judging opens none of them, and attacker text is escaped", async (t) => {
  const dir = tempDir(t);
  const secret = path.join(dir, "secret");
  fs.writeFileSync(secret, "TOP-SECRET-MARKER\n");
  const bundle = await bundleOf(fixtureRoot("upstream-2.4.49"));
  const rel = path.relative(process.cwd(), secret);
  const traversal = `../../../../../../..${secret}`;
  bundle.root = traversal;
  bundle.host.root = traversal;
  bundle.host.hostname = `${ESC}[2J${ESC}]0;pwned${ESC}\\host`;
  for (const inst of bundle.areas.apache.installations) {
    inst.binary = rel;
    inst.configFile = traversal;
    if (inst.config) inst.config.files = [traversal, rel];
  }
  bundle.notCollected.push({
    area: "logs",
    path: traversal,
    reason: `EACCES${ESC}[31m`,
    detail: `${ESC}]52;c;ZWNobyBob2k=${ESC}\\`,
  });
  bundle.areas.exposure.listeners.push({
    protocol: "tcp",
    family: 4,
    address: "0.0.0.0",
    port: 4444,
    scope: "all",
    uid: 0,
    inode: 1,
    processes: [
      { pid: 7, comm: `${ESC}[31mevilcomm${ESC}[0m`, exe: traversal, argv: [`${ESC}]0;x${ESC}\\`] },
    ],
  });
  const file = write(t, bundle);
  const before = fs.readdirSync(dir).sort();
  for (const format of ["human", "markdown", "html", "json", "sarif"]) {
    const r = await mamori(["check", file, "--format", format, "--now", FIXTURE_NOW], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stdout.includes("TOP-SECRET-MARKER"), format);
    assert.ok(!r.stdout.includes(ESC), `${format}: no raw escape sequence`);
    assert.ok(!r.stderr.includes(ESC));
    // The text is there, made harmless: it reached the renderer and was escaped, not dropped.
    if (format !== "sarif") assert.match(r.stdout, /evilcomm/, format);
    if (format === "human") assert.match(r.stdout, /pwned/);
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), before, "nothing written next to the paths");
});
