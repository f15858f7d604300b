import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import { DirFdError, pathForUser, VerifiedDir } from "../core/dirfd.ts";
import { checkDbLocation, UnsafeStateError } from "../watch/state-dir.ts";
import { selfSigned } from "./tls/selfsigned.ts";

/**
 * The server's data directory: its SQLite database, its TLS key and certificate, and `server.json` (the
 * PostgreSQL URL given with --db, so `server token --data DIR` finds the same database). Created 0700;
 * refused when it, or any parent, could be changed by a user other than root or the server's own.
 */
export const CERT_FILE = "tls-cert.pem";
export const KEY_FILE = "tls-key.pem";
export const CONFIG_FILE = "server.json";
export const SQLITE_FILE = "server.db";

export class DataDirError extends Error {}

export function openDataDir(dir: string, euid: number, create: boolean): VerifiedDir {
  try {
    return VerifiedDir.open(pathForUser(path.resolve(dir), euid), { create, mode: 0o700, privateTo: euid });
  } catch (err) {
    throw new DataDirError(err instanceof Error ? err.message : String(err));
  }
}

function readSmall(d: VerifiedDir, name: string, euid: number): string | undefined {
  try {
    return d.readTrusted(name, { owner: euid, limit: 1024 * 1024 }).data.toString("utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DataDirError(err instanceof Error ? err.message : String(err));
  }
}

/** Where the database is: --db, else the URL kept in server.json, else server.db in the directory. */
export function databaseOf(d: VerifiedDir, dir: string, euid: number, db: string | undefined): string {
  const own = path.join(path.resolve(dir), SQLITE_FILE);
  const target = db || configuredDatabase(d, dir, euid) || own;
  // A SQLite file named outside the data directory holds the fleet's credentials and verdicts: as root it
  // is used only where root alone can change it (the history database's rule), never through a link.
  if (euid === 0 && target !== own && !/^postgres(ql)?:\/\//.test(target)) sqliteLocation(target, euid);
  if (db) {
    const next = `${JSON.stringify({ db }, null, 2)}\n`;
    if (readSmall(d, CONFIG_FILE, euid) !== next) d.writeFileDurable(CONFIG_FILE, next, 0o600);
  }
  return target;
}

function configuredDatabase(d: VerifiedDir, dir: string, euid: number): string | undefined {
  const text = readSmall(d, CONFIG_FILE, euid);
  if (!text) return undefined;
  try {
    const cfg = JSON.parse(text) as { db?: unknown };
    return typeof cfg.db === "string" && cfg.db ? cfg.db : undefined;
  } catch {
    throw new DataDirError(`${path.join(dir, CONFIG_FILE)}: not JSON`);
  }
}

function sqliteLocation(target: string, euid: number): void {
  try {
    checkDbLocation(path.resolve(target), euid);
  } catch (err) {
    if (!(err instanceof UnsafeStateError)) throw err;
    const u = err.untrusted;
    const why =
      u.kind === "owner"
        ? `is owned by uid ${u.uid}`
        : u.kind === "mode"
          ? `has mode ${(u.mode & 0o7777).toString(8)}: other users can change it`
          : u.kind === "link"
            ? "is a symbolic link"
            : "is not a regular file or directory";
    throw new DataDirError(`the database ${target} is not used: ${u.path} ${why}`);
  }
}

export interface TlsMaterial {
  cert: string;
  key: string;
  fingerprint: string;
  /** The self-signed pair was made just now. */
  created: boolean;
}

/** Reads an administrator's PEM file: owned by root or us, writable by no one else, at most 1 MB. */
export function readPem(file: string, euid: number): string {
  try {
    const d = VerifiedDir.open(pathForUser(path.dirname(file), euid), {
      privateTo: euid,
      readableByOthers: true,
    });
    try {
      return d.readTrusted(path.basename(file), { owner: euid, limit: 1024 * 1024 }).data.toString("utf8");
    } finally {
      d.close();
    }
  } catch (err) {
    throw new DataDirError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The certificate and key: the given files, else the pair kept in the directory, else a new self-signed
 * pair written there (key 0600, both through the verified directory descriptor).
 */
export function tlsMaterial(
  d: VerifiedDir,
  euid: number,
  opts: { certFile?: string; keyFile?: string; hosts: string[]; now: Date },
): TlsMaterial {
  let cert: string | undefined;
  let key: string | undefined;
  let created = false;
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new DataDirError("--tls-cert and --tls-key go together");
    cert = readPem(opts.certFile, euid);
    key = readPem(opts.keyFile, euid);
  } else {
    cert = readSmall(d, CERT_FILE, euid);
    key = readSmall(d, KEY_FILE, euid);
    if (cert === undefined || key === undefined) {
      const made = selfSigned(opts.hosts, opts.now);
      d.writeFileDurable(KEY_FILE, made.keyPem, 0o600);
      d.writeFileDurable(CERT_FILE, made.certPem, 0o644);
      cert = made.certPem;
      key = made.keyPem;
      created = true;
    }
  }
  let x: X509Certificate;
  try {
    x = new X509Certificate(cert);
  } catch (err) {
    throw new DataDirError(`certificate: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { cert, key, fingerprint: x.fingerprint256, created };
}

export { DirFdError };
