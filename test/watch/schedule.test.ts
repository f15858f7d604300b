import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { CRON_TO_SYSLOG, cronToOnCalendar } from "../../src/watch/schedule-files.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { serverRoot } from "./helpers.ts";

test("cron expressions become systemd calendar events that systemd itself accepts", () => {
  const cases: Array<[string, string]> = [
    ["*/15 * * * *", "*-*-* *:00/15:00"],
    ["0 3 * * *", "*-*-* 03:00:00"],
    ["30 2 * * 1-5", "Mon..Fri *-*-* 02:30:00"],
    ["5,35 */2 1 * *", "*-*-01 00/2:05,35:00"],
    ["0 0 * * sun", "Sun *-*-* 00:00:00"],
    ["0 12 * 1,7 *", "*-01,07-* 12:00:00"],
  ];
  const analyze = spawnSync("systemd-analyze", ["--version"]).status === 0;
  for (const [cron, want] of cases) {
    const got = cronToOnCalendar(cron);
    assert.equal(got, want, cron);
    if (analyze) {
      const r = spawnSync("systemd-analyze", ["calendar", got], { encoding: "utf8" });
      assert.equal(r.status, 0, `${got}: ${r.stderr}`);
    }
  }
  assert.throws(() => cronToOnCalendar("0 0 1 * 1"), { key: "watch.schedule.domAndDow" });
  assert.throws(() => cronToOnCalendar("* * * *"), { key: "watch.schedule.fiveFields" });
  assert.throws(() => cronToOnCalendar("61 * * * *"), { key: "watch.schedule.outOfRange" });
});

test("schedule install/status/remove with systemd under --root: shows what it wrote, removes exactly that", async (t) => {
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/systemd/system/apache2.service"), "[Service]\n");
  const r = await mamori([
    "schedule",
    "install",
    "--root",
    root,
    "--schedule",
    "0 * * * *",
    "--db",
    "/srv/mamori/h.db",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const service = fs.readFileSync(path.join(root, "etc/systemd/system/mamori.service"), "utf8");
  const timer = fs.readFileSync(path.join(root, "etc/systemd/system/mamori.timer"), "utf8");
  assert.match(
    service,
    /^ExecStart=\/\S+\/bin\/mamori watch --once --db \/srv\/mamori\/h\.db --log-format journald$/m,
  );
  assert.match(service, /^ReadWritePaths=\/var\/lib\/mamori \/srv\/mamori$/m);
  assert.match(timer, /^OnCalendar=\*-\*-\* \*:00:00$/m);
  assert.match(timer, /^WantedBy=timers\.target$/m);
  assert.ok(r.stdout.includes(service) && r.stdout.includes(timer), "prints exactly what it wrote");
  assert.match(r.stdout, /systemctl daemon-reload && systemctl enable --now mamori\.timer/);

  const s = await mamori(["schedule", "status", "--root", root, "--format", "json"]);
  assert.deepEqual(JSON.parse(s.stdout).installed, [
    "/etc/systemd/system/mamori.service",
    "/etc/systemd/system/mamori.timer",
  ]);
  // Installing again replaces our own files.
  assert.equal((await mamori(["schedule", "install", "--root", root])).code, 0);

  const rm = await mamori(["schedule", "remove", "--root", root, "--lang", "ja"]);
  assert.equal(rm.code, 0);
  assert.match(rm.stdout, /削除しました/);
  assert.match(rm.stdout, /systemctl disable --now mamori\.timer/);
  assert.deepEqual(fs.readdirSync(path.join(root, "etc/systemd/system")), ["apache2.service"]);
  const none = await mamori(["schedule", "status", "--root", root]);
  assert.match(none.stdout, /No mamori schedule is installed/);
});

test("schedule leaves a file it did not write alone, refuses --now off the live root, and uses cron without systemd", async (t) => {
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/systemd/system/mamori.timer"), "[Timer]\nOnCalendar=daily\n");
  const clash = await mamori(["schedule", "install", "--root", root]);
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /was not written by mamori/);
  assert.equal(
    fs.existsSync(path.join(root, "etc/systemd/system/mamori.service")),
    false,
    "nothing half-installed",
  );
  assert.equal((await mamori(["schedule", "remove", "--root", root])).code, 0);
  assert.ok(fs.existsSync(path.join(root, "etc/systemd/system/mamori.timer")), "not ours: kept");

  const now = await mamori(["schedule", "install", "--root", root, "--now"]);
  assert.equal(now.code, 2);
  assert.match(now.stderr, /--now only works on this machine's own root/);

  const plain = tempDir(t);
  const c = await mamori(["schedule", "install", "--root", plain, "--schedule", "*/10 * * * *"]);
  assert.equal(c.code, 0, c.stderr);
  const cron = fs.readFileSync(path.join(plain, "etc/cron.d/mamori"), "utf8");
  assert.ok(
    cron.includes(" root ") &&
      cron.includes(` watch --once --log-format journald 2>&1 | ${CRON_TO_SYSLOG}\n`),
    cron,
  );
  assert.doesNotMatch(cron, /%/, "cron reads % as a newline");
  assert.match(c.stdout, /cron picks it up by itself/);
  assert.equal((await mamori(["schedule", "remove", "--root", plain])).code, 0);
  assert.deepEqual(fs.readdirSync(path.join(plain, "etc/cron.d")), []);
});

test("a schedule systemd cannot express is refused in the user's language", async (t) => {
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
  const r = await mamori(["schedule", "install", "--root", root, "--schedule", "0 0 1 * 1", "--lang", "ja"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cron では OR、systemd では AND/);
  const cron = await mamori([
    "schedule",
    "install",
    "--root",
    root,
    "--schedule",
    "0 0 1 * 1",
    "--kind",
    "cron",
  ]);
  assert.equal(cron.code, 0, "a cron file can say it");
});

/**
 * The cron line's output path end to end: the real CLI's journald lines through the cron line's own shell
 * loop, BusyBox's logger (which has no --prio-prefix) and a real BusyBox syslogd listening on /dev/log in a
 * private mount namespace, so this machine's /dev is not touched.
 */
test("the cron job logs each line to syslog at mamori's priority, through BusyBox's logger", (t) => {
  if (spawnSync("unshare", ["-m", "true"]).status !== 0 || spawnSync("busybox", ["true"]).status !== 0) {
    t.skip("needs mount namespaces (root) and busybox");
    return;
  }
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o700);
  const root = path.join(dir, "root");
  serverRoot(root);
  fs.writeFileSync(path.join(dir, "c.yaml"), "server: {}\n");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.symlinkSync(
    spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).stdout.trim(),
    path.join(bin, "logger"),
  );
  const messages = path.join(dir, "messages");
  const mamoriBin = path.resolve("bin/mamori");
  const scan = (db: string) =>
    `'${mamoriBin}' watch --once --root '${root}' --config '${dir}/c.yaml' --db '${db}' --log-format journald 2>&1 | ${CRON_TO_SYSLOG}`;
  const script = [
    "set -e",
    "mount --make-rprivate /",
    "mount -t tmpfs -o mode=0755 tmpfs /dev",
    "mknod -m 666 /dev/null c 1 3",
    `busybox syslogd -n -O '${messages}' & syslogd=$!`,
    "for i in 1 2 3 4 5 6 7 8 9 10; do [ -S /dev/log ] && break; sleep 0.2; done",
    `export PATH='${bin}':$PATH`,
    scan(path.join(dir, "h.db")),
    // A history database where other users could write is refused: an error line.
    scan("/tmp/mamori-cron-test.db"),
    "sleep 0.5",
    'kill "$syslogd"',
  ].join("\n");
  const r = spawnSync("unshare", ["-m", "sh", "-c", script], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const log = fs.readFileSync(messages, "utf8");
  assert.match(log, /user\.info mamori: scan \S+ done: 0 findings/, log);
  assert.match(log, /user\.info mamori: No critical finding is open\./, log);
  assert.match(
    log,
    /user\.err mamori: mamori: Refused to use the history database \/tmp\/mamori-cron-test\.db/,
    log,
  );
  assert.doesNotMatch(log, /mamori: <\d>/, "the priority prefix is taken off");
});
