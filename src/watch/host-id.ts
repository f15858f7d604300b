/**
 * A host id for a live machine without a machine-id (containers, minimal images): generated once and kept
 * in the state directory, so the history of this machine keeps one key across runs and hostname changes.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { DirFdError } from "../core/dirfd.ts";
import type { HostInfo } from "../core/document.ts";
import { openPrivateDir, UnsafeStateError } from "./state-dir.ts";

export const HOST_ID_FILE = "host-id";
const HOST_ID = /^[0-9a-f]{32}$/;

/**
 * The id kept in `stateDir` (a private directory, created 0700 when missing), generated on first use.
 * Created without replacing anything (a temporary of a random name, O_EXCL, then a hard link): two first runs
 * at once agree on the first one's id. A file there that is not ours, is writable by others or is not an id
 * is refused (UnsafeStateError, or an Error for a malformed one), never overwritten.
 */
export function keptHostId(stateDir: string, euid: number): string {
  const d = openPrivateDir(stateDir, euid);
  try {
    const read = (): string | undefined => {
      try {
        const text = d.readTrusted(HOST_ID_FILE, { owner: euid, limit: 256 }).data.toString("utf8").trim();
        if (!HOST_ID.test(text)) throw new Error(`${d.at(HOST_ID_FILE)}: not a host id`);
        return text;
      } catch (err) {
        if (err instanceof DirFdError && err.untrusted) throw new UnsafeStateError(err.untrusted);
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    };
    const have = read();
    if (have) return have;
    const id = randomBytes(16).toString("hex");
    const tmp = `.${HOST_ID_FILE}.${randomBytes(8).toString("hex")}.tmp`;
    const fd = d.createExclusive(tmp, 0o600);
    try {
      fs.writeFileSync(fd, `${id}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      d.moveNoReplace(tmp, d, HOST_ID_FILE);
      d.fsync();
      return id;
    } catch (err) {
      d.unlink(tmp);
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const theirs = read();
      if (!theirs) throw err;
      return theirs;
    }
  } finally {
    d.close();
  }
}

/**
 * The host as history should key it: its own id when the root has a machine-id; for the live root without
 * one, the id kept in `stateDir`; else none (history then keys it by hostname, as before ids existed).
 */
export function withHostId(host: HostInfo, stateDir: string | undefined, euid: number): HostInfo {
  if (host.id || !host.live || !stateDir) return host;
  return { ...host, id: keptHostId(stateDir, euid) };
}
