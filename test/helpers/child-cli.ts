import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const MAMORI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/mamori");

export interface ChildRun {
  code: number | null;
  /** SIGKILL when the run passed its time limit (a hang). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the mamori process (VmHWM), in bytes. */
  peakRss: number;
  ms: number;
}

/**
 * The real CLI as a child process: a hang is killed at `timeoutMs` (not inherited by the test), and its
 * peak memory is watched. For attacks whose harm is a stall or a memory blow-up.
 */
export function runMamoriChild(
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(MAMORI, args, {
    env: { PATH: process.env.PATH, LANG: "en_US.UTF-8", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let peakRss = 0;
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const watch = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
    } catch {}
  }, 10);
  const killer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(watch);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, peakRss, ms: Date.now() - started });
    });
  });
}
