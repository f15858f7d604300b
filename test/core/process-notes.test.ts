import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { readProcesses } from "../../src/collect/proc/processes.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { renderText } from "../../src/core/message.ts";
import { translator } from "../../src/i18n/index.ts";
import { tempDir } from "../helpers/tmp.ts";

test("processes that end while being read: a keyed note, rendered in the reader's language", (t) => {
  const root = tempDir(t);
  // Two pids without a stat file: they were listed, then gone.
  for (const pid of ["4242", "4243"]) fs.mkdirSync(path.join(root, "proc", pid), { recursive: true });
  const diag = new Diagnostics();
  readProcesses(new RootFs(root), diag);
  const w = diag.warnings.find((x) => x.reason === "vanished");
  assert.ok(w?.detail, JSON.stringify(diag.warnings));
  assert.deepEqual(w.detail, { key: "hunt.diag.vanished", params: { count: 2 } });
  assert.equal(renderText(w.detail, translator("en")), "2 processes ended while being read");
  assert.equal(renderText(w.detail, translator("ja")), "2 個のプロセスが読み取り中に終了しました");
});
