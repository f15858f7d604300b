import assert from "node:assert/strict";
import { test } from "node:test";
import { sortRotations } from "../../src/collect/logs/read.ts";

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
