/**
 * One configuration file for every command (issue 18): --config FILE, else MAMORI_CONFIG, else
 * /etc/mamori/config.yaml when it exists; a flag on the command line wins over the file. A bad file is
 * named with its line (exit 2), a named file that is missing is an error, the default one missing is not,
 * and as root a file another user can change is refused, not read.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { mamori } from "../helpers/cli.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-config-"));
// Six requests for /.env from a scanner: low findings, so the threshold decides the exit code.
const log = path.join(tmp, "access.log");
fs.writeFileSync(
  log,
  Array.from(
    { length: 6 },
    (_, i) =>
      `198.51.100.7 - - [05/Dec/2026:10:00:0${i} +0000] "GET /.env HTTP/1.1" 404 123 "-" "Mozilla/5.0 zgrab/0.x"\n`,
  ).join(""),
);
const config = (name: string, text: string, mode = 0o600): string => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
};
const logs = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  mamori(["logs", log, "--now", "2026-12-05T12:00:00Z", ...args], { env: { LANG: "C", ...env } });

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("without a configuration file (the default one missing is fine) low findings exit 1", async () => {
  const r = await logs([], { MAMORI_CONFIG: undefined });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /automated probe/);
});

test("the file's severityThreshold, exitCode and lang apply; the command line wins over each", async () => {
  const file = config("c.yaml", "lang: ja\nseverityThreshold: medium\nexitCode: 9\n");
  const quiet = await logs(["--config", file]);
  assert.equal(quiet.code, 0, "low findings are below the file's threshold");
  assert.match(quiet.stdout, /[\u3040-\u30ff]/, "Japanese from the file's lang");
  const low = await logs(["--config", file, "--severity-threshold", "low"]);
  assert.equal(low.code, 9, "the file's exitCode for findings at the threshold");
  assert.equal((await logs(["--config", file, "--severity-threshold", "low", "--exit-code", "4"])).code, 4);
  const en = await logs(["--config", file, "--lang", "en"]);
  assert.doesNotMatch(en.stdout, /[\u3040-\u30ff]/, "--lang en wins over lang: ja");
});

test("--config wins over MAMORI_CONFIG, which wins over the default file", async () => {
  const strict = config("strict.yaml", "severityThreshold: critical\n");
  const loose = config("loose.yaml", "severityThreshold: info\nexitCode: 7\n");
  assert.equal((await logs([], { MAMORI_CONFIG: strict })).code, 0);
  assert.equal((await logs(["--config", loose], { MAMORI_CONFIG: strict })).code, 7);
  // The same file read by commands that had none before: history's, probe's and respond's --lang.
  const ja = config("ja.yaml", "lang: ja\n");
  const restore = await mamori(["restore", "--list", "--quarantine-dir", path.join(tmp, "q")], {
    env: { LANG: "C", MAMORI_CONFIG: ja },
  });
  assert.match(`${restore.stdout}${restore.stderr}`, /[\u3040-\u30ff]/, restore.stdout + restore.stderr);
});

test("a bad file names file and line and exits 2; so does a named file that is missing", async () => {
  const bad = config("bad.yaml", "lang: en\n\nseverityThreshold: severe\n");
  const r = await logs(["--config", bad]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(`${bad}:3: severityThreshold`), r.stderr);
  assert.equal(r.stdout, "");
  const taken = config("taken.yaml", "exitCode: 2\n");
  const t = await logs(["--config", taken]);
  assert.equal(t.code, 2);
  assert.ok(t.stderr.includes(`${taken}:1: exitCode`), t.stderr);
  const yaml = config("yaml.yaml", "lang: [ja\n");
  assert.equal((await logs(["--config", yaml])).code, 2);
  const missing = await logs(["--config", path.join(tmp, "nope.yaml")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml/);
  assert.equal((await logs([], { MAMORI_CONFIG: path.join(tmp, "nope.yaml") })).code, 2);
});

test("as root, a configuration another user can change is refused, not read", {
  skip: process.geteuid?.() !== 0,
}, async () => {
  // World-writable: anyone could set `severityThreshold: critical` and hide what they did.
  const open = config("open.yaml", "severityThreshold: critical\n", 0o666);
  const r = await logs(["--config", open]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /another user can change/);
  // Owned by another user: the same.
  const owned = config("owned.yaml", "severityThreshold: critical\n");
  fs.chownSync(owned, 65534, 65534);
  const o = await logs([], { MAMORI_CONFIG: owned });
  assert.equal(o.code, 2);
  assert.match(o.stderr, /another user can change/);
});

test("the server's options come from the file's server: block, its subcommands' too; the command line wins", async () => {
  const fileData = path.join(tmp, "srv-file");
  const cliData = path.join(tmp, "srv-cli");
  // `server token` uses an existing data directory (the running server makes it): two empty ones.
  for (const d of [fileData, cliData]) fs.mkdirSync(d, { mode: 0o700 });
  const file = config("server.yaml", `lang: ja\nserver:\n  data: ${fileData}\n  retentionDays: 30\n`);
  const fromFile = await mamori(["server", "token", "--config", file], { env: { LANG: "C" } });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout.trim(), /^mmt_[A-Za-z0-9_-]{20,}$/);
  assert.match(fromFile.stderr, /[\u3040-\u30ff]/, "the file's lang applies to the server too");
  const used = (d: string) => fs.readdirSync(d).length > 0;
  assert.ok(used(fileData), "the data directory named in the file was used");
  const fromCli = await mamori(["server", "token", "--config", file, "--data", cliData], {
    env: { LANG: "C" },
  });
  assert.equal(fromCli.code, 0, fromCli.stderr);
  assert.ok(used(cliData), "--data wins over the file");
  const bad = config("server-bad.yaml", "server:\n  data: relative/dir\n");
  const refused = await mamori(["server", "token", "--config", bad], { env: { LANG: "C" } });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /server-bad\.yaml:2: server\.data/);
});
