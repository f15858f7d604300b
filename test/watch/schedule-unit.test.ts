import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, needsRoot } from "../helpers/unprivileged.ts";

async function installUnit(root: string) {
  fs.mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
  const r = await mamori(["schedule", "install", "--root", root, "--schedule", "0 * * * *"]);
  assert.equal(r.code, 0, r.stderr);
  return { ...r, unit: fs.readFileSync(path.join(root, "etc/systemd/system/mamori.service"), "utf8") };
}

test("the scheduled unit hides nothing the scan must see and keeps the hardening that hides nothing", async (t) => {
  const { unit } = await installUnit(tempDir(t));
  const settings = unit.split("\n").filter((l) => /^[A-Z]\w*=/.test(l));
  const keys = new Map(settings.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  // /tmp, /var/tmp and /dev/shm (droppers), other processes and their connections, module directories.
  for (const hiding of [
    "PrivateTmp",
    "PrivateDevices",
    "ProtectProc",
    "ProcSubset",
    "PrivateNetwork",
    "ProtectKernelModules",
    "InaccessiblePaths",
    "TemporaryFileSystem",
    "PrivateMounts",
    "ProtectKernelLogs",
  ])
    assert.ok(!keys.has(hiding), `${hiding} would hide what the scan looks at`);
  assert.equal(keys.get("ProtectHome"), "read-only");
  assert.equal(keys.get("ProtectSystem"), "strict");
  assert.equal(keys.get("NoNewPrivileges"), "yes");
  assert.equal(keys.get("ReadWritePaths"), "/var/lib/mamori");
});

test("ExecStart is /usr/bin/mamori when root owns it, else this mamori's resolved path", {
  skip: needsRoot(),
}, async (t) => {
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "usr/bin"), { recursive: true });
  const bin = path.join(root, "usr/bin/mamori");
  fs.writeFileSync(bin, "#!/bin/sh\n", { mode: 0o755 });
  const installed = await installUnit(root);
  assert.match(installed.unit, /^ExecStart=\/usr\/bin\/mamori watch --once --log-format journald$/m);
  assert.equal(installed.stderr, "");

  // One another user owns could be replaced by them: not what root runs every 15 minutes.
  fs.chownSync(bin, ATTACKER.uid, ATTACKER.gid);
  const fallback = await installUnit(root);
  const self = fs.realpathSync(path.resolve(import.meta.dirname, "../../bin/mamori"));
  assert.ok(
    fallback.unit.includes(`\nExecStart=${self} watch --once --log-format journald\n`),
    fallback.unit,
  );
  // A source checkout: said on stderr, with what to do instead.
  if (fs.existsSync(path.resolve(import.meta.dirname, "../../.git")))
    assert.match(fallback.stderr, /runs .*bin\/mamori from a source checkout/);
});
