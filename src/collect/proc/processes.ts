import type { Diagnostics } from "../../core/diagnostics.ts";
import { msg } from "../../core/message.ts";
import { CLOCK_TICKS_PER_SECOND } from "../../facts/constants.ts";
import type { ProcessInfo } from "../../facts/processes.ts";
import type { RootFs } from "../rootfs.ts";

export type { ProcessInfo };
export { CLOCK_TICKS_PER_SECOND };

/** Parses /proc/PID/stat: comm is in parentheses and may itself contain spaces and ")". */
export function parseStat(text: string): { comm: string; fields: string[] } | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const comm = text.slice(open + 1, close);
  // fields[0] is the state (field 3 in proc(5) numbering).
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  return { comm, fields };
}

export function parseStatus(text: string): Record<string, string> {
  // A forged status file's "__proto__:" line would otherwise be a prototype, not a field.
  const out: Record<string, string> = Object.create(null);
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** The pids that the /proc listing shows. */
export function listPids(fs: RootFs): number[] {
  try {
    return fs
      .readdir("/proc")
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/**
 * Bytes read of a process's files. The kernel writes a few hundred bytes of `stat` and a few KB of
 * `status` (its Groups line up to 65,536 ids: 720 KB); an argument vector can be megabytes, and a
 * bundle's or a fixture root's files anything: the first 64 KiB of a command line is what a report shows
 * (the collector over SSH keeps as much).
 */
export const PROC_READ_BYTES = { stat: 4096, cmdline: 64 * 1024, status: 1 << 20 } as const;

/** Reads one process; undefined when it vanished or cannot be read at all (processes end while we look). */
export function readProcess(fs: RootFs, pid: number): ProcessInfo | undefined {
  const base = `/proc/${pid}`;
  const statText = fs.tryReadText(`${base}/stat`, { maxBytes: PROC_READ_BYTES.stat });
  if (!statText) return undefined;
  const stat = parseStat(statText);
  if (!stat) return undefined;
  const f = stat.fields;
  const num = (i: number) => Number(f[i] ?? 0);
  const cmdline = fs.tryReadText(`${base}/cmdline`, { maxBytes: PROC_READ_BYTES.cmdline }) ?? "";
  const argv = cmdline.split("\0");
  if (argv.at(-1) === "") argv.pop();
  const status = parseStatus(fs.tryReadText(`${base}/status`, { maxBytes: PROC_READ_BYTES.status }) ?? "");
  let exe: string | undefined;
  let exeDeleted = false;
  try {
    exe = fs.readlink(`${base}/exe`);
    if (exe.endsWith(" (deleted)")) {
      exe = exe.slice(0, -" (deleted)".length);
      exeDeleted = true;
    }
  } catch {
    exe = undefined;
  }
  let cwd: string | undefined;
  try {
    cwd = fs.readlink(`${base}/cwd`);
  } catch {
    cwd = undefined;
  }
  const flags = num(6);
  const PF_KTHREAD = 0x00200000;
  return {
    pid,
    ppid: num(1),
    comm: stat.comm,
    state: f[0] ?? "?",
    argv,
    exe,
    exeDeleted,
    uid: status.Uid ? Number(status.Uid.split(/\s+/)[0]) : undefined,
    gid: status.Gid ? Number(status.Gid.split(/\s+/)[0]) : undefined,
    startTicks: num(19),
    cpuTicks: num(11) + num(12),
    rssKb: status.VmRSS ? Number.parseInt(status.VmRSS, 10) : undefined,
    cwd,
    isKernelThread: (flags & PF_KTHREAD) !== 0 || (pid !== 1 && num(1) === 2 && argv.length === 0),
  };
}

/** Every process visible in /proc. Unreadable ones are skipped; the count of skipped ones is recorded. */
export function readProcesses(fs: RootFs, diag?: Diagnostics): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let vanished = 0;
  for (const pid of listPids(fs)) {
    const p = readProcess(fs, pid);
    if (p) out.push(p);
    else vanished++;
  }
  if (vanished > 0 && diag)
    diag.warn({
      area: "processes",
      reason: "vanished",
      detail: msg("hunt.diag.vanished", { count: vanished }),
    });
  return out;
}

/** Boot time (seconds since the epoch) from /proc/stat, to turn start ticks into wall-clock times. */
export function bootTime(fs: RootFs): number | undefined {
  const m = /^btime (\d+)$/m.exec(fs.tryReadText("/proc/stat", { maxBytes: 4 << 20 }) ?? "");
  return m ? Number(m[1]) : undefined;
}

export function processStartTime(p: ProcessInfo, btime: number): Date {
  return new Date((btime + p.startTicks / CLOCK_TICKS_PER_SECOND) * 1000);
}

/** Login names by uid from /etc/passwd of the scanned root. */
export function readUsers(fs: RootFs): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of (fs.tryReadText("/etc/passwd") ?? "").split("\n")) {
    const parts = line.split(":");
    if (parts.length >= 3 && parts[0] && /^\d+$/.test(parts[2] ?? "")) users.set(Number(parts[2]), parts[0]);
  }
  return users;
}
