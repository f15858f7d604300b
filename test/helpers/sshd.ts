/**
 * A real OpenSSH server on 127.0.0.1 for the agentless tests, with its own configuration, host key and
 * authorized key. Extra ports of the same sshd force a command (Match LocalPort): one stands for a broken
 * collector, one for sudo asking for a password, one runs the real collector on a fixture root (a fast,
 * known host for tests that need many successful audits).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, startProcess, waitForPort } from "./net.ts";
import { tempDir } from "./tmp.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
export const FIXTURE_ROOT = path.join(REPO, "test/fixtures/roots/upstream-2.4.49");

const SSHD = "/usr/sbin/sshd";
export const isRoot = process.getuid?.() === 0;
export const skip = !isRoot ? "needs root (sshd)" : !fs.existsSync(SSHD) ? "needs openssh-server" : false;

export interface Server {
  dir: string;
  port: number;
  garbagePort: number;
  sudoPort: number;
  /** Runs the collector on FIXTURE_ROOT whatever the client asks. */
  fixturePort: number;
  hostPub: string;
  /** An ssh_config for mamori --ssh-config: this identity, these known hosts. */
  config(o: { known: string; key?: string }): string;
}

export async function startSshd(t: Parameters<typeof tempDir>[0]): Promise<Server> {
  const dir = tempDir(t, "mamori-sshd-");
  const keygen = (name: string) => {
    const r = spawnSync("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, name)]);
    assert.equal(r.status, 0, String(r.stderr));
  };
  keygen("host_key");
  keygen("user_key");
  keygen("stranger_key");
  keygen("other_host_key");
  fs.copyFileSync(path.join(dir, "user_key.pub"), path.join(dir, "authorized_keys"));
  // Debian's service makes this at start; sshd refuses to run without it.
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const port = await freePort();
  const garbagePort = await freePort();
  const sudoPort = await freePort();
  const fixturePort = await freePort();
  const sudoSays = path.join(dir, "sudo-says.sh");
  fs.writeFileSync(sudoSays, "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n", { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, "sshd_config"),
    [
      `Port ${port}`,
      `Port ${garbagePort}`,
      `Port ${sudoPort}`,
      `Port ${fixturePort}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${dir}/host_key`,
      `PidFile ${dir}/sshd.pid`,
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "StrictModes no",
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      "LogLevel VERBOSE",
      `Match LocalPort ${garbagePort}`,
      "  ForceCommand /bin/echo not a bundle",
      `Match LocalPort ${sudoPort}`,
      `  ForceCommand ${sudoSays}`,
      `Match LocalPort ${fixturePort}`,
      `  ForceCommand /bin/sh ${REPO}/src/remote/collector.sh --root ${FIXTURE_ROOT}`,
      "",
    ].join("\n"),
  );
  const sshd = startProcess(SSHD, ["-D", "-e", "-f", path.join(dir, "sshd_config")], t);
  await waitForPort(port).catch((err) => {
    throw new Error(`${err}: ${sshd.output()}`);
  });
  await waitForPort(sudoPort);
  const hostPub = fs.readFileSync(path.join(dir, "host_key.pub"), "utf8").split(" ").slice(0, 2).join(" ");
  let n = 0;
  return {
    dir,
    port,
    garbagePort,
    sudoPort,
    fixturePort,
    hostPub,
    config({ known, key = "user_key" }) {
      const file = path.join(dir, `cfg${++n}`);
      fs.writeFileSync(
        file,
        [
          `IdentityFile ${dir}/${key}`,
          "IdentitiesOnly yes",
          "IdentityAgent none",
          `UserKnownHostsFile ${known}`,
          "GlobalKnownHostsFile /dev/null",
          "",
        ].join("\n"),
      );
      return file;
    },
  };
}

export function knownHosts(s: Server, file: string, ports: number[], pub = s.hostPub): string {
  const p = path.join(s.dir, file);
  fs.writeFileSync(p, ports.map((port) => `[127.0.0.1]:${port} ${pub}\n`).join(""));
  return p;
}
