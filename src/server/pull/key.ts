import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathForUser, VerifiedDir } from "../../core/dirfd.ts";
import { DataDirError, openDataDir } from "../data-dir.ts";

/**
 * The server's own SSH identity and known_hosts for agentless pulls, in DATA/ssh (0700): never ~/.ssh,
 * /etc/ssh or an ssh_config another user could write. The key is made once with the system's ssh-keygen
 * (by absolute path); the administrator installs the public half in the targets' authorized_keys.
 */
export const SSH_DIR = "ssh";
export const KEY_FILE = "id_ed25519";
export const KNOWN_HOSTS = "known_hosts";
const KEYGEN = "/usr/bin/ssh-keygen";

export interface ServerSshKey {
  identityFile: string;
  knownHostsFile: string;
  publicKey: string;
}

export function ensureServerSshKey(dataDir: string, euid: number): ServerSshKey {
  const base = openDataDir(dataDir, euid, true);
  base.close();
  const dir = path.join(path.resolve(dataDir), SSH_DIR);
  let d: VerifiedDir;
  try {
    d = VerifiedDir.open(pathForUser(dir, euid), { create: true, mode: 0o700, privateTo: euid });
  } catch (err) {
    throw new DataDirError(`${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const identityFile = path.join(dir, KEY_FILE);
    const read = () =>
      d.readTrusted(`${KEY_FILE}.pub`, { owner: euid, limit: 16 * 1024 }).data.toString("utf8");
    let pub: string;
    try {
      pub = read();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new DataDirError(String(err));
      if (!fs.existsSync(KEYGEN)) throw new DataDirError(`${KEYGEN}: not found (install openssh-client)`);
      // A half-made pair from an interrupted run would make ssh-keygen ask whether to overwrite.
      fs.rmSync(identityFile, { force: true });
      const r = spawnSync(
        KEYGEN,
        ["-q", "-t", "ed25519", "-N", "", "-C", "mamori-server", "-f", identityFile],
        {
          stdio: ["ignore", "ignore", "pipe"],
          timeout: 30_000,
        },
      );
      if (r.status !== 0) throw new DataDirError(`ssh-keygen: ${String(r.stderr).slice(0, 200)}`);
      pub = read();
    }
    if (!fs.existsSync(path.join(dir, KNOWN_HOSTS))) d.writeFileDurable(KNOWN_HOSTS, "", 0o600);
    return { identityFile, knownHostsFile: path.join(dir, KNOWN_HOSTS), publicKey: pub.trim() };
  } finally {
    d.close();
  }
}

/** The key, made on first call and remembered (a failure is thrown again on the next call, not kept). */
export function lazyServerSshKey(dataDir: string, euid: number): () => ServerSshKey {
  let key: ServerSshKey | undefined;
  return () => {
    key ??= ensureServerSshKey(dataDir, euid);
    return key;
  };
}
