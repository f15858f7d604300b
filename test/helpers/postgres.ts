import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import pgModule from "pg";
import { freePort } from "./net.ts";
import { tempDir } from "./tmp.ts";

/** The newest PostgreSQL server binaries Debian installed, if any. */
export function pgBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a));
  } catch {
    return undefined;
  }
  for (const v of versions)
    if (fs.existsSync(path.join(base, v, "bin/initdb"))) return path.join(base, v, "bin");
  return undefined;
}

/** Why a real PostgreSQL cannot be started here, or false when it can. */
export const pgSkip: string | false =
  pgBin() !== undefined && process.getuid?.() === 0
    ? false
    : "PostgreSQL binaries (apt-get install postgresql) and root (to initdb as postgres) are needed";

/**
 * Starts a throw-away PostgreSQL on 127.0.0.1 (stopped when the test ends); resolves to its URL. Tests run it
 * without fsync (speed); `durable` keeps fsync and synchronous commit on, as a benchmark of real storage needs,
 * and `settings` are extra `-c name=value` server settings.
 */
export async function startPostgres(
  t: { after: (fn: () => Promise<void> | void) => void },
  opts: { durable?: boolean; settings?: string[] } = {},
): Promise<string> {
  const bin = pgBin();
  if (!bin || process.getuid?.() !== 0) throw new Error("PostgreSQL binaries and root are needed");
  const dir = tempDir(t, "mamori-srv-pg-");
  const data = path.join(dir, "data");
  const sock = path.join(dir, "sock");
  fs.mkdirSync(sock);
  spawnSync("chown", ["-R", "postgres:postgres", dir]);
  const init = spawnSync(
    "runuser",
    [
      "-u",
      "postgres",
      "--",
      `${bin}/initdb`,
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      ...(opts.durable ? [] : ["--no-sync"]),
    ],
    { encoding: "utf8" },
  );
  assert.equal(init.status, 0, init.stderr);
  const port = await freePort();
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  const pg: ChildProcess = spawn(
    `${bin}/postgres`,
    [
      "-D",
      data,
      "-k",
      sock,
      "-p",
      String(port),
      "-h",
      "127.0.0.1",
      ...(opts.durable ? [] : ["-F"]),
      ...(opts.settings ?? []).flatMap((s) => ["-c", s]),
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
      uid,
      gid,
    },
  );
  let log = "";
  pg.stderr?.on("data", (b) => (log += b));
  const exited = new Promise((r) => pg.on("exit", r));
  t.after(async () => {
    pg.kill("SIGINT");
    await exited;
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; i < 100; i++) {
    const c = new pgModule.Client({ connectionString: url });
    try {
      await c.connect();
      await c.end();
      return url;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL did not start: ${log}`);
}
