import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { stopChild } from "../helpers/net.ts";

export const MAMORI = path.resolve("bin/mamori");
export const COMPROMISED = path.resolve("test/fixtures/roots/compromised-2.4.49");

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  fingerprint: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `mamori server` as a real process on 127.0.0.1 (the system picks the port; it is printed). */
export async function startServerProcess(
  t: { after: (fn: () => Promise<void> | void) => void },
  args: string[],
): Promise<ServerProcess> {
  const child = spawn(MAMORI, ["server", "--listen", "127.0.0.1:0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LANG: "en_US.UTF-8" },
  });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  t.after(() => stopChild(child));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    const fp = /([0-9A-F]{2}(?::[0-9A-F]{2}){31})/.exec(out);
    if (m && fp)
      return {
        child,
        port: Number(m[1]),
        fingerprint: fp[1] as string,
        output: () => out,
        async stop(signal: NodeJS.Signals = "SIGTERM") {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once("exit", r));
          child.kill(signal);
          await exited;
        },
      };
    if (child.exitCode !== null) assert.fail(`server exited ${child.exitCode}: ${out}`);
    if (Date.now() > deadline) assert.fail(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a separate process. */
export function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(MAMORI, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LANG: "en_US.UTF-8", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * An HTTPS request to the server, validating its certificate the ordinary way against the certificate kept
 * in the data directory (its subjectAltName holds 127.0.0.1), independent of the agent's pinning code.
 */
export function call(
  port: number,
  dataDir: string,
  method: string,
  p: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; json: unknown; text: string; headers: Record<string, unknown> }> {
  const ca = fs.readFileSync(path.join(dataDir, "tls-cert.pem"));
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port, method, path: p, ca, headers: opts.headers, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text, headers: res.headers });
        });
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}
