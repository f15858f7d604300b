import * as fs from "node:fs";
import { RespondError } from "./errors.ts";
import { closeQuietly, readFd } from "./fdio.ts";
import { hostPathOf, normGuest, withGuestParent } from "./guest.ts";
import { factsOf, openChecked, putBack } from "./quarantine.ts";
import { CONTENT, type Manifest, newEntryId, QuarantineStore, sha256 } from "./store.ts";
import type { RespondOptions, StepHooks } from "./types.ts";

export const MARKER = "# mamori-disabled";

/** Cron files are small; a larger one is not read into memory. */
const CRON_MAX = 16 << 20;

/** Lines with their own line endings, so rewriting one line leaves every other byte as it was. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A cron file inside the root, read through a verified descriptor. */
export function readCronFile(root: string, guestPath: string): Buffer {
  return withGuestParent(root, guestPath, {}, (dir, name) => {
    const { fd } = openChecked(dir, name, guestPath);
    try {
      return readFd(fd, CRON_MAX, guestPath);
    } finally {
      closeQuietly(fd);
    }
  });
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
  const guest = normGuest(guestPath);
  return withGuestParent(opts.root, guest, {}, (parent, name) => {
    const { fd, st } = openChecked(parent, name, guest);
    let original: Buffer;
    let facts: ReturnType<typeof factsOf>;
    try {
      facts = factsOf(fd, guest);
      original = readFd(fd, CRON_MAX, guest);
    } finally {
      closeQuietly(fd);
    }
    if (sha256(original) !== facts.sha256) throw new RespondError("changed", guest);
    // latin1 maps every byte to one char and back, so bytes outside UTF-8 survive the edit.
    const lines = splitLines(original.toString("latin1"));
    const target = lines[line - 1];
    if (target === undefined) throw new RespondError("no-line", `${guest}:${line}`);
    if (target.startsWith(MARKER)) throw new RespondError("already", `${guest}:${line}`);
    const id = newEntryId(opts.now(), "cron");
    const marker = `${MARKER} ${id}: `;
    lines[line - 1] = `${marker}${target}`;
    const changed = Buffer.from(lines.join(""), "latin1");
    return QuarantineStore.with(opts.quarantineDir, true, (store) => {
      opts.hooks?.step?.("create-entry");
      const entry = store.createEntry(id);
      try {
        const m: Manifest = {
          id,
          kind: "cron",
          state: "pending",
          createdAt: opts.now().toISOString(),
          root: opts.root,
          originalPath: guest,
          hostPath: hostPathOf(opts.root, guest),
          ...facts,
          findingId,
          cron: { line, originalLine: target.replace(/\r?\n$/, ""), marker, changedSha256: sha256(changed) },
        };
        store.writeManifest(entry, m);
        opts.hooks?.step?.("backup");
        entry.writeFileDurable(CONTENT, original, 0o400);
        m.state = "quarantined";
        store.writeManifest(entry, m);
        opts.hooks?.step?.("rewrite");
        // New mtime on purpose: cron reloads a crontab when its time changes. The mode is the file's own.
        putBack(
          parent,
          name,
          (w) => fs.writeFileSync(w, changed),
          { ...m, atimeMs: undefined, mtimeMs: undefined },
          {
            keepSetid: true,
            replace: st,
            hooks: opts.hooks,
          },
        );
        return m;
      } finally {
        entry.close();
      }
    });
  });
}

/**
 * Puts the file back byte-identical if nobody changed it since; otherwise only removes our marker.
 * Returns how, and the set-id bits left out of the restored mode.
 */
export function restoreCron(
  m: Manifest,
  quarantineDir: string,
  opts: { keepSetid?: boolean; hooks?: StepHooks } = {},
): { how: "identical" | "marker-removed"; dropped: number } {
  const cron = m.cron;
  if (!cron) throw new RespondError("corrupt", m.id);
  const backup = QuarantineStore.with(quarantineDir, false, (store) =>
    store.withEntry(m.id, (entry) => {
      const fd = entry.openRead(CONTENT);
      try {
        return readFd(fd, CRON_MAX, m.id);
      } finally {
        closeQuietly(fd);
      }
    }),
  );
  if (m.sha256 && sha256(backup) !== m.sha256) throw new RespondError("corrupt", m.id);
  return withGuestParent(m.root, m.originalPath, {}, (parent, name) => {
    const { fd, st } = openChecked(parent, name, m.originalPath);
    let now: Buffer;
    try {
      now = readFd(fd, CRON_MAX, m.originalPath);
    } finally {
      closeQuietly(fd);
    }
    if (sha256(now) === cron.changedSha256) {
      const dropped = putBack(parent, name, (w) => fs.writeFileSync(w, backup), m, { ...opts, replace: st });
      return { how: "identical" as const, dropped };
    }
    const text = now.toString("latin1");
    if (!text.includes(cron.marker)) throw new RespondError("marker-gone", m.originalPath);
    putBack(
      parent,
      name,
      (w) => fs.writeFileSync(w, Buffer.from(text.split(cron.marker).join(""), "latin1")),
      { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid },
      { keepSetid: true, replace: st, hooks: opts.hooks },
    );
    return { how: "marker-removed" as const, dropped: 0 };
  });
}
