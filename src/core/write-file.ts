import * as fs from "node:fs";
import * as path from "node:path";
import { pathForUser, VerifiedDir } from "./dirfd.ts";

/** O_PATH is not in fs.constants; the value is the same on every Linux architecture Node supports. */
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

/**
 * Writes through a temporary file and a rename, so a reader never sees half a report.
 *
 * Root writes reports into shared directories such as /tmp, where another user may have planted links:
 * the parent is opened without following any link, the temporary file has an unpredictable name and is
 * created with O_EXCL|O_NOFOLLOW (a planted name only makes the write fail), and the rename replaces the
 * target entry itself, never what a planted link points to. Written as root the file is 0600 unless the
 * caller asks otherwise (unit files, shared data).
 *
 * A target that is not a regular file (/dev/null, a FIFO, a device) is written in place: renaming over
 * it would replace the device with a file (run as root, `--output /dev/null` destroyed /dev/null). But only
 * when no one else can have made it or put it there: it is root's (or ours) and its directory is one no
 * other user can write. A FIFO another user planted in /tmp would hand the report to their reader, so it is
 * refused (`untrusted-special`), as is a root FIFO in a directory others can write. It is opened with O_PATH
 * (never blocks, opens no device), checked on that descriptor against the lstat before (device and inode),
 * and only then opened for writing through it. A link is followed to such a target only when it cannot have
 * been planted: it is ours, or it sits in a directory no one else can write; a link from elsewhere is
 * replaced, never followed. The caller's own streams (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`,
 * `/proc/self/fd/N`: a pipe, a terminal, a process substitution) are the descriptor it passed and are
 * written whoever owns the pipe.
 */
export function writeFileAtomic(
  file: string,
  content: string | Buffer | Iterable<string>,
  opts: { mode?: number } = {},
): void {
  const euid = process.geteuid?.() ?? 0;
  const abs = path.resolve(file);
  const stream = callerStream(abs);
  if (stream !== undefined) {
    writeCallerStream(stream, content);
    return;
  }
  const name = path.basename(abs);
  const dir = VerifiedDir.open(pathForUser(path.dirname(abs), euid));
  try {
    const entry = dir.lstat(name);
    // Refused before a byte is written: the rename would fail after writing the whole report.
    if (entry?.isDirectory())
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, ${abs}`), { code: "EISDIR" });
    if (entry && !entry.isFile()) {
      const link = entry.isSymbolicLink();
      // A link is followed only when it cannot have been planted; otherwise the rename replaces it.
      const followed = !link || entry.uid === euid || privateDir(dir.stat, euid);
      const fd = followed ? openPathOrUndefined(dir.at(name), link ? 0 : fs.constants.O_NOFOLLOW) : undefined;
      if (fd !== undefined) {
        try {
          const target = fs.fstatSync(fd);
          if (!target.isFile() && !target.isDirectory()) {
            // Not a link: the entry opened must be the one looked at, not one swapped in since.
            if (!link && (target.dev !== entry.dev || target.ino !== entry.ino))
              throw untrusted(abs, "changed since it was checked");
            if (target.uid !== 0 && target.uid !== euid) throw untrusted(abs, `owned by uid ${target.uid}`);
            if (!privateDir(link ? linkedDir(fd) : dir.stat, euid))
              throw untrusted(abs, "in a directory another user can write");
            writeThrough(fd, target, content);
            return;
          }
        } finally {
          fs.closeSync(fd);
        }
      }
    }
    dir.writeFileDurable(name, content, opts.mode ?? (euid === 0 ? 0o600 : 0o644));
  } finally {
    dir.close();
  }
}

/** The descriptor a caller's own stream names (/dev/stdout, /dev/fd/N, /proc/self/fd/N), if `abs` is one. */
function callerStream(abs: string): number | undefined {
  if (abs === "/dev/stdout") return 1;
  if (abs === "/dev/stderr") return 2;
  const m = /^\/(?:dev|proc\/self)\/fd\/(\d{1,9})$/.exec(abs);
  return m ? Number(m[1]) : undefined;
}

/**
 * Writes to a descriptor the caller passed. A pipe or terminal is opened anew through the kernel's own link
 * (Node may have made the inherited one non-blocking). A regular file (`--output /dev/stdout > file`) is
 * written through the descriptor itself, so that the shell's `>>` still appends and nothing in /dev is
 * replaced; so is a socket (systemd's journal, a Node parent's stdio), which cannot be opened by path.
 */
function writeCallerStream(n: number, content: string | Buffer | Iterable<string>): void {
  const fd = fs.openSync(`/proc/self/fd/${n}`, O_PATH | O_CLOEXEC);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() && !st.isSocket()) writeThrough(fd, st, content);
    else if (typeof content === "string" || Buffer.isBuffer(content)) writeWaiting(n, Buffer.from(content));
    else for (const piece of content) writeWaiting(n, Buffer.from(piece));
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a whole buffer to a descriptor that may be non-blocking, waiting while it is full. */
function writeWaiting(fd: number, buf: Buffer): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let off = 0; off < buf.length; ) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/** Opens for writing the inode an O_PATH descriptor holds (a FIFO with no reader blocks here, as documented). */
function writeThrough(pathFd: number, checked: fs.Stats, content: string | Buffer | Iterable<string>): void {
  const fd = fs.openSync(`/proc/self/fd/${pathFd}`, fs.constants.O_WRONLY | O_CLOEXEC);
  try {
    const st = fs.fstatSync(fd);
    if (st.dev !== checked.dev || st.ino !== checked.ino)
      throw untrusted(`/proc/self/fd/${pathFd}`, "changed");
    writeAll(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

/** Root's or ours, and no one else can add, remove or swap entries in it (sticky /tmp does not count). */
function privateDir(st: { uid: number; mode: number }, euid: number): boolean {
  return (st.uid === 0 || st.uid === euid) && (st.mode & 0o022) === 0;
}

/**
 * The stat of the directory that holds what a followed link led to. An inode with no directory (a pipe or
 * socket the kernel names `pipe:[N]`) has none another user could have planted it in: a root-private
 * directory stands for it; one that cannot be looked at counts as one others can write.
 */
function linkedDir(pathFd: number): { uid: number; mode: number } {
  const where = fs.readlinkSync(`/proc/self/fd/${pathFd}`);
  if (!where.startsWith("/")) return { uid: 0, mode: 0o700 };
  try {
    return fs.statSync(path.dirname(where));
  } catch {
    return { uid: -1, mode: 0o777 };
  }
}

function openPathOrUndefined(p: string, flags: number): number | undefined {
  try {
    return fs.openSync(p, O_PATH | O_CLOEXEC | flags);
  } catch {
    return undefined;
  }
}

function untrusted(p: string, why: string): Error {
  return Object.assign(new Error(`${p} is not a regular file and ${why}: mamori does not write into it`), {
    code: "untrusted-special",
  });
}

/** Writes a string, a buffer or pieces of text (a large report made as it is written) to `fd`. */
export function writeAll(fd: number, content: string | Buffer | Iterable<string>): void {
  if (typeof content === "string" || Buffer.isBuffer(content)) {
    fs.writeFileSync(fd, content);
    return;
  }
  for (const piece of content) fs.writeFileSync(fd, piece);
}
