import * as fs from "node:fs";
import * as path from "node:path";
import { hostPathOf, quarantineFile, RespondError } from "./quarantine.ts";
import { createEntry, fsyncDir, type Manifest, newEntryId, writeManifest } from "./store.ts";
import type { RespondOptions } from "./types.ts";

const UNIT_DIR = "/etc/systemd/system";

export function unitName(name: string): string {
  const n = /\.(service|timer|socket|path|mount)$/.test(name) ? name : `${name}.service`;
  if (!/^[A-Za-z0-9@._:\\-]+$/.test(n) || n.startsWith(".")) throw new RespondError("bad-name", name);
  return n;
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Masks a unit inside the root's /etc/systemd/system: a unit file there is quarantined first (moved,
 * with its manifest), an existing link is recorded, then NAME -> /dev/null is created so it cannot start.
 */
export function disableUnit(
  name: string,
  opts: Pick<RespondOptions, "root" | "quarantineDir" | "now" | "hooks">,
  findingId?: string,
): Manifest {
  const unit = unitName(name);
  const guest = path.posix.join(UNIT_DIR, unit);
  const hostPath = hostPathOf(opts.root, guest);
  const st = lstat(hostPath);
  if (st?.isSymbolicLink() && fs.readlinkSync(hostPath) === "/dev/null")
    throw new RespondError("already", unit);
  let m: Manifest;
  if (st?.isFile()) {
    m = quarantineFile(guest, opts, {
      kind: "unit",
      findingId,
      unit: { name: unit, maskPath: hostPath, hadFile: true },
    });
  } else {
    const id = newEntryId(opts.now(), "unit");
    const dir = createEntry(opts.quarantineDir, id);
    const linkTarget = st?.isSymbolicLink() ? fs.readlinkSync(hostPath) : undefined;
    if (st && !st.isSymbolicLink()) throw new RespondError("not-regular", hostPath);
    m = {
      id,
      kind: "unit",
      state: "pending",
      createdAt: opts.now().toISOString(),
      root: opts.root,
      originalPath: guest,
      hostPath,
      findingId,
      unit: { name: unit, maskPath: hostPath, hadFile: false, linkTarget },
    };
    writeManifest(dir, m);
    opts.hooks?.step?.("remove-link");
    // A link is only a name: its target is in the manifest, and restore makes it again.
    if (linkTarget !== undefined) fs.unlinkSync(hostPath);
  }
  m.state = "pending";
  writeManifest(path.join(opts.quarantineDir, m.id), m);
  opts.hooks?.step?.("mask");
  fs.mkdirSync(path.dirname(hostPath), { recursive: true });
  fs.symlinkSync("/dev/null", hostPath);
  fsyncDir(path.dirname(hostPath));
  m.state = "quarantined";
  writeManifest(path.join(opts.quarantineDir, m.id), m);
  return m;
}

/** Removes our mask and puts back what was there: the unit file (byte-identical) or the original link. */
export function restoreUnit(m: Manifest, restoreFile: (m: Manifest) => void): void {
  if (!m.unit) throw new RespondError("corrupt", m.id);
  const st = lstat(m.hostPath);
  if (st) {
    if (!st.isSymbolicLink() || fs.readlinkSync(m.hostPath) !== "/dev/null")
      throw new RespondError("exists", m.hostPath);
    fs.unlinkSync(m.hostPath);
  }
  if (m.unit.hadFile) restoreFile(m);
  else if (m.unit.linkTarget !== undefined) fs.symlinkSync(m.unit.linkTarget, m.hostPath);
  fsyncDir(path.dirname(m.hostPath));
}
