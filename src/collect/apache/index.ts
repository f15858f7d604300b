import * as path from "node:path";
import type { ScanContext } from "../../core/context.ts";
import { errorCode } from "../../core/diagnostics.ts";
import { readOsRelease } from "../host.ts";
import { type ProcessInfo, readProcesses } from "../proc/processes.ts";
import { type BinaryStrings, readBinaryStrings } from "./binary.ts";
import { type ApacheConfig, buildModel } from "./config/model.ts";
import { parseApacheConfig, parseEnvvars } from "./config/parse.ts";
import { type LiveInfo, queryLiveBinary } from "./live.ts";
import { type OwnerFact, type OwnerLookup, packageOwner } from "./packages.ts";
import { upstreamOfPackageVersion } from "./version.ts";

/** How the version was established, best first (DESIGN.md: distro data > upstream version > banner). */
export type VersionSource = "package" | "live-binary" | "binary-file";

export interface ApacheInstallation {
  /** Guest path of the binary, symbolic links resolved. */
  binary: string;
  /** Other paths that led to the same binary. */
  aliases: string[];
  pids: number[];
  strings?: BinaryStrings;
  live?: LiveInfo;
  owner: OwnerLookup;
  version?: string;
  product?: string;
  versionSource?: VersionSource;
  configFile?: string;
  config?: ApacheConfig;
  /** The package that claims this path although the file's version differs (replaced outside the package manager). */
  packageMismatch?: OwnerFact;
  /** Processes still running a binary that was replaced on disk (an upgrade without restart), with their version. */
  replacedWhileRunning?: Array<{ pid: number; product?: string; version?: string }>;
}

export interface ApacheFacts {
  live: boolean;
  distroId?: string;
  distroVersion?: string;
  distroLike: string[];
  installations: ApacheInstallation[];
}

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

/** -f, -d and -D from an httpd command line. */
function argvOptions(argv: string[]): { f?: string; d?: string; defines: string[] } {
  const out: { f?: string; d?: string; defines: string[] } = { defines: [] };
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

async function discoverBinaries(
  ctx: ScanContext,
): Promise<Map<string, { aliases: Set<string>; procs: ProcessInfo[] }>> {
  const found = new Map<string, { aliases: Set<string>; procs: ProcessInfo[] }>();
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
    const e = found.get(real) ?? { aliases: new Set<string>(), procs: [] };
    if (p !== real) e.aliases.add(p);
    if (proc) e.procs.push(proc);
    found.set(real, e);
  };
  for (const p of FIXED_CANDIDATES) if (ctx.fs.exists(p)) add(p);
  for (const g of GLOB_CANDIDATES) for (const p of ctx.fs.glob(g)) add(p);
  if (ctx.fs.isLive) {
    for (const p of readProcesses(ctx.fs)) if (isApacheProcess(p) && p.exe) add(p.exe, p);
  } else if (found.size > 0) {
    ctx.diag.couldNotCheck({ area: "apache", reason: "not-live", detail: ctx.t("apache.diag.notLive") });
  }
  return found;
}

async function collectOne(
  ctx: ScanContext,
  binary: string,
  aliases: Set<string>,
  procs: ProcessInfo[],
): Promise<ApacheInstallation> {
  const inst: ApacheInstallation = {
    binary,
    aliases: [...aliases].sort(),
    pids: procs.map((p) => p.pid).sort((a, b) => a - b),
    owner: { found: undefined },
  };
  // A binary deleted from disk while running is still readable (and runnable) through /proc/PID/exe.
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
        detail: ctx.t("apache.diag.noVersionString", { path: binary }),
      });
  } catch (err) {
    ctx.diag.couldNotCheck({ area: "apache", path: binary, reason: errorCode(err) });
  }
  inst.owner = await packageOwner(ctx, binary);

  // A process whose executable was replaced on disk still runs the old code: read it through /proc.
  if (gone && runningPid !== undefined)
    ctx.diag.warn({
      area: "apache",
      path: binary,
      reason: "replaced-while-running",
      detail: ctx.t("apache.diag.replacedWhileRunning", { path: binary, pid: runningPid, running: "-" }),
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
        detail: ctx.t("apache.diag.replacedWhileRunning", {
          path: binary,
          pid: p.pid,
          running: old.product ?? "?",
        }),
      });
    } catch (err) {
      ctx.diag.couldNotCheck({ area: "apache", path: `/proc/${p.pid}/exe`, reason: errorCode(err) });
    }
  }

  // The process command line names the configuration it really runs with.
  const argv = procs.find((p) => p.argv.length > 0)?.argv ?? [];
  const opts = argvOptions(argv);
  const httpdRoot = opts.d ?? inst.strings?.httpdRoot;
  let configFile: string | undefined;
  let serverRoot: string | undefined;
  const conf = opts.f ?? inst.strings?.serverConfigFile;
  if (conf && httpdRoot) {
    serverRoot = httpdRoot;
    configFile = path.posix.isAbsolute(conf) ? conf : path.posix.join(httpdRoot, conf);
  }
  if (!configFile || !ctx.fs.exists(configFile)) {
    const dflt = defaultConfigFiles(binary).find((c) => ctx.fs.exists(c.file));
    if (dflt) {
      configFile = dflt.file;
      serverRoot = httpdRoot && ctx.fs.exists(httpdRoot) ? httpdRoot : dflt.root;
    }
  }
  const envvarsPath = configFile ? path.posix.join(path.posix.dirname(configFile), "envvars") : undefined;
  const envText = envvarsPath ? ctx.fs.tryReadText(envvarsPath) : undefined;
  const env = envText ? parseEnvvars(envText, path.posix.dirname(configFile as string)) : {};

  if (ctx.fs.isLive) {
    // mamori usually runs as root: only run a binary that only root can have written.
    const st = ctx.fs.tryStat(source);
    if (st && st.uid === 0 && (st.mode & 0o022) === 0) {
      inst.live = await queryLiveBinary(source, { configFile, serverRoot, env, defines: opts.defines });
      for (const e of inst.live.errors)
        ctx.diag.warn({ area: "apache", path: binary, reason: "live-query", detail: e });
    } else
      ctx.diag.couldNotCheck({
        area: "apache",
        path: binary,
        reason: "not-run",
        detail: ctx.t("apache.diag.notRun", { path: binary }),
      });
  }

  let pkgVersion = inst.owner.found ? upstreamOfPackageVersion(inst.owner.found.owner.version) : undefined;
  const fileVersion = inst.live?.version ?? inst.strings?.version;
  if (pkgVersion && fileVersion && fileVersion !== pkgVersion) {
    // The file is not what the package installed (overwritten by a source build): judge the file.
    ctx.diag.warn({
      area: "apache",
      path: binary,
      reason: "version-mismatch",
      detail: ctx.t("apache.diag.versionMismatch", {
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
      staticModules: inst.live?.modules,
      version: fileVersion ?? inst.version,
      t: ctx.t,
    });
    inst.config = buildModel(parsed);
  } else {
    ctx.diag.couldNotCheck({
      area: "apache.config",
      path: binary,
      reason: "ENOENT",
      detail: ctx.t("apache.diag.noConfig", { path: binary }),
    });
  }
  return inst;
}

/** Processes of one binary grouped by the configuration they run with (-f, -d, -D); none -> one group. */
function instanceGroups(procs: ProcessInfo[]): ProcessInfo[][] {
  const groups = new Map<string, ProcessInfo[]>();
  for (const p of procs) {
    if (p.argv.length === 0) continue;
    const o = argvOptions(p.argv);
    const key = JSON.stringify([o.f, o.d, [...o.defines].sort()]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  // Processes whose command line we could not read join the first group.
  const rest = procs.filter((p) => p.argv.length === 0);
  const list = [...groups.values()];
  if (list.length === 0) return [rest];
  (list[0] as ProcessInfo[]).push(...rest);
  return list;
}

/** Finds every Apache httpd on the scanned root and establishes version, owner and configuration for each. */
export async function collectApache(ctx: ScanContext): Promise<ApacheFacts> {
  const os = readOsRelease(ctx.fs);
  const facts: ApacheFacts = {
    live: ctx.fs.isLive,
    distroId: os.id,
    distroVersion: os.versionId,
    distroLike: os.idLike ?? [],
    installations: [],
  };
  const binaries = await discoverBinaries(ctx);
  if (binaries.size === 0)
    for (const conf of ["/etc/apache2/apache2.conf", "/etc/httpd/conf/httpd.conf", "/etc/apache2/httpd.conf"])
      if (ctx.fs.exists(conf))
        ctx.diag.couldNotCheck({
          area: "apache",
          path: conf,
          reason: "no-binary",
          detail: ctx.t("apache.diag.configWithoutBinary", { path: conf }),
        });
  for (const [bin, { aliases, procs }] of [...binaries].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      // One binary can run as several instances with their own configuration (apache2@site, -f other.conf).
      for (const group of instanceGroups(procs)) {
        const inst = await collectOne(ctx, bin, aliases, group);
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
        detail: ctx.t("apache.diag.failed", { path: bin, reason: errorCode(err) }),
      });
    }
  }
  return facts;
}
