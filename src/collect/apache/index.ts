import * as path from "node:path";
import { errorCode } from "../../core/diagnostics.ts";
import { type Msg, msg } from "../../core/message.ts";
import { byCodeUnit } from "../../core/order.ts";
import type {
  ApacheFacts,
  ApacheInstallation,
  UntrustedInstance,
  VersionSource,
} from "../../facts/apache.ts";
import { trustProblemMessage } from "../../facts/apache-query.ts";
import type { ScanContext } from "../context.ts";
import { readOsRelease } from "../host.ts";
import { type ProcessInfo, readProcesses, readUsers } from "../proc/processes.ts";
import { type BinaryStrings, readBinaryStrings } from "./binary.ts";
import { buildModel } from "./config/model.ts";
import { parseApacheConfig, parseEnvvars } from "./config/parse.ts";
import { type NotRun, queryLiveBinary } from "./live.ts";
import { packageOwner } from "./packages.ts";
import { type TrustProblem, trustedPath } from "./trust.ts";
import { upstreamOfPackageVersion } from "./version.ts";

export type { ApacheFacts, ApacheInstallation, UntrustedInstance, VersionSource };

const FIXED_CANDIDATES = [
  "/usr/sbin/apache2",
  "/usr/sbin/httpd",
  "/usr/local/apache2/bin/httpd",
  "/usr/local/apache/bin/httpd",
  "/usr/local/sbin/httpd",
  "/usr/local/bin/httpd",
];
const GLOB_CANDIDATES = [
  "/opt/*/bin/httpd",
  "/opt/*/bin/apache2",
  "/opt/*/sbin/httpd",
  "/opt/rh/*/root/usr/sbin/httpd",
  "/usr/local/*/bin/httpd",
  "/usr/local/*/bin/apache2",
];

function isApacheProcess(p: ProcessInfo): boolean {
  const base = p.exe ? path.posix.basename(p.exe) : "";
  return ["apache2", "httpd"].includes(p.comm) || ["apache2", "httpd"].includes(base);
}

interface ArgvOptions {
  f?: string;
  d?: string;
  defines: string[];
}

/** -f, -d and -D from an httpd command line. */
function argvOptions(argv: string[]): ArgvOptions {
  const out: ArgvOptions = { defines: [] };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    const val = () => (a.length > 2 ? a.slice(2) : argv[++i]);
    if (a.startsWith("-f")) out.f = val();
    else if (a.startsWith("-d")) out.d = val();
    else if (a.startsWith("-D")) {
      const d = val();
      if (d) out.defines.push(d);
    }
  }
  return out;
}

function defaultConfigFiles(binary: string): Array<{ root: string; file: string }> {
  const base = path.posix.basename(binary);
  const dir = path.posix.dirname(binary);
  if (dir === "/usr/sbin" || dir === "/sbin") {
    if (base === "apache2") return [{ root: "/etc/apache2", file: "/etc/apache2/apache2.conf" }];
    return [
      { root: "/etc/httpd", file: "/etc/httpd/conf/httpd.conf" },
      { root: "/etc/apache2", file: "/etc/apache2/httpd.conf" },
    ];
  }
  const prefix = path.posix.dirname(dir);
  return [{ root: prefix, file: path.posix.join(prefix, "conf/httpd.conf") }];
}

interface Discovered {
  aliases: Set<string>;
  procs: ProcessInfo[];
  /** Found at a fixed or glob candidate path, not only through a process. */
  candidate: boolean;
}

async function discoverBinaries(
  ctx: ScanContext,
): Promise<{ found: Map<string, Discovered>; all: ProcessInfo[] }> {
  const found = new Map<string, Discovered>();
  const add = (p: string, proc?: ProcessInfo) => {
    let real: string;
    try {
      real = ctx.fs.realGuestPath(p);
    } catch (err) {
      ctx.diag.couldNotCheck({ area: "apache", path: p, reason: errorCode(err) });
      return;
    }
    const st = ctx.fs.tryStat(real);
    if (!st?.isFile() && !proc) return;
    const e = found.get(real) ?? { aliases: new Set<string>(), procs: [], candidate: false };
    if (p !== real) e.aliases.add(p);
    if (proc) e.procs.push(proc);
    else e.candidate = true;
    found.set(real, e);
  };
  for (const p of FIXED_CANDIDATES) if (ctx.fs.exists(p)) add(p);
  for (const g of GLOB_CANDIDATES) for (const p of ctx.fs.glob(g)) add(p);
  let all: ProcessInfo[] = [];
  if (ctx.fs.hasLiveFacts) {
    all = readProcesses(ctx.fs);
    for (const p of all) if (isApacheProcess(p) && p.exe) add(p.exe, p);
  } else if (found.size > 0) {
    ctx.diag.couldNotCheck({ area: "apache", reason: "not-live", detail: msg("apache.diag.notLive") });
  }
  return { found, all };
}

function sameArgv(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Processes root started, directly or as the children a root httpd forks (same executable, same command
 * line, a root-started parent). Anything else calling itself apache2/httpd was started by another user,
 * who chose its executable, arguments, environment and configuration.
 */
function rootStartedSet(all: ProcessInfo[]): (p: ProcessInfo) => boolean {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const memo = new Map<number, boolean>();
  const decide = (p: ProcessInfo, depth: number): boolean => {
    const known = memo.get(p.pid);
    if (known !== undefined) return known;
    let ok = p.uid === 0;
    if (!ok && depth < 64) {
      const parent = byPid.get(p.ppid);
      ok =
        parent !== undefined &&
        parent.pid !== p.pid &&
        isApacheProcess(parent) &&
        parent.exe === p.exe &&
        sameArgv(parent.argv, p.argv) &&
        decide(parent, depth + 1);
    }
    memo.set(p.pid, ok);
    return ok;
  };
  return (p) => decide(p, 0);
}

const MAX_ARGS = 64;
const MAX_ARG_CHARS = 1024;

function boundedArgv(argv: string[]): string[] {
  const out = argv
    .slice(0, MAX_ARGS)
    .map((a) => (a.length > MAX_ARG_CHARS ? `${a.slice(0, MAX_ARG_CHARS)}…` : a));
  if (argv.length > MAX_ARGS) out.push(`… (${argv.length - MAX_ARGS} more)`);
  return out;
}

/** The first process of a group: one whose parent is not in the group. */
function leaderOf(procs: ProcessInfo[]): ProcessInfo | undefined {
  const pids = new Set(procs.map((p) => p.pid));
  return [...procs].sort((a, b) => a.pid - b.pid).find((p) => !pids.has(p.ppid)) ?? procs[0];
}

function untrustedOf(
  ctx: ScanContext,
  reason: UntrustedInstance["reason"],
  exe: string,
  procs: ProcessInfo[],
  users: Map<number, string>,
  extra: Partial<UntrustedInstance> = {},
): UntrustedInstance {
  const leader = leaderOf(procs) as ProcessInfo;
  const opts = argvOptions(leader.argv);
  let product: string | undefined;
  try {
    // Reading is safe; through /proc/PID/exe it is the file the process really runs.
    product = readBinaryStrings(ctx.fs, `/proc/${leader.pid}/exe`).product;
  } catch {
    product = undefined;
  }
  return {
    reason,
    exe,
    pids: procs.map((p) => p.pid).sort((a, b) => a - b),
    pid: leader.pid,
    uid: leader.uid,
    user: leader.uid !== undefined ? users.get(leader.uid) : undefined,
    argv: boundedArgv(leader.argv),
    configFile: opts.f,
    serverRoot: opts.d,
    product,
    ...extra,
  };
}

/** Where a process's -f/-d lead, or which compiled-in defaults apply; `fromProcess` when argv named them. */
function configLocation(
  ctx: ScanContext,
  binary: string,
  opts: ArgvOptions,
  strings: BinaryStrings | undefined,
): { configFile?: string; serverRoot?: string } {
  const httpdRoot = opts.d ?? strings?.httpdRoot;
  let configFile: string | undefined;
  let serverRoot: string | undefined;
  const conf = opts.f ?? strings?.serverConfigFile;
  if (conf && httpdRoot) {
    serverRoot = httpdRoot;
    configFile = path.posix.isAbsolute(conf) ? conf : path.posix.join(httpdRoot, conf);
  } else if (opts.f && path.posix.isAbsolute(opts.f)) {
    configFile = opts.f;
  }
  if (!configFile || !ctx.fs.exists(configFile)) {
    const dflt = defaultConfigFiles(binary).find((c) => ctx.fs.exists(c.file));
    if (dflt) {
      configFile = dflt.file;
      serverRoot = httpdRoot && ctx.fs.exists(httpdRoot) ? httpdRoot : dflt.root;
    }
  }
  return { configFile, serverRoot };
}

/**
 * Whether the -f/-d a root-started process names are places only root can change. Only what the
 * command line names is checked: compiled-in defaults and /etc are the administrator's own.
 */
function untrustedConfigPath(
  opts: ArgvOptions,
  strings: BinaryStrings | undefined,
): TrustProblem | undefined {
  if (opts.d) {
    const r = trustedPath(path.posix.resolve("/", opts.d), "dir");
    if (!r.ok) return r.problem;
  }
  if (opts.f) {
    const root = opts.d ?? strings?.httpdRoot ?? "/";
    const file = path.posix.isAbsolute(opts.f) ? opts.f : path.posix.join(root, opts.f);
    const r = trustedPath(file, "file");
    if (!r.ok) return r.problem;
  }
  return undefined;
}

/**
 * Debian's envvars sets the ${VAR}s the configuration uses (log directories among them). On the live
 * machine it is read only when root alone can change it and its directory; it is parsed as text, never run.
 */
function readEnvvars(ctx: ScanContext, configFile: string | undefined): Record<string, string> {
  if (!configFile) return {};
  const dir = path.posix.dirname(configFile);
  const file = path.posix.join(dir, "envvars");
  if (ctx.fs.isLive) {
    const r = trustedPath(file, "file");
    if (!r.ok) {
      if (r.problem.why !== "missing")
        ctx.diag.couldNotCheck({
          area: "apache.config",
          path: file,
          reason: "untrusted-envvars",
          detail: msg("apache.diag.envvarsUntrusted", {
            path: file,
            at: r.problem.path,
            why: whyText(r.problem),
          }),
        });
      return {};
    }
  }
  const text = ctx.fs.tryReadText(file, { maxBytes: 256 * 1024 });
  return text ? parseEnvvars(text, dir) : {};
}

export function whyText(p: TrustProblem): Msg {
  const { key, params } = trustProblemMessage(p);
  return msg(key, params);
}

const LOADER_PART = {
  interpreter: "apache.loader.interpreter",
  directory: "apache.loader.directory",
  library: "apache.loader.library",
} as const;

function notRunText(binary: string, n: NotRun): Msg {
  if (n.why === "untrusted-path") return msg("apache.diag.notRun", { path: binary, why: whyText(n.problem) });
  if (n.why === "untrusted-loader")
    return msg("apache.diag.notRunLoader", {
      path: binary,
      what: msg(LOADER_PART[n.what]),
      by: n.by,
      why: whyText(n.problem),
    });
  if (n.why === "unreadable-loader")
    return msg("apache.diag.notRunLoaderUnreadable", { path: binary, by: n.by, detail: n.detail });
  return msg(n.why === "not-elf" ? "apache.diag.notRunNotElf" : "apache.diag.notRunNotApache", {
    path: binary,
  });
}

const MPMS = ["event", "worker", "prefork", "motorz", "winnt"];

function mpmOf(inst: ApacheInstallation): string | undefined {
  for (const m of inst.live?.modules ?? inst.strings?.staticModules ?? []) {
    const name = m.replace(/\.c$/, "");
    if (MPMS.includes(name)) return name;
  }
  for (const m of inst.config?.modules ?? []) {
    const x = /^mpm_([a-z]+)_module$/.exec(m.id);
    if (x?.[1]) return x[1];
  }
  return undefined;
}

async function collectOne(
  ctx: ScanContext,
  binary: string,
  aliases: Set<string>,
  procs: ProcessInfo[],
): Promise<ApacheInstallation | { untrusted: TrustProblem }> {
  const inst: ApacheInstallation = {
    binary,
    aliases: [...aliases].sort(),
    pids: procs.map((p) => p.pid).sort((a, b) => a - b),
    owner: { found: undefined },
  };
  // A binary deleted from disk while running is still readable through /proc/PID/exe (never run).
  const gone = !ctx.fs.tryStat(binary)?.isFile();
  const runningPid = procs.find((p) => p.exeDeleted)?.pid ?? procs[0]?.pid;
  const source = gone && runningPid !== undefined ? `/proc/${runningPid}/exe` : binary;
  try {
    inst.strings = readBinaryStrings(ctx.fs, source);
    if (!inst.strings.version)
      ctx.diag.couldNotCheck({
        area: "apache",
        path: binary,
        reason: "no-version",
        detail: msg("apache.diag.noVersionString", { path: binary }),
      });
  } catch (err) {
    ctx.diag.couldNotCheck({ area: "apache", path: binary, reason: errorCode(err) });
  }

  // The command line names the configuration it really runs with; followed only into root's places.
  const leader = leaderOf(procs);
  const opts = leader ? argvOptions(leader.argv) : { defines: [] };
  if (ctx.fs.isLive) {
    const problem = untrustedConfigPath(opts, inst.strings);
    if (problem) return { untrusted: problem };
  }
  const { configFile, serverRoot } = configLocation(ctx, binary, opts, inst.strings);
  const env = readEnvvars(ctx, configFile);

  inst.owner = await packageOwner(ctx, binary);

  // A process whose executable was replaced on disk still runs the old code: read it through /proc.
  if (gone && runningPid !== undefined)
    ctx.diag.warn({
      area: "apache",
      path: binary,
      reason: "replaced-while-running",
      detail: msg("apache.diag.replacedWhileRunning", { path: binary, pid: runningPid, running: "-" }),
    });
  for (const p of procs.filter((x) => x.exeDeleted && !gone)) {
    try {
      const old = readBinaryStrings(ctx.fs, `/proc/${p.pid}/exe`);
      inst.replacedWhileRunning ??= [];
      inst.replacedWhileRunning.push({ pid: p.pid, product: old.product, version: old.version });
      ctx.diag.warn({
        area: "apache",
        path: binary,
        reason: "replaced-while-running",
        detail: msg("apache.diag.replacedWhileRunning", {
          path: binary,
          pid: p.pid,
          running: old.product ?? "?",
        }),
      });
    } catch (err) {
      ctx.diag.couldNotCheck({ area: "apache", path: `/proc/${p.pid}/exe`, reason: errorCode(err) });
    }
  }

  // Only `-v`/`-l`, only of a root-owned Apache binary on a root-only path (see live.ts); a deleted
  // binary's path cannot be checked, so it is only read.
  if (ctx.fs.isLive && !gone) {
    const r = await queryLiveBinary(binary);
    if ("notRun" in r)
      ctx.diag.couldNotCheck({
        area: "apache",
        path: binary,
        reason: "not-run",
        detail: notRunText(binary, r.notRun),
      });
    else {
      inst.live = r.info;
      for (const e of r.info.errors)
        ctx.diag.warn({ area: "apache", path: binary, reason: "live-query", detail: e });
    }
  }

  let pkgVersion = inst.owner.found ? upstreamOfPackageVersion(inst.owner.found.owner.version) : undefined;
  const fileVersion = inst.live?.version ?? inst.strings?.version;
  if (pkgVersion && fileVersion && fileVersion !== pkgVersion) {
    // The file is not what the package installed (overwritten by a source build): judge the file.
    ctx.diag.warn({
      area: "apache",
      path: binary,
      reason: "version-mismatch",
      detail: msg("apache.diag.versionMismatch", {
        path: binary,
        file: fileVersion,
        pkg: inst.owner.found?.owner.version ?? "",
      }),
    });
    inst.packageMismatch = inst.owner.found;
    inst.owner = {};
    pkgVersion = undefined;
  }
  if (pkgVersion) {
    inst.version = pkgVersion;
    inst.versionSource = "package";
  } else if (inst.live?.version) {
    inst.version = inst.live.version;
    inst.versionSource = "live-binary";
  } else if (inst.strings?.version) {
    inst.version = inst.strings.version;
    inst.versionSource = "binary-file";
  }
  inst.product = inst.live?.product ?? inst.strings?.product;

  if (configFile && serverRoot) {
    inst.configFile = configFile;
    const parsed = parseApacheConfig({
      fs: ctx.fs,
      diag: ctx.diag,
      mainFile: configFile,
      serverRoot,
      env,
      defines: Object.fromEntries(opts.defines.map((d) => [d, ""])),
      staticModules: inst.live?.modules ?? inst.strings?.staticModules,
      version: fileVersion ?? inst.version,
    });
    inst.config = buildModel(parsed);
  } else {
    ctx.diag.couldNotCheck({
      area: "apache.config",
      path: binary,
      reason: "ENOENT",
      detail: msg("apache.diag.noConfig", { path: binary }),
    });
  }
  inst.mpm = mpmOf(inst);
  return inst;
}

/** Processes of one binary grouped by the configuration they run with (-f, -d, -D); none -> one group. */
function instanceGroups(procs: ProcessInfo[], key: (p: ProcessInfo) => string): ProcessInfo[][] {
  const groups = new Map<string, ProcessInfo[]>();
  for (const p of procs) {
    if (p.argv.length === 0) continue;
    const k = key(p);
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  // Processes whose command line we could not read join the first group.
  const rest = procs.filter((p) => p.argv.length === 0);
  const list = [...groups.values()];
  if (list.length === 0) return [rest];
  (list[0] as ProcessInfo[]).push(...rest);
  return list;
}

const optionsKey = (p: ProcessInfo) => {
  const o = argvOptions(p.argv);
  return JSON.stringify([o.f, o.d, [...o.defines].sort()]);
};

/** Finds every Apache httpd on the scanned root and establishes version, owner and configuration for each. */
export async function collectApache(ctx: ScanContext): Promise<ApacheFacts> {
  const os = readOsRelease(ctx.fs);
  const facts: ApacheFacts = {
    live: ctx.fs.isLive,
    distroId: os.id,
    distroVersion: os.versionId,
    distroLike: os.idLike ?? [],
    installations: [],
    untrusted: [],
  };
  const { found: binaries, all } = await discoverBinaries(ctx);
  const rootStarted = rootStartedSet(all);
  const users = ctx.fs.hasLiveFacts ? readUsers(ctx.fs) : new Map<number, string>();
  const untrusted = facts.untrusted as UntrustedInstance[];
  if (binaries.size === 0)
    for (const conf of ["/etc/apache2/apache2.conf", "/etc/httpd/conf/httpd.conf", "/etc/apache2/httpd.conf"])
      if (ctx.fs.exists(conf))
        ctx.diag.couldNotCheck({
          area: "apache",
          path: conf,
          reason: "no-binary",
          detail: msg("apache.diag.configWithoutBinary", { path: conf }),
        });
  for (const [bin, { aliases, procs, candidate }] of [...binaries].sort(([a], [b]) => byCodeUnit(a, b))) {
    try {
      // Another user's process chose its executable, argv and configuration: reported, never followed.
      const foreign = procs.filter((p) => !rootStarted(p));
      const byUser = new Map<string, ProcessInfo[]>();
      for (const p of foreign) {
        const k = JSON.stringify([p.uid, optionsKey(p)]);
        byUser.set(k, [...(byUser.get(k) ?? []), p]);
      }
      for (const group of byUser.values())
        untrusted.push(untrustedOf(ctx, "user-started", bin, group, users));

      const own = procs.filter((p) => rootStarted(p));
      // A binary only another user's processes led to is theirs, not an installation (its file may be anything).
      if (own.length === 0 && !candidate) continue;
      // One binary can run as several instances with their own configuration (apache2@site, -f other.conf).
      const groups = instanceGroups(own, optionsKey);
      for (let i = 0; i < groups.length; i++) {
        const group = groups[i] as ProcessInfo[];
        const got = await collectOne(ctx, bin, aliases, group);
        if ("untrusted" in got) {
          untrusted.push(untrustedOf(ctx, "user-config", bin, group, users, { problem: got.untrusted }));
          // The installed binary is still judged on its own, with its default configuration.
          if (candidate && i === groups.length - 1 && !facts.installations.some((x) => x.binary === bin))
            groups.push([]);
          continue;
        }
        const inst = got;
        facts.installations.push(inst);
        // Old code still serving after an upgrade is judged on its own: it is what attackers reach.
        const seen = new Set([inst.version]);
        for (const r of inst.replacedWhileRunning ?? []) {
          if (!r.version || seen.has(r.version)) continue;
          seen.add(r.version);
          facts.installations.push({
            ...inst,
            binary: `${bin} (deleted, pid ${r.pid})`,
            aliases: [],
            pids: [r.pid],
            owner: {},
            version: r.version,
            product: r.product,
            versionSource: "binary-file",
            live: undefined,
            replacedWhileRunning: undefined,
          });
        }
      }
    } catch (err) {
      ctx.diag.couldNotCheck({
        area: "apache",
        path: bin,
        reason: "error",
        detail: msg("apache.diag.failed", { path: bin, reason: errorCode(err) }),
      });
    }
  }
  return facts;
}
