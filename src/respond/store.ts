/**
 * The quarantine: a root-owned (or, for a non-root run, the user's own) 0700 directory on the host,
 * opened through a verified descriptor. Nothing outside it is ever taken for a manifest, and every
 * manifest is validated before it is believed.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { DirFdError, VerifiedDir } from "../core/dirfd.ts";
import { asRespondError, RespondError } from "./errors.ts";
import { closeQuietly, hashFd, readFd } from "./fdio.ts";
import { guestLstat, withGuestParent } from "./guest.ts";

const MAX_PATH = 4096;
const MANIFEST_MAX = 1 << 20;
const sha = z.string().regex(/^[0-9a-f]{64}$/);
const absPath = z.string().max(MAX_PATH).startsWith("/");
const uint = z.number().int().min(0).max(0xffffffff);
const time = z.number().finite();

/** What was moved or changed, with everything needed to put it back byte-identical. */
export const manifestSchema = z.object({
  id: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9TZ-]+$/),
  /** evidence: a copy of a killed process's program, kept for the investigation; nothing to restore. */
  kind: z.enum(["file", "cron", "unit", "evidence"]),
  /** pending while the change is under way; quarantined once done; restored after `mamori restore`. */
  state: z.enum(["pending", "quarantined", "restored", "superseded"]),
  createdAt: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
  restoredAt: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    .optional(),
  /** The host directory of the scanned root ("/" for this machine). */
  root: absPath,
  /** Path inside the root: restore walks it again below the root, without following links. */
  originalPath: absPath,
  /** Where that was on the host, for people only: never opened. */
  hostPath: z.string().max(MAX_PATH).optional(),
  sha256: sha.optional(),
  size: z.number().int().min(0).optional(),
  mode: z.number().int().min(0).max(0o7777).optional(),
  uid: uint.optional(),
  gid: uint.optional(),
  atimeMs: time.optional(),
  mtimeMs: time.optional(),
  ctimeMs: time.optional(),
  findingId: z.string().max(MAX_PATH).optional(),
  cron: z
    .object({
      line: z.number().int().min(1),
      originalLine: z.string().max(MANIFEST_MAX),
      marker: z.string().max(200),
      changedSha256: sha,
    })
    .optional(),
  unit: z
    .object({
      name: z.string().max(255),
      maskPath: z.string().max(MAX_PATH).optional(),
      hadFile: z.boolean(),
      linkTarget: z.string().max(MAX_PATH).optional(),
    })
    .optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

export const CONTENT = "content";
export const MANIFEST = "manifest.json";

export function sha256(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}

export function newEntryId(now: Date, kind: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${kind}-${randomBytes(3).toString("hex")}`;
}

/** Ids are made by newEntryId: a time stamp, a kind and hex; anything else could walk out of the quarantine. */
export function isEntryId(id: string): boolean {
  return id.length <= 100 && /^[A-Za-z0-9TZ-]+$/.test(id);
}

function euid(): number {
  return process.geteuid?.() ?? 0;
}

export interface EntryStatus {
  manifest: Manifest;
  /** quarantined: restorable; in-place: the original was never removed; restored; incomplete: no full copy. */
  status: "quarantined" | "in-place" | "restored" | "incomplete" | "superseded" | "evidence";
}

/** An entry whose manifest could not be believed: listed as such, never acted on. */
export interface BadEntry {
  id: string;
  error: string;
}

export class QuarantineStore {
  readonly dir: VerifiedDir;

  private constructor(dir: VerifiedDir) {
    this.dir = dir;
  }

  get path(): string {
    return this.dir.path;
  }

  /**
   * Opens (or creates) the quarantine; refused when it, or a directory above it, is a link or could be
   * changed by another user: a planted manifest there would be trusted by restore.
   */
  static open(p: string, opts: { create: boolean }): QuarantineStore {
    try {
      return new QuarantineStore(
        VerifiedDir.open(p, { create: opts.create, mode: 0o700, privateTo: euid() }),
      );
    } catch (err) {
      if (err instanceof DirFdError) throw new RespondError("unsafe-dir", err.message);
      throw err;
    }
  }

  /** The quarantine if it exists (a missing one is empty); refused like `open` when it is unsafe. */
  static openExisting(p: string): QuarantineStore | undefined {
    try {
      return QuarantineStore.open(p, { create: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  static with<T>(p: string, create: boolean, fn: (s: QuarantineStore) => T): T {
    const s = QuarantineStore.open(p, { create });
    try {
      return fn(s);
    } finally {
      s.close();
    }
  }

  close(): void {
    this.dir.close();
  }

  createEntry(id: string): VerifiedDir {
    if (!isEntryId(id)) throw new Error(`invalid quarantine id: ${id}`);
    this.dir.mkdir(id, 0o700);
    this.dir.fsync();
    return this.openEntry(id);
  }

  /** An entry directory: ours, private, not a link. */
  openEntry(id: string): VerifiedDir {
    if (!isEntryId(id)) throw new RespondError("bad-manifest", id);
    let entry: VerifiedDir;
    try {
      entry = this.dir.openDir(id);
    } catch (err) {
      throw asRespondError(err, id);
    }
    if (entry.stat.uid !== euid() || (entry.stat.mode & 0o077) !== 0) {
      entry.close();
      throw new RespondError(
        "unsafe-dir",
        `${entry.path}: owner ${entry.stat.uid}, mode ${(entry.stat.mode & 0o7777).toString(8)}`,
      );
    }
    return entry;
  }

  withEntry<T>(id: string, fn: (entry: VerifiedDir) => T): T {
    const entry = this.openEntry(id);
    try {
      return fn(entry);
    } finally {
      entry.close();
    }
  }

  writeManifest(entry: VerifiedDir, m: Manifest): void {
    entry.writeFileDurable(MANIFEST, `${JSON.stringify(m, null, 2)}\n`);
  }

  /** Reads and validates an entry's manifest (bounded, through the entry's descriptor). */
  readManifest(id: string): Manifest {
    return this.withEntry(id, (entry) => {
      let fd: number;
      try {
        fd = entry.openRead(MANIFEST);
      } catch (err) {
        throw asRespondError(err, id);
      }
      let text: string;
      try {
        text = readFd(fd, MANIFEST_MAX, id).toString("utf8");
      } finally {
        closeQuietly(fd);
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new RespondError("bad-manifest", `${id}: not JSON`);
      }
      const parsed = manifestSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new RespondError(
          "bad-manifest",
          `${id}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`,
        );
      }
      if (parsed.data.id !== id) throw new RespondError("bad-manifest", `${id}: id ${parsed.data.id}`);
      return parsed.data;
    });
  }

  /** sha256 of an entry's content, read through the entry's descriptor; undefined when there is none. */
  contentHash(id: string): string | undefined {
    return this.withEntry(id, (entry) => {
      let fd: number;
      try {
        fd = entry.openRead(CONTENT);
      } catch {
        return undefined;
      }
      try {
        return hashFd(fd);
      } finally {
        closeQuietly(fd);
      }
    });
  }

  /** The state of an entry, from the files themselves (a crash may have stopped before the manifest said so). */
  status(m: Manifest): EntryStatus["status"] {
    if (m.state === "restored") return "restored";
    if (m.state === "superseded") return "superseded";
    if (m.kind === "evidence") return "evidence";
    const hash = this.contentHash(m.id);
    const complete = hash !== undefined && (m.sha256 === undefined || hash === m.sha256);
    if (m.kind === "file") {
      if (!complete) return "incomplete";
      // Only a regular file is the original left by an interrupted move; anything else is refused by restore.
      return guestLstat(m.root, m.originalPath)?.isFile() ? "in-place" : "quarantined";
    }
    if (m.kind === "cron") {
      if (!complete) return "incomplete";
      const now = currentHash(m.root, m.originalPath);
      if (now === undefined) return "incomplete";
      return now === m.sha256 ? "in-place" : "quarantined";
    }
    return m.state === "quarantined" ? "quarantined" : "incomplete";
  }

  entries(): { good: EntryStatus[]; bad: BadEntry[] } {
    const good: EntryStatus[] = [];
    const bad: BadEntry[] = [];
    for (const id of this.dir.readdir().sort()) {
      if (!isEntryId(id)) continue;
      try {
        const manifest = this.readManifest(id);
        good.push({ manifest, status: this.status(manifest) });
      } catch (err) {
        // No manifest yet: the original was not touched. Anything else is shown, never believed.
        if (err instanceof RespondError && err.reason === "missing") continue;
        bad.push({ id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { good, bad };
  }

  /** Entries an interrupted attempt left for the same file are marked superseded, so only one copy is "quarantined". */
  supersede(root: string, originalPath: string): void {
    for (const e of this.entries().good)
      if (
        e.manifest.root === root &&
        e.manifest.originalPath === originalPath &&
        (e.status === "in-place" || e.status === "incomplete")
      )
        this.withEntry(e.manifest.id, (entry) =>
          this.writeManifest(entry, { ...e.manifest, state: "superseded" }),
        );
  }
}

/** sha256 of a regular file inside the root, read through a verified descriptor; undefined if not one. */
function currentHash(root: string, guestPath: string): string | undefined {
  try {
    return withGuestParent(root, guestPath, {}, (dir, name) => {
      const fd = dir.openRead(name);
      try {
        return hashFd(fd);
      } finally {
        closeQuietly(fd);
      }
    });
  } catch {
    return undefined;
  }
}

/** Entries of the quarantine at `dir` (none when it does not exist). */
export function listEntries(dir: string): EntryStatus[] {
  const s = QuarantineStore.openExisting(dir);
  if (!s) return [];
  try {
    return s.entries().good;
  } finally {
    s.close();
  }
}

export function readManifest(dir: string, id: string): Manifest {
  return QuarantineStore.with(dir, false, (s) => s.readManifest(id));
}
