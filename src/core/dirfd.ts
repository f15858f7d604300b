/**
 * Changing the host through verified directory descriptors.
 *
 * Node has no openat/unlinkat, so every operation names its entry as `/proc/self/fd/N/NAME`:
 * the kernel resolves the magic link to the directory the descriptor already holds (not to a path
 * that may have been swapped since), and NAME is a single component opened with O_NOFOLLOW.
 * A directory is reached by opening each component with O_DIRECTORY|O_NOFOLLOW below the previous
 * descriptor, so no symbolic link anywhere in the path is followed.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = fs.constants;
/** O_CLOEXEC is not in fs.constants; the value is the same on every Linux architecture Node supports. */
const O_CLOEXEC = 0o2000000;

/** Why a directory or file was not trusted (for messages): another owner, a writable mode, a link. */
export type Untrusted =
  | { kind: "owner"; path: string; uid: number }
  | { kind: "mode"; path: string; mode: number }
  | { kind: "link"; path: string }
  | { kind: "notdir"; path: string };

export class DirFdError extends Error {
  readonly code: string;
  /** Set when the refusal is about trust (owner, mode, link), not an ordinary I/O error. */
  readonly untrusted?: Untrusted;
  constructor(code: string, message: string, untrusted?: Untrusted) {
    super(message);
    this.code = code;
    this.untrusted = untrusted;
  }
}

/** A single path component: no separator, not "." or "..", not empty. */
export function assertEntryName(name: string): void {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0"))
    throw new DirFdError("EINVAL", `not a single path component: ${JSON.stringify(name)}`);
}

export interface Identity {
  dev: number;
  ino: number;
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

export interface OpenDirOptions {
  /** Create missing components (mode applies to the last one; parents get parentMode, default 0755). */
  create?: boolean;
  mode?: number;
  parentMode?: number;
  /**
   * Refuse any component that a user other than root or `trustedUid` could change: owned by someone
   * else, or group/world-writable without the sticky bit (the last component: no group/world bits at all).
   */
  privateTo?: number;
  /**
   * With `privateTo`: the last component may be readable by others (code, caches, data shipped beside
   * it), but still not writable by anyone but its owner.
   */
  readableByOthers?: boolean;
}

/** An open directory, reached without following any symbolic link. */
export class VerifiedDir {
  readonly fd: number;
  /** The path it was opened by, for messages only: operations never use it. */
  readonly path: string;
  readonly stat: fs.Stats;

  private constructor(fd: number, p: string) {
    this.fd = fd;
    this.path = p;
    this.stat = fs.fstatSync(fd);
  }

  /** Opens an absolute path component by component (the whole path, "/" included, is checked). */
  static open(absPath: string, opts: OpenDirOptions = {}): VerifiedDir {
    if (!path.isAbsolute(absPath)) throw new DirFdError("EINVAL", `not an absolute path: ${absPath}`);
    const parts = path.resolve(absPath).split("/").filter(Boolean);
    let dir = new VerifiedDir(fs.openSync("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), "/");
    try {
      dir.checkTrusted(opts, parts.length === 0);
      for (let i = 0; i < parts.length; i++) {
        const last = i === parts.length - 1;
        const name = parts[i] as string;
        if (opts.create && !dir.exists(name))
          dir.mkdir(name, last ? (opts.mode ?? 0o700) : (opts.parentMode ?? 0o755));
        const next = dir.openDir(name);
        dir.close();
        dir = next;
        dir.checkTrusted(opts, last);
      }
      return dir;
    } catch (err) {
      dir.close();
      throw err;
    }
  }

  private checkTrusted(opts: OpenDirOptions, last: boolean): void {
    const uid = opts.privateTo;
    if (uid === undefined) return;
    const st = this.stat;
    if (st.uid !== 0 && st.uid !== uid)
      throw new DirFdError("EPERM", `${this.path} is owned by uid ${st.uid}, not root or uid ${uid}`, {
        kind: "owner",
        path: this.path,
        uid: st.uid,
      });
    const sticky = (st.mode & 0o1000) !== 0;
    const lastMask = opts.readableByOthers ? 0o022 : 0o077;
    if (last ? (st.mode & lastMask) !== 0 : (st.mode & 0o022) !== 0 && !sticky)
      throw new DirFdError(
        "EPERM",
        `${this.path} has mode ${(st.mode & 0o7777).toString(8)}: others could change what is in it`,
        { kind: "mode", path: this.path, mode: st.mode & 0o7777 },
      );
  }

  /** The magic-link path of an entry in this directory. */
  at(name: string): string {
    assertEntryName(name);
    return `/proc/self/fd/${this.fd}/${name}`;
  }

  exists(name: string): boolean {
    return this.lstat(name) !== undefined;
  }

  /** lstat of an entry (never follows it), or undefined when it does not exist. */
  lstat(name: string): fs.Stats | undefined {
    try {
      return fs.lstatSync(this.at(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  /** Opens a subdirectory without following a link; refuses anything else. */
  openDir(name: string): VerifiedDir {
    try {
      return new VerifiedDir(
        fs.openSync(this.at(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
        path.join(this.path, name),
      );
    } catch (err) {
      // O_DIRECTORY|O_NOFOLLOW on a link answers ENOTDIR: say which it was.
      if ((err as NodeJS.ErrnoException).code === "ENOTDIR" && this.lstat(name)?.isSymbolicLink())
        throw refine({ code: "ELOOP" }, path.join(this.path, name));
      throw refine(err, path.join(this.path, name));
    }
  }

  mkdir(name: string, mode = 0o700): void {
    fs.mkdirSync(this.at(name), { mode });
    // mkdir's mode is filtered by the umask; the caller's mode is what it asked for.
    const fd = fs.openSync(this.at(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    try {
      fs.fchmodSync(fd, mode);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Opens an existing regular file for reading; a link, FIFO or device is refused before it can block. */
  openRead(name: string, expect?: Identity): number {
    const { O_NONBLOCK } = fs.constants;
    let fd: number;
    try {
      fd = fs.openSync(this.at(name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    } catch (err) {
      throw refine(err, path.join(this.path, name));
    }
    const st = fs.fstatSync(fd);
    if (!st.isFile() || (expect && !sameIdentity(st, expect))) {
      fs.closeSync(fd);
      throw new DirFdError(
        st.isFile() ? "ECHANGED" : "ENOTREG",
        `${path.join(this.path, name)} is not the regular file that was checked`,
      );
    }
    return fd;
  }

  /** Creates a new file; fails if anything (a file, a planted link) already has the name. */
  createExclusive(name: string, mode = 0o600): number {
    try {
      const fd = fs.openSync(this.at(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      fs.fchmodSync(fd, mode);
      return fd;
    } catch (err) {
      throw refine(err, path.join(this.path, name));
    }
  }

  /** Writes a whole new file durably: a unique temporary name, fsync, then a rename in this same directory. */
  writeFileDurable(name: string, data: string | Buffer | Iterable<string>, mode = 0o600): void {
    // Unpredictable, and created with O_EXCL: a name planted in advance only makes this one attempt fail.
    const tmp = `.${name}.${randomBytes(8).toString("hex")}.tmp`;
    const fd = this.createExclusive(tmp, mode);
    try {
      if (typeof data === "string" || Buffer.isBuffer(data)) fs.writeFileSync(fd, data);
      else for (const piece of data) fs.writeFileSync(fd, piece);
      fs.fsyncSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      this.unlink(tmp);
      throw err;
    }
    fs.closeSync(fd);
    try {
      fs.renameSync(this.at(tmp), this.at(name));
    } catch (err) {
      // The target is a directory, say: the written copy must not stay behind beside it (a report is
      // 0600 but still a copy nobody asked for, and each try would leave one more).
      try {
        this.unlink(tmp);
      } catch {
        // gone already: the rename's error is the one to report
      }
      throw err;
    }
    this.fsync();
  }

  /**
   * Reads a whole regular file owned by `owner` (root is always trusted too, unless `exactOwner`) that no one
   * else can write, at most `limit` bytes; anything else is refused with the reason (ENOTREG, EPERM, EFBIG).
   */
  readTrusted(
    name: string,
    opts: { owner: number; limit: number; exactOwner?: boolean },
  ): { data: Buffer; stat: fs.BigIntStats } {
    const fd = this.openRead(name);
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      const p = path.join(this.path, name);
      const uid = Number(st.uid);
      const mode = Number(st.mode) & 0o7777;
      if (uid !== opts.owner && (opts.exactOwner || uid !== 0))
        throw new DirFdError("EPERM", `${p} is owned by uid ${uid}`, { kind: "owner", path: p, uid });
      if ((mode & 0o022) !== 0)
        throw new DirFdError("EPERM", `${p} is writable by others`, { kind: "mode", path: p, mode });
      if (st.size > BigInt(opts.limit))
        throw new DirFdError("EFBIG", `${p} is larger than ${opts.limit} bytes`);
      const buf = Buffer.alloc(Number(st.size));
      let off = 0;
      while (off < buf.length) {
        const n = fs.readSync(fd, buf, off, buf.length - off, off);
        if (n === 0) break;
        off += n;
      }
      // Grown since fstat: read no further than the bound.
      return { data: buf.subarray(0, off), stat: st };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Renames an entry within this directory (replacing the target entry itself, never what a link points to). */
  rename(from: string, to: string): void {
    fs.renameSync(this.at(from), this.at(to));
  }

  /** Removes an entry, but only if it is still the one that was checked (same device and inode). */
  unlink(name: string, expect?: Identity): void {
    if (expect) {
      const st = this.lstat(name);
      if (!st || !sameIdentity(st, expect))
        throw new DirFdError("ECHANGED", `${path.join(this.path, name)} changed since it was checked`);
    }
    fs.unlinkSync(this.at(name));
  }

  /** Moves an entry into another verified directory without replacing anything there. */
  moveNoReplace(name: string, to: VerifiedDir, toName: string): void {
    fs.linkSync(this.at(name), to.at(toName));
    fs.unlinkSync(this.at(name));
  }

  /** The target of a symbolic link in this directory (the link itself, never what it points to). */
  readlink(name: string): string {
    return fs.readlinkSync(this.at(name));
  }

  /** Creates a symbolic link; fails if anything already has the name. */
  symlink(target: string, name: string): void {
    fs.symlinkSync(target, this.at(name));
  }

  readdir(): string[] {
    return fs.readdirSync(`/proc/self/fd/${this.fd}`);
  }

  fsync(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

function refine(err: unknown, p: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  // O_NOFOLLOW on a link gives ELOOP; O_DIRECTORY on a non-directory ENOTDIR: both mean "not what we checked".
  if (code === "ELOOP")
    return new DirFdError("ELOOP", `${p} is a symbolic link; mamori does not follow it`, {
      kind: "link",
      path: p,
    });
  if (code === "ENOTDIR")
    return new DirFdError("ENOTDIR", `${p} is not a directory`, { kind: "notdir", path: p });
  return err;
}

/** Runs `fn` with a verified directory and closes it afterwards. */
export function withDir<T>(absPath: string, opts: OpenDirOptions, fn: (dir: VerifiedDir) => T): T {
  const dir = VerifiedDir.open(absPath, opts);
  try {
    return fn(dir);
  } finally {
    dir.close();
  }
}

/**
 * The path a non-root user means: links in the existing part resolved (their own home may sit behind one).
 * As root the path is returned as given, so that VerifiedDir.open refuses any link on the way: a link root
 * followed could have been planted by someone else.
 */
export function pathForUser(p: string, euid: number): string {
  if (euid === 0) return p;
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}
