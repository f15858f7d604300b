import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const TIMEOUT_MS = 10_000;

/** What the running binary says about itself (`-v`, `-V`, `-M`); only on the live root. */
export interface LiveInfo {
  version?: string;
  product?: string;
  httpdRoot?: string;
  serverConfigFile?: string;
  mpm?: string;
  /** Loaded modules from `-M` (ids such as cgid_module), when the configuration could be read by httpd. */
  modules?: string[];
  errors: string[];
}

async function output(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ out: string; err?: string }> {
  try {
    const { stdout, stderr } = await run(bin, args, { timeout: TIMEOUT_MS, env, maxBuffer: 4 * 1024 * 1024 });
    return { out: `${stdout}\n${stderr}` };
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message?: string };
    return {
      out: `${x.stdout ?? ""}\n${x.stderr ?? ""}`,
      err: (x.stderr || x.message || "").trim().split("\n")[0],
    };
  }
}

export function parseVersionOutput(
  text: string,
): Pick<LiveInfo, "version" | "product" | "httpdRoot" | "serverConfigFile" | "mpm"> {
  const m = /Server version:\s*(Apache\/(\d+\.\d+\.\d+)[^\n]*)/.exec(text);
  return {
    product: m?.[1]?.trim(),
    version: m?.[2],
    httpdRoot: /-D HTTPD_ROOT="([^"]+)"/.exec(text)?.[1],
    serverConfigFile: /-D SERVER_CONFIG_FILE="([^"]+)"/.exec(text)?.[1],
    mpm: /Server MPM:\s*(\S+)/.exec(text)?.[1],
  };
}

export function parseModulesOutput(text: string): string[] {
  const mods: string[] = [];
  for (const l of text.split("\n")) {
    const m = /^\s+([A-Za-z0-9_]+_module)\s+\((static|shared)\)/.exec(l);
    if (m?.[1]) mods.push(m[1]);
  }
  return mods;
}

/** Runs the binary with a timeout; `-M` needs the configuration's environment (Debian's envvars). */
export async function queryLiveBinary(
  bin: string,
  opts: { configFile?: string; serverRoot?: string; env: Record<string, string>; defines?: string[] },
): Promise<LiveInfo> {
  const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C", ...opts.env };
  const errors: string[] = [];
  const v = await output(bin, ["-V"], env);
  const info: LiveInfo = { ...parseVersionOutput(v.out), errors };
  if (!info.version) {
    const plain = await output(bin, ["-v"], env);
    Object.assign(info, { ...parseVersionOutput(plain.out), mpm: info.mpm });
    if (!info.version && plain.err) errors.push(`${bin} -v: ${plain.err}`);
  }
  const margs = ["-M"];
  if (opts.serverRoot) margs.push("-d", opts.serverRoot);
  if (opts.configFile) margs.push("-f", opts.configFile);
  for (const d of opts.defines ?? []) margs.push("-D", d);
  const m = await output(bin, margs, env);
  const mods = parseModulesOutput(m.out);
  if (mods.length > 0) info.modules = mods;
  else if (m.err) errors.push(`${bin} -M: ${m.err}`);
  return info;
}
