import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { langFirst } from "../../src/cli/app.ts";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

test("a wrong flag is one clear line and exit 2, no stack trace", async () => {
  const r = await mamori(["audit", "--bogus"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("commander's errors speak the chosen language and echo what was typed escaped", async () => {
  const evil = await mamori(["audit", "--x\x1b[31m\nINJECTED"]);
  assert.equal(evil.code, 2);
  assert.ok(!evil.stderr.includes("\x1b"), evil.stderr);
  assert.equal(evil.stderr.trim().split("\n").length, 1, evil.stderr);
  const ja = await mamori(["audit", "--lang", "ja", "--roo", "/"]);
  assert.equal(ja.code, 2);
  assert.match(ja.stderr, /^mamori: 不明なオプションです: '--roo' \(--root のことですか\?\)\n$/);
  const missing = await mamori(["report"], { env: { LANG: "ja_JP.UTF-8" } });
  assert.match(missing.stderr, /必須の引数 'file'/);
});

test("a missing --root is a usage error in the chosen language", async () => {
  const en = await mamori(["audit", "--root", "/does/not/exist"]);
  assert.equal(en.code, 2);
  assert.equal(en.stderr.trim().split("\n").length, 1);
  assert.match(en.stderr, /does not exist/);
  const ja = await mamori(["audit", "--root", "/does/not/exist"], { env: { LANG: "ja_JP.UTF-8" } });
  assert.match(ja.stderr, /存在しない/);
});

test("every command with --root refuses one that does not exist, before it scans, stores or installs", async (t) => {
  const db = `${tempDir(t)}/history.db`;
  for (const argv of [
    ["ports"],
    ["logs", "/dev/null"],
    ["watch", "--once", "--db", db],
    ["schedule", "status", "--db", db],
    ["schedule", "install", "--db", db],
    ["respond", "--quarantine", "/tmp/x"],
    ["restore", "--list"],
  ]) {
    const r = await mamori([...argv, "--root", "/does/not/exist"]);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^mamori: --root \/does\/not\/exist does not exist/, argv.join(" "));
  }
});

test("invalid option values are rejected with what was expected", async () => {
  for (const [flag, value, expected] of [
    ["--format", "xml", "human|json|sarif|markdown"],
    ["--lang", "fr", "ja|en"],
    ["--severity-threshold", "urgent", "critical|high"],
    ["--color", "maybe", "auto|always|never"],
  ]) {
    const r = await mamori(["audit", "--root", "/tmp", flag as string, value as string]);
    assert.equal(r.code, 2, flag);
    assert.ok(r.stderr.includes(expected as string), `${flag}: ${r.stderr}`);
  }
});

test("--help works for every command and exits 0", async () => {
  const r = await mamori(["audit", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--root <dir>/);
  assert.match(r.stdout, /--severity-threshold/);
  // The name said every command; it only ran audit's.
  const top = await mamori(["--help"]);
  const commands = [...top.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1] as string);
  assert.ok(commands.length >= 12, commands.join(" "));
  for (const argv of [
    ...commands.filter((c) => c !== "help").map((c) => [c]),
    ["db", "status"],
    ["db", "update"],
  ]) {
    const h = await mamori([...argv, "--help"]);
    assert.equal(h.code, 0, argv.join(" "));
    assert.match(h.stdout, /^Usage: mamori /, argv.join(" "));
    assert.equal(h.stderr, "", argv.join(" "));
  }
});

test("JSON output follows the schemaVersion 1 contract", async (t) => {
  const root = tempDir(t);
  const r = await mamori(["audit", "--root", root, "--format", "json", "--now", "2026-01-02T03:04:05Z"]);
  // An empty root has no Apache and no log: nothing found, but not fully checked (exit 3, never "Safe").
  assert.equal(r.code, 3, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.tool.name, "mamori");
  assert.equal(doc.scannedAt, "2026-01-02T03:04:05.000Z");
  assert.ok(Array.isArray(doc.findings));
  assert.equal(doc.host.root, root);
  assert.equal(doc.host.live, false);
});

test("--output writes the report to a file and nothing to stdout", async (t) => {
  const dir = tempDir(t);
  const r = await mamori(["audit", "--root", dir, "--format", "markdown", "--output", `${dir}/r.md`]);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, "");
  const { readFileSync } = await import("node:fs");
  assert.match(readFileSync(`${dir}/r.md`, "utf8"), /^# mamori security checkup/);
});

test("mamori logs with nothing it could read is exit 2, not an empty clean report", async (t) => {
  const dir = tempDir(t);
  for (const argv of [[`${dir}/missing.log`], [dir], [`${dir}/acces*.log`]]) {
    const r = await mamori(["logs", ...argv]);
    assert.equal(r.code, 2, `${argv}: ${r.stdout}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /no log files found/);
  }
  // A device or FIFO: why it was not read, once, in words (it read "([object Object])").
  const r = await mamori(["logs", "/dev/null"]);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, /object Object/);
  assert.equal(r.stderr.match(/not a regular file/g)?.length, 1, r.stderr);
});

test("--help lists every command, and each command file is registered", async () => {
  const { readdirSync } = await import("node:fs");
  const files = readdirSync(new URL("../../src/cli/commands/", import.meta.url)).filter((f) =>
    f.endsWith(".ts"),
  );
  const r = await mamori(["--help"]);
  assert.equal(r.code, 0);
  for (const f of files) {
    const name = f.replace(/\.ts$/, "");
    assert.match(r.stdout, new RegExp(`^  ${name}\\b`, "m"), `${name} missing from mamori --help`);
    const one = await mamori([name, "--help"]);
    assert.equal(one.code, 0, `${name} --help: ${one.stderr}`);
  }
});

test("mamori iocs: a typo in --lang or --kind is exit 2; list names and sources reach the terminal escaped", async (t) => {
  const dir = tempDir(t);
  assert.equal((await mamori(["iocs", "status", "--lang", "xx", "--feed-dir", dir])).code, 2);
  const kind = await mamori(["iocs", "update", "--kind", "pools", "--from", "x", "--feed-dir", dir]);
  assert.equal(kind.code, 2);
  assert.match(kind.stderr, /--kind: pools \(expected pool\|malware\|generic\)/);
  const file = `${dir}/pool\x1b]0;owned\x07.txt`;
  fs.writeFileSync(file, "pool.evil.example\n");
  const r = await mamori(["iocs", "update", "--from", file, "--feed-dir", `${dir}/feeds`]);
  assert.equal(r.code, 0, r.stderr);
  const s = await mamori(["iocs", "status", "--feed-dir", `${dir}/feeds`]);
  for (const out of [r.stdout, s.stdout])
    assert.ok(out.includes("pool\\x1b]0;owned\\x07.txt") && !out.includes("\x1b"), out);
});

test("mamori hunt: a broken allowlist is one line; number flags say what they expect in the user's language", async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(`${dir}/allow.yaml`, "- path: /x\n  reason: [unclosed\n\x1b[31m: :\n");
  const r = await mamori(["hunt", "--root", dir, "--allowlist", `${dir}/allow.yaml`, "--sample-ms", "0"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.ok(!r.stderr.includes("\x1b"), r.stderr);
  const ja = await mamori(["hunt", "--root", dir, "--sample-ms", "abc", "--lang", "ja"]);
  assert.match(ja.stderr, /期待する値: 0 以上の数/);
});

test("--output that cannot be written is one line and exit 2 for every command that writes a report", async (t) => {
  const dir = tempDir(t);
  const log = `${dir}/access.log`;
  fs.writeFileSync(log, '203.0.113.5 - - [12/Mar/2024:03:14:07 +0000] "GET /.env HTTP/1.1" 404 1 "-" "x"\n');
  for (const argv of [
    ["audit", "--root", dir],
    ["logs", log],
    ["logs", log, "--format", "json"],
    ["probe", "ftp://127.0.0.1/"],
  ]) {
    const r = await mamori([...argv, "--output", dir]);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, /^mamori: cannot write .*: is a directory$/m, `${argv.join(" ")}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /unexpected/);
  }
});

test("--lang before the command is the command's --lang", async () => {
  assert.deepEqual(langFirst(["--lang", "ja", "audit", "--root", "/x"]), [
    "audit",
    "--lang",
    "ja",
    "--root",
    "/x",
  ]);
  assert.deepEqual(langFirst(["--lang=en", "logs", "-"]), ["logs", "--lang=en", "-"]);
  assert.deepEqual(langFirst(["audit", "--lang", "ja"]), ["audit", "--lang", "ja"]);
  assert.deepEqual(langFirst(["--lang", "ja", "--help"]), ["--lang", "ja", "--help"]);
  // A command group: --lang goes to the command inside it (`db` itself takes none).
  assert.deepEqual(langFirst(["--lang", "ja", "db", "status", "--format", "json"]), [
    "db",
    "status",
    "--lang",
    "ja",
    "--format",
    "json",
  ]);
  const r = await mamori(["--lang", "ja", "audit", "--root", fixtureRoot("debian12"), "--now", FIXTURE_NOW]);
  assert.ok(r.code === 1, r.stderr);
  assert.match(r.stdout.split("\n")[0] ?? "", /^要注意: 直すべき問題が \d+ 件あります。$/);
});
