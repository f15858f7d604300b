import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** What was moved or changed, with everything needed to put it back byte-identical. */
export interface Manifest {
  id: string;
  /** evidence: a copy of a killed process's program, kept for the investigation; nothing to restore. */
  kind: "file" | "cron" | "unit" | "evidence";
  /** pending while the change is under way; quarantined once done; restored after `mamori restore`. */
  state: "pending" | "quarantined" | "restored" | "superseded";
  createdAt: string;
  restoredAt?: string;
  root: string;
  /** Path inside the root, and where that was on the host when quarantined. */
  originalPath: string;
  hostPath: string;
  sha256?: string;
  size?: number;
  mode?: number;
  uid?: number;
  gid?: number;
  atimeMs?: number;
  mtimeMs?: number;
  ctimeMs?: number;
  findingId?: string;
  cron?: { line: number; originalLine: string; marker: string; changedSha256: string };
  unit?: { name: string; maskPath: string; hadFile: boolean; linkTarget?: string };
}

export const CONTENT = "content";
export const MANIFEST = "manifest.json";

export function sha256File(p: string): string {
  return createHash("sha256").update(fs.readFileSync(p)).digest("hex");
}

export function sha256(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes through a temporary file, fsync and rename, so a crash leaves the old or the new file, never half. */
export function writeDurable(file: string, data: Buffer | string, mode = 0o600): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, "w", mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function newEntryId(now: Date, kind: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${kind}-${randomBytes(3).toString("hex")}`;
}

/** Ids are made by newId: a time stamp, a kind and hex; anything else could walk out of the quarantine. */
export function isEntryId(id: string): boolean {
  return /^[A-Za-z0-9TZ-]+$/.test(id);
}

export function entryDir(quarantineDir: string, id: string): string {
  if (!isEntryId(id)) throw new Error(`invalid quarantine id: ${id}`);
  return path.join(quarantineDir, id);
}

export function createEntry(quarantineDir: string, id: string): string {
  fs.mkdirSync(quarantineDir, { recursive: true, mode: 0o700 });
  const dir = entryDir(quarantineDir, id);
  fs.mkdirSync(dir, { mode: 0o700 });
  fsyncDir(quarantineDir);
  return dir;
}

export function writeManifest(dir: string, m: Manifest): void {
  writeDurable(path.join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
}

export function readManifest(quarantineDir: string, id: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(entryDir(quarantineDir, id), MANIFEST), "utf8")) as Manifest;
}

export interface EntryStatus {
  manifest: Manifest;
  /** quarantined: restorable; in-place: the original was never removed; restored; incomplete: no full copy. */
  status: "quarantined" | "in-place" | "restored" | "incomplete" | "superseded" | "evidence";
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The state of an entry, from the files themselves (a crash may have stopped before the manifest said so). */
export function entryStatus(quarantineDir: string, m: Manifest): EntryStatus["status"] {
  if (m.state === "restored") return "restored";
  if (m.state === "superseded") return "superseded";
  if (m.kind === "evidence") return "evidence";
  const content = path.join(entryDir(quarantineDir, m.id), CONTENT);
  const complete = exists(content) && (m.sha256 === undefined || sha256File(content) === m.sha256);
  if (m.kind === "file") {
    if (!complete) return "incomplete";
    return exists(m.hostPath) ? "in-place" : "quarantined";
  }
  if (m.kind === "cron") {
    if (!complete || !exists(m.hostPath)) return "incomplete";
    return sha256File(m.hostPath) === m.sha256 ? "in-place" : "quarantined";
  }
  return m.state === "quarantined" ? "quarantined" : "incomplete";
}

export function listEntries(quarantineDir: string): EntryStatus[] {
  let names: string[];
  try {
    names = fs.readdirSync(quarantineDir).sort();
  } catch {
    return [];
  }
  const out: EntryStatus[] = [];
  for (const id of names) {
    try {
      const manifest = readManifest(quarantineDir, id);
      out.push({ manifest, status: entryStatus(quarantineDir, manifest) });
    } catch {
      // not an entry (or its manifest was never written: the original was not touched yet)
    }
  }
  return out;
}

/** Entries an interrupted attempt left for the same file are marked superseded, so only one copy is "quarantined". */
export function supersede(quarantineDir: string, hostPath: string): void {
  for (const e of listEntries(quarantineDir))
    if (e.manifest.hostPath === hostPath && (e.status === "in-place" || e.status === "incomplete"))
      writeManifest(entryDir(quarantineDir, e.manifest.id), { ...e.manifest, state: "superseded" });
}
