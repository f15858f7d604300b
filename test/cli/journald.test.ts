/**
 * journald-friendly output (issue 18): when standard error is the journal (JOURNAL_STREAM names its
 * device and inode, as systemd sets it) or with --log-format journald, each line is one message with
 * an sd-daemon priority prefix (<3> error, <4> warning, <6> info) and no escape sequence. Tested on the
 * real binary with its standard error redirected to a file whose st_dev:st_ino is put in JOURNAL_STREAM.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { journalStream, plainLine } from "../../src/cli/journald.ts";
import { mamori } from "../helpers/cli.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const MAIN = path.join(REPO, "src/cli/main.ts");
const ROOT = path.join(REPO, "test/fixtures/roots/compromised-2.4.49");
const PREFIXED = /^<[346]>[^\x1b\r]*$/;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-journald-"));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs mamori with stderr into a new file; `journal` puts that file's dev:ino (or another's) in JOURNAL_STREAM. */
function run(args: string[], journal: "same" | "other" | "none", name: string) {
  const errFile = path.join(tmp, `${name}.err`);
  const fd = fs.openSync(errFile, "w", 0o600);
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    const other = fs.statSync(MAIN, { bigint: true });
    const env: NodeJS.ProcessEnv = { ...process.env, LANG: "C", NO_COLOR: undefined };
    delete env.JOURNAL_STREAM;
    delete env.MAMORI_CONFIG;
    if (journal === "same") env.JOURNAL_STREAM = `${st.dev}:${st.ino}`;
    if (journal === "other") env.JOURNAL_STREAM = `${other.dev}:${other.ino}`;
    env.MAMORI_STATE_DIR = path.join(tmp, `${name}-state`);
    const r = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, ...args], {
      env,
      stdio: ["ignore", "pipe", fd],
      encoding: "utf8",
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: fs.readFileSync(errFile, "utf8") };
  } finally {
    fs.closeSync(fd);
  }
}

test("a journal stream: one prefixed line per message, no colour codes or control bytes", () => {
  const out: string[] = [];
  const s = journalStream({ write: (x: string) => out.push(x) });
  s.write("scan started\n\x1b[31mred\x1b[0m and \x1b]8;;http://x\x07link\x1b]8;;\x07\nmamori: a warning\n");
  s.writeAt?.(3, "mamori: it failed\nsecond line\n");
  assert.deepEqual(out.join("").split("\n"), [
    "<6>scan started",
    "<6>red and link",
    "<4>mamori: a warning",
    "<3>mamori: it failed",
    "<3>second line",
    "",
  ]);
  assert.equal(plainLine("a\rb\x00c\x1b[2K"), "abc");
});

test("watch --once under systemd (JOURNAL_STREAM is its stderr): every line a prefixed message", () => {
  const db = path.join(tmp, "h.db");
  const r = run(["watch", "--once", "--root", ROOT, "--db", db, "--lang", "en"], "same", "watch");
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  assert.ok(lines.length >= 3, r.stderr);
  for (const l of lines) assert.match(l, PREFIXED);
  assert.ok(
    lines.some((l) => /^<6>.*[Ss]can/.test(l)),
    r.stderr,
  );
  // The compromised fixture has critical findings open: a warning, and exit 1.
  assert.equal(r.code, 1, r.stderr);
  assert.ok(
    lines.some((l) => /^<4>.*critical/.test(l)),
    r.stderr,
  );
});

test("JOURNAL_STREAM of another file (stderr redirected since) leaves plain lines", () => {
  const r = run(["audit", "--root", "/does/not/exist"], "other", "other");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^mamori: --root \/does\/not\/exist does not exist/);
});

test("an error under the journal is priority 3; --log-format text turns the prefixes off", () => {
  const r = run(["audit", "--root", "/does/not/exist"], "same", "error");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^<3>mamori: --root \/does\/not\/exist does not exist or is not a directory\n$/);
  const t = run(["audit", "--root", "/does/not/exist", "--log-format", "text"], "same", "text");
  assert.match(t.stderr, /^mamori: --root/);
});

test("--log-format journald without systemd; a bad value is a usage error", async () => {
  const r = await mamori(["audit", "--root", "/does/not/exist", "--log-format", "journald"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^<3>mamori: --root/);
  const bad = await mamori(["audit", "--root", ROOT, "--log-format", "xml"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--log-format.*text\|journald/);
  // logs keeps --log-format for the access log's format.
  const logs = await mamori(["logs", "/dev/null", "--log-format", "combined"]);
  assert.doesNotMatch(logs.stderr, /^<\d>/m);
});
