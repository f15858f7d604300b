import * as fs from "node:fs";
import * as path from "node:path";
import { fileFacts, hostPathOf, putBack, RespondError } from "./quarantine.ts";
import {
  CONTENT,
  createEntry,
  entryDir,
  fsyncDir,
  type Manifest,
  newEntryId,
  sha256,
  sha256File,
  writeDurable,
  writeManifest,
} from "./store.ts";
import type { RespondOptions } from "./types.ts";

export const MARKER = "# mamori-disabled";

/** Lines with their own line endings, so rewriting one line leaves every other byte as it was. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function cronLine(hostPath: string, line: number): string {
  const lines = splitLines(fs.readFileSync(hostPath, "latin1"));
  const l = lines[line - 1];
  if (l === undefined) throw new RespondError("no-line", `${hostPath}:${line}`);
  return l.replace(/\r?\n$/, "");
}

/**
 * Comments out one line of a cron (or other `#`-comment) file with a marker naming the entry.
 * The whole original file is kept in the quarantine first, so restore is byte-identical.
 */
export function disableCronLine(
  guestPath: string,
  line: number,
  opts: Pick<RespondOptions, "root" | "quarantineDir" | "now" | "hooks">,
  findingId?: string,
): Manifest {
  const hostPath = hostPathOf(opts.root, guestPath);
  const facts = fileFacts(hostPath);
  // latin1 maps every byte to one char and back, so bytes outside UTF-8 survive the edit.
  const original = fs.readFileSync(hostPath);
  const lines = splitLines(original.toString("latin1"));
  const target = lines[line - 1];
  if (target === undefined) throw new RespondError("no-line", `${guestPath}:${line}`);
  if (target.startsWith(MARKER)) throw new RespondError("already", `${guestPath}:${line}`);
  const id = newEntryId(opts.now(), "cron");
  const marker = `${MARKER} ${id}: `;
  lines[line - 1] = `${marker}${target}`;
  const changed = Buffer.from(lines.join(""), "latin1");
  opts.hooks?.step?.("create-entry");
  const dir = createEntry(opts.quarantineDir, id);
  const m: Manifest = {
    id,
    kind: "cron",
    state: "pending",
    createdAt: opts.now().toISOString(),
    root: opts.root,
    originalPath: guestPath,
    hostPath,
    ...facts,
    findingId,
    cron: { line, originalLine: target.replace(/\r?\n$/, ""), marker, changedSha256: sha256(changed) },
  };
  writeManifest(dir, m);
  opts.hooks?.step?.("backup");
  writeDurable(path.join(dir, CONTENT), original, 0o400);
  fsyncDir(dir);
  m.state = "quarantined";
  writeManifest(dir, m);
  opts.hooks?.step?.("rewrite");
  // New mtime on purpose: cron reloads a crontab when its time changes.
  putBack(hostPath, changed, { ...m, atimeMs: undefined, mtimeMs: undefined });
  return m;
}

/** Puts the file back byte-identical if nobody changed it since; otherwise only removes our marker. */
export function restoreCron(m: Manifest, quarantineDir: string): "identical" | "marker-removed" {
  const backup = path.join(entryDir(quarantineDir, m.id), CONTENT);
  if (!m.cron) throw new RespondError("corrupt", m.id);
  if (!fs.existsSync(m.hostPath)) throw new RespondError("missing", m.hostPath);
  if (sha256File(m.hostPath) === m.cron.changedSha256) {
    putBack(m.hostPath, fs.readFileSync(backup), m);
    return "identical";
  }
  const text = fs.readFileSync(m.hostPath, "latin1");
  const marker = m.cron.marker;
  if (!text.includes(marker)) throw new RespondError("marker-gone", m.hostPath);
  const st = fs.statSync(m.hostPath);
  putBack(m.hostPath, Buffer.from(text.split(marker).join(""), "latin1"), {
    ...m,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    atimeMs: undefined,
    mtimeMs: undefined,
  });
  return "marker-removed";
}
