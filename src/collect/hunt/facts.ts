import type { ProcessInfo } from "../proc/processes.ts";

/** A process with what hunting adds to the shared /proc facts. */
export interface HuntProcess extends ProcessInfo {
  user?: string;
  /** ISO start time (from stat start ticks and btime). */
  startTime?: string;
  ageSeconds?: number;
  /** Cores used during the live sample (1.0 = one core busy the whole time); undefined when not sampled. */
  sampleCores?: number;
  /** SHA-256 of the executable, for executables outside system directories only (bounded). */
  exeSha256?: string;
  parentComm?: string;
  parentExe?: string;
  /** Miner configuration found beside the process (cwd, exe dir, -c FILE). */
  config?: MinerConfig;
  /** Peers of the process's TCP/UDP sockets. */
  remotes: Remote[];
  /** LD_PRELOAD from /proc/PID/environ (root only), split into paths. */
  ldPreload?: string[];
}

export interface MinerConfig {
  path: string;
  pools: string[];
  users: string[];
}

export interface Remote {
  protocol: string;
  address: string;
  port: number;
  state: string;
}

export type PersistenceKind = "cron" | "systemd" | "rc" | "profile" | "preload" | "ssh-key";

/** One line of a file that can start something: a cron entry, an Exec*= line, a profile line... */
export interface PersistLine {
  kind: PersistenceKind;
  path: string;
  line: number;
  text: string;
  mtime?: string;
  /** Inode change time: harder to fake than mtime (touch -r resets mtime, not ctime). */
  ctime?: string;
  /** SHA-256 of the file the line is in (allowlist entries and history compare it). */
  sha256?: string;
  /** Owner for per-user files (crontab of a user, authorized_keys under a home). */
  user?: string;
  /** systemd unit name. */
  unit?: string;
}

export interface SshKey {
  path: string;
  line: number;
  user?: string;
  type: string;
  fingerprint: string;
  comment: string;
  options: string;
  /** command="..." forced command, if any. */
  command?: string;
  mtime?: string;
  ctime?: string;
}

export interface HuntFile {
  path: string;
  size: number;
  mtime: string;
  ctime?: string;
  mode: number;
  elf: boolean;
  sha256?: string;
  /** Miner strings found in the file (bounded read). */
  strings: string[];
  uid: number;
}

export interface FileScanBounds {
  roots: string[];
  maxDepth: number;
  maxEntries: number;
  maxFileBytes: number;
  maxTotalBytes: number;
  bytesRead: number;
  entriesSeen: number;
  truncated: boolean;
  skippedLarge: string[];
}

/** Bounds of a file scan that has not run (yet): nothing read, nothing skipped. */
export function noFileScan(): FileScanBounds {
  return {
    roots: [],
    maxDepth: 0,
    maxEntries: 0,
    maxFileBytes: 0,
    maxTotalBytes: 0,
    bytesRead: 0,
    entriesSeen: 0,
    truncated: false,
    skippedLarge: [],
  };
}

export interface CpuSample {
  seconds: number;
  cpus: number;
  /** Cores busy according to /proc/stat (user+nice+system). */
  busyCores: number;
  /** Cores busy according to the visible processes. */
  accountedCores: number;
}

export interface HiddenPid {
  pid: number;
  comm?: string;
  exe?: string;
  argv: string[];
}

export interface ProcMount {
  mountPoint: string;
  source: string;
  line: number;
}

export interface MappedLibrary {
  path: string;
  /** Where we saw it: ld.so.preload, LD_PRELOAD or mamori's own memory map. */
  via: "maps" | "env";
}

/** Options that shape the hunt (cost model, allowlist), passed in from the command line. */
export interface HuntOptions {
  wattsPerCore: number;
  pricePerKwh: number;
  currency: string;
  /** Days within which an authorized key counts as recently added. */
  recentDays: number;
}

export interface HuntFacts {
  live: boolean;
  selfPid?: number;
  /** Directory of mamori's own interpreter (its libraries are expected in its memory map). */
  selfExeDir?: string;
  processes: HuntProcess[];
  /** undefined: not checked (not live). */
  hiddenPids?: HiddenPid[];
  hiddenProbeRange?: number;
  procMounts: ProcMount[];
  /** undefined: not checked (not live). */
  selfLibraries?: MappedLibrary[];
  cpu?: CpuSample;
  persistence: PersistLine[];
  sshKeys: SshKey[];
  files: HuntFile[];
  fileBounds: FileScanBounds;
  sampleSeconds?: number;
}

/**
 * A file time as ISO, unless it lies after the scan's own clock: a copied image or fixture has the copy
 * time as ctime, which says nothing about when an intruder wrote the file.
 */
export function notAfter(d: Date, now: Date): string | undefined {
  return d.getTime() > now.getTime() ? undefined : d.toISOString();
}
