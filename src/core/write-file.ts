import * as fs from "node:fs";
import * as path from "node:path";
import { pathForUser, VerifiedDir } from "./dirfd.ts";

/**
 * Writes through a temporary file and a rename, so a reader never sees half a report.
 *
 * Root writes reports into shared directories such as /tmp, where another user may have planted links:
 * the parent is opened without following any link, the temporary file has an unpredictable name and is
 * created with O_EXCL|O_NOFOLLOW (a planted name only makes the write fail), and the rename replaces the
 * target entry itself, never what a planted link points to. Written as root the file is 0600 unless the
 * caller asks otherwise (unit files, shared data).
 *
 * A target that is not a regular file (/dev/null, /dev/stdout, a FIFO) is written in place: renaming over
 * it would replace the device with a file (run as root, `--output /dev/null` destroyed /dev/null). A link
 * is followed to such a target only when it cannot have been planted: it is ours, or it sits in a directory
 * no one else can write (/dev/stdout).
 */
export function writeFileAtomic(
  file: string,
  content: string | Buffer | Iterable<string>,
  opts: { mode?: number } = {},
): void {
  const euid = process.geteuid?.() ?? 0;
  const abs = path.resolve(file);
  const name = path.basename(abs);
  const dir = VerifiedDir.open(pathForUser(path.dirname(abs), euid));
  try {
    const entry = dir.lstat(name);
    // Refused before a byte is written: the rename would fail after writing the whole report.
    if (entry?.isDirectory())
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, ${abs}`), { code: "EISDIR" });
    if (entry && !entry.isFile()) {
      const trusted =
        !entry.isSymbolicLink() ||
        entry.uid === euid ||
        ((dir.stat.uid === 0 || dir.stat.uid === euid) && (dir.stat.mode & 0o022) === 0);
      const target = trusted ? statOrUndefined(dir.at(name)) : undefined;
      if (target && !target.isFile() && !target.isDirectory()) {
        // O_NOFOLLOW unless a trusted link; never O_CREAT: the device or FIFO is there already.
        const follow = entry.isSymbolicLink() ? 0 : fs.constants.O_NOFOLLOW;
        const fd = fs.openSync(dir.at(name), fs.constants.O_WRONLY | follow);
        try {
          writeAll(fd, content);
        } finally {
          fs.closeSync(fd);
        }
        return;
      }
    }
    dir.writeFileDurable(name, content, opts.mode ?? (euid === 0 ? 0o600 : 0o644));
  } finally {
    dir.close();
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** Writes a string, a buffer or pieces of text (a large report made as it is written) to `fd`. */
export function writeAll(fd: number, content: string | Buffer | Iterable<string>): void {
  if (typeof content === "string" || Buffer.isBuffer(content)) {
    fs.writeFileSync(fd, content);
    return;
  }
  for (const piece of content) fs.writeFileSync(fd, piece);
}
