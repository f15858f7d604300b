/**
 * The data directories someone names (--data-dir, MAMORI_DATA_DIR, --feed-dir, MAMORI_IOC_DIR) and the
 * files `iocs update --from` reads decide what mamori reports and what it publishes. As root, another
 * user who can change them must not hang a run (a FIFO), blind it (a forged vulndb.json), or make root
 * copy a root-only file into a world-readable feed (a planted link). Each test runs the real CLI as a
 * child with a timeout, as root, against files planted by `nobody`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";
import { fixtureRoot as huntFixtureRoot } from "../hunt/helpers/fixture.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const MAMORI = path.join(REPO, "bin/mamori");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The real CLI as a child, killed after `timeoutMs`: a hang is a failed test, never a stuck suite. */
function run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Run {
  const r = spawnSync(MAMORI, args, {
    env: { PATH: process.env.PATH, LANG: "en_US.UTF-8", ...env },
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary directory others can reach (tempDir is 0700), to hold what the attacker prepares. */
function openBase(t: { after: (fn: () => void) => void }): string {
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  return base;
}

interface NotChecked {
  area: string;
  path?: string;
  reason: string;
  detail?: string;
}

function notChecked(r: Run): NotChecked[] {
  assert.equal(r.signal, null, `killed (hung?): ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { notChecked: NotChecked[] };
  return doc.notChecked;
}

const auditArgs = [
  "audit",
  "--root",
  fixtureRoot("compromised-2.4.49"),
  "--now",
  FIXTURE_NOW,
  "--format",
  "json",
];

test("as root, a FIFO named vulndb.json in a --data-dir others can write is refused: no hang, the audit says why", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const data = path.join(openBase(t), "datadir");
  fs.mkdirSync(data);
  fs.chmodSync(data, 0o777);
  attackerShell(`mkfifo '${data}/vulndb.json' && mkdir '${data}/iocs' && mkfifo '${data}/iocs/pools.json'`);
  for (const [args, env] of [
    [["--data-dir", data], {}],
    [[], { MAMORI_DATA_DIR: data }],
  ] as const) {
    const r = run([...auditArgs, ...args], env);
    const rows = notChecked(r);
    const vulndb = rows.find((n) => n.area === "vulndb");
    assert.equal(vulndb?.reason, "untrusted", JSON.stringify(rows));
    assert.match(
      vulndb?.detail ?? "",
      /vulndb\.json is not used: .*datadir has mode 777: other users can change it/,
    );
    // Without the data the run goes on and says what it could not check, as when the data is missing.
    assert.ok(rows.some((n) => n.area === "apache.cve" && n.reason === "no-data"));
    assert.ok(
      rows.some((n) => n.area === "hunt.iocs" && /is not used: .*mode 777/.test(n.detail ?? "")),
      JSON.stringify(rows),
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
  const status = run(["db", "status", "--data-dir", data], {}, 30_000);
  assert.equal(status.signal, null);
  assert.equal(status.code, 2);
  assert.match(status.stderr, /vulndb\.json is not used: .*mode 777/);
});

test("as root, a forged vulndb.json in a directory another user owns is not used to hide CVEs", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const data = path.join(openBase(t), "www-data");
  fs.mkdirSync(data, { mode: 0o755 });
  fs.chownSync(data, ATTACKER.uid, ATTACKER.gid);
  // The attacker's copy of the real data, every CVE taken out.
  const forged = JSON.parse(fs.readFileSync(path.join(REPO, "data/vulndb.json"), "utf8")) as {
    cves: unknown[];
  };
  forged.cves = [];
  attackerShell(`cat > '${data}/vulndb.json' <<'EOF'\n${JSON.stringify(forged)}\nEOF`);
  const rows = notChecked(run([...auditArgs, "--data-dir", data]));
  const vulndb = rows.find((n) => n.area === "vulndb");
  assert.equal(vulndb?.reason, "untrusted");
  assert.match(vulndb?.detail ?? "", /is not used: .*www-data belongs to uid 65534, not to root/);
  // db update does not write where the attacker could swap it back.
  const before = fs.readFileSync(path.join(data, "vulndb.json"));
  const up = run([
    "db",
    "update",
    "--data-dir",
    data,
    "--feed",
    "apache",
    "--apache-url",
    "http://127.0.0.1:9/x",
  ]);
  assert.equal(up.code, 2);
  assert.match(up.stderr, /vulndb\.json is not used: .*uid 65534/);
  assert.deepEqual(fs.readFileSync(path.join(data, "vulndb.json")), before);
});

test("as root, a FIFO in a --feed-dir (or MAMORI_IOC_DIR) others can write is refused: hunting goes on without it", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const root = huntFixtureRoot(t, "kinsing");
  const feeds = path.join(openBase(t), "feeds");
  fs.mkdirSync(feeds);
  fs.chmodSync(feeds, 0o777);
  attackerShell(`mkfifo '${feeds}/a.json'`);
  const hunt = [
    "hunt",
    "--root",
    root,
    "--now",
    FIXTURE_NOW,
    "--data-dir",
    path.join(REPO, "data"),
    "--format",
    "json",
  ];
  for (const [args, env] of [
    [["--feed-dir", feeds], {}],
    [[], { MAMORI_IOC_DIR: feeds }],
  ] as const) {
    const r = run([...hunt, ...args], env);
    const rows = notChecked(r);
    const refused = rows.find((n) => n.area === "hunt.iocs");
    assert.equal(refused?.reason, "untrusted", JSON.stringify(rows));
    assert.equal(refused?.path, feeds);
    assert.match(refused?.detail ?? "", /IOC data .*feeds is not used: .*feeds has mode 777/);
    // The shipped lists are still used.
    const doc = JSON.parse(r.stdout) as { sections: { hunt: { iocLists: unknown[] } } };
    assert.ok(doc.sections.hunt.iocLists.length > 0);
  }
  const status = run(["iocs", "status", "--feed-dir", feeds], {}, 30_000);
  assert.equal(status.signal, null);
  assert.equal(status.code, 2);
  assert.match(status.stderr, /IOC data .*feeds is not used: .*mode 777/);
  assert.match(status.stdout, /maltrail-crypto-mining: \d+ entries/);
});

test("as root, iocs update --from a link planted in /tmp to a root-only file refuses it; the secret is not published", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = openBase(t);
  const vault = path.join(base, "vault");
  fs.mkdirSync(vault, { mode: 0o700 });
  const secret = path.join(vault, "secret.txt");
  fs.writeFileSync(secret, "internal-db.corp.example\n", { mode: 0o600 });
  const shared = path.join(base, "shared2");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  attackerShell(`ln -s '${secret}' '${shared}/list.txt'`);
  // A link in a directory root alone can write is refused too: no link is ever followed.
  const rootDir = path.join(base, "rootdir");
  fs.mkdirSync(rootDir, { mode: 0o755 });
  fs.symlinkSync(secret, path.join(rootDir, "list.txt"));
  const feeds = path.join(base, "feeds");
  for (const [from, reason] of [
    [path.join(shared, "list.txt"), /shared2 has mode 1777: other users can change it/],
    [path.join(rootDir, "list.txt"), /rootdir\/list\.txt is a symbolic link, which mamori does not follow/],
  ] as const) {
    const r = run(["iocs", "update", "--from", from, "--feed-dir", feeds], {}, 30_000);
    assert.equal(r.signal, null);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`list\\.txt is not read: .*${reason.source}`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
  // Nothing was stored; whatever is there, the attacker cannot find the secret in it.
  const found = spawnSync(
    "setpriv",
    [
      `--reuid=${ATTACKER.uid}`,
      `--regid=${ATTACKER.gid}`,
      "--clear-groups",
      "grep",
      "-rs",
      "internal-db",
      base,
    ],
    { encoding: "utf8" },
  );
  assert.equal(found.stdout, "");
  assert.ok(!fs.existsSync(feeds) || fs.readdirSync(feeds).length === 0);
  // A feed directory others can write is refused for the list root stores.
  const open = path.join(base, "openfeeds");
  fs.mkdirSync(open);
  fs.chmodSync(open, 0o777);
  const mine = path.join(rootDir, "mine.txt");
  fs.writeFileSync(mine, "evil-pool.example\n", { mode: 0o644 });
  const w = run(["iocs", "update", "--from", mine, "--feed-dir", open], {}, 30_000);
  assert.equal(w.code, 2);
  assert.match(w.stderr, /IOC data .*openfeeds is not used: .*mode 777/);
  assert.deepEqual(fs.readdirSync(open), []);
});
