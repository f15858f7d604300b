import { z } from "zod";
import { processInfoSchema } from "./processes.ts";

/** Hunting facts: processes, persistence lines, SSH keys, files, what only a live system shows. */
const str = z.string();
const int = z.number().int();
const time = z.string();

export const minerConfigSchema = z.object({ path: str, pools: z.array(str), users: z.array(str) }).strict();
export type MinerConfig = z.infer<typeof minerConfigSchema>;

export const remoteSchema = z.object({ protocol: str, address: str, port: int, state: str }).strict();
export type Remote = z.infer<typeof remoteSchema>;

/**
 * What an executable that calls itself Apache really is, from its contents: an ELF file with Apache's
 * version string, and the configuration it starts with (named by -f, or compiled in), if that exists.
 */
export const exeIdentitySchema = z
  .object({
    elf: z.boolean(),
    /** "Apache/2.4.49 (Unix)" when the binary carries Apache's version string. */
    product: str.optional(),
    httpdRoot: str.optional(),
    config: str.optional(),
    configExists: z.boolean(),
  })
  .strict();
export type ExeIdentity = z.infer<typeof exeIdentitySchema>;

/** A process with what hunting adds to the shared /proc facts. */
export const huntProcessSchema = processInfoSchema
  .extend({
    user: str.optional(),
    /** ISO start time (from stat start ticks and btime). */
    startTime: time.optional(),
    ageSeconds: z.number().optional(),
    /** Cores used during the live sample (1.0 = one core busy the whole time); undefined when not sampled. */
    sampleCores: z.number().optional(),
    /** SHA-256 of the executable, for executables outside system directories only (bounded). */
    exeSha256: str.optional(),
    parentComm: str.optional(),
    parentExe: str.optional(),
    /** Miner configuration found beside the process (cwd, exe dir, -c FILE). */
    config: minerConfigSchema.optional(),
    /** Peers of the process's TCP/UDP sockets. */
    remotes: z.array(remoteSchema),
    /** LD_PRELOAD from /proc/PID/environ (root only), split into paths. */
    ldPreload: z.array(str).optional(),
    /** For a process named like Apache: what its executable is (see exeIdentitySchema). */
    exeIdentity: exeIdentitySchema.optional(),
  })
  .strict();
export type HuntProcess = z.infer<typeof huntProcessSchema>;

export const persistenceKindSchema = z.enum(["cron", "systemd", "rc", "profile", "preload", "ssh-key"]);
export type PersistenceKind = z.infer<typeof persistenceKindSchema>;

/** One line of a file that can start something: a cron entry, an Exec*= line, a profile line... */
export const persistLineSchema = z
  .object({
    kind: persistenceKindSchema,
    path: str,
    line: int,
    text: str,
    mtime: time.optional(),
    /** Inode change time: harder to fake than mtime (touch -r resets mtime, not ctime). */
    ctime: time.optional(),
    /** SHA-256 of the file the line is in (allowlist entries and history compare it). */
    sha256: str.optional(),
    /** Owner for per-user files (crontab of a user, authorized_keys under a home). */
    user: str.optional(),
    /** systemd unit name. */
    unit: str.optional(),
  })
  .strict();
export type PersistLine = z.infer<typeof persistLineSchema>;

export const sshKeySchema = z
  .object({
    path: str,
    line: int,
    user: str.optional(),
    type: str,
    fingerprint: str,
    comment: str,
    options: str,
    /** command="..." forced command, if any. */
    command: str.optional(),
    mtime: time.optional(),
    ctime: time.optional(),
  })
  .strict();
export type SshKey = z.infer<typeof sshKeySchema>;

export const huntFileSchema = z
  .object({
    path: str,
    size: z.number(),
    mtime: time,
    ctime: time.optional(),
    mode: int,
    elf: z.boolean(),
    sha256: str.optional(),
    /** Miner strings found in the file (bounded read). */
    strings: z.array(str),
    uid: int,
  })
  .strict();
export type HuntFile = z.infer<typeof huntFileSchema>;

export const fileScanBoundsSchema = z
  .object({
    roots: z.array(str),
    maxDepth: z.number(),
    maxEntries: z.number(),
    maxFileBytes: z.number(),
    maxTotalBytes: z.number(),
    bytesRead: z.number(),
    entriesSeen: z.number(),
    truncated: z.boolean(),
    skippedLarge: z.array(str),
  })
  .strict();
export type FileScanBounds = z.infer<typeof fileScanBoundsSchema>;

export const cpuSampleSchema = z
  .object({
    seconds: z.number(),
    cpus: z.number(),
    /** Cores busy according to /proc/stat (user+nice+system). */
    busyCores: z.number(),
    /** Cores busy according to the visible processes. */
    accountedCores: z.number(),
  })
  .strict();
export type CpuSample = z.infer<typeof cpuSampleSchema>;

export const hiddenPidSchema = z
  .object({ pid: int, comm: str.optional(), exe: str.optional(), argv: z.array(str) })
  .strict();
export type HiddenPid = z.infer<typeof hiddenPidSchema>;

export const procMountSchema = z.object({ mountPoint: str, source: str, line: int }).strict();
export type ProcMount = z.infer<typeof procMountSchema>;

export const mappedLibrarySchema = z
  .object({
    path: str,
    /** Where we saw it: ld.so.preload, LD_PRELOAD or mamori's own memory map. */
    via: z.enum(["maps", "env"]),
  })
  .strict();
export type MappedLibrary = z.infer<typeof mappedLibrarySchema>;

/** A library /etc/ld.so.preload names, as found on disk and in the package database. */
export const preloadLibrarySchema = z
  .object({
    path: str,
    exists: z.boolean(),
    elf: z.boolean().optional(),
    size: z.number().optional(),
    uid: int.optional(),
    mtime: time.optional(),
    ctime: time.optional(),
    /** The database asked: "none" when the root has no package database, "unreadable" when it could not be read. */
    packageDb: z.enum(["dpkg", "rpm", "none", "unreadable"]),
    /** The package that installed it; absent with a readable database: owned by no package. */
    owner: str.optional(),
  })
  .strict();
export type PreloadLibrary = z.infer<typeof preloadLibrarySchema>;

/** The library paths of one ld.so.preload line (separated by spaces, tabs or colons, as ld.so reads them). */
export function preloadPaths(text: string): string[] {
  return text
    .split(/[\s:]+/)
    .filter((p) => p.startsWith("/"))
    .slice(0, 32);
}

export const huntFactsSchema = z
  .object({
    live: z.boolean(),
    selfPid: int.optional(),
    /** Directory of mamori's own interpreter (its libraries are expected in its memory map). */
    selfExeDir: str.optional(),
    processes: z.array(huntProcessSchema),
    /** undefined: not checked (not live). */
    hiddenPids: z.array(hiddenPidSchema).optional(),
    hiddenProbeRange: z.number().optional(),
    procMounts: z.array(procMountSchema),
    /** undefined: not checked (not live). */
    selfLibraries: z.array(mappedLibrarySchema).optional(),
    cpu: cpuSampleSchema.optional(),
    persistence: z.array(persistLineSchema),
    /** The libraries of /etc/ld.so.preload (absent in facts saved before they were collected). */
    preloadLibraries: z.array(preloadLibrarySchema).optional(),
    sshKeys: z.array(sshKeySchema),
    files: z.array(huntFileSchema),
    fileBounds: fileScanBoundsSchema,
    sampleSeconds: z.number().optional(),
  })
  .strict();
export type HuntFacts = z.infer<typeof huntFactsSchema>;

/** Options that shape how hunting facts are judged (cost model, recency), passed in from the command line. */
export interface HuntOptions {
  wattsPerCore: number;
  pricePerKwh: number;
  currency: string;
  /** Days within which an authorized key counts as recently added. */
  recentDays: number;
}
