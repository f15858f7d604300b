import * as path from "node:path";
import type { VerifiedDir } from "../core/dirfd.ts";
import { RespondError } from "./errors.ts";
import { hostPathOf, withGuestParent } from "./guest.ts";
import { quarantineFile } from "./quarantine.ts";
import { type Manifest, newEntryId, QuarantineStore } from "./store.ts";
import type { RespondOptions } from "./types.ts";

const UNIT_DIR = "/etc/systemd/system";

export function unitName(name: string): string {
  const n = /\.(service|timer|socket|path|mount)$/.test(name) ? name : `${name}.service`;
  if (!/^[A-Za-z0-9@._:\\-]+$/.test(n) || n.startsWith(".")) throw new RespondError("bad-name", name);
  return n;
}

function isMask(dir: VerifiedDir, name: string): boolean {
  const st = dir.lstat(name);
  return st?.isSymbolicLink() === true && dir.readlink(name) === "/dev/null";
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
  return withGuestParent(opts.root, guest, { create: true }, (dir) => {
    if (isMask(dir, unit)) throw new RespondError("already", unit);
    const st = dir.lstat(unit);
    let m: Manifest;
    if (st?.isFile()) {
      m = quarantineFile(guest, opts, {
        kind: "unit",
        findingId,
        unit: { name: unit, maskPath: hostPath, hadFile: true },
      });
    } else {
      if (st && !st.isSymbolicLink()) throw new RespondError("not-regular", guest);
      const linkTarget = st ? dir.readlink(unit) : undefined;
      const id = newEntryId(opts.now(), "unit");
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
      QuarantineStore.with(opts.quarantineDir, true, (store) => {
        const entry = store.createEntry(id);
        try {
          store.writeManifest(entry, m);
        } finally {
          entry.close();
        }
      });
      opts.hooks?.step?.("remove-link");
      // A link is only a name: its target is in the manifest, and restore makes it again.
      if (st) dir.unlink(unit, st);
    }
    const write = (mm: Manifest) =>
      QuarantineStore.with(opts.quarantineDir, false, (store) =>
        store.withEntry(mm.id, (entry) => store.writeManifest(entry, mm)),
      );
    m.state = "pending";
    write(m);
    opts.hooks?.step?.("mask");
    dir.symlink("/dev/null", unit);
    dir.fsync();
    m.state = "quarantined";
    write(m);
    return m;
  });
}

/** Removes our mask and puts back what was there: the unit file (byte-identical) or the original link. */
export function restoreUnit(m: Manifest, restoreFile: (m: Manifest) => number): number {
  const u = m.unit;
  if (!u) throw new RespondError("corrupt", m.id);
  const linkTarget = u.linkTarget;
  withGuestParent(m.root, m.originalPath, {}, (dir, name) => {
    const st = dir.lstat(name);
    if (st) {
      if (!isMask(dir, name)) throw new RespondError("exists", m.originalPath);
      dir.unlink(name, st);
    }
    if (!u.hadFile && linkTarget !== undefined) dir.symlink(linkTarget, name);
    dir.fsync();
  });
  return u.hadFile ? restoreFile(m) : 0;
}
