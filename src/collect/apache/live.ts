import { execFile } from "node:child_process";
import * as fs from "node:fs";
import type { LiveInfo, NotRun } from "../../facts/apache.ts";
import { type BinaryStrings, readBinaryStringsFd } from "./binary.ts";
import { loaderProblem } from "./loader-trust.ts";
import { openTrustedBinary } from "./trust.ts";

export type { LiveInfo, NotRun };

const TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 256 * 1024;
/** The whole environment a queried binary gets: nothing from mamori's caller, a process or a file. */
export const CLEAN_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C",
});
/**
 * The only arguments ever passed. `-v` and `-l` answer from the binary alone; `-V` and `-M` read the
 * compiled-in or given configuration and load the modules it names, so they are never run.
 */
export const LIVE_QUERIES = [["-v"], ["-l"]] as const;

function output(argv0: string, args: readonly string[]): Promise<{ out: string; err?: string }> {
  return new Promise((resolve) => {
    execFile(
      argv0,
      [...args],
      {
        timeout: TIMEOUT_MS,
        killSignal: "SIGKILL",
        env: { ...CLEAN_ENV },
        cwd: "/",
        maxBuffer: MAX_OUTPUT,
        encoding: "utf8",
        windowsHide: true,
      },
      (e, stdout, stderr) => {
        const out = `${stdout}\n${stderr}`;
        if (!e) return resolve({ out });
        resolve({ out, err: (stderr || e.message || "").trim().split("\n")[0]?.slice(0, 300) });
      },
    );
  });
}

export function parseVersionOutput(text: string): Pick<LiveInfo, "version" | "product"> {
  const m = /Server version:\s*(Apache\/(\d+\.\d+\.\d+)[^\n]*)/.exec(text);
  return { product: m?.[1]?.trim(), version: m?.[2] };
}

/** `httpd -l`: "Compiled in modules:" then one source name per line. */
export function parseCompiledModules(text: string): string[] {
  const mods: string[] = [];
  let inList = false;
  for (const l of text.split("\n")) {
    if (/^Compiled in modules:/.test(l)) inList = true;
    else if (inList) {
      const m = /^\s+([A-Za-z0-9_]+\.c)\s*$/.exec(l);
      if (m?.[1]) mods.push(m[1]);
      else if (l.trim() !== "") break;
    }
  }
  return mods;
}

/**
 * Runs `-v` and `-l` of a binary only when root alone can have written it and it is Apache httpd by its
 * own bytes: every component of `realPath` is opened without following links and checked (owner root,
 * not writable by others), the file is an ELF holding an Apache/x.y.z string, what its loader reads
 * (interpreter, RPATH/RUNPATH directories and the libraries there) is root's alone too (loader-trust.ts),
 * and the descriptor that was checked is the one executed (`/proc/self/fd/N`), in a fixed environment
 * from "/".
 */
export async function queryLiveBinary(
  realPath: string,
): Promise<{ info: LiveInfo; strings: BinaryStrings } | { notRun: NotRun }> {
  const opened = openTrustedBinary(realPath);
  if ("problem" in opened) return { notRun: { why: "untrusted-path", problem: opened.problem } };
  const { fd } = opened;
  try {
    const strings = readBinaryStringsFd(fd);
    if (!strings.elf) return { notRun: { why: "not-elf" } };
    if (!strings.version || !/^2\./.test(strings.version)) return { notRun: { why: "not-apache" } };
    // Executing it runs its loader and libraries too: those must be root's alone as well.
    const loader = loaderProblem(fd, realPath);
    if (loader)
      return {
        notRun:
          loader.what === "unreadable"
            ? { why: "unreadable-loader", by: loader.by, detail: loader.detail }
            : { why: "untrusted-loader", what: loader.what, by: loader.by, problem: loader.problem },
      };
    const self = `/proc/self/fd/${fd}`;
    const errors: string[] = [];
    const info: LiveInfo = { errors };
    const [vArgs, lArgs] = LIVE_QUERIES;
    const v = await output(self, vArgs);
    Object.assign(info, parseVersionOutput(v.out));
    if (!info.version && v.err) errors.push(`${realPath} -v: ${v.err}`);
    const l = await output(self, lArgs);
    const mods = parseCompiledModules(l.out);
    if (mods.length > 0) info.modules = mods;
    else if (l.err) errors.push(`${realPath} -l: ${l.err}`);
    return { info, strings };
  } finally {
    fs.closeSync(fd);
  }
}
