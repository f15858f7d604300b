import assert from "node:assert/strict";
import { appendFileSync, closeSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { logStream, openLogFile, sortRotations } from "../../src/collect/logs/read.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { tempDir } from "../helpers/tmp.ts";

test("rotations sort oldest first: numbered (.N.gz highest first) and dateext, then the live file", () => {
  assert.deepEqual(
    sortRotations([
      "/l/access.log",
      "/l/access.log.1",
      "/l/access.log.10.gz",
      "/l/access.log.2.gz",
      "/l/error.log",
      "/l/error.log.1",
    ]),
    [
      "/l/access.log.10.gz",
      "/l/access.log.2.gz",
      "/l/access.log.1",
      "/l/access.log",
      "/l/error.log.1",
      "/l/error.log",
    ],
  );
  assert.deepEqual(sortRotations(["/l/access.log", "/l/access.log-20240302.gz", "/l/access.log-20240301"]), [
    "/l/access.log-20240301",
    "/l/access.log-20240302.gz",
    "/l/access.log",
  ]);
});

test("a log appended to after it was opened is read up to its size at open, plain or gzip", async (t) => {
  const dir = tempDir(t);
  const line = `${"x".repeat(99)}\n`;
  writeFileSync(join(dir, "access.log"), line.repeat(10_000));
  writeFileSync(join(dir, "access.log.1.gz"), gzipSync(line.repeat(10_000)));
  const rfs = new RootFs(dir);
  for (const name of ["access.log", "access.log.1.gz"]) {
    const file = openLogFile(rfs, `/${name}`);
    try {
      appendFileSync(
        join(dir, name),
        name.endsWith(".gz") ? gzipSync(line.repeat(5_000)) : line.repeat(5_000),
      );
      let bytes = 0;
      for await (const chunk of logStream(file).stream as AsyncIterable<Buffer>) bytes += chunk.length;
      assert.equal(bytes, 1_000_000, name);
    } finally {
      closeSync(file.fd);
    }
  }
});
