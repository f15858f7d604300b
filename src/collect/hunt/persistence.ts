import { createHash } from "node:crypto";
import * as path from "node:path";
import { trimEndOf } from "../../core/cut.ts";
import { errorCode } from "../../core/diagnostics.ts";
import { msg } from "../../core/message.ts";
import type { ScanContext } from "../context.ts";
import { RootFsError } from "../rootfs.ts";
import { notAfter, type PersistenceKind, type PersistLine, type SshKey } from "./facts.ts";
import { readableBy } from "./readable-by.ts";

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DIR_FILES = 2000;
/**
 * Lines kept in all, and keys: a real host has hundreds. Past these a user's files (2,000 unit files of
 * a megabyte each, hard links of one) would fill memory; the rest is reported as not checked.
 */
export const MAX_PERSIST_LINES = 100_000;
export const MAX_SSH_KEYS = 20_000;
/** Homes looked at: /etc/passwd of a bundle or an image can name millions. */
export const MAX_HOMES = 5000;
const MAX_PASSWD_BYTES = 16 << 20;

/** Reads one file as lines, recording why it could not be read (except a plain "not there"). */
function readLines(
  ctx: ScanContext,
  file: string,
  owner?: number,
): { lines: string[]; mtime?: string; ctime?: string; sha256: string } | undefined {
  try {
    const st = ctx.fs.stat(file);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_FILE_BYTES)
      ctx.diag.couldNotCheck({
        area: "hunt.persistence",
        path: file,
        reason: "too-large",
        detail: msg("hunt.diag.partial", { max: MAX_FILE_BYTES, size: st.size }),
      });
    const bytes = ctx.fs.readBytes(file, { maxBytes: MAX_FILE_BYTES, accept: readableBy(owner) });
    return {
      lines: bytes.toString("utf8").split(/\r?\n/),
      mtime: st.mtime.toISOString(),
      ctime: notAfter(st.ctime, ctx.now()),
      sha256: createHash("sha256").update(bytes).digest("hex"),
    };
  } catch (err) {
    const code = err instanceof RootFsError ? err.code : errorCode(err);
    if (code !== "ENOENT" && code !== "ENOTDIR")
      ctx.diag.couldNotCheck({ area: "hunt.persistence", path: file, reason: code });
    return undefined;
  }
}

/** Regular files (and links to them) in a directory, sorted; errors other than "missing" are recorded. */
function filesIn(ctx: ScanContext, dir: string, recursive = false, depth = 0): string[] {
  let entries: ReturnType<ScanContext["fs"]["readdirTypes"]>;
  try {
    entries = ctx.fs.readdirTypes(dir);
  } catch (err) {
    const code = err instanceof RootFsError ? err.code : errorCode(err);
    if (code !== "ENOENT" && code !== "ENOTDIR")
      ctx.diag.couldNotCheck({ area: "hunt.persistence", path: dir, reason: code });
    return [];
  }
  const out: string[] = [];
  for (const e of entries.slice(0, MAX_DIR_FILES)) {
    const p = path.posix.join(dir, e.name);
    if (e.isFile() || e.isSymbolicLink()) out.push(p);
    else if (recursive && e.isDirectory() && depth < 3) out.push(...filesIn(ctx, p, true, depth + 1));
  }
  return out;
}

function add(
  ctx: ScanContext,
  out: PersistLine[],
  kind: PersistenceKind,
  file: string,
  opts: { user?: string; uid?: number; filter?: (line: string) => boolean; unit?: string } = {},
): void {
  if (full(ctx, out.length, MAX_PERSIST_LINES, file)) return;
  const r = readLines(ctx, file, opts.uid);
  if (!r) return;
  r.lines.forEach((text, i) => {
    if (out.length >= MAX_PERSIST_LINES) return;
    const t = text.trim();
    if (!t || t.startsWith("#")) return;
    if (opts.filter && !opts.filter(t)) return;
    out.push({
      kind,
      path: file,
      line: i + 1,
      text: t,
      mtime: r.mtime,
      ctime: r.ctime,
      sha256: r.sha256,
      user: opts.user,
      unit: opts.unit,
    });
  });
}

/** True (and said once) when `count` reached `max`: the rest of the files are not read. */
function full(ctx: ScanContext, count: number, max: number, file: string): boolean {
  if (count < max) return false;
  ctx.diag.couldNotCheck({
    area: "hunt.persistence",
    reason: "too-many",
    detail: msg("hunt.diag.tooMany", { max, file }),
  });
  return true;
}

/** Home directories from /etc/passwd of the scanned root, plus /root, with their owners' ids. */
export function homes(ctx: ScanContext): Array<{ user: string; home: string; uid?: number }> {
  const out: Array<{ user: string; home: string; uid?: number }> = [{ user: "root", home: "/root", uid: 0 }];
  const seen = new Set(["/root"]);
  const push = (h: { user: string; home: string; uid?: number }) => {
    if (seen.has(h.home)) return;
    if (out.length >= MAX_HOMES) {
      full(ctx, out.length, MAX_HOMES, h.home);
      return;
    }
    seen.add(h.home);
    out.push(h);
  };
  for (const line of (ctx.fs.tryReadText("/etc/passwd", { maxBytes: MAX_PASSWD_BYTES }) ?? "").split("\n")) {
    const f = line.split(":");
    const user = f[0];
    const home = f[5];
    const uid = /^\d{1,10}$/.test(f[2] ?? "") ? Number(f[2]) : undefined;
    if (user && home && home !== "/" && home !== "/nonexistent") push({ user, home, uid });
  }
  for (const h of ctx.fs.glob("/home/*")) {
    if (seen.has(h)) continue;
    // A home no passwd line names: its directory's owner is its user (root's own look is not trusted).
    const uid = ctx.fs.tryStat(h)?.uid;
    push({ user: path.posix.basename(h), home: h, uid: uid === 0 ? undefined : uid });
  }
  return out;
}

/** /usr/lib before /lib: on a merged-/usr system /lib is the link, and a unit is named where it lives. */
const SYSTEMD_DIRS = [
  "/etc/systemd/system",
  "/run/systemd/system",
  "/usr/local/lib/systemd/system",
  "/usr/lib/systemd/system",
  "/lib/systemd/system",
  "/etc/systemd/user",
  "/usr/lib/systemd/user",
];

export function collectPersistence(ctx: ScanContext): PersistLine[] {
  const out: PersistLine[] = [];
  // cron: system tables, drop-ins, periodic scripts and every user's spool.
  add(ctx, out, "cron", "/etc/crontab");
  add(ctx, out, "cron", "/etc/anacrontab");
  for (const f of filesIn(ctx, "/etc/cron.d")) add(ctx, out, "cron", f);
  for (const d of ["hourly", "daily", "weekly", "monthly"])
    for (const f of filesIn(ctx, `/etc/cron.${d}`)) add(ctx, out, "cron", f);
  for (const f of filesIn(ctx, "/var/spool/cron", true)) {
    const user = path.posix.basename(f);
    add(ctx, out, "cron", f, { user });
  }
  // systemd units (system and user), only the lines that start something.
  const unitDirs: Array<{ dir: string; uid?: number }> = SYSTEMD_DIRS.map((dir) => ({ dir }));
  const users = homes(ctx);
  for (const h of users) unitDirs.push({ dir: `${h.home}/.config/systemd/user`, uid: h.uid ?? -1 });
  // Each unit file once, by device and inode: on a merged-/usr system /lib/systemd/system and
  // /usr/lib/systemd/system are one directory, and every link in a *.wants/ directory is a unit found
  // where it lives. Read under every name, each of an intruder's units was two or three findings. The
  // links go last, so a unit is named by its own file; one whose unit lives nowhere else is read there.
  const seenFiles = new Set<string>();
  for (const links of [false, true])
    for (const { dir, uid } of unitDirs) {
      for (const f of filesIn(ctx, dir, true)) {
        const unit = path.posix.basename(f);
        if (!/\.(service|timer|socket|path)$/.test(unit)) continue;
        if (/\.(wants|requires)\//.test(f) !== links) continue;
        const st = ctx.fs.tryStat(f);
        if (st) {
          const id = `${st.dev}:${st.ino}`;
          if (seenFiles.has(id)) continue;
          seenFiles.add(id);
        }
        add(ctx, out, "systemd", f, { unit, uid, filter: (l) => /^(Exec\w*|Environment)\s*=/.test(l) });
      }
    }
  // rc scripts, shell profiles, ld.so.preload.
  add(ctx, out, "rc", "/etc/rc.local");
  add(ctx, out, "rc", "/etc/rc.d/rc.local");
  for (const f of filesIn(ctx, "/etc/init.d")) add(ctx, out, "rc", f);
  for (const f of ["/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment"])
    add(ctx, out, "profile", f);
  for (const f of filesIn(ctx, "/etc/profile.d")) add(ctx, out, "profile", f);
  for (const h of users)
    for (const n of [".bashrc", ".profile", ".bash_profile", ".bash_login", ".zshrc"])
      add(ctx, out, "profile", `${h.home}/${n}`, { user: h.user, uid: h.uid ?? -1 });
  add(ctx, out, "preload", "/etc/ld.so.preload");
  return out;
}

/** OpenSSH's fingerprint: SHA256 of the key blob, base64 without padding. */
export function sshFingerprint(blobBase64: string): string {
  return `SHA256:${trimEndOf(createHash("sha256").update(Buffer.from(blobBase64, "base64")).digest("base64"), "=")}`;
}

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-\S+@openssh\.com)$/;

/** Splits an authorized_keys line into options, type, blob and comment (options may hold quoted spaces). */
export function parseAuthorizedKey(
  line: string,
): { options: string; type: string; blob: string; comment: string } | undefined {
  const tokens: string[] = [];
  let cur = "";
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      if (cur) tokens.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur) tokens.push(cur);
  const ti = tokens.findIndex((t) => KEY_TYPE.test(t));
  if (ti < 0 || !tokens[ti + 1]) return undefined;
  return {
    options: tokens.slice(0, ti).join(" "),
    type: tokens[ti] as string,
    blob: tokens[ti + 1] as string,
    comment: tokens.slice(ti + 2).join(" "),
  };
}

export function collectSshKeys(ctx: ScanContext): SshKey[] {
  const out: SshKey[] = [];
  for (const h of homes(ctx)) {
    for (const n of ["authorized_keys", "authorized_keys2"]) {
      const file = `${h.home}/.ssh/${n}`;
      if (full(ctx, out.length, MAX_SSH_KEYS, file)) return out;
      const r = readLines(ctx, file, h.uid ?? -1);
      if (!r) continue;
      r.lines.forEach((text, i) => {
        if (out.length >= MAX_SSH_KEYS) return;
        const t = text.trim();
        if (!t || t.startsWith("#")) return;
        const k = parseAuthorizedKey(t);
        if (!k) return;
        const cmd = /(?:^|,)command="((?:[^"\\]|\\.)*)"/.exec(k.options)?.[1];
        out.push({
          path: file,
          line: i + 1,
          user: h.user,
          type: k.type,
          fingerprint: sshFingerprint(k.blob),
          comment: k.comment,
          options: k.options,
          command: cmd,
          mtime: r.mtime,
          ctime: r.ctime,
        });
      });
    }
  }
  return out;
}
