/**
 * Issue 10, holes 2, 3 and 5 (and the `restore --list` part of 7): `respond` and `restore` run as root
 * against files, directories and images an unprivileged user controls. Each test runs the real CLI (or,
 * where a step hook is needed, the real quarantine code) as root while the attacker acts as `nobody`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { DEFAULT_QUARANTINE, parseRespondEnv } from "../../src/cli/commands/respond.ts";
import { disableCronLine } from "../../src/respond/cron.ts";
import { quarantineFile } from "../../src/respond/quarantine.ts";
import { restore } from "../../src/respond/run.ts";
import { listEntries, type Manifest, sha256 } from "../../src/respond/store.ts";
import { mamori } from "../helpers/cli.ts";
import { fileState } from "../helpers/files.ts";
import { assertTerminalSafe, HOSTILE } from "../helpers/hostile.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const NOW = () => new Date("2026-11-25T12:00:00Z");
const SECRET = "root:$6$secret:20000:0:99999:7:::\n";
const MALWARE = "#!/bin/sh\nexec /tmp/.x\n";

/**
 * A world-writable sticky directory standing for /tmp, holding:
 *  x/     the attacker's directory (nobody, 0755) with their file x/<name>
 *  etc/   root's directory with a root-owned file standing for /etc/shadow or /etc/passwd
 *  q      (not yet created) the quarantine, as root's private directory
 */
function scene(t: { after: (fn: () => void) => void }, name = "f") {
  const base = tempDir(t, "mamori-sec-");
  fs.chmodSync(base, 0o1777);
  const x = path.join(base, "x");
  fs.mkdirSync(x, { mode: 0o755 });
  fs.chownSync(x, ATTACKER.uid, ATTACKER.gid);
  attackerShell(`printf '%s' '${MALWARE}' > ${x}/${name}`);
  const etc = path.join(base, "etc");
  fs.mkdirSync(etc, { mode: 0o755 });
  const victim = path.join(etc, name === "f" ? "shadow" : name);
  fs.writeFileSync(victim, SECRET, { mode: 0o640 });
  fs.chmodSync(victim, 0o640);
  return {
    base,
    x,
    etc,
    victim,
    file: path.join(x, name),
    q: path.join(base, "q"),
    victimBefore: fileState(victim),
  };
}

test("hole 2: restore never writes through a link planted at its temporary name or at the original path", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const { x, etc, victim, file, q, victimBefore } = scene(t);
  const r = await mamori(["respond", "--quarantine", file, "--apply", "--quarantine-dir", q]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const id = /mamori restore (\S+)/.exec(r.stdout)?.[1] as string;
  assert.equal(fs.existsSync(file), false);

  // The old fixed temporary name, and the original path itself, both pointing at root's file.
  attackerShell(`ln -s ${victim} ${x}/.f.mamori-restore && ln -s ${victim} ${file}`);
  const refused = await mamori(["restore", id, "--quarantine-dir", q]);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /at the original path again, so nothing was overwritten/);
  assert.deepEqual(fileState(victim), victimBefore);

  // The parent swapped for a link to root's directory: refused, nothing created there.
  attackerShell(`mv ${x} ${x}.old && ln -s ${etc} ${x}`);
  const viaLink = await mamori(["restore", id, "--quarantine-dir", q]);
  assert.equal(viaLink.code, 1, viaLink.stdout + viaLink.stderr);
  assert.match(viaLink.stderr, /symbolic link/);
  assert.deepEqual(fs.readdirSync(etc), ["shadow"]);
  assert.deepEqual(fileState(victim), victimBefore);

  // Back in place, with only the planted temporary-name link left: restore writes beside it.
  attackerShell(`rm ${x} && mv ${x}.old ${x} && rm ${file}`);
  const ok = await mamori(["restore", id, "--quarantine-dir", q]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(fs.readFileSync(file, "utf8"), MALWARE);
  assert.equal(fs.lstatSync(file).uid, ATTACKER.uid);
  assert.ok(fs.lstatSync(path.join(x, ".f.mamori-restore")).isSymbolicLink());
  assert.deepEqual(fileState(victim), victimBefore);
});

const STEPS = ["create-entry", "write-manifest", "copy", "verify", "mark-done", "remove-original"];
const SWAPS = {
  "the directory for a link to root's directory": (s: ReturnType<typeof scene>) =>
    `mv ${s.x} ${s.x}.old && ln -s ${s.etc} ${s.x}`,
  "the file for a link to root's file": (s: ReturnType<typeof scene>) =>
    `rm ${s.file} && ln -s ${s.victim} ${s.file}`,
};

for (const [what, swap] of Object.entries(SWAPS))
  for (const at of STEPS)
    test(`hole 3: the attacker swaps ${what} at "${at}": root's passwd is never deleted or changed`, (t) => {
      const why = needsRoot();
      if (why) return t.skip(why);
      const s = scene(t, "passwd");
      const hooks = {
        step(name: string) {
          if (name === at) attackerShell(swap(s));
        },
      };
      let outcome: string;
      try {
        const m = quarantineFile(s.file, { root: "/", quarantineDir: s.q, now: NOW, hooks });
        outcome = `quarantined ${m.id}`;
      } catch (err) {
        outcome = `refused: ${(err as Error).message}`;
      }
      assert.ok(fs.existsSync(s.victim), `root's passwd was deleted (${outcome})`);
      assert.deepEqual(fileState(s.victim), s.victimBefore, outcome);
      // Whatever made it into the quarantine is the attacker's file, never root's.
      for (const e of listEntries(s.q))
        if (e.manifest.sha256) assert.equal(e.manifest.sha256, sha256(MALWARE), outcome);
    });

test("hole 3: a directory already swapped for a link before quarantine is refused, not followed", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const s = scene(t, "passwd");
  attackerShell(`mv ${s.x} ${s.x}.old && ln -s ${s.etc} ${s.x}`);
  assert.throws(
    () => quarantineFile(s.file, { root: "/", quarantineDir: s.q, now: NOW }),
    (err: { reason?: string }) => err.reason === "link",
  );
  assert.deepEqual(fileState(s.victim), s.victimBefore);
});

/** An image as a hostile tarball would unpack it (as root), and a host directory outside it. */
function image(t: { after: (fn: () => void) => void }) {
  const base = tempDir(t, "mamori-img-");
  const img = path.join(base, "img");
  const outside = path.join(base, "outside");
  fs.mkdirSync(img);
  fs.mkdirSync(outside);
  return { base, img, outside, hostQ: path.join(base, "hostq") };
}

/** Everything under `dir` with a set-id bit. */
function setidFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.join(e.parentPath, e.name);
    if ((fs.lstatSync(p).mode & 0o6000) !== 0) out.push(p);
  }
  return out;
}

function hostileManifest(id: string, img: string, outside: string): Manifest {
  return {
    id,
    kind: "file",
    state: "quarantined",
    createdAt: "2026-11-25T12:00:00.000Z",
    root: img,
    originalPath: "/evil",
    hostPath: path.join(outside, "rootshell"),
    sha256: sha256("#!/bin/sh\nid\n"),
    size: 12,
    mode: 0o6755,
    uid: 0,
    gid: 0,
  };
}

function plantEntry(q: string, m: Manifest, content: string, raw?: string): void {
  const dir = path.join(q, m.id);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(q, 0o700);
  fs.writeFileSync(path.join(dir, "manifest.json"), raw ?? JSON.stringify(m));
  fs.writeFileSync(path.join(dir, "content"), content);
}

test("hole 5: a manifest shipped inside a --root image is never read; restore creates nothing setuid, nothing outside", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const { img, outside, hostQ } = image(t);
  const id = "20261125T120000Z-file-abcdef";
  plantEntry(
    path.join(img, "var/lib/mamori/quarantine"),
    hostileManifest(id, img, outside),
    "#!/bin/sh\nid\n",
  );

  // The default quarantine is this machine's, also with --root: the image's entry does not exist there.
  const io = { env: {}, cwd: "/", stdout: { write() {} }, stderr: { write() {} } };
  assert.equal(parseRespondEnv({ root: img }, io as never).quarantineDir, DEFAULT_QUARANTINE);
  const dflt = await mamori(["restore", id, "--root", img]);
  assert.notEqual(dflt.code, 0, dflt.stdout);
  // Pointing --quarantine-dir into the image is refused outright.
  const inside = await mamori([
    "restore",
    id,
    "--root",
    img,
    "--quarantine-dir",
    path.join(img, "var/lib/mamori/quarantine"),
  ]);
  assert.equal(inside.code, 2, inside.stdout + inside.stderr);
  assert.match(inside.stderr, /inside the image/);
  const empty = await mamori(["restore", id, "--root", img, "--quarantine-dir", hostQ]);
  assert.notEqual(empty.code, 0);

  assert.deepEqual(fs.readdirSync(outside), []);
  assert.equal(fs.existsSync(path.join(img, "evil")), false);
  assert.deepEqual(setidFiles(path.dirname(img)), []);
});

test("hole 5: even a trusted entry is restored inside its root at its path there, hostPath ignored, set-id bits only when asked", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const { img, outside, hostQ } = image(t);
  const id = "20261125T120000Z-file-fedcba";
  plantEntry(hostQ, hostileManifest(id, img, outside), "#!/bin/sh\nid\n");
  const r = await mamori(["restore", id, "--root", img, "--quarantine-dir", hostQ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /set-user-id\/set-group-id bits \(06000\) were NOT restored.*--keep-setid/);
  assert.deepEqual(fs.readdirSync(outside), []);
  assert.equal(fs.statSync(path.join(img, "evil")).mode & 0o7777, 0o755);
  assert.deepEqual(setidFiles(path.dirname(img)), []);
  // Made for that image: restoring it against this machine is refused.
  const other = await mamori(["restore", id, "--quarantine-dir", hostQ]);
  assert.notEqual(other.code, 0);
  assert.match(other.stderr, /another --root/);
  // Asked for explicitly, the bits come back and the output says so.
  const id2 = "20261125T120000Z-file-abc123";
  plantEntry(hostQ, { ...hostileManifest(id2, img, outside), originalPath: "/evil2" }, "#!/bin/sh\nid\n");
  const kept = await mamori(["restore", id2, "--root", img, "--quarantine-dir", hostQ, "--keep-setid"]);
  assert.equal(kept.code, 0, kept.stdout + kept.stderr);
  assert.match(kept.stdout, /bits \(06000\) were restored, as --keep-setid asked/);
  assert.equal(fs.statSync(path.join(img, "evil2")).mode & 0o7777, 0o6755);
  assert.deepEqual(fs.readdirSync(outside), []);
});

test("disabling a cron line: the crontab directory swapped for a link at each step never changes root's file", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  for (const at of ["create-entry", "backup", "rewrite", "restore-write", "restore-rename"]) {
    const s = scene(t, "crontab");
    attackerShell(`printf '* * * * * /tmp/.x\\n' > ${s.file}`);
    fs.writeFileSync(s.victim, "* * * * * root /usr/sbin/backup\n");
    const before = fileState(s.victim);
    const hooks = {
      step(name: string) {
        if (name === at) attackerShell(`mv ${s.x} ${s.x}.old && ln -s ${s.etc} ${s.x}`);
      },
    };
    try {
      disableCronLine(s.file, 1, { root: "/", quarantineDir: s.q, now: NOW, hooks });
    } catch {
      // refused or failed: either way root's file must be as it was
    }
    assert.deepEqual(fileState(s.victim), before, at);
    assert.deepEqual(fs.readdirSync(s.etc), ["crontab"], at);
  }
});

test("hole 5: a symlinked var/lib/mamori in the image receives nothing; a parent that links out of the image is refused", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const { img, outside, hostQ } = image(t);
  fs.mkdirSync(path.join(img, "var/lib"), { recursive: true });
  fs.symlinkSync(outside, path.join(img, "var/lib/mamori"));
  fs.mkdirSync(path.join(img, "opt"));
  fs.writeFileSync(path.join(img, "opt/miner"), MALWARE);
  const viaImage = await mamori([
    "respond",
    "--quarantine",
    "/opt/miner",
    "--root",
    img,
    "--apply",
    "--quarantine-dir",
    path.join(img, "var/lib/mamori/quarantine"),
  ]);
  assert.equal(viaImage.code, 2, viaImage.stdout + viaImage.stderr);
  assert.deepEqual(fs.readdirSync(outside), []);
  assert.ok(fs.existsSync(path.join(img, "opt/miner")));

  // /tmp inside the image is a link to a host directory holding root's file.
  const hostDir = path.join(outside, "hostdir");
  fs.mkdirSync(hostDir);
  fs.writeFileSync(path.join(hostDir, "keep"), SECRET);
  const before = fileState(path.join(hostDir, "keep"));
  fs.symlinkSync(hostDir, path.join(img, "tmp"));
  const r = await mamori([
    "respond",
    "--quarantine",
    "/tmp/keep",
    "--root",
    img,
    "--apply",
    "--quarantine-dir",
    hostQ,
  ]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /REFUSED[^\n]*\n[^\n]*symbolic link/);
  assert.deepEqual(fileState(path.join(hostDir, "keep")), before);
  assert.deepEqual(listEntries(hostQ), []);
});

test("a quarantine directory another user owns or anyone can write is refused with one clear line", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const s = scene(t);
  const theirs = path.join(s.base, "theirs");
  fs.mkdirSync(theirs, { mode: 0o700 });
  fs.chownSync(theirs, ATTACKER.uid, ATTACKER.gid);
  const open = path.join(s.base, "open");
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o777);
  for (const [dir, why] of [
    [theirs, /owned by uid 65534/],
    [open, /mode 777/],
  ] as const) {
    const r = await mamori(["respond", "--quarantine", s.file, "--apply", "--quarantine-dir", dir]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /refusing the quarantine directory/);
    assert.match(r.stderr, why);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(fs.readFileSync(s.file, "utf8"), MALWARE);
    const list = await mamori(["restore", "--list", "--quarantine-dir", dir]);
    assert.equal(list.code, 2, list.stdout + list.stderr);
    assert.match(list.stderr, /refusing the quarantine directory/);
  }
});

test("restore --list escapes every manifest field, and lists a manifest that fails validation without believing it", async (t) => {
  const dir = tempDir(t);
  const q = path.join(dir, "q");
  const good = hostileManifest("20261125T120000Z-file-111111", `/img${HOSTILE}`, dir);
  plantEntry(q, { ...good, originalPath: `/tmp/${HOSTILE}`, findingId: HOSTILE }, "x");
  const bad = { ...good, id: "20261125T120000Z-file-222222" };
  plantEntry(
    q,
    bad,
    "x",
    JSON.stringify({ ...bad, createdAt: HOSTILE, kind: HOSTILE, sha256: HOSTILE, state: HOSTILE }),
  );
  const r = await mamori(["restore", "--list", "--quarantine-dir", q]);
  assert.equal(r.code, 0, r.stderr);
  assertTerminalSafe(r.stdout, "restore --list");
  assert.match(r.stdout, /20261125T120000Z-file-111111 .*\/tmp\/A\\x1b\[31mB/);
  assert.match(r.stdout, /20261125T120000Z-file-222222 {2}invalid entry, not trusted/);
  // And it cannot be restored.
  assert.throws(() => restore("20261125T120000Z-file-222222", { quarantineDir: q, now: NOW }), /222222/);
});
