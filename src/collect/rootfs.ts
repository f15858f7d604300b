import * as fs from "node:fs";
import * as path from "node:path";

const MAX_SYMLINK_HOPS = 40;

export interface ReadOptions {
  /** Read at most this many bytes; the rest is not read (huge files must not exhaust memory). */
  maxBytes?: number;
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

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** True when the root is this machine's own "/": only then do live facts (running processes, binaries) exist. */
  get isLive(): boolean {
    return this.root === "/";
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
    return this.wrap(guestPath, () => fs.statSync(this.resolve(guestPath)));
  }

  lstat(guestPath: string): fs.Stats {
    return this.wrap(guestPath, () => fs.lstatSync(this.hostPathNoFollow(guestPath)));
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
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  readBytes(guestPath: string, opts: ReadOptions = {}): Buffer {
    return this.wrap(guestPath, () => {
      const host = this.resolve(guestPath);
      // Non-blocking open and a regular-file check: a FIFO (or a device) at a configuration path would
      // otherwise hold the scan forever. O_NONBLOCK changes nothing for a regular file.
      const fd = fs.openSync(host, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      try {
        const st = fs.fstatSync(fd);
        if (!st.isFile()) throw new RootFsError(st.isDirectory() ? "EISDIR" : "not-regular", guestPath);
        if (opts.maxBytes === undefined) return fs.readFileSync(fd);
        // Size the buffer by the file, not the cap: callers pass generous caps for small files.
        const size = st.size;
        const want = size > 0 ? Math.min(opts.maxBytes, size) : Math.min(opts.maxBytes, 64 * 1024);
        let buf = Buffer.alloc(want);
        let total = 0;
        while (total < opts.maxBytes) {
          if (total === buf.length) {
            // /proc files report size 0 and files may grow while read: extend up to the cap.
            const bigger = Buffer.alloc(Math.min(opts.maxBytes, buf.length * 2));
            buf.copy(bigger);
            buf = bigger;
          }
          const n = fs.readSync(fd, buf, total, buf.length - total, null);
          if (n === 0) break;
          total += n;
        }
        return buf.subarray(0, total);
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

export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
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
  return new RegExp(`^${re}$`);
}
