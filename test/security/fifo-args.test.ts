/**
 * A FIFO named on the command line is an error at once, never a hang: opening one for reading blocks
 * until someone writes to it, before any check of what it is could run. Found by a review (2026-12-07)
 * in `probe --targets` and in the data files `server db-update --ioc-file` reads.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/tmp.ts";

const MAMORI = path.resolve(import.meta.dirname, "../../bin/mamori");

function run(args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(MAMORI, args, {
    env: { PATH: process.env.PATH, LANG: "en_US.UTF-8" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stderr });
    }),
  );
}

test("probe --targets FIFO and server db-update --ioc-file FIFO end at once with an error", async (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, "list.json");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0);

  const probe = await run(["probe", "--targets", fifo]);
  assert.equal(probe.signal, null, "probe hung on a FIFO");
  assert.equal(probe.code, 2, probe.stderr);
  assert.match(probe.stderr, /cannot read --targets .*list\.json: ENOTREG/);

  const data = path.join(tempDir(t), "srv");
  fs.mkdirSync(data, { mode: 0o700 });
  const server = await run(["server", "--data", data, "db-update", "--no-feeds", "--ioc-file", fifo]);
  assert.equal(server.signal, null, "server db-update hung on a FIFO");
  assert.notEqual(server.code, 0, server.stderr);
  assert.match(server.stderr, /list\.json: not a regular file/);
});
