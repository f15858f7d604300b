import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { FIXTURE_NOW, fixtureRoot as fixtureRootOf } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";
import { fixtureRoot, huntArgs } from "../hunt/helpers/fixture.ts";

/** A directory the attacker owns, where they write what they hope root will read. */
function attackerDir(t: { after: (fn: () => void) => void }): string {
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  const dir = path.join(base, "www-data");
  fs.mkdirSync(dir);
  fs.chownSync(dir, ATTACKER.uid, ATTACKER.gid);
  return dir;
}

test("as root, an allowlist another user wrote cannot hide their miner", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const root = fixtureRoot(t, "allowlisted-miner");
  const sha = crypto
    .createHash("sha256")
    .update(fs.readFileSync(path.join(root, "opt/xmrig/xmrig")))
    .digest("hex");
  const dir = attackerDir(t);
  attackerShell(
    `printf -- '- path: /opt/xmrig/xmrig\\n  sha256: ${sha}\\n  reason: x\\n  expires: 2030-01-01\\n' > ${dir}/allow.yaml`,
  );
  const r = await mamori([
    ...huntArgs(t, root),
    "--format",
    "json",
    "--allowlist",
    path.join(dir, "allow.yaml"),
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /allow\.yaml is not used: another user can change .*owner uid 65534/);
  assert.equal(r.stdout, "");
});

test("as root, a configuration another user can write is refused, alerts are not redirected", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = attackerDir(t);
  attackerShell(`printf 'lang: ja\\n' > ${dir}/config.yaml`);
  const r = await mamori([
    "history",
    "--config",
    path.join(dir, "config.yaml"),
    "--db",
    path.join(tempDir(t), "h.db"),
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /config\.yaml is not used/);
});

test("an rpm command first on the PATH is never run; only a root-owned /usr/bin/rpm would be", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const dir = attackerDir(t);
  const marker = path.join(dir, "RAN");
  attackerShell(`printf '#!/bin/sh\\ntouch ${marker}.$(id -u)\\n' > ${dir}/rpm && chmod 755 ${dir}/rpm`);
  const r = await mamori(
    ["audit", "--root", fixtureRootOf("rhel8"), "--format", "json", "--now", FIXTURE_NOW],
    { env: { PATH: `${dir}:/usr/bin:/bin` } },
  );
  assert.ok(r.stdout.length > 0, r.stderr);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.startsWith("RAN")),
    [],
    "the attacker's rpm ran",
  );
});

test("schedule --now runs root's own systemctl, never a shell or a systemctl first on the PATH", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const units = ["/etc/systemd/system/mamori.service", "/etc/systemd/system/mamori.timer"];
  if (units.some((u) => fs.existsSync(u))) return t.skip("this machine has a mamori schedule of its own");
  t.after(() => {
    for (const u of units) fs.rmSync(u, { force: true });
  });
  const dir = attackerDir(t);
  const marker = path.join(dir, "RAN");
  for (const name of ["sh", "systemctl"])
    attackerShell(
      `printf '#!/bin/sh\\ntouch ${marker}.${name}.$(id -u)\\n' > ${dir}/${name} && chmod 755 ${dir}/${name}`,
    );
  const r = await mamori(["schedule", "install", "--now", "--kind", "systemd"], {
    env: { PATH: `${dir}:/usr/bin:/bin` },
  });
  assert.ok(fs.existsSync(units[1] as string), r.stderr);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.startsWith("RAN")),
    [],
    "the attacker's program ran",
  );
  // Root's own systemctl ran: it enabled the timer, or said why it could not (no systemd as PID 1 here).
  if (r.code !== 0)
    assert.match(r.stderr, /systemctl daemon-reload failed: |no systemctl at \/usr\/bin\/systemctl/);
  else assert.match(r.stdout, /systemctl daemon-reload && systemctl enable --now mamori\.timer/);
});

test("as root, mamori refuses to start from an install another user can change", (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const repo = path.resolve(import.meta.dirname, "../..");
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  const copy = path.join(base, "mamori");
  fs.mkdirSync(copy, { mode: 0o755 });
  for (const d of ["src", "bin", "rules", "data", "package.json"])
    fs.cpSync(path.join(repo, d), path.join(copy, d), { recursive: true });
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(copy, "node_modules"));
  const run = () =>
    spawnSync(path.join(copy, "bin/mamori"), ["--version"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, LANG: "en_US.UTF-8" },
    });
  const ok = run();
  assert.equal(ok.status, 0, ok.stderr);
  // The attacker could now replace any rule or module: mamori must not start.
  fs.chmodSync(path.join(copy, "rules"), 0o777);
  const refused = run();
  assert.equal(refused.status, 2);
  assert.match(
    refused.stderr,
    /will not run as root from here: another user can change .*rules \(mode 777\)/,
  );
  assert.equal(refused.stdout, "");
});
