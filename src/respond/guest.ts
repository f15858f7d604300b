/**
 * Paths inside the scanned root, reached through directory descriptors: every component is opened
 * below the previous one without following a link, so nothing an attacker links or swaps in the
 * path can send a change outside the root or onto another file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { VerifiedDir } from "../core/dirfd.ts";
import { asRespondError, RespondError } from "./errors.ts";

/** "/tmp/x" from "tmp/../tmp/x": an absolute guest path with no ".." left. */
export function normGuest(guestPath: string): string {
  return path.posix.resolve("/", guestPath);
}

/** Where a guest path is on the host, for messages and the manifest; never used to open anything. */
export function hostPathOf(root: string, guestPath: string): string {
  return path.join(root, normGuest(guestPath));
}

/** Opens the directory that holds `guestPath` inside `root` (created 0755 inside the root if asked). */
export function openGuestParent(
  root: string,
  guestPath: string,
  opts: { create?: boolean } = {},
): { dir: VerifiedDir; name: string } {
  const parts = normGuest(guestPath).split("/").filter(Boolean);
  const name = parts.pop();
  if (name === undefined) throw new RespondError("not-regular", guestPath);
  let dir: VerifiedDir;
  try {
    // The root is the operator's own argument; below it nothing is followed.
    dir = VerifiedDir.open(fs.realpathSync(root));
  } catch (err) {
    throw asRespondError(err, root);
  }
  try {
    for (const part of parts) {
      if (opts.create && !dir.exists(part)) dir.mkdir(part, 0o755);
      const next = dir.openDir(part);
      dir.close();
      dir = next;
    }
  } catch (err) {
    dir.close();
    throw asRespondError(err, guestPath);
  }
  return { dir, name };
}

/** Runs `fn` with the verified parent of a guest path, and closes it afterwards. */
export function withGuestParent<T>(
  root: string,
  guestPath: string,
  opts: { create?: boolean },
  fn: (dir: VerifiedDir, name: string) => T,
): T {
  const { dir, name } = openGuestParent(root, guestPath, opts);
  try {
    return fn(dir, name);
  } catch (err) {
    throw asRespondError(err, guestPath);
  } finally {
    dir.close();
  }
}

/** lstat of a guest path, or undefined when it is missing or a link stands in its path. */
export function guestLstat(root: string, guestPath: string): fs.Stats | undefined {
  try {
    return withGuestParent(root, guestPath, {}, (dir, name) => dir.lstat(name));
  } catch (err) {
    if (err instanceof RespondError) return undefined;
    throw err;
  }
}
