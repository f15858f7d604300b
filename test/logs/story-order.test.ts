/**
 * The story names who got in in the order they got in: the first break-in first, however busy the
 * others were (an operator rebuilds the timeline from it).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const read = (ip: string, second: number, status: number, size: number) =>
  `${ip} - - [20/Nov/2026:03:00:${String(second).padStart(2, "0")} +0000] "GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd HTTP/1.1" ${status} ${size} "-" "curl/8.0"`;

test("those who got in are told in the order they got in, not by how busy they were", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  // In time order, as a log is: the busiest client tries twelve times, then gets in last.
  const lines = [
    ...Array.from({ length: 12 }, (_, i) => read("198.51.100.9", i, 404, 196)),
    read("203.0.113.5", 20, 200, 1294),
    read("192.0.2.44", 30, 200, 1294),
    read("198.51.100.9", 40, 200, 1294),
  ];
  writeFileSync(f, `${lines.join("\n")}\n`);
  const story = (await mamori(["logs", "--color", "never", f])).stdout;
  const order = [...story.matchAll(/^ {2}(\S+) succeeded at (\S+ \S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(
    order,
    ["203.0.113.5 2026-11-20 03:00:20", "192.0.2.44 2026-11-20 03:00:30", "198.51.100.9 2026-11-20 03:00:40"],
    story,
  );
});

test("within one second, those who got in are listed in the order the log wrote them", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  writeFileSync(f, `${[read("203.0.113.9", 20, 200, 1294), read("192.0.2.1", 20, 200, 1294)].join("\n")}\n`);
  const story = (await mamori(["logs", "--color", "never", f])).stdout;
  const order = [...story.matchAll(/^ {2}(\S+) succeeded at/gm)].map((m) => m[1]);
  assert.deepEqual(order, ["203.0.113.9", "192.0.2.1"], story);
});
