import { createHash } from "node:crypto";
import * as path from "node:path";
import { trimEndOf } from "../../core/cut.ts";
import { errorCode } from "../../core/diagnostics.ts";
import { msg } from "../../core/message.ts";
import type { ScanContext } from "../context.ts";
import { RootFsError } from "../rootfs.ts";
import { notAfter, type PersistenceKind, type PersistLine, type SshKey } from "./facts.ts";

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DIR_FILES = 2000;

/** Reads one file as lines, recording why it could not be read (except a plain "not there"). */
function readLines(
  ctx: ScanContext,
  file: string,
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
    const bytes = ctx.fs.readBytes(file, { maxBytes: MAX_FILE_BYTES });
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
  opts: { user?: string; filter?: (line: string) => boolean; unit?: string } = {},
): void {
  const r = readLines(ctx, file);
  if (!r) return;
  r.lines.forEach((text, i) => {
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

/** Home directories from /etc/passwd of the scanned root, plus /root. */
export function homes(ctx: ScanContext): Array<{ user: string; home: string }> {
  const out: Array<{ user: string; home: string }> = [{ user: "root", home: "/root" }];
  for (const line of (ctx.fs.tryReadText("/etc/passwd") ?? "").split("\n")) {
    const f = line.split(":");
    const user = f[0];
    const home = f[5];
    if (user && home && home !== "/" && home !== "/nonexistent" && !out.some((h) => h.home === home))
      out.push({ user, home });
  }
  for (const h of ctx.fs.glob("/home/*"))
    if (!out.some((o) => o.home === h)) out.push({ user: path.posix.basename(h), home: h });
  return out;
}

const SYSTEMD_DIRS = [
  "/etc/systemd/system",
  "/run/systemd/system",
  "/usr/local/lib/systemd/system",
  "/lib/systemd/system",
  "/usr/lib/systemd/system",
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
  const unitDirs = [...SYSTEMD_DIRS];
  for (const h of homes(ctx)) unitDirs.push(`${h.home}/.config/systemd/user`);
  const seenUnits = new Set<string>();
  for (const dir of unitDirs) {
    for (const f of filesIn(ctx, dir, true)) {
      const unit = path.posix.basename(f);
      if (!/\.(service|timer|socket|path)$/.test(unit)) continue;
      // Links in *.wants/ point at units read from their own directory.
      if (/\.(wants|requires)\//.test(f) && seenUnits.has(unit)) continue;
      seenUnits.add(unit);
      add(ctx, out, "systemd", f, { unit, filter: (l) => /^(Exec\w*|Environment)\s*=/.test(l) });
    }
  }
  // rc scripts, shell profiles, ld.so.preload.
  add(ctx, out, "rc", "/etc/rc.local");
  add(ctx, out, "rc", "/etc/rc.d/rc.local");
  for (const f of filesIn(ctx, "/etc/init.d")) add(ctx, out, "rc", f);
  for (const f of ["/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment"])
    add(ctx, out, "profile", f);
  for (const f of filesIn(ctx, "/etc/profile.d")) add(ctx, out, "profile", f);
  for (const h of homes(ctx))
    for (const n of [".bashrc", ".profile", ".bash_profile", ".bash_login", ".zshrc"])
      add(ctx, out, "profile", `${h.home}/${n}`, { user: h.user });
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
      const r = readLines(ctx, file);
      if (!r) continue;
      r.lines.forEach((text, i) => {
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
