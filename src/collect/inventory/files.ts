import { createHash } from "node:crypto";
import { trimEndOf } from "../../core/cut.ts";
import { type Diagnostics, errorCode } from "../../core/diagnostics.ts";
import type { RootFs } from "../rootfs.ts";
import type { InventoryItem } from "./types.ts";

const MAX = 1024 * 1024;

function sha256(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}

function listFiles(fs: RootFs, dir: string, diag: Diagnostics, area: string): string[] {
  try {
    return fs
      .readdirTypes(dir)
      .filter((d) => d.isFile() || d.isSymbolicLink())
      .map((d) => `${dir}/${d.name}`);
  } catch (err) {
    const code = errorCode(err);
    if (code !== "ENOENT") diag.couldNotCheck({ area, path: dir, reason: code });
    return [];
  }
}

function mtimeOf(fs: RootFs, p: string, link = false): string | undefined {
  try {
    return (link ? fs.lstat(p) : fs.stat(p)).mtime.toISOString();
  } catch {
    return undefined;
  }
}

function readOrNote(fs: RootFs, p: string, diag: Diagnostics, area: string): string | undefined {
  try {
    return fs.readText(p, { maxBytes: MAX });
  } catch (err) {
    const code = errorCode(err);
    if (code !== "ENOENT") diag.couldNotCheck({ area, path: p, reason: code });
    return undefined;
  }
}

const CRON_TABLES = ["/etc/crontab", "/etc/anacrontab"];
const CRON_TABLE_DIRS = ["/etc/cron.d", "/var/spool/cron/crontabs", "/var/spool/cron"];
const CRON_SCRIPT_DIRS = ["/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly"];

/** Every active cron line (key: file and line text, so moving a line is not news) and every cron script (key: path, value: sha256). */
export function collectCron(fs: RootFs, diag: Diagnostics): InventoryItem[] {
  const out: InventoryItem[] = [];
  const tables = [...CRON_TABLES, ...CRON_TABLE_DIRS.flatMap((d) => listFiles(fs, d, diag, "baseline.cron"))];
  for (const file of tables) {
    const text = readOrNote(fs, file, diag, "baseline.cron");
    if (text === undefined) continue;
    const user = file.startsWith("/var/spool/cron/") ? file.split("/").pop() : undefined;
    const mtime = mtimeOf(fs, file);
    text.split("\n").forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith("#")) return;
      out.push({
        kind: "cron",
        key: `${file}\t${line}`,
        value: line,
        detail: { path: file, line: i + 1, user, mtime },
      });
    });
  }
  for (const dir of CRON_SCRIPT_DIRS) {
    for (const file of listFiles(fs, dir, diag, "baseline.cron")) {
      if (file.endsWith("/.placeholder")) continue;
      let value: string;
      try {
        value = sha256(fs.readBytes(file, { maxBytes: MAX }));
      } catch (err) {
        diag.couldNotCheck({ area: "baseline.cron", path: file, reason: errorCode(err) });
        continue;
      }
      out.push({ kind: "cron", key: file, value, detail: { path: file, mtime: mtimeOf(fs, file) } });
    }
  }
  return out;
}

const UNIT_DIRS = [
  "/etc/systemd/system",
  "/lib/systemd/system",
  "/usr/lib/systemd/system",
  "/etc/systemd/user",
];
const UNIT_SUFFIX = /\.(service|timer|socket|path|mount|target)$/;

/** Unit files and their enablement links (key: path, value: sha256 of the file or "-> target" of a link). */
export function collectSystemd(fs: RootFs, diag: Diagnostics): InventoryItem[] {
  const out: InventoryItem[] = [];
  const seenReal = new Set<string>();
  const dirs = [...UNIT_DIRS];
  try {
    for (const home of fs.readdir("/home")) dirs.push(`/home/${home}/.config/systemd/user`);
  } catch {
    // no /home
  }
  dirs.push("/root/.config/systemd/user");
  const visit = (dir: string, depth: number) => {
    let entries: ReturnType<RootFs["readdirTypes"]>;
    try {
      entries = fs.readdirTypes(dir);
    } catch (err) {
      const code = errorCode(err);
      if (code !== "ENOENT") diag.couldNotCheck({ area: "baseline.systemd", path: dir, reason: code });
      return;
    }
    for (const d of entries) {
      const p = `${dir}/${d.name}`;
      if (d.isDirectory() && depth === 0 && /\.(wants|requires)$/.test(d.name)) {
        visit(p, 1);
        continue;
      }
      if (!UNIT_SUFFIX.test(d.name)) continue;
      if (d.isSymbolicLink()) {
        let target = "";
        try {
          target = fs.readlink(p);
        } catch {
          target = "?";
        }
        out.push({
          kind: "systemd",
          key: p,
          value: `-> ${target}`,
          detail: { path: p, mtime: mtimeOf(fs, p, true) },
        });
      } else if (d.isFile()) {
        // /lib is often a link to /usr/lib: count each real file once.
        const real = fs.realGuestPath(p);
        if (seenReal.has(real)) continue;
        seenReal.add(real);
        try {
          out.push({
            kind: "systemd",
            key: p,
            value: sha256(fs.readBytes(p, { maxBytes: MAX })),
            detail: { path: p, mtime: mtimeOf(fs, p) },
          });
        } catch (err) {
          diag.couldNotCheck({ area: "baseline.systemd", path: p, reason: errorCode(err) });
        }
      }
    }
  };
  for (const dir of dirs) {
    const real = fs.realGuestPath(dir);
    if (dir !== real && dirs.includes(real)) continue;
    visit(dir, 0);
  }
  return out;
}

/** ssh-keygen's SHA256 fingerprint of a public key blob (base64 without padding). */
export function keyFingerprint(blobBase64: string): string {
  const digest = createHash("sha256").update(Buffer.from(blobBase64, "base64")).digest("base64");
  return `SHA256:${trimEndOf(digest, "=")}`;
}

const KEY_TYPE =
  /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;

/** Parses one authorized_keys line (options may come first, and may contain quoted spaces). */
export function parseAuthorizedKey(
  line: string,
): { type: string; blob: string; comment: string } | undefined {
  const tokens = line.match(/(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const i = tokens.findIndex((tok) => KEY_TYPE.test(tok));
  if (i < 0 || !tokens[i + 1]) return undefined;
  return { type: tokens[i] as string, blob: tokens[i + 1] as string, comment: tokens.slice(i + 2).join(" ") };
}

/** Authorized SSH keys of every account with a home directory (key: user and fingerprint). */
export function collectKeys(fs: RootFs, diag: Diagnostics): InventoryItem[] {
  const homes = new Map<string, string>([["root", "/root"]]);
  for (const line of (fs.tryReadText("/etc/passwd") ?? "").split("\n")) {
    const f = line.split(":");
    if (f.length >= 6 && f[0] && f[5] && f[5] !== "/" && f[5] !== "/nonexistent") homes.set(f[0], f[5]);
  }
  const out: InventoryItem[] = [];
  for (const [user, home] of homes) {
    for (const name of ["authorized_keys", "authorized_keys2"]) {
      const file = `${home}/.ssh/${name}`;
      const text = readOrNote(fs, file, diag, "baseline.key");
      if (text === undefined) continue;
      const mtime = mtimeOf(fs, file);
      text.split("\n").forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith("#")) return;
        const k = parseAuthorizedKey(line);
        if (!k) return;
        const fp = keyFingerprint(k.blob);
        out.push({
          kind: "key",
          key: `${user}\t${fp}`,
          value: `${k.type} ${fp}${k.comment ? ` ${k.comment}` : ""}`,
          detail: { path: file, line: i + 1, user, mtime },
        });
      });
    }
  }
  return out;
}

/** Entries of /etc/ld.so.preload (each one is loaded into every process). */
export function collectPreload(fs: RootFs, diag: Diagnostics): InventoryItem[] {
  const text = readOrNote(fs, "/etc/ld.so.preload", diag, "baseline.preload");
  if (text === undefined) return [];
  const mtime = mtimeOf(fs, "/etc/ld.so.preload");
  const out: InventoryItem[] = [];
  text.split("\n").forEach((raw, i) => {
    for (const entry of raw
      .replace(/#.*/, "")
      .split(/[\s:]+/)
      .filter(Boolean)) {
      out.push({
        kind: "preload",
        key: entry,
        value: entry,
        detail: { path: "/etc/ld.so.preload", line: i + 1, mtime },
      });
    }
  });
  return out;
}

/** Installed dpkg packages: key "name:arch", value the version. */
export function collectPackages(fs: RootFs, diag: Diagnostics): InventoryItem[] {
  const text = readOrNote(fs, "/var/lib/dpkg/status", diag, "baseline.package");
  if (text === undefined) return [];
  const out: InventoryItem[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(para)?.[1]?.trim();
    const name = field("Package");
    const status = field("Status") ?? "";
    const version = field("Version");
    if (!name || !version || !/\binstalled$/.test(status) || /not-installed|config-files/.test(status))
      continue;
    const arch = field("Architecture") ?? "";
    out.push({ kind: "package", key: arch ? `${name}:${arch}` : name, value: version });
  }
  return out;
}
