import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runLogs } from "../../src/collect/logs/run.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { tempDir } from "../helpers/tmp.ts";

test("two threads give the same lines, events and line numbers as one", async (t) => {
  const dir = tempDir(t);
  const f = join(dir, "access.log");
  let s = "";
  for (let i = 0; i < 3000; i++) {
    const req = i % 97 === 0 ? "GET /cgi-bin/.%2e/.%2e/etc/passwd" : `GET /page/${i}.html`;
    s += `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(i % 60).padStart(2, "0")}:07 +0000] "${req} HTTP/1.1" 200 ${i} "-" "x"\n`;
  }
  writeFileSync(f, s);
  const fs = new RootFs("/");
  const rules = loadRules();
  const inputs = [{ path: f, display: f }];
  const one = await runLogs(fs, inputs, { rules, parallel: false });
  const two = await runLogs(fs, inputs, { rules, parallelMinBytes: 1 });
  assert.equal(two.files[0]?.lines, 3000);
  assert.equal(one.files[0]?.lines, 3000);
  assert.deepEqual(
    two.events.map((e) => e.line),
    one.events.map((e) => e.line),
  );
  assert.equal(one.events.length, 31);
  assert.equal(Math.min(...one.events.map((e) => e.line).filter((l) => l > 1)), 98);
});
