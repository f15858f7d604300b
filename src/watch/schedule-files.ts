import * as fs from "node:fs";
import * as path from "node:path";
import type { Identity, VerifiedDir } from "../core/dirfd.ts";
import { untrustedComponent } from "../core/install-check.ts";
import { shellQuote } from "../core/shell-quote.ts";
import { asRespondError, RespondError } from "../respond/errors.ts";
import { openGuestParent } from "../respond/guest.ts";

/** The first line of every file `mamori schedule install` writes; `remove` deletes only files that carry it. */
export const MARKER = "# Written by mamori schedule install; mamori schedule remove deletes it.";

export type ScheduleKind = "systemd" | "cron";

export interface ScheduleFile {
  /** Guest path (/etc/systemd/system/mamori.timer). */
  path: string;
  content: string;
}

/** A schedule systemd cannot express; `key` and `params` name the sentence (watch.schedule.*). */
export class ScheduleError extends Error {
  readonly key:
    | "watch.schedule.fiveFields"
    | "watch.schedule.domAndDow"
    | "watch.schedule.outOfRange"
    | "watch.schedule.inexpressible";
  readonly params: Record<string, string>;
  constructor(key: ScheduleError["key"], params: Record<string, string> = {}) {
    super(`${key} ${JSON.stringify(params)}`);
    this.key = key;
    this.params = params;
  }
}

const DOW = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function field(
  raw: string,
  name: string,
  min: number,
  max: number,
  map: (n: number) => string = (n) => String(n).padStart(2, "0"),
): string {
  if (raw === "*") return "*";
  return raw
    .split(",")
    .map((part) => {
      let m = /^\*\/(\d+)$/.exec(part);
      if (m) return `${map(min)}/${Number(m[1])}`;
      m = /^(\d+)\/(\d+)$/.exec(part);
      if (m) return `${map(Number(m[1]))}/${Number(m[2])}`;
      m = /^(\d+)-(\d+)$/.exec(part);
      if (m) {
        const a = Number(m[1]);
        const b = Number(m[2]);
        if (a < min || b > max || a > b)
          throw new ScheduleError("watch.schedule.outOfRange", { field: name, value: part });
        return `${map(a)}..${map(b)}`;
      }
      if (/^\d+$/.test(part)) {
        const n = Number(part);
        if (n < min || n > max)
          throw new ScheduleError("watch.schedule.outOfRange", { field: name, value: part });
        return map(n);
      }
      throw new ScheduleError("watch.schedule.inexpressible", { field: name, value: part });
    })
    .join(",");
}

/**
 * A five-field cron expression as a systemd OnCalendar value ("*\/15 * * * *" -> "*-*-* *:00/15:00").
 * Handles *, numbers, lists, ranges and steps; refuses what systemd cannot say the same way
 * (day of month and day of week both restricted: cron ORs them, systemd ANDs them).
 */
export function cronToOnCalendar(cron: string): string {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) throw new ScheduleError("watch.schedule.fiveFields");
  const [min, hour, dom, mon, dow] = parts as [string, string, string, string, string];
  if (dom !== "*" && dow !== "*") throw new ScheduleError("watch.schedule.domAndDow");
  const named = dow
    .replace(/\bsun\b/gi, "0")
    .replace(/\bmon\b/gi, "1")
    .replace(/\btue\b/gi, "2")
    .replace(/\bwed\b/gi, "3")
    .replace(/\bthu\b/gi, "4")
    .replace(/\bfri\b/gi, "5")
    .replace(/\bsat\b/gi, "6");
  const days = named === "*" ? "" : `${field(named, "day of week", 0, 7, (n) => DOW[n] as string)} `;
  if (/\//.test(named))
    throw new ScheduleError("watch.schedule.inexpressible", { field: "day of week", value: dow });
  return `${days}*-${field(mon, "month", 1, 12)}-${field(dom, "day of month", 1, 31)} ${field(hour, "hour", 0, 23)}:${field(min, "minute", 0, 59)}:00`;
}

/** systemd quotes ExecStart arguments with double quotes; `%` must be doubled. */
function systemdQuote(s: string): string {
  const q = /^[\w@+=:,./-]+$/.test(s) ? s : `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return q.replace(/%/g, "%%");
}

/**
 * The cron job's output to syslog, one message a line at the priority mamori gave it: the command runs
 * with `--log-format journald`, so its own lines start with `<3>`, `<4>` or `<6>`. BusyBox's logger has no
 * `--prio-prefix`, hence one `logger -p` a line (a scan writes a few dozen). Plain lines (the summary on
 * standard output) are notices; a last line without a newline is kept. No `%`: cron reads it as a newline.
 */
export const CRON_TO_SYSLOG =
  'while IFS= read -r l || [ -n "$l" ]; do case "$l" in "<3>"*) p=err;; "<4>"*) p=warning;; ' +
  `"<6>"*) p=info;; *) p=notice;; esac; logger -t mamori -p "user.$p" -- "\${l#<[0-7]>}"; done`;

export function scheduleFiles(
  kind: ScheduleKind,
  cron: string,
  command: string[],
  /** Directories the scan writes besides /var/lib/mamori (a --db elsewhere and its spool). */
  writable: string[] = [],
): ScheduleFile[] {
  if (kind === "cron") {
    if (cron.trim().split(/\s+/).length !== 5) throw new ScheduleError("watch.schedule.fiveFields");
    return [
      {
        path: "/etc/cron.d/mamori",
        content: [
          MARKER,
          "# mamori: periodic security checkup (results: mamori history)",
          "SHELL=/bin/sh",
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          `${cron.trim()} root ${command.map(shellQuote).join(" ")} 2>&1 | ${CRON_TO_SYSLOG}`,
          "",
        ].join("\n"),
      },
    ];
  }
  const onCalendar = cronToOnCalendar(cron);
  return [
    {
      path: "/etc/systemd/system/mamori.service",
      content: [
        MARKER,
        "[Unit]",
        "Description=mamori security checkup (one scheduled scan)",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        `ExecStart=${command.map(systemdQuote).join(" ")}`,
        "Nice=10",
        "IOSchedulingClass=idle",
        "# Reads the whole system, writes only its history. Nothing here may hide what the scan looks at:",
        "# no PrivateTmp (/tmp and /var/tmp are where a miner is dropped), no PrivateDevices (/dev/shm),",
        "# no ProtectProc/ProcSubset (other processes), no PrivateNetwork (their connections), no",
        "# ProtectKernelModules (the module directories), ProtectHome read-only rather than hidden.",
        "StateDirectory=mamori",
        "ProtectSystem=strict",
        `ReadWritePaths=${["/var/lib/mamori", ...writable.filter((w) => w !== "/var/lib/mamori")].map(systemdQuote).join(" ")}`,
        "ProtectHome=read-only",
        "ProtectKernelTunables=yes",
        "ProtectControlGroups=yes",
        "NoNewPrivileges=yes",
        "RestrictSUIDSGID=yes",
        "RestrictRealtime=yes",
        "LockPersonality=yes",
        "",
      ].join("\n"),
    },
    {
      path: "/etc/systemd/system/mamori.timer",
      content: [
        MARKER,
        "[Unit]",
        `Description=mamori security checkup (${cron.trim()})`,
        "",
        "[Timer]",
        `OnCalendar=${onCalendar}`,
        "Persistent=true",
        "RandomizedDelaySec=60",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
      ].join("\n"),
    },
  ];
}

/** Where the Debian package (and an administrator's link) puts the command. */
export const INSTALLED_BIN = "/usr/bin/mamori";

/**
 * The program a scheduled scan runs as root: /usr/bin/mamori when it is there and only root can change
 * it (the package's, or a link an administrator made), so an update of the package is what runs; else
 * this mamori's own path, resolved (not a link another user could re-point). `fromCheckout` says the
 * fallback is a source checkout, whose next `git pull` changes what root runs.
 */
export function scheduledExecutable(root: string, self: string): { path: string; fromCheckout: boolean } {
  const installed = hostPath(root, INSTALLED_BIN);
  try {
    if (fs.statSync(installed).isFile() && untrustedComponent(installed, 0) === undefined)
      return { path: INSTALLED_BIN, fromCheckout: false };
  } catch {
    // absent: this mamori itself
  }
  let real = self;
  try {
    real = fs.realpathSync(self);
  } catch {
    // keep the path as given
  }
  return { path: real, fromCheckout: fs.existsSync(path.join(path.dirname(real), "..", ".git")) };
}

/** systemd when the root has it (a booted systemd, or its unit directory); else cron. Looked at inside the root only. */
export function detectKind(root: string): ScheduleKind {
  return guestIsDir(root, "/run/systemd/system") || guestIsDir(root, "/etc/systemd/system")
    ? "systemd"
    : "cron";
}

export const ALL_PATHS = [
  "/etc/systemd/system/mamori.service",
  "/etc/systemd/system/mamori.timer",
  "/etc/cron.d/mamori",
];

export function hostPath(root: string, guest: string): string {
  return path.join(root, guest);
}

/**
 * What is at one of our paths under the root, looked at through the verified directory that holds it (no
 * link followed on any component inside the root; a link, a FIFO or a device there is never opened):
 * ours (it starts with MARKER; `id` is the file that was read), another's, absent, or refused because a
 * link (or a swap) stands where mamori would have had to follow it. An image given with --root may link
 * `etc` to this machine's /etc: its files must never be read, written or removed as the image's.
 */
export type ScheduleFileState =
  | { kind: "ours"; id: Identity }
  | { kind: "other" }
  | { kind: "absent" }
  | { kind: "refused"; reason: "link" | "not-dir" | "changed" };

/** A schedule file left alone: `reason` says why (see ScheduleFileState). */
export class ScheduleRefused extends Error {
  readonly file: string;
  readonly reason: "link" | "not-dir" | "changed" | "not-ours";
  constructor(file: string, reason: ScheduleRefused["reason"]) {
    super(`${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
  }
}

function refusedFrom(err: unknown): ScheduleFileState {
  const e = asRespondError(err, "");
  if (e instanceof RespondError) {
    if (e.reason === "missing") return { kind: "absent" };
    if (e.reason === "link") return { kind: "refused", reason: "link" };
    if (e.reason === "not-regular") return { kind: "refused", reason: "not-dir" };
    if (e.reason === "changed") return { kind: "refused", reason: "changed" };
  }
  throw err;
}

function stateIn(dir: VerifiedDir, name: string): ScheduleFileState {
  const st = dir.lstat(name);
  if (!st) return { kind: "absent" };
  if (st.isSymbolicLink()) return { kind: "refused", reason: "link" };
  if (!st.isFile()) return { kind: "other" };
  let fd: number;
  try {
    fd = dir.openRead(name, st);
  } catch (err) {
    return refusedFrom(err);
  }
  try {
    const want = Buffer.from(MARKER);
    const got = Buffer.alloc(want.length);
    let off = 0;
    while (off < got.length) {
      const n = fs.readSync(fd, got, off, got.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === want.length && got.equals(want)
      ? { kind: "ours", id: { dev: st.dev, ino: st.ino } }
      : { kind: "other" };
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `fn` in the verified parent of `guest` under `root`; a link or non-directory on the way is a state. */
function inParent(
  root: string,
  guest: string,
  create: boolean,
  fn: (dir: VerifiedDir, name: string) => ScheduleFileState,
): ScheduleFileState {
  let opened: ReturnType<typeof openGuestParent>;
  try {
    opened = openGuestParent(root, guest, { create });
  } catch (err) {
    return refusedFrom(err);
  }
  try {
    return fn(opened.dir, opened.name);
  } catch (err) {
    return refusedFrom(err);
  } finally {
    opened.dir.close();
  }
}

export function scheduleFileState(root: string, guest: string): ScheduleFileState {
  return inParent(root, guest, false, stateIn);
}

function guestIsDir(root: string, guest: string): boolean {
  return (
    inParent(root, guest, false, (dir, name) =>
      dir.lstat(name)?.isDirectory() ? { kind: "other" } : { kind: "absent" },
    ).kind === "other"
  );
}

/** Each of our paths with what is there: ours, another's, absent or refused. */
export function scheduleFileStates(root: string): Array<{ path: string; state: ScheduleFileState }> {
  return ALL_PATHS.map((p) => ({ path: p, state: scheduleFileState(root, p) }));
}

/** Installed files: those of ours that exist and carry the marker. */
export function installedFiles(root: string): string[] {
  return scheduleFileStates(root)
    .filter((f) => f.state.kind === "ours")
    .map((f) => f.path);
}

/**
 * Removes `guest` when it is ours, through its verified parent, and only if the entry is still the file
 * whose marker was read (same device and inode). Returns what was there; refused and another's are kept.
 */
export function removeScheduleFile(root: string, guest: string): ScheduleFileState {
  return inParent(root, guest, false, (dir, name) => {
    const s = stateIn(dir, name);
    if (s.kind === "ours") dir.unlink(name, s.id);
    return s;
  });
}

/**
 * Writes one schedule file 0644 (systemd and cron read it as root) through its verified parent, made
 * 0755 inside the root when missing: a temporary created with O_EXCL|O_NOFOLLOW, then renamed over the
 * entry itself. Refused when what is there is not ours or a link stands on the way.
 */
export function writeScheduleFile(root: string, f: ScheduleFile): void {
  const s = inParent(root, f.path, true, (dir, name) => {
    const s = stateIn(dir, name);
    if (s.kind === "ours" || s.kind === "absent") dir.writeFileDurable(name, f.content, 0o644);
    return s;
  });
  if (s.kind === "refused") throw new ScheduleRefused(f.path, s.reason);
  if (s.kind === "other") throw new ScheduleRefused(f.path, "not-ours");
}
