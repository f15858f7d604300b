import * as fs from "node:fs";
import * as path from "node:path";
import { byCodeUnit } from "../core/order.ts";
import { readFdLimited } from "../core/read-limited.ts";

const MAX_SYMLINK_HOPS = 40;

/** What `readBytes` reads when its caller names no bound: more than any configuration or /proc file. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface ReadOptions {
  /** Read at most this many bytes; the rest is not read (huge files must not exhaust memory). */
  maxBytes?: number;
  /**
   * Whether the file as opened (its owner and mode as recorded, for a bundle) may be read: checked on the
   * descriptor, so a link swapped in after any earlier look is judged too. False: a `foreign-file` error.
   */
  accept?: (opened: fs.Stats) => boolean;
}

/** What a bundle recorded about one path on the machine it came from (src/remote/bundle-read.ts). */
export interface RecordedMeta {
  mode?: number;
  uid?: number;
  gid?: number;
  mtimeMs?: number;
  ctimeMs?: number;
}

/**
 * A root that is a bundle recorded on another machine and unpacked by mamori: `live` when it was
 * recorded at that machine's "/" (its /proc snapshot then stands for its live facts), and the owners,
 * modes and times the files had there (the unpacked copies are mamori's own).
 */
export interface RecordedRoot {
  live: boolean;
  meta(guestPath: string): RecordedMeta | undefined;
}

export class RootFsError extends Error {
  readonly code: string;
  readonly guestPath: string;
  constructor(code: string, guestPath: string, message?: string) {
    super(message ?? `${code}: ${guestPath}`);
    this.code = code;
    this.guestPath = guestPath;
  }
}

/**
 * Every read of the scanned system goes through here. Paths are the scanned system's own
 * absolute paths ("/etc/apache2/apache2.conf"); with `--root DIR` they resolve inside DIR,
 * and symbolic links are followed as the scanned system would follow them: an absolute link
 * target starts again at DIR, and ".." never climbs out of it.
 */
export class RootFs {
  readonly root: string;
  readonly recorded: RecordedRoot | undefined;

  constructor(root: string, recorded?: RecordedRoot) {
    this.root = path.resolve(root);
    this.recorded = recorded;
  }

  /** True when the root is this machine's own "/": only then do live facts (running processes, binaries) exist. */
  get isLive(): boolean {
    return this.root === "/" && this.recorded === undefined;
  }

  /**
   * True when /proc under the root describes running processes: this machine's "/", or a bundle
   * recorded at another machine's "/". Nothing is run or probed for a recorded one (see isLive).
   */
  get hasLiveFacts(): boolean {
    return this.isLive || this.recorded?.live === true;
  }

  /** The recorded owner, mode and times over a stat of the unpacked copy. */
  private withRecorded(hostPath: string, st: fs.Stats): fs.Stats {
    const m = this.recorded?.meta(this.toGuest(hostPath));
    if (!m) return st;
    if (m.mode !== undefined) st.mode = (st.mode & ~0o7777) | (m.mode & 0o7777);
    if (m.uid !== undefined) st.uid = m.uid;
    if (m.gid !== undefined) st.gid = m.gid;
    if (m.mtimeMs !== undefined) {
      st.mtimeMs = m.mtimeMs;
      st.mtime = new Date(m.mtimeMs);
    }
    if (m.ctimeMs !== undefined) {
      st.ctimeMs = m.ctimeMs;
      st.ctime = new Date(m.ctimeMs);
    }
    return st;
  }

  /** The host path for a guest path, with symbolic links resolved inside the root. */
  resolve(guestPath: string): string {
    if (this.isLive) return path.resolve("/", guestPath);
    return this.hostPath(this.realGuestPath(guestPath));
  }

  /** The host path for a guest path, without following links (for lstat/readlink of the last component). */
  hostPathNoFollow(guestPath: string): string {
    const norm = path.posix.resolve("/", guestPath);
    if (this.isLive) return norm;
    const parent = this.realGuestPath(path.posix.dirname(norm));
    return this.hostPath(path.posix.join(parent, path.posix.basename(norm)));
  }

  /** Guest path with every symbolic link resolved, confined to the root. */
  realGuestPath(guestPath: string): string {
    if (this.isLive) {
      try {
        return fs.realpathSync(path.resolve("/", guestPath));
      } catch {
        return path.resolve("/", guestPath);
      }
    }
    let hops = 0;
    const pending = path.posix.resolve("/", guestPath).split("/").filter(Boolean);
    const done: string[] = [];
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === ".") continue;
      if (part === "..") {
        done.pop();
        continue;
      }
      const candidate = `/${[...done, part].join("/")}`;
      let st: fs.Stats | undefined;
      try {
        st = fs.lstatSync(this.hostPath(candidate));
      } catch {
        // A missing component: keep the rest literal, the caller's read reports ENOENT.
        done.push(part, ...pending);
        break;
      }
      if (!st.isSymbolicLink()) {
        done.push(part);
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS)
        throw new RootFsError("ELOOP", guestPath, `ELOOP: too many symbolic links: ${guestPath}`);
      const target = fs.readlinkSync(this.hostPath(candidate));
      const targetParts = target.split("/").filter(Boolean);
      if (target.startsWith("/")) done.length = 0;
      pending.unshift(...targetParts);
    }
    return `/${done.join("/")}`;
  }

  private hostPath(guestPath: string): string {
    return path.join(this.root, path.posix.resolve("/", guestPath));
  }

  /** The guest path for a host path under the root (for paths found by walking the host tree). */
  toGuest(hostPath: string): string {
    if (this.isLive) return hostPath;
    const rel = path.relative(this.root, hostPath);
    return `/${rel.split(path.sep).join("/")}`;
  }

  exists(guestPath: string): boolean {
    try {
      fs.statSync(this.resolve(guestPath));
      return true;
    } catch {
      return false;
    }
  }

  stat(guestPath: string): fs.Stats {
    return this.wrap(guestPath, () => {
      const host = this.resolve(guestPath);
      return this.withRecorded(host, fs.statSync(host));
    });
  }

  lstat(guestPath: string): fs.Stats {
    return this.wrap(guestPath, () => {
      const host = this.hostPathNoFollow(guestPath);
      return this.withRecorded(host, fs.lstatSync(host));
    });
  }

  tryStat(guestPath: string): fs.Stats | undefined {
    try {
      return this.stat(guestPath);
    } catch {
      return undefined;
    }
  }

  readlink(guestPath: string): string {
    return this.wrap(guestPath, () => fs.readlinkSync(this.hostPathNoFollow(guestPath)));
  }

  readdir(guestPath: string): string[] {
    return this.wrap(guestPath, () => fs.readdirSync(this.resolve(guestPath)).sort());
  }

  readdirTypes(guestPath: string): fs.Dirent[] {
    return this.wrap(guestPath, () =>
      fs
        .readdirSync(this.resolve(guestPath), { withFileTypes: true })
        .sort((a, b) => byCodeUnit(a.name, b.name)),
    );
  }

  /**
   * Opens a guest file for reading and checks, on the opened descriptor, that it is a regular file.
   * Non-blocking: a FIFO (or a device) at a configuration or log path would otherwise hold the scan
   * forever, before any check could run. O_NONBLOCK changes nothing for a regular file. The last
   * component is not followed: `resolve` has already resolved it (inside the root), so a link there
   * now is a swap made after that and is refused (ELOOP). The caller closes the descriptor.
   */
  openFile(guestPath: string): { fd: number; stat: fs.Stats } {
    return this.wrap(guestPath, () => {
      // The live root resolves links here too, as a fixture root's `resolve` does: Debian's
      // mods-enabled, sites-enabled and conf-enabled are all links, and O_NOFOLLOW below refused
      // every one of them on a real server.
      const host = this.isLive ? this.realGuestPath(guestPath) : this.resolve(guestPath);
      // Devices are not even opened (opening some has effects, e.g. a tape rewinds on close); the
      // check on the descriptor below catches a swap made after this one.
      const before = fs.statSync(host);
      if (!before.isFile()) throw new RootFsError(before.isDirectory() ? "EISDIR" : "not-regular", guestPath);
      const c = fs.constants;
      const fd = fs.openSync(host, c.O_RDONLY | c.O_NONBLOCK | c.O_NOCTTY | c.O_NOFOLLOW);
      try {
        const stat = fs.fstatSync(fd);
        if (!stat.isFile()) throw new RootFsError(stat.isDirectory() ? "EISDIR" : "not-regular", guestPath);
        return { fd, stat };
      } catch (err) {
        fs.closeSync(fd);
        throw err;
      }
    });
  }

  /**
   * A regular file's bytes: at most `maxBytes` (the rest is not read), or, without `maxBytes`, the
   * whole file when it fits DEFAULT_MAX_BYTES and a `too-large` error when it does not: no caller
   * can make mamori hold an image's 3 GB `/etc/passwd`.
   */
  readBytes(guestPath: string, opts: ReadOptions = {}): Buffer {
    const { fd, stat } = this.openFile(guestPath);
    try {
      return this.wrap(guestPath, () => {
        if (opts.accept && !opts.accept(this.withRecorded(this.resolve(guestPath), stat)))
          throw new RootFsError("foreign-file", guestPath);
        if (opts.maxBytes !== undefined) return readFdLimited(fd, stat.size, opts.maxBytes, true) as Buffer;
        const whole = readFdLimited(fd, stat.size, DEFAULT_MAX_BYTES);
        if (whole === undefined) throw new RootFsError("too-large", guestPath);
        return whole;
      });
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * The executable of a running process, live only, through the kernel's own link `/proc/PID/exe`:
   * it reaches the file the process runs even when that was deleted or never had a name (memfd), which
   * is how miners hide from a hash check. Following this one link is safe, unlike a path's: no user can
   * point it elsewhere without running that file. Undefined when it is not a regular file or is larger
   * than `maxBytes`.
   */
  readProcessExe(pid: number, maxBytes: number): Buffer | undefined {
    if (!this.isLive || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    const guest = `/proc/${pid}/exe`;
    return this.wrap(guest, () => {
      const c = fs.constants;
      const fd = fs.openSync(guest, c.O_RDONLY | c.O_NONBLOCK | c.O_NOCTTY);
      try {
        const stat = fs.fstatSync(fd);
        if (!stat.isFile() || stat.size > maxBytes) return undefined;
        return readFdLimited(fd, stat.size, maxBytes);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  /** Text as UTF-8; invalid bytes become U+FFFD rather than failing the read. */
  readText(guestPath: string, opts: ReadOptions = {}): string {
    return this.readBytes(guestPath, opts).toString("utf8");
  }

  tryReadText(guestPath: string, opts: ReadOptions = {}): string | undefined {
    try {
      return this.readText(guestPath, opts);
    } catch {
      return undefined;
    }
  }

  /**
   * Guest paths matching a glob with `*`, `?` and `[...]` in any component (as Apache's Include does).
   * Results are sorted, like Apache's.
   */
  glob(pattern: string): string[] {
    const parts = path.posix.resolve("/", pattern).split("/").filter(Boolean);
    let current = ["/"];
    for (const part of parts) {
      const next: string[] = [];
      const isPattern = /[*?[]/.test(part);
      for (const dir of current) {
        if (!isPattern) {
          const p = path.posix.join(dir, part);
          if (this.exists(p) || this.isBrokenLinkOrExists(p)) next.push(p);
          continue;
        }
        let names: string[];
        try {
          names = this.readdir(dir);
        } catch {
          continue;
        }
        const re = globToRegExp(part);
        for (const n of names)
          if (re.test(n) && !(n.startsWith(".") && !part.startsWith("."))) next.push(path.posix.join(dir, n));
      }
      current = next;
    }
    return current.sort();
  }

  private isBrokenLinkOrExists(p: string): boolean {
    try {
      this.lstat(p);
      return true;
    } catch {
      return false;
    }
  }

  private wrap<T>(guestPath: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof RootFsError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? "EIO";
      throw new RootFsError(code, guestPath, `${code}: ${guestPath}`);
    }
  }
}

/**
 * A glob as an anchored regex, linear in the name for any glob (issue 10: `--root` configurations
 * give Include globs, their directories the names): `a*b*c` as `^a[^/]*b[^/]*c$` backtracks once per
 * star and way to split a long name. Runs of stars are one star; each piece between two stars is
 * taken at its first place, atomically, by (?=([^/]*?PIECE))\N (the first place leaves the most room
 * for the rest, so the answer is the same); the last piece is matched at the end.
 */
export function globToRegExp(glob: string): RegExp {
  const pieces: string[] = [""];
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      pieces.push(re);
      re = "";
      while (glob[i + 1] === "*") i++;
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith("!")) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  if (pieces.length === 1) return new RegExp(`^${re}$`);
  const middle = pieces.slice(2).map((p, k) => `(?=([^/]*?${p}))\\${k + 1}`);
  return new RegExp(`^${pieces[1]}${middle.join("")}[^/]*${re}$`);
}
