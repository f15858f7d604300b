import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { scanContext } from "../../src/audit/context.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { checkContext } from "../../src/core/context.ts";
import { huntScanner } from "../../src/hunt/scanner.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DATA_DIR } from "./helpers/fixture.ts";

/** What a readdir-filtering rootkit (a preloaded libprocesshider) shows: /proc without one pid. */
class HidingFs extends RootFs {
  readonly hide: number;
  constructor(hide: number) {
    super("/");
    this.hide = hide;
  }
  override readdir(p: string): string[] {
    const names = super.readdir(p);
    return p === "/proc" ? names.filter((n) => n !== String(this.hide)) : names;
  }
}

test("live: a pid missing from the /proc listing but answering stat is reported as hidden; threads are not", async (t) => {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  t.after(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  });
  assert.ok(child.pid);
  const ctx = scanContext({ root: "/", now: () => new Date(), lang: "en", dataDir: DATA_DIR }, {});
  ctx.fs = new HidingFs(child.pid);
  const scanner = huntScanner({ sampleMs: 100, feedDir: tempDir(t) });
  const facts = await scanner.collect(ctx);
  const hidden = facts.hiddenPids ?? [];
  assert.ok(
    hidden.some((h) => h.pid === child.pid && h.comm === "sleep"),
    JSON.stringify(hidden),
  );
  // Threads (ours and everyone's) answer stat too but belong to listed processes: only the child is hidden.
  assert.deepEqual(
    hidden.map((h) => h.pid),
    [child.pid],
  );
  const data = scanner.load?.(facts, ctx);
  assert.ok(data);
  const findings = scanner.check(facts, checkContext(ctx), data);
  const f = findings.find((x) => x.check === "process.hidden" && x.data?.pid === child.pid);
  assert.ok(f);
  assert.equal(f.severity, "critical");
});
