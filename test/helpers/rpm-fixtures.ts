/**
 * Real rpm databases for the package-reader tests, made by Debian's own rpm tools (package `rpm`, 4.18):
 * `rpmbuild` builds stand-in packages named and versioned like AlmaLinux's and SUSE's (versions from
 * ../shared/vulndata/distro/almalinux-osv), and `rpm --root DIR --justdb` installs them into an SQLite
 * rpmdb exactly as on EL9. Debian's rpm can write no other backend ("invalid %_db_backend: bdb/ndb"), so:
 * - Berkeley DB `Packages` (EL7/EL8): libdb 5.3's own `db_load` (package `db-util`, the libdb EL7/EL8
 *   ship) loads, as a hash database keyed by the header number like rpm's, the very header blobs rpm
 *   wrote into the SQLite database.
 * - ndb `Packages.db` (SUSE): written here, byte for byte as rpm's lib/backend/ndb/rpmpkg.c writes it
 *   (header, slot page, blobs with head, adler32 tail), again around the blobs rpm wrote. This one is
 *   not rpm's own output: no tool on Debian writes ndb.
 * Built once per content into .cache/rpm-fixtures/<hash> (gitignored); nothing binary is committed.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";

const REPO = path.resolve(import.meta.dirname, "../..");
const FIXTURE_ROOTS = path.join(REPO, "test/fixtures/roots");

export interface StandIn {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  vendor: string;
  files: string[];
  /** Subpackages built from the same source rpm. */
  subs?: Array<{ name: string; epoch?: number; files: string[] }>;
  modularityLabel?: string;
}

/** Module files that make httpd's header span several Berkeley DB overflow pages, as a real one does. */
const MODULES = Array.from({ length: 120 }, (_, i) => `/usr/lib64/httpd/modules/mod_standin_${i}.so`);

export const EL9_PATCHED: StandIn = {
  name: "httpd",
  version: "2.4.62",
  release: "13.el9_8.5",
  vendor: "AlmaLinux",
  files: ["/usr/sbin/httpd", ...MODULES],
  subs: [{ name: "mod_ssl", epoch: 1, files: ["/usr/lib64/httpd/modules/mod_ssl.so"] }],
};

export const EL9_OLD: StandIn = { ...EL9_PATCHED, release: "5.el9", version: "2.4.57" };

export const EL8_MODULE: StandIn = {
  name: "httpd",
  version: "2.4.37",
  release: "65.module_el8.10.0+4233+8b7d9181.9",
  vendor: "AlmaLinux",
  files: ["/usr/sbin/httpd", ...MODULES],
  subs: [{ name: "mod_ssl", epoch: 1, files: ["/usr/lib64/httpd/modules/mod_ssl.so"] }],
  modularityLabel: "httpd:2.4:8100020240411031452:9",
};

export const SUSE_APACHE2: StandIn = {
  name: "apache2",
  version: "2.4.58",
  release: "150600.5.23.1",
  vendor: "SUSE LLC <https://www.suse.com/>",
  files: ["/usr/sbin/httpd", "/usr/sbin/httpd-prefork"],
};

/** A vendor's agent, installed as an rpm outside every system directory (respond's package rail). */
export const VENDOR_AGENT: StandIn = {
  name: "vendor-agent",
  version: "3.1",
  release: "1.el9",
  vendor: "Example Vendor",
  files: ["/opt/vendor/agent", "/etc/vendor/agent.conf"],
};

export function rpmToolsMissing(): string | undefined {
  for (const tool of ["/usr/bin/rpmbuild", "/usr/bin/rpm", "/usr/bin/db_load"])
    if (!fs.existsSync(tool)) return `${tool} is not installed (scripts/apt-packages.txt: rpm, db-util)`;
  return undefined;
}

function spec(p: StandIn): string {
  const lines = [
    `Name: ${p.name}`,
    `Version: ${p.version}`,
    `Release: ${p.release}`,
    ...(p.epoch !== undefined ? [`Epoch: ${p.epoch}`] : []),
    "Summary: mamori test stand-in",
    "License: ASL 2.0",
    `Vendor: ${p.vendor}`,
    "BuildArch: x86_64",
    "%description",
    "A stand-in package for mamori's package database tests.",
  ];
  for (const s of p.subs ?? [])
    lines.push(
      `%package -n ${s.name}`,
      ...(s.epoch !== undefined ? [`Epoch: ${s.epoch}`] : []),
      "Summary: mamori test stand-in",
      `%description -n ${s.name}`,
      "A stand-in subpackage.",
    );
  const all = [...p.files, ...(p.subs ?? []).flatMap((s) => s.files)];
  lines.push(
    "%install",
    ...all.map((f) => `mkdir -p %{buildroot}${path.posix.dirname(f)} && echo stand-in > %{buildroot}${f}`),
  );
  lines.push("%files", ...p.files);
  for (const s of p.subs ?? []) lines.push(`%files -n ${s.name}`, ...s.files);
  return `${lines.join("\n")}\n`;
}

function rpmFiles(p: StandIn, top: string): string[] {
  const specFile = path.join(top, `${p.name}-${p.version}-${p.release}.spec`);
  fs.mkdirSync(top, { recursive: true });
  fs.writeFileSync(specFile, spec(p));
  const defs = [
    "_topdir",
    top,
    "_build_id_links",
    "none",
    "debug_package",
    "%{nil}",
    "__os_install_post",
    "%{nil}",
  ];
  const args = ["-bb", "--quiet"];
  for (let i = 0; i < defs.length; i += 2) args.push("--define", `${defs[i]} ${defs[i + 1]}`);
  if (p.modularityLabel) args.push("--define", `modularitylabel ${p.modularityLabel}`);
  execFileSync("/usr/bin/rpmbuild", [...args, specFile], { stdio: "pipe" });
  const dir = path.join(top, "RPMS/x86_64");
  const names = [p.name, ...(p.subs ?? []).map((s) => s.name)];
  return fs
    .readdirSync(dir)
    .filter((f) => names.some((n) => f.startsWith(`${n}-`)) && f.includes(p.release))
    .map((f) => path.join(dir, f));
}

/** `rpm --root ROOT --justdb -i`: the SQLite rpmdb EL9 keeps in /var/lib/rpm. */
function installSqlite(root: string, rpms: string[], dbpath = "/var/lib/rpm"): string {
  fs.mkdirSync(path.join(root, dbpath), { recursive: true });
  execFileSync(
    "/usr/bin/rpm",
    [
      "--root",
      root,
      "--dbpath",
      dbpath,
      "--justdb",
      "--nodeps",
      "--noscripts",
      "--notriggers",
      "-i",
      ...rpms,
    ],
    { stdio: "pipe" },
  );
  // rpm leaves its lock and WAL side files; an image keeps them too, but the tests want the one file.
  for (const f of [".rpm.lock", "rpmdb.sqlite-shm", "rpmdb.sqlite-wal"])
    fs.rmSync(path.join(root, dbpath, f), { force: true });
  return path.join(root, dbpath, "rpmdb.sqlite");
}

/** The header blobs rpm stored, by header number. */
export function sqliteBlobs(file: string): Array<{ hnum: number; blob: Buffer }> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (
      db.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum").all() as Array<{
        hnum: number;
        blob: Uint8Array;
      }>
    ).map((r) => ({ hnum: r.hnum, blob: Buffer.from(r.blob) }));
  } finally {
    db.close();
  }
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** libdb's `db_load -T`: key and value lines, every byte as a \xx escape. */
export function writeBdb(file: string, blobs: Array<{ hnum: number; blob: Buffer }>): void {
  const esc = (b: Buffer) => [...b].map((c) => `\\${c.toString(16).padStart(2, "0")}`).join("");
  const max = Math.max(0, ...blobs.map((b) => b.hnum));
  // rpm keeps its next header number under key 0.
  const lines = [esc(u32le(0)), esc(u32le(max + 1))];
  for (const { hnum, blob } of blobs) lines.push(esc(u32le(hnum)), esc(blob));
  fs.rmSync(file, { force: true });
  execFileSync("/usr/bin/db_load", ["-T", "-t", "hash", "-c", "db_pagesize=4096", file], {
    input: `${lines.join("\n")}\n`,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const c of data) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** rpm's ndb Packages.db as rpmpkg.c lays it out: one slot page, then each blob in 16-byte blocks. */
export function ndbBytes(blobs: Array<{ hnum: number; blob: Buffer }>): Buffer {
  const page = Buffer.alloc(4096);
  page.write("RpmP", 0, "latin1");
  page.writeUInt32LE(0, 4);
  page.writeUInt32LE(1, 8);
  page.writeUInt32LE(1, 12);
  page.writeUInt32LE(Math.max(0, ...blobs.map((b) => b.hnum)) + 1, 16);
  for (let at = 32; at < 4096; at += 16) page.write("Slot", at, "latin1");
  const parts: Buffer[] = [page];
  let block = 4096 / 16;
  blobs.forEach(({ hnum, blob }, i) => {
    const cnt = Math.ceil((16 + blob.length + 12) / 16);
    const head = Buffer.concat([
      Buffer.from("BlbS", "latin1"),
      u32le(hnum),
      u32le(1764547200),
      u32le(blob.length),
    ]);
    const pad = Buffer.alloc(cnt * 16 - (16 + blob.length + 12));
    const body = Buffer.concat([head, blob, pad]);
    const tail = Buffer.concat([u32le(adler32(body)), u32le(blob.length), Buffer.from("BlbE", "latin1")]);
    parts.push(body, tail);
    const slot = 32 + i * 16;
    page.writeUInt32LE(hnum, slot + 4);
    page.writeUInt32LE(block, slot + 8);
    page.writeUInt32LE(cnt, slot + 12);
    block += cnt;
  });
  return Buffer.concat(parts);
}

export interface RpmFixtures {
  /** SQLite rpmdb of an EL9 root with httpd/mod_ssl 2.4.62-13.el9_8.5 (patched). */
  el9Sqlite: string;
  /** SQLite rpmdb with httpd/mod_ssl 2.4.57-5.el9 (older). */
  el9OldSqlite: string;
  /** Berkeley DB Packages (db_load) with the EL8 module build of httpd/mod_ssl. */
  el8Bdb: string;
  /** ndb Packages.db with SUSE's apache2. */
  suseNdb: string;
  /** SQLite rpmdb with vendor-agent (files in /opt and /etc). */
  vendorSqlite: string;
}

const VERSION = "1";

/** Builds (once; cached by content) the databases above. Needs rpm and db-util. */
export function rpmFixtures(): RpmFixtures {
  const key = createHash("sha256")
    .update(VERSION + JSON.stringify([EL9_PATCHED, EL9_OLD, EL8_MODULE, SUSE_APACHE2, VENDOR_AGENT]))
    .digest("hex")
    .slice(0, 16);
  const base = path.join(REPO, ".cache/rpm-fixtures");
  const dir = path.join(base, key);
  const result: RpmFixtures = {
    el9Sqlite: path.join(dir, "el9/var/lib/rpm/rpmdb.sqlite"),
    el9OldSqlite: path.join(dir, "el9-old/var/lib/rpm/rpmdb.sqlite"),
    el8Bdb: path.join(dir, "el8/var/lib/rpm/Packages"),
    suseNdb: path.join(dir, "suse/usr/lib/sysimage/rpm/Packages.db"),
    vendorSqlite: path.join(dir, "vendor/var/lib/rpm/rpmdb.sqlite"),
  };
  if (fs.existsSync(path.join(dir, "done"))) return result;
  fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  // Two test files may build at once: each builds aside and the first rename wins.
  const work = fs.mkdtempSync(path.join(base, "build-"));
  try {
    const top = path.join(work, "rpmbuild");
    const built = (p: StandIn) => rpmFiles(p, top);
    installSqlite(path.join(work, "el9"), built(EL9_PATCHED));
    installSqlite(path.join(work, "el9-old"), built(EL9_OLD));
    const el8 = installSqlite(path.join(work, "el8-sqlite"), built(EL8_MODULE));
    fs.mkdirSync(path.join(work, "el8/var/lib/rpm"), { recursive: true });
    writeBdb(path.join(work, "el8/var/lib/rpm/Packages"), sqliteBlobs(el8));
    const suse = installSqlite(path.join(work, "suse-sqlite"), built(SUSE_APACHE2));
    fs.mkdirSync(path.join(work, "suse/usr/lib/sysimage/rpm"), { recursive: true });
    fs.writeFileSync(path.join(work, "suse/usr/lib/sysimage/rpm/Packages.db"), ndbBytes(sqliteBlobs(suse)));
    installSqlite(path.join(work, "vendor"), built(VENDOR_AGENT));
    fs.writeFileSync(path.join(work, "done"), "");
    try {
      fs.renameSync(work, dir);
    } catch {
      // another build finished first; its result is the same
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return result;
}

/**
 * A whole root for `mamori audit --root`: the committed facts-only tree test/fixtures/roots/<name> (os-release,
 * configuration, stand-in binary) copied to `dest`, with the rpm database file put where rpm keeps it.
 */
export function rootWithRpmDb(name: string, db: string, dest: string, guestDir = "/var/lib/rpm"): string {
  fs.cpSync(path.join(FIXTURE_ROOTS, name), dest, { recursive: true });
  const into = path.join(dest, guestDir);
  fs.mkdirSync(into, { recursive: true });
  fs.copyFileSync(db, path.join(into, path.basename(db)));
  return dest;
}
