import { type SpawnSyncReturns, spawnSync } from "node:child_process";

/** The user attack tests run as: present on every Debian system, owns nothing. */
export const ATTACKER = { user: "nobody", group: "nogroup", uid: 65534, gid: 65534 };

/** Why a test that needs root cannot run here, or undefined when it can. */
export function needsRoot(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root: it runs mamori as root against a real unprivileged user";
  if (spawnSync("setpriv", ["--version"]).status !== 0) return "needs setpriv (util-linux) to drop to nobody";
  return undefined;
}

/** Runs a command as the unprivileged attacker (real and effective ids, no supplementary groups). */
export function asAttacker(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}) {
  return spawnSync(
    "setpriv",
    [`--reuid=${ATTACKER.uid}`, `--regid=${ATTACKER.gid}`, "--clear-groups", "--", cmd, ...args],
    { cwd: opts.cwd ?? "/", input: opts.input, encoding: "utf8", env: { PATH: "/usr/bin:/bin", HOME: "/" } },
  ) as SpawnSyncReturns<string>;
}

/** Runs a shell script as the attacker; throws with its output when it fails. */
export function attackerShell(script: string): string {
  const r = asAttacker("/bin/sh", ["-c", script]);
  if (r.status !== 0) throw new Error(`attacker script failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}
