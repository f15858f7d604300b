/**
 * --output at something that is not a regular file. A FIFO another user planted in a shared directory
 * would hand the report (0600 when written as a file) to their reader: refused. A FIFO or device root made
 * where no one else can write, and the caller's own streams (/dev/stdout, /dev/fd/N), are written in place.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../helpers/tmp.ts";
import { ATTACKER, attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MAMORI = path.join(REPO, "bin/mamori");
const ATTACK =
  '203.0.113.5 - - [12/Mar/2024:03:14:07 +0000] "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 200 7 "-" "-"\n';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  fd3: string;
}

/** Runs a command to its end (killed after 30 s: a hang is a failure, not a stuck suite). */
function run(cmd: string, args: string[], fd3 = false): Promise<Run> {
  const child = spawn(cmd, args, {
    stdio: ["ignore", "pipe", "pipe", ...(fd3 ? (["pipe"] as const) : [])],
    env: { PATH: process.env.PATH, LANG: "C" },
    timeout: 30_000,
  });
  const text = (s: Readable | null | undefined) => {
    let out = "";
    s?.setEncoding("utf8");
    s?.on("data", (d: string) => (out += d));
    return () => out;
  };
  const [stdout, stderr, f3] = [text(child.stdout), text(child.stderr), text(child.stdio[3] as Readable)];
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code, stdout: stdout(), stderr: stderr(), fd3: f3() })),
  );
}

function logFile(t: { after: (fn: () => void) => void }): string {
  const log = path.join(tempDir(t), "access.log");
  fs.writeFileSync(log, ATTACK);
  return log;
}

/** Writes into a FIFO as soon as it has a reader (non-blocking open, retried for at most 10 s). */
async function writeWhenRead(fifo: string, text: string): Promise<void> {
  const { O_WRONLY, O_NONBLOCK } = fs.constants;
  for (const deadline = Date.now() + 10_000; ; ) {
    try {
      const fd = fs.openSync(fifo, O_WRONLY | O_NONBLOCK);
      fs.writeSync(fd, text);
      fs.closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENXIO" || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

test("as root, --output at a FIFO another user planted in a shared directory: refused, their reader gets nothing", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  const shared = path.join(base, "shared");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777); // as /tmp
  const fifo = path.join(shared, "report.json");
  attackerShell(`mkfifo '${fifo}'`);
  const reader = run("setpriv", [
    `--reuid=${ATTACKER.uid}`,
    `--regid=${ATTACKER.gid}`,
    "--clear-groups",
    "--",
    "cat",
    fifo,
  ]);

  const r = await run(MAMORI, ["logs", logFile(t), "--format", "json", "--output", fifo]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /cannot write .*report\.json: not a regular file \(a FIFO, socket or device\) that another user made or could have put there/,
  );
  assert.ok(fs.lstatSync(fifo).isFIFO(), "left as it was");

  // The trap is real: nobody's reader was waiting there and receives what is written into the FIFO.
  await writeWhenRead(fifo, "canary\n");
  const got = await reader;
  assert.equal(got.stdout, "canary\n", "the reader got the canary and nothing of the report");
});

test("as root, a FIFO of root's own in a directory others can write is refused too; another user's FIFO reached by a planted link is not written through", async (t) => {
  const why = needsRoot();
  if (why) return t.skip(why);
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  const shared = path.join(base, "shared");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  const log = logFile(t);
  // Root's own FIFO in /tmp: another user may read it if its mode lets them; no report into it.
  const rootFifo = path.join(shared, "root.fifo");
  await run("mkfifo", [rootFifo]);
  const r = await run(MAMORI, ["logs", log, "--format", "json", "--output", rootFifo]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not a regular file/);
  // A link the attacker planted, to their FIFO: the link is replaced by a 0600 report, never followed.
  attackerShell(`mkfifo '${shared}/their.fifo' && ln -s '${shared}/their.fifo' '${shared}/r.json'`);
  const l = await run(MAMORI, ["logs", log, "--format", "json", "--output", path.join(shared, "r.json")]);
  assert.equal(l.code, 1, l.stderr);
  const st = fs.lstatSync(path.join(shared, "r.json"));
  assert.ok(st.isFile());
  assert.equal(st.mode & 0o777, 0o600);
  assert.ok(fs.lstatSync(path.join(shared, "their.fifo")).isFIFO());
});

test("--output at the caller's own FIFO in a private directory and at /dev/fd/N (process substitution) writes the report there", async (t) => {
  const dir = tempDir(t);
  const log = logFile(t);
  const fifo = path.join(dir, "report.fifo");
  const made = await run("mkfifo", [fifo]);
  if (made.code !== 0) return t.skip(`mkfifo: ${made.stderr}`);
  const reader = run("cat", [fifo]);
  const r = await run(MAMORI, ["logs", log, "--format", "json", "--output", fifo]);
  assert.equal(r.code, 1, r.stderr); // 1: the attack is a finding
  const got = await reader;
  assert.equal(JSON.parse(got.stdout).schemaVersion, 1);
  assert.ok(fs.lstatSync(fifo).isFIFO(), "still a FIFO, not replaced by a file");

  const viaFd = await run(MAMORI, ["logs", log, "--format", "json", "--output", "/dev/fd/3"], true);
  assert.equal(viaFd.code, 1, viaFd.stderr);
  assert.equal(JSON.parse(viaFd.fd3).schemaVersion, 1);
  const viaStdout = await run(MAMORI, ["logs", log, "--format", "json", "--output", "/dev/stdout"]);
  assert.equal(viaStdout.code, 1, viaStdout.stderr);
  assert.equal(JSON.parse(viaStdout.stdout).schemaVersion, 1);
});
