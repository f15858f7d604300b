/**
 * In the single executable, mamori's own files (rules, data snapshot, HTML assets, package.json) are SEA
 * assets, and the bundle's modules name them by paths under SEA_ROOT (see bundle.ts). This serves those
 * paths to the synchronous fs calls our modules use to read them: readFileSync, readdirSync, existsSync,
 * statSync. Every other path goes to the real file system untouched: the scan of the host never sees this.
 * SEA_ROOT lies in /proc, where no directory can be created, so it never hides a real file; writes there
 * (a rules cache, `db update` without --data-dir) fail as they would on a read-only installation.
 */
// The module object itself (a namespace import would be a copy whose properties cannot be set).
import fs from "node:fs";
import { getAsset } from "node:sea";

export interface Manifest {
  /** Asset key (a path relative to the repository) -> modification time in ms. */
  files: Record<string, number>;
}

function enoent(syscall: string, p: string): NodeJS.ErrnoException {
  const e = new Error(`ENOENT: no such file or directory, ${syscall} '${p}'`) as NodeJS.ErrnoException;
  e.code = "ENOENT";
  e.errno = -2;
  e.syscall = syscall;
  e.path = p;
  return e;
}

export function installSeaFs(root: string, manifest: Manifest): void {
  const files = new Map(Object.entries(manifest.files));
  const dirs = new Map<string, Set<string>>();
  for (const key of files.keys()) {
    const parts = key.split("/");
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      const set = dirs.get(dir) ?? new Set<string>();
      dirs.set(dir, set);
      set.add(parts[i] as string);
    }
  }
  /** The asset key for a path under root ("" for root itself), or undefined for any other path. */
  const keyOf = (p: unknown): string | undefined => {
    if (typeof p !== "string" && !(p instanceof URL)) return undefined;
    const s = p instanceof URL ? (p.protocol === "file:" ? decodeURIComponent(p.pathname) : "") : p;
    if (s === root) return "";
    if (!s.startsWith(`${root}/`)) return undefined;
    // Paths are built with path.join/resolve: normalised, no "..", no doubled slash.
    return s.slice(root.length + 1).replace(/\/+$/, "");
  };
  const stat = (key: string, p: string, syscall: string): fs.Stats => {
    const isDir = dirs.has(key);
    const mtime = files.get(key);
    if (!isDir && mtime === undefined) throw enoent(syscall, p);
    const st = Object.create(fs.Stats.prototype) as fs.Stats;
    const size = isDir ? 0 : getAsset(key).byteLength;
    Object.assign(st, {
      dev: 0,
      ino: 0,
      mode: isDir ? 0o40555 : 0o100444,
      nlink: 1,
      uid: 0,
      gid: 0,
      rdev: 0,
      size,
      blksize: 4096,
      blocks: Math.ceil(size / 512),
      mtimeMs: mtime ?? 0,
      mtime: new Date(mtime ?? 0),
      atimeMs: mtime ?? 0,
      atime: new Date(mtime ?? 0),
      ctimeMs: mtime ?? 0,
      ctime: new Date(mtime ?? 0),
      birthtimeMs: mtime ?? 0,
      birthtime: new Date(mtime ?? 0),
    });
    return st;
  };

  const real = {
    readFileSync: fs.readFileSync,
    readdirSync: fs.readdirSync,
    existsSync: fs.existsSync,
    statSync: fs.statSync,
  };
  const f = fs as unknown as Record<string, unknown>;
  f.readFileSync = (p: unknown, opts?: unknown) => {
    const key = keyOf(p);
    if (key === undefined) return (real.readFileSync as (...a: unknown[]) => unknown)(p, opts);
    if (!files.has(key)) throw enoent("open", String(p));
    const enc = typeof opts === "string" ? opts : (opts as { encoding?: string } | undefined)?.encoding;
    const buf = Buffer.from(getAsset(key));
    return enc ? buf.toString(enc as BufferEncoding) : buf;
  };
  f.readdirSync = (p: unknown, opts?: unknown) => {
    const key = keyOf(p);
    if (key === undefined) return (real.readdirSync as (...a: unknown[]) => unknown)(p, opts);
    const names = dirs.get(key);
    if (!names) throw enoent("scandir", String(p));
    const sorted = [...names].sort();
    if ((opts as { withFileTypes?: boolean } | undefined)?.withFileTypes) {
      return sorted.map((name) => {
        const child = key === "" ? name : `${key}/${name}`;
        const isDir = dirs.has(child);
        return Object.assign(Object.create(fs.Dirent.prototype) as fs.Dirent, {
          name,
          parentPath: String(p),
          isFile: () => !isDir,
          isDirectory: () => isDir,
          isSymbolicLink: () => false,
        });
      });
    }
    return sorted;
  };
  f.existsSync = (p: unknown) => {
    const key = keyOf(p);
    if (key === undefined) return real.existsSync(p as fs.PathLike);
    return files.has(key) || dirs.has(key);
  };
  f.statSync = (p: unknown, opts?: unknown) => {
    const key = keyOf(p);
    if (key === undefined) return (real.statSync as (...a: unknown[]) => unknown)(p, opts);
    try {
      return stat(key, String(p), "stat");
    } catch (err) {
      if ((opts as { throwIfNoEntry?: boolean } | undefined)?.throwIfNoEntry === false) return undefined;
      throw err;
    }
  };
}
