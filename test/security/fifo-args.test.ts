/**
 * A FIFO named on the command line is an error at once, never a hang: opening one for reading blocks
 * until someone writes to it, before any check of what it is could run. Found by a review (2026-12-07)
 * in `probe --targets` and in the data files `server db-update --ioc-file` reads.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { runMamoriChild } from "../helpers/child-cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const run = (args: string[]) => runMamoriChild(args, { timeoutMs: 20_000 });

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
