/**
 * A process's own command line names the file mamori reads as its miner configuration (`xmrig -c FILE`):
 * any user can start one naming root's files. Only a file that user could read goes into the facts,
 * which leave the machine (bundles, fleet servers). Found by a review (2026-12-07).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const config = (pool: string, user: string) => JSON.stringify({ pools: [{ url: pool, user }] });

test("as root, a miner config another user's process names is read only if that user could read it", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  // Root's secret, shaped like a miner config, in a directory only root can read.
  const secretDir = path.join(base, "root-only");
  fs.mkdirSync(secretDir, { mode: 0o700 });
  const secret = path.join(secretDir, "config.json");
  fs.writeFileSync(secret, config("db-secret.internal:3333", "ROOT-ONLY-TOKEN"), { mode: 0o600 });
  // The attacker's own config, in their directory.
  const theirs = attackerShell("mktemp -d /tmp/mamori-attack-XXXXXX").trim();
  t.after(() => fs.rmSync(theirs, { recursive: true, force: true }));
  attackerShell(`printf '%s' '${config("theirs-pool.example:3333", "THEIR-WALLET")}' > ${theirs}/c.json`);
  const children = [secret, `${theirs}/c.json`].map((file) =>
    spawn(
      "setpriv",
      [
        `--reuid=${ATTACKER.uid}`,
        `--regid=${ATTACKER.gid}`,
        "--clear-groups",
        "--",
        "/usr/bin/perl",
        "-e",
        "sleep 60",
        "--",
        "-c",
        file,
      ],
      { stdio: "ignore", cwd: "/" },
    ),
  );
  t.after(() => {
    for (const c of children) c.kill("SIGKILL");
  });
  await sleep(300);
  const r = await mamori(["collect", "--output", "-"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes("theirs-pool.example:3333"), "the config its user owns is read (the control)");
  assert.ok(!/db-secret\.internal|ROOT-ONLY-TOKEN/.test(r.stdout), "root's file went into the facts");
});
