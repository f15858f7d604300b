import * as fs from "node:fs";
import * as path from "node:path";
import { RootFs } from "../collect/rootfs.ts";
import {
  CONTENT,
  createEntry,
  entryDir,
  fsyncDir,
  type Manifest,
  newEntryId,
  readManifest,
  sha256File,
  supersede,
  writeManifest,
} from "./store.ts";
import type { RespondOptions, StepHooks } from "./types.ts";

export class RespondError extends Error {
  readonly reason: string;
  constructor(reason: string, detail: string) {
    super(detail);
    this.reason = reason;
  }
}

export function hostPathOf(root: string, guestPath: string): string {
  return new RootFs(root).hostPathNoFollow(guestPath);
}

/** Copies a file and fsyncs the copy before anything else happens. */
function copyDurable(from: string, to: string, mode = 0o400): void {
  const data = fs.readFileSync(from);
  const fd = fs.openSync(to, "wx", mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function step(hooks: StepHooks | undefined, name: string): void {
  hooks?.step?.(name);
}

/** Metadata of a regular file, for the manifest; refuses links, directories and devices. */
export function fileFacts(
  hostPath: string,
): Pick<Manifest, "sha256" | "size" | "mode" | "uid" | "gid" | "atimeMs" | "mtimeMs" | "ctimeMs"> {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(hostPath);
  } catch (err) {
    throw new RespondError("missing", `${(err as NodeJS.ErrnoException).code ?? "error"}: ${hostPath}`);
  }
  if (!st.isFile()) throw new RespondError("not-regular", hostPath);
  return {
    sha256: sha256File(hostPath),
    size: st.size,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    atimeMs: st.atimeMs,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
  };
}

/**
 * Moves a file into the quarantine without ever losing it: manifest first, then a verified, fsynced
 * copy, then the manifest marked done, and only then the original removed. A crash at any step leaves
 * the original in place, or the file fully quarantined with its manifest.
 */
export function quarantineFile(
  guestPath: string,
  opts: Pick<RespondOptions, "root" | "quarantineDir" | "now" | "hooks">,
  extra: Partial<Manifest> = {},
): Manifest {
  const hostPath = hostPathOf(opts.root, guestPath);
  const facts = fileFacts(hostPath);
  const id = newEntryId(opts.now(), extra.kind ?? "file");
  supersede(opts.quarantineDir, hostPath);
  step(opts.hooks, "create-entry");
  const dir = createEntry(opts.quarantineDir, id);
  const manifest: Manifest = {
    id,
    kind: "file",
    state: "pending",
    createdAt: opts.now().toISOString(),
    root: opts.root,
    originalPath: guestPath,
    hostPath,
    ...facts,
    ...extra,
  };
  step(opts.hooks, "write-manifest");
  writeManifest(dir, manifest);
  step(opts.hooks, "copy");
  const tmp = path.join(dir, `${CONTENT}.tmp`);
  copyDurable(hostPath, tmp);
  step(opts.hooks, "verify");
  if (sha256File(tmp) !== facts.sha256)
    throw new RespondError("changed", `${guestPath} changed while copying`);
  fs.renameSync(tmp, path.join(dir, CONTENT));
  fsyncDir(dir);
  step(opts.hooks, "mark-done");
  manifest.state = "quarantined";
  writeManifest(dir, manifest);
  step(opts.hooks, "remove-original");
  fs.unlinkSync(hostPath);
  fsyncDir(path.dirname(hostPath));
  return manifest;
}

/** Writes `data` at `hostPath` with the recorded owner, mode and times, through a temporary file and a rename. */
export function putBack(hostPath: string, data: Buffer, m: Manifest, hooks?: StepHooks): void {
  const tmp = path.join(path.dirname(hostPath), `.${path.basename(hostPath)}.mamori-restore`);
  step(hooks, "restore-write");
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    if (m.uid !== undefined && m.gid !== undefined) fs.fchownSync(fd, m.uid, m.gid);
    if (m.mode !== undefined) fs.fchmodSync(fd, m.mode);
  } finally {
    fs.closeSync(fd);
  }
  step(hooks, "restore-rename");
  fs.renameSync(tmp, hostPath);
  if (m.atimeMs !== undefined && m.mtimeMs !== undefined)
    // Seconds as numbers keep sub-millisecond precision that Date would drop.
    fs.utimesSync(hostPath, m.atimeMs / 1000, m.mtimeMs / 1000);
  fsyncDir(path.dirname(hostPath));
}

/** Puts a quarantined file back where it was, byte-identical, with its owner, mode and times. Never overwrites. */
export function restoreFile(m: Manifest, quarantineDir: string, hooks?: StepHooks): void {
  const content = path.join(entryDir(quarantineDir, m.id), CONTENT);
  if (!fs.existsSync(content)) throw new RespondError("incomplete", `${m.id}: no quarantined copy`);
  const data = fs.readFileSync(content);
  if (m.sha256 && sha256File(content) !== m.sha256)
    throw new RespondError("corrupt", `${m.id}: copy does not match its hash`);
  let exists = true;
  try {
    fs.lstatSync(m.hostPath);
  } catch {
    exists = false;
  }
  if (exists) throw new RespondError("exists", m.hostPath);
  if (!fs.existsSync(path.dirname(m.hostPath))) throw new RespondError("missing", path.dirname(m.hostPath));
  putBack(m.hostPath, data, m, hooks);
}

export function markRestored(m: Manifest, quarantineDir: string, now: Date): void {
  const updated = {
    ...readManifest(quarantineDir, m.id),
    state: "restored" as const,
    restoredAt: now.toISOString(),
  };
  writeManifest(entryDir(quarantineDir, m.id), updated);
}
