import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import type { VerifiedDir } from "../core/dirfd.ts";
import { asRespondError, RespondError } from "./errors.ts";
import { closeQuietly, copyFd, hashFd, MAX_QUARANTINE_BYTES } from "./fdio.ts";
import { hostPathOf, normGuest, withGuestParent } from "./guest.ts";
import { CONTENT, type Manifest, newEntryId, QuarantineStore } from "./store.ts";
import type { RespondOptions, StepHooks } from "./types.ts";

export { RespondError } from "./errors.ts";
export { hostPathOf } from "./guest.ts";

/** Set-user-id and set-group-id: restored only when asked, as they can make a file run as its owner. */
export const SETID = 0o6000;

function step(hooks: StepHooks | undefined, name: string): void {
  hooks?.step?.(name);
}

/** The reason a file over MAX_QUARANTINE_BYTES is refused with (its message names the bound). */
const TOO_LARGE = "quarantine-too-large";

type Facts = Pick<Manifest, "sha256" | "size" | "mode" | "uid" | "gid" | "atimeMs" | "mtimeMs" | "ctimeMs">;

/**
 * Metadata and hash of the open file: what is recorded is exactly what will be copied. A file larger than
 * the quarantine takes is refused before it is read, and while it is read if it grows.
 */
export function factsOf(fd: number, what = ""): Facts {
  const st = fs.fstatSync(fd);
  if (st.size > MAX_QUARANTINE_BYTES) throw new RespondError(TOO_LARGE, what);
  return {
    sha256: hashFd(fd, MAX_QUARANTINE_BYTES, what, TOO_LARGE),
    size: st.size,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    atimeMs: st.atimeMs,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
  };
}

/** Opens `name` in `dir` for reading: a regular file, and the very one lstat saw (same dev and inode). */
export function openChecked(dir: VerifiedDir, name: string, what: string): { fd: number; st: fs.Stats } {
  const seen = dir.lstat(name);
  if (!seen) throw new RespondError("missing", what);
  if (!seen.isFile()) throw new RespondError("not-regular", what);
  let fd: number;
  try {
    fd = dir.openRead(name, seen);
  } catch (err) {
    throw asRespondError(err, what);
  }
  return { fd, st: fs.fstatSync(fd) };
}

function unchanged(fd: number, facts: Facts): boolean {
  const st = fs.fstatSync(fd);
  return st.size === facts.size && st.mtimeMs === facts.mtimeMs && st.ctimeMs === facts.ctimeMs;
}

/**
 * Moves a file into the quarantine without ever losing it: manifest first, then a verified, fsynced
 * copy, then the manifest marked done, and only then the original removed. A crash at any step leaves
 * the original in place, or the file fully quarantined with its manifest.
 *
 * The file is reached through its parent's descriptor (no link followed), read and hashed through its
 * own descriptor, and unlinked only if the name still holds that same inode: swapping a directory or
 * the file between steps can make the move fail, never touch another file.
 */
export function quarantineFile(
  guestPath: string,
  opts: Pick<RespondOptions, "root" | "quarantineDir" | "now" | "hooks">,
  extra: Partial<Manifest> = {},
): Manifest {
  const guest = normGuest(guestPath);
  return withGuestParent(opts.root, guest, {}, (parent, name) => {
    const { fd: src, st } = openChecked(parent, name, guest);
    try {
      const facts = factsOf(src, guest);
      return QuarantineStore.with(opts.quarantineDir, true, (store) => {
        const id = newEntryId(opts.now(), extra.kind ?? "file");
        store.supersede(opts.root, guest);
        step(opts.hooks, "create-entry");
        const entry = store.createEntry(id);
        try {
          const manifest: Manifest = {
            id,
            kind: "file",
            state: "pending",
            createdAt: opts.now().toISOString(),
            root: opts.root,
            originalPath: guest,
            hostPath: hostPathOf(opts.root, guest),
            ...facts,
            ...extra,
          };
          step(opts.hooks, "write-manifest");
          store.writeManifest(entry, manifest);
          step(opts.hooks, "copy");
          const tmp = `${CONTENT}.tmp`;
          const dst = entry.createExclusive(tmp, 0o400);
          let copied: string;
          try {
            try {
              // Bounded while it is made: the file may grow between the hash and the copy.
              copied = copyFd(src, dst, MAX_QUARANTINE_BYTES, guest, TOO_LARGE);
              fs.fsyncSync(dst);
            } finally {
              fs.closeSync(dst);
            }
          } catch (err) {
            // A refused copy leaves no partial copy taking space (the original was never touched).
            try {
              entry.unlink(tmp);
            } catch {
              // already gone
            }
            throw err;
          }
          step(opts.hooks, "verify");
          const back = entry.openRead(tmp);
          const reread = (() => {
            try {
              return hashFd(back);
            } finally {
              closeQuietly(back);
            }
          })();
          if (copied !== facts.sha256 || reread !== facts.sha256 || !unchanged(src, facts))
            throw new RespondError("changed", guest);
          entry.rename(tmp, CONTENT);
          entry.fsync();
          step(opts.hooks, "mark-done");
          manifest.state = "quarantined";
          store.writeManifest(entry, manifest);
          step(opts.hooks, "remove-original");
          // Only the inode that was copied: an entry swapped in since is left alone.
          parent.unlink(name, st);
          parent.fsync();
          return manifest;
        } finally {
          entry.close();
        }
      });
    } finally {
      closeQuietly(src);
    }
  });
}

export interface PutBackOptions {
  hooks?: StepHooks;
  /** Keep set-id bits of `m.mode`; otherwise they are cleared (and the caller says so). */
  keepSetid?: boolean;
  /** Replace the file now at the name, but only if it is still this inode; without it, never replace. */
  replace?: fs.Stats;
}

/**
 * Writes a file named `name` in `dir` with the recorded owner, mode and times: created exclusively
 * under a random name (a planted link there is never followed), then moved into place.
 * Returns the set-id bits it left out.
 */
export function putBack(
  dir: VerifiedDir,
  name: string,
  write: (fd: number) => void,
  m: Pick<Manifest, "uid" | "gid" | "mode" | "atimeMs" | "mtimeMs">,
  opts: PutBackOptions = {},
): number {
  const tmp = `.mamori-restore-${randomBytes(8).toString("hex")}`;
  step(opts.hooks, "restore-write");
  const fd = dir.createExclusive(tmp, 0o600);
  const dropped = opts.keepSetid ? 0 : (m.mode ?? 0) & SETID;
  try {
    try {
      write(fd);
      fs.fsyncSync(fd);
      // Owner before mode: a change of owner clears set-id bits.
      if (m.uid !== undefined && m.gid !== undefined) fs.fchownSync(fd, m.uid, m.gid);
      if (m.mode !== undefined) fs.fchmodSync(fd, m.mode & ~dropped);
      if (m.atimeMs !== undefined && m.mtimeMs !== undefined)
        // Seconds as numbers keep sub-millisecond precision that Date would drop.
        fs.futimesSync(fd, m.atimeMs / 1000, m.mtimeMs / 1000);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    step(opts.hooks, "restore-rename");
    if (opts.replace) {
      const now = dir.lstat(name);
      if (!now || now.dev !== opts.replace.dev || now.ino !== opts.replace.ino)
        throw new RespondError("changed", name);
      dir.rename(tmp, name);
    } else {
      // link() fails if anything has the name: nothing is overwritten.
      dir.moveNoReplace(tmp, dir, name);
    }
  } catch (err) {
    try {
      dir.unlink(tmp);
    } catch {
      // already moved or gone
    }
    throw asRespondError(err, name);
  }
  dir.fsync();
  return dropped;
}

export interface RestoreFileOptions {
  hooks?: StepHooks;
  keepSetid?: boolean;
}

/**
 * Puts a quarantined file back where it was inside its root, byte-identical, with its owner, mode and
 * times (set-id bits only when asked). Never overwrites. Returns the set-id bits left out.
 */
export function restoreFile(m: Manifest, quarantineDir: string, opts: RestoreFileOptions = {}): number {
  return QuarantineStore.with(quarantineDir, false, (store) =>
    store.withEntry(m.id, (entry) => {
      let content: number;
      try {
        content = entry.openRead(CONTENT);
      } catch {
        throw new RespondError("incomplete", `${m.id}: no quarantined copy`);
      }
      try {
        if (m.sha256 && hashFd(content) !== m.sha256)
          throw new RespondError("corrupt", `${m.id}: copy does not match its hash`);
        return withGuestParent(m.root, m.originalPath, {}, (parent, name) => {
          if (parent.lstat(name)) throw new RespondError("exists", m.originalPath);
          return putBack(parent, name, (fd) => copyFd(content, fd), m, opts);
        });
      } finally {
        closeQuietly(content);
      }
    }),
  );
}

export function markRestored(m: Manifest, quarantineDir: string, now: Date): void {
  QuarantineStore.with(quarantineDir, false, (store) => {
    const updated = {
      ...store.readManifest(m.id),
      state: "restored" as const,
      restoredAt: now.toISOString(),
    };
    store.withEntry(m.id, (entry) => store.writeManifest(entry, updated));
  });
}
