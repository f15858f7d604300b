/**
 * "Files read" in the human story: a directory of years of daily logs is thousands of files. Those with
 * something to say come first, the list stops at twenty and counts the rest; --verbose lists every one.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const LINE = '203.0.113.5 - - [12/Mar/2024:03:14:07 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n';

test("Files read: twenty at most, those with lines skipped first, the rest counted; --verbose lists all", async (t) => {
  const dir = tempDir(t);
  for (let i = 0; i < 30; i++) writeFileSync(join(dir, `site${String(i).padStart(2, "0")}.log`), LINE);
  // The last file in order, with a line no format reads: it must be among those shown.
  writeFileSync(join(dir, "site29.log"), `${LINE}not a log line ../../etc/passwd\n`);
  const short = (await mamori(["logs", "--color", "never", dir])).stdout;
  const listed = [...short.matchAll(/^ {2}\S+site(\d\d)\.log: /gm)].map((m) => m[1]);
  assert.equal(listed.length, 20, short);
  assert.ok(listed.includes("29"), short);
  assert.match(short, /^ {2}… and 10 more files, 10 lines, read with nothing skipped /m);
  const all = (await mamori(["logs", "--color", "never", "--verbose", dir])).stdout;
  assert.equal([...all.matchAll(/^ {2}\S+site\d\d\.log: /gm)].length, 30);
  assert.doesNotMatch(all, /more files/);
});

test("standard error tells the skipped lines of ten files at most and counts the other files", async (t) => {
  const dir = tempDir(t);
  for (let i = 0; i < 15; i++)
    writeFileSync(join(dir, `day${String(i).padStart(2, "0")}.log`), "not a log line ../../etc/passwd\n");
  const r = await mamori(["logs", "--color", "never", dir]);
  const told = new Set(
    [...r.stderr.matchAll(/^mamori: \S+(day\d\d)\.log:\d+: line skipped/gm)].map((m) => m[1]),
  );
  assert.equal(told.size, 10, r.stderr);
  assert.match(r.stderr, /^mamori: 5 more files with lines skipped \(each one in the report\)$/m);
});
