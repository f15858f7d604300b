import { createHash } from "node:crypto";
import * as nodeFs from "node:fs";
import * as path from "node:path";
import { msg } from "../../core/message.ts";
import { readBinaryStrings } from "../apache/binary.ts";
import type { ScanContext } from "../context.ts";
import { readSockets } from "../net/sockets.ts";
import {
  bootTime,
  CLOCK_TICKS_PER_SECOND,
  listPids,
  PROC_READ_BYTES,
  type ProcessInfo,
  parseStat,
  parseStatus,
  processStartTime,
  readProcess,
  readProcesses,
  readUsers,
} from "../proc/processes.ts";
import type {
  CpuSample,
  ExeIdentity,
  HiddenPid,
  HuntProcess,
  MappedLibrary,
  MinerConfig,
  ProcMount,
} from "./facts.ts";
import { readableBy } from "./readable-by.ts";

const MAX_EXE_HASH_BYTES = 64 * 1024 * 1024;
const MAX_CONFIG_BYTES = 256 * 1024;
const HASH_SKIP = ["/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/nix/store/", "/snap/"];

/** Processes with user, start time, sockets, miner configs and (outside system dirs) executable hashes. */
export function collectProcesses(ctx: ScanContext): HuntProcess[] {
  const { fs } = ctx;
  const raw = readProcesses(fs, ctx.diag);
  if (raw.length === 0)
    ctx.diag.couldNotCheck({
      area: "hunt.processes",
      path: "/proc",
      reason: "ENOENT",
      detail: msg("hunt.diag.noProc"),
    });
  const users = readUsers(fs);
  const btime = bootTime(fs);
  const now = ctx.now().getTime();
  const byPid = new Map(raw.map((p) => [p.pid, p]));
  const sockets = readSockets(
    fs,
    raw.map((p) => p.pid),
  );
  const remotes = new Map<number, HuntProcess["remotes"]>();
  for (const s of sockets) {
    if (s.remotePort === 0 || s.state === "LISTEN") continue;
    for (const pid of s.pids) {
      const list = remotes.get(pid) ?? [];
      list.push({ protocol: s.protocol, address: s.remoteAddress, port: s.remotePort, state: s.state });
      remotes.set(pid, list);
    }
  }
  let hiddenFromUs = 0;
  const identities = new Map<string, ExeIdentity | undefined>();
  const out: HuntProcess[] = [];
  for (const p of raw) {
    if (p.exe === undefined && !p.isKernelThread) hiddenFromUs++;
    const start = btime !== undefined ? processStartTime(p, btime) : undefined;
    const parent = byPid.get(p.ppid);
    const hp: HuntProcess = {
      ...p,
      user: p.uid !== undefined ? (users.get(p.uid) ?? String(p.uid)) : undefined,
      startTime: start?.toISOString(),
      ageSeconds: start ? Math.max(0, (now - start.getTime()) / 1000) : undefined,
      parentComm: parent?.comm,
      parentExe: parent?.exe,
      remotes: remotes.get(p.pid) ?? [],
    };
    if (!p.isKernelThread) {
      // Hashes for everything outside the package-managed directories (allowlist entries and hash IOCs
      // need them); /opt and /usr/local are hashed too, since operators and intruders both install there.
      if (p.exe && !HASH_SKIP.some((pre) => p.exe?.startsWith(pre) && !p.exe.startsWith("/usr/local/"))) {
        hp.exeSha256 =
          hashProcessExe(ctx, p.pid) ??
          hashFile(ctx, `/proc/${p.pid}/exe`) ??
          (p.exeDeleted ? undefined : hashFile(ctx, p.exe));
      }
      hp.config = findMinerConfig(ctx, p);
      hp.ldPreload = readLdPreload(ctx, p.pid);
      hp.exeIdentity = apacheIdentity(ctx, p, identities);
    }
    out.push(hp);
  }
  if (hiddenFromUs > 0)
    ctx.diag.couldNotCheck({
      area: "hunt.processes",
      path: "/proc/*/exe",
      reason: "EACCES",
      // "Run as root" is no advice to root: then a container, another namespace or a kernel rule hides them.
      detail: msg(runsAsRoot(ctx) ? "hunt.diag.exeHiddenRoot" : "hunt.diag.exeHidden", {
        count: hiddenFromUs,
      }),
    });
  return out;
}

/** Whether mamori itself runs as root on the live system (its own /proc/self/status, effective uid). */
export function runsAsRoot(ctx: ScanContext): boolean {
  if (!ctx.fs.isLive) return false;
  const status = ctx.fs.tryReadText("/proc/self/status", { maxBytes: 64 * 1024 }) ?? "";
  return /^Uid:\s+\d+\s+0\s/m.test(status);
}

const APACHE_NAME = /^(?:httpd|apache2?)$/;

/**
 * For a process named like Apache, what its executable is: read once per executable (an Apache has
 * many workers), bounded as the Apache collector reads binaries.
 */
function apacheIdentity(
  ctx: ScanContext,
  p: ProcessInfo,
  cache: Map<string, ExeIdentity | undefined>,
): ExeIdentity | undefined {
  const names = [
    p.comm,
    path.posix.basename(p.argv[0]?.split(" ")[0] ?? ""),
    path.posix.basename(p.exe ?? ""),
  ];
  if (!p.exe || p.exeDeleted || p.exe.startsWith("/memfd:") || !names.some((n) => APACHE_NAME.test(n)))
    return undefined;
  const conf = configArg(p.argv);
  const key = `${p.exe}\0${conf ?? ""}`;
  if (cache.has(key)) return cache.get(key);
  let id: ExeIdentity | undefined;
  try {
    const b = readBinaryStrings(ctx.fs, p.exe);
    const root = conf?.root ?? b.httpdRoot;
    const file = conf?.file ?? b.serverConfigFile;
    const config = file ? (file.startsWith("/") || !root ? file : path.posix.join(root, file)) : undefined;
    id = {
      elf: b.elf,
      product: b.product,
      httpdRoot: root,
      config,
      configExists: config ? (ctx.fs.tryStat(config)?.isFile() ?? false) : false,
    };
  } catch {
    id = undefined;
  }
  cache.set(key, id);
  return id;
}

/** The -f FILE and -d ROOT an Apache was started with. */
function configArg(argv: string[]): { file?: string; root?: string } | undefined {
  let file: string | undefined;
  let root: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "-f") file = argv[i + 1];
    else if (a.startsWith("-f") && a.length > 2) file = a.slice(2);
    else if (a === "-d") root = argv[i + 1];
    else if (a.startsWith("-d") && a.length > 2) root = a.slice(2);
  }
  return file || root ? { file, root } : undefined;
}

/** LD_PRELOAD of a process, from the start of its environment (bounded; root only). */
function readLdPreload(ctx: ScanContext, pid: number): string[] | undefined {
  const env = ctx.fs.tryReadText(`/proc/${pid}/environ`, { maxBytes: 64 * 1024 });
  if (!env) return undefined;
  const entry = env.split("\0").find((e) => e.startsWith("LD_PRELOAD="));
  if (!entry) return undefined;
  const libs = entry
    .slice("LD_PRELOAD=".length)
    .split(/[\s:]+/)
    .filter(Boolean);
  return libs.length > 0 ? libs : undefined;
}

/** Live: the running file itself, deleted or memfd included (RootFs.readProcessExe). */
function hashProcessExe(ctx: ScanContext, pid: number): string | undefined {
  try {
    const bytes = ctx.fs.readProcessExe(pid, MAX_EXE_HASH_BYTES);
    return bytes ? createHash("sha256").update(bytes).digest("hex") : undefined;
  } catch {
    return undefined;
  }
}

function hashFile(ctx: ScanContext, guestPath: string): string | undefined {
  try {
    const st = ctx.fs.stat(guestPath);
    if (!st.isFile() || st.size > MAX_EXE_HASH_BYTES) return undefined;
    // The cap again at read time: the file may have grown since it was measured.
    const bytes = ctx.fs.readBytes(guestPath, { maxBytes: MAX_EXE_HASH_BYTES + 1 });
    if (bytes.length > MAX_EXE_HASH_BYTES) return undefined;
    return createHash("sha256").update(bytes).digest("hex");
  } catch {
    return undefined;
  }
}

/** Looks for an XMRig-style config.json (pools with url/user) in the cwd, the exe dir, or -c/--config FILE. */
function findMinerConfig(ctx: ScanContext, p: ProcessInfo): MinerConfig | undefined {
  const candidates: string[] = [];
  for (let i = 0; i < p.argv.length; i++) {
    const a = p.argv[i] as string;
    let v: string | undefined;
    if (a === "-c" || a === "--config") v = p.argv[i + 1];
    else if (a.startsWith("--config=")) v = a.slice("--config=".length);
    if (v) candidates.push(v.startsWith("/") ? v : `/proc/${p.pid}/cwd/${v}`);
  }
  candidates.push(`/proc/${p.pid}/cwd/config.json`);
  if (p.exe && !p.exe.startsWith("/memfd:"))
    candidates.push(path.posix.join(path.posix.dirname(p.exe), "config.json"));
  for (const c of candidates) {
    let text: string | undefined;
    try {
      const st = ctx.fs.stat(c);
      if (!st.isFile()) continue;
      // The process's user must be able to read it: its argv can name any file, root's own too.
      text = ctx.fs.readText(c, { maxBytes: MAX_CONFIG_BYTES, accept: readableBy(p.uid) });
    } catch {
      continue;
    }
    const cfg = parseMinerConfig(text);
    if (cfg) {
      const shown =
        c.startsWith(`/proc/${p.pid}/cwd/`) && p.cwd
          ? path.posix.join(p.cwd, c.slice(`/proc/${p.pid}/cwd/`.length))
          : c;
      return { path: shown, ...cfg };
    }
  }
  return undefined;
}

export function parseMinerConfig(text: string): Omit<MinerConfig, "path"> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== "object") return undefined;
  const pools = (doc as { pools?: unknown }).pools;
  if (!Array.isArray(pools) || pools.length === 0) return undefined;
  const urls: string[] = [];
  const users: string[] = [];
  for (const pool of pools) {
    if (!pool || typeof pool !== "object") continue;
    const { url, user } = pool as { url?: unknown; user?: unknown };
    if (typeof url === "string") urls.push(url);
    if (typeof user === "string") users.push(user);
  }
  // Database and HTTP client configs have "pools" too: only stratum URLs or bare host:port pools count,
  // or a config that carries XMRig's own keys.
  const stratumLike = urls.some((u) => /^(stratum\S*:\/\/)?[\w.-]+:\d{2,5}\/?$/i.test(u));
  const minerKeys = ["donate-level", "randomx", "cpu", "opencl", "cuda", "algo"].some((k) =>
    Object.hasOwn(doc as object, k),
  );
  return urls.length > 0 && (stratumLike || minerKeys) ? { pools: urls, users } : undefined;
}

/** Aggregate CPU ticks from the "cpu" line of /proc/stat: busy (user+nice+system) and the cpu count. */
export function readCpuTotals(text: string): { busy: number; cpus: number } | undefined {
  const m = /^cpu\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(text);
  if (!m) return undefined;
  const cpus = (text.match(/^cpu\d+\s/gm) ?? []).length || 1;
  return { busy: Number(m[1]) + Number(m[2]) + Number(m[3]), cpus };
}

export interface CpuSnapshot {
  at: number;
  total?: { busy: number; cpus: number };
  ticks: Map<number, number>;
  /** CPU of reaped children (cutime + cstime): processes that ended during the sample land here. */
  childTicks: Map<number, number>;
}

export function cpuSnapshot(ctx: ScanContext, pids: number[], at: number): CpuSnapshot {
  const ticks = new Map<number, number>();
  const childTicks = new Map<number, number>();
  for (const pid of pids) {
    const s = parseStat(ctx.fs.tryReadText(`/proc/${pid}/stat`, { maxBytes: PROC_READ_BYTES.stat }) ?? "");
    if (!s) continue;
    ticks.set(pid, Number(s.fields[11] ?? 0) + Number(s.fields[12] ?? 0));
    childTicks.set(pid, Number(s.fields[13] ?? 0) + Number(s.fields[14] ?? 0));
  }
  return {
    at,
    total: readCpuTotals(ctx.fs.tryReadText("/proc/stat", { maxBytes: 4 << 20 }) ?? ""),
    ticks,
    childTicks,
  };
}

/** Per-process cores used between two snapshots, and what /proc/stat says against what processes account for. */
export function compareSnapshots(
  a: CpuSnapshot,
  b: CpuSnapshot,
  procs: HuntProcess[],
): CpuSample | undefined {
  const seconds = (b.at - a.at) / 1000;
  if (seconds <= 0) return undefined;
  let accounted = 0;
  for (const p of procs) {
    const before = a.ticks.get(p.pid);
    const after = b.ticks.get(p.pid);
    if (before === undefined || after === undefined) continue;
    const cores = (after - before) / CLOCK_TICKS_PER_SECOND / seconds;
    p.sampleCores = Math.max(0, cores);
    accounted += p.sampleCores;
  }
  // Processes that started during the sample count with all their time.
  for (const [pid, after] of b.ticks)
    if (!a.ticks.has(pid)) accounted += after / CLOCK_TICKS_PER_SECOND / seconds;
  // Short-lived processes that ended during the sample: their time moved into their parent's child time.
  for (const [pid, after] of b.childTicks) {
    const before = a.childTicks.get(pid);
    if (before !== undefined && after > before)
      accounted += (after - before) / CLOCK_TICKS_PER_SECOND / seconds;
  }
  if (!a.total || !b.total) return undefined;
  return {
    seconds,
    cpus: b.total.cpus,
    busyCores: (b.total.busy - a.total.busy) / CLOCK_TICKS_PER_SECOND / seconds,
    accountedCores: accounted,
  };
}

/**
 * Live only: pids that answer a direct stat but are missing from the /proc listing (a rootkit that
 * filters readdir). Threads answer too, so each candidate must be a thread-group leader and still
 * missing from a fresh listing.
 */
export function probeHiddenPids(ctx: ScanContext, listed: number[]): { hidden: HiddenPid[]; range: number } {
  const { fs } = ctx;
  const visible = new Set(listed);
  const pidMax =
    Number(fs.tryReadText("/proc/sys/kernel/pid_max", { maxBytes: 64 })?.trim() ?? 32768) || 32768;
  const top = Math.min(pidMax, Math.max(...listed, 1) + 4096, 4194304);
  const candidates: number[] = [];
  for (let pid = 1; pid <= top; pid++) {
    if (visible.has(pid)) continue;
    // A plain stat without exceptions: tens of thousands of probes must stay well under the CPU sample.
    if (!nodeFs.statSync(fs.resolve(`/proc/${pid}`), { throwIfNoEntry: false })) continue;
    candidates.push(pid);
  }
  if (candidates.length === 0) return { hidden: [], range: top };
  const fresh = new Set(listPids(fs));
  const hidden: HiddenPid[] = [];
  for (const pid of candidates) {
    if (fresh.has(pid)) continue;
    const status = parseStatus(
      fs.tryReadText(`/proc/${pid}/status`, { maxBytes: PROC_READ_BYTES.status }) ?? "",
    );
    if (status.Tgid !== String(pid)) continue;
    const p = readProcess(fs, pid);
    hidden.push({ pid, comm: p?.comm ?? status.Name, exe: p?.exe, argv: p?.argv ?? [] });
  }
  return { hidden, range: top };
}

/** Mounts over /proc/PID (a cheap way to hide a process from ps and from us). */
export function readProcMounts(ctx: ScanContext): ProcMount[] {
  // A host with thousands of container mounts writes a few MB; a bundle's file is cut there.
  const max = { maxBytes: 16 << 20 };
  const text =
    ctx.fs.tryReadText("/proc/self/mountinfo", max) ?? ctx.fs.tryReadText("/proc/1/mountinfo", max) ?? "";
  const out: ProcMount[] = [];
  text.split("\n").forEach((line, i) => {
    const f = line.split(" ");
    // The kernel writes a space, tab, newline or backslash in a mount point as \ooo.
    const mp = (f[4] ?? "").replace(/\\([0-7]{3})/g, (_, o: string) =>
      String.fromCharCode(Number.parseInt(o, 8)),
    );
    if (/^\/proc\/\d+(\/|$)/.test(mp)) {
      const dash = f.indexOf("-");
      out.push({ mountPoint: mp, source: dash > 0 ? (f[dash + 2] ?? "") : (f[3] ?? ""), line: i + 1 });
    }
  });
  return out;
}

/** Live only: the shared libraries mapped into mamori's own process, plus LD_PRELOAD entries. */
export function readSelfLibraries(ctx: ScanContext): MappedLibrary[] {
  const out: MappedLibrary[] = [];
  for (const entry of (ctx.env.LD_PRELOAD ?? "").split(/[\s:]+/).filter(Boolean))
    out.push({ path: entry, via: "env" });
  const maps = ctx.fs.tryReadText("/proc/self/maps", { maxBytes: 16 << 20 }) ?? "";
  const seen = new Set<string>();
  for (const line of maps.split("\n")) {
    const p = line.slice(line.indexOf("/")).trim();
    if (!line.includes("/") || !/\.so(\.|$)/.test(p) || seen.has(p)) continue;
    seen.add(p);
    out.push({ path: p.replace(/ \(deleted\)$/, ""), via: "maps" });
  }
  return out;
}
