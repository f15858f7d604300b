import { createHash } from "node:crypto";
import * as path from "node:path";
import { errorCode } from "../../core/diagnostics.ts";
import { msg } from "../../core/message.ts";
import type { ScanContext } from "../context.ts";
import { RootFsError } from "../rootfs.ts";
import { type FileScanBounds, type HuntFile, notAfter } from "./facts.ts";

export interface FileScanOptions {
  maxDepth: number;
  maxEntries: number;
  maxFileBytes: number;
  /** Bytes hashed in all, so a /tmp full of build output cannot make the scan slow. */
  maxTotalBytes: number;
  minerStrings: string[];
  /** Extra exact paths to look at (family indicators such as /etc/libsystem.so). */
  extraPaths: string[];
}

/** Temporary and world-writable places, where droppers put their binaries. */
export const TEMP_ROOTS = ["/tmp", "/var/tmp", "/dev/shm", "/run/shm"];

const WELL_KNOWN_DOT_DIRS =
  /^\.(cache|npm|local|vscode-server|vscode|config|git|ssh|gnupg|mozilla|rustup|cargo|nvm|pyenv|rbenv|pki|java|m2|gradle|docker|kube|ansible|bundle|gem|yarn|deno|bun|sdkman|conda|vim|emacs\.d|oh-my-zsh|node-gyp|pnpm-store|terraform\.d|aws|azure|dotnet|nuget|ipython|jupyter|keras|npm-global|cpan|cpanm|composer|wp-cli|subversion|java|dbus|build-id|lock|pwd\.lock|updated|etckeeper|placeholder)$/;

/** Hidden directories in places a miner likes to hide: homes, /etc, /usr, /var/lib, /lib. */
function hiddenRoots(ctx: ScanContext, homes: string[], budget: number): { roots: string[]; cut: boolean } {
  const out: string[] = [];
  // Each dotfile looked at costs an lstat, counted against the scan's entries: a user's home with a
  // million dotfiles (anyone can make them) cannot hold the hunt up or fill memory with roots.
  let left = budget;
  for (const dir of [
    ...homes,
    "/etc",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/local",
    "/var/lib",
    "/lib",
    "/opt",
    "/bin",
    "/sbin",
  ]) {
    let names: string[];
    try {
      names = ctx.fs.readdir(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.startsWith(".") || n === "." || n === "..") continue;
      if (left-- <= 0) return { roots: out, cut: true };
      const p = path.posix.join(dir, n);
      let st: ReturnType<ScanContext["fs"]["lstat"]>;
      try {
        st = ctx.fs.lstat(p);
      } catch {
        continue;
      }
      // Skip the ordinary dot-directories of homes and tools (caches, language managers, editor state).
      if (st.isDirectory() && !WELL_KNOWN_DOT_DIRS.test(n)) out.push(p);
      else if (st.isFile()) out.push(p);
    }
  }
  return { roots: out, cut: false };
}

function isElf(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/**
 * Executables in temporary and hidden places, hashed and searched for miner strings, within the
 * stated bounds (depth, entries visited, bytes per file); what the bounds cut off is reported.
 */
export function collectFiles(
  ctx: ScanContext,
  homes: string[],
  opts: FileScanOptions,
): { files: HuntFile[]; bounds: FileScanBounds } {
  const { roots: hidden, cut } = hiddenRoots(ctx, homes, opts.maxEntries);
  const roots = [...TEMP_ROOTS, ...hidden, ...opts.extraPaths];
  // Hidden directories are searched less deeply than the temporary ones: droppers keep their files near the top.
  const depthOf = new Map<string, number>(hidden.map((h) => [h, Math.max(0, opts.maxDepth - 3)]));
  const bounds: FileScanBounds = {
    roots,
    maxDepth: opts.maxDepth,
    maxEntries: opts.maxEntries,
    maxFileBytes: opts.maxFileBytes,
    maxTotalBytes: opts.maxTotalBytes,
    bytesRead: 0,
    entriesSeen: 0,
    truncated: cut,
    skippedLarge: [],
  };
  const files: HuntFile[] = [];
  const seen = new Set<string>();
  /** Looks at one entry; a directory's entries go on `stack` (last pushed, first looked at). */
  const visit = (p: string, depth: number, stack: Array<[string, number]>): boolean => {
    if (seen.has(p)) return false;
    seen.add(p);
    bounds.entriesSeen++;
    let st: ReturnType<ScanContext["fs"]["lstat"]>;
    try {
      st = ctx.fs.lstat(p);
    } catch (err) {
      const code = err instanceof RootFsError ? err.code : errorCode(err);
      if (code !== "ENOENT") ctx.diag.couldNotCheck({ area: "hunt.files", path: p, reason: code });
      return true;
    }
    if (st.isSymbolicLink()) return true; // never followed: no loops, no escaping the scanned places
    if (st.isDirectory()) {
      if (depth >= opts.maxDepth) {
        bounds.truncated = true;
        return true;
      }
      let names: string[];
      try {
        names = ctx.fs.readdir(p);
      } catch (err) {
        const code = err instanceof RootFsError ? err.code : errorCode(err);
        ctx.diag.couldNotCheck({ area: "hunt.files", path: p, reason: code });
        return true;
      }
      // Reversed: popped in the directory's order, depth first, as a recursive walk would.
      for (let i = names.length - 1; i >= 0; i--)
        stack.push([path.posix.join(p, names[i] as string), depth + 1]);
      return true;
    }
    if (!st.isFile() || st.size === 0) return true;
    try {
      const head = ctx.fs.readBytes(p, { maxBytes: 4 });
      const elf = isElf(head);
      const executable = (st.mode & 0o111) !== 0;
      if (!elf && !executable) return true;
      const f: HuntFile = {
        path: p,
        size: st.size,
        mtime: st.mtime.toISOString(),
        ctime: notAfter(st.ctime, ctx.now()),
        mode: st.mode & 0o7777,
        elf,
        strings: [],
        uid: st.uid,
      };
      if (st.size > opts.maxFileBytes || bounds.bytesRead + st.size > opts.maxTotalBytes) {
        bounds.skippedLarge.push(p);
      } else {
        bounds.bytesRead += st.size;
        const buf = ctx.fs.readBytes(p, { maxBytes: opts.maxFileBytes });
        f.sha256 = createHash("sha256").update(buf).digest("hex");
        for (const s of opts.minerStrings) if (buf.includes(s)) f.strings.push(s);
      }
      files.push(f);
    } catch (err) {
      const code = err instanceof RootFsError ? err.code : errorCode(err);
      ctx.diag.couldNotCheck({ area: "hunt.files", path: p, reason: code });
    }
    return true;
  };
  // Every root first gets an equal share of the entries, then what is left goes to the roots not
  // finished, in order: a /tmp flooded with junk files (anyone can make a million) cannot use up the
  // budget before /var/tmp, /dev/shm and the hidden places are looked at.
  const stacks = roots.map((r): Array<[string, number]> => [[r, depthOf.get(r) ?? 0]]);
  const walk = (stack: Array<[string, number]>, budget: number) => {
    for (let used = 0; stack.length > 0 && used < budget; ) {
      const [p, depth] = stack.pop() as [string, number];
      if (visit(p, depth, stack)) used++;
    }
  };
  const share = Math.max(1, Math.floor(opts.maxEntries / Math.max(1, roots.length)));
  for (const stack of stacks) walk(stack, Math.min(share, opts.maxEntries - bounds.entriesSeen));
  for (const stack of stacks) walk(stack, opts.maxEntries - bounds.entriesSeen);
  if (stacks.some((stack) => stack.length > 0)) bounds.truncated = true;
  if (bounds.truncated)
    ctx.diag.couldNotCheck({
      area: "hunt.files",
      reason: "bounds",
      detail: msg("hunt.diag.bounds", {
        entries: opts.maxEntries,
        depth: opts.maxDepth,
        seen: bounds.entriesSeen,
      }),
    });
  for (const p of bounds.skippedLarge)
    ctx.diag.couldNotCheck({
      area: "hunt.files",
      path: p,
      reason: "too-large",
      detail: msg("hunt.diag.tooLarge", { max: opts.maxFileBytes, total: opts.maxTotalBytes }),
    });
  return { files, bounds };
}
