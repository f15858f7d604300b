import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import * as zlib from "node:zlib";
import { RootFs } from "../../src/collect/rootfs.ts";
import {
  BundleError,
  type BundleLimits,
  DEFAULT_BUNDLE_LIMITS,
  openBundle,
} from "../../src/remote/bundle-read.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

// Bundles a compromised host could send instead of the collector's output: each trick is refused (the
// whole bundle, with a reason) or contained (the entry refused, the rest read), and nothing lands
// outside the private directory mamori makes, which is gone afterwards.

const hex = (s: string) => Buffer.from(s).toString("hex");
const od = (b: Buffer) => {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16)
    lines.push(` ${[...b.subarray(i, i + 16)].map((x) => x.toString(16).padStart(2, "0")).join(" ")}`);
  return lines;
};
const file = (p: string, content: string | Buffer) => [
  `F ${hex(p)} 644 0 0 ${Buffer.byteLength(content)} 1700000000 1700000000 0`,
  ...od(Buffer.from(content)),
  "E",
];
const bundle = (...records: (string | string[])[]) =>
  `${["MAMORI-BUNDLE 1", `H live ${hex("0")}`, ...records.flat(), "Z ok 0 0"].join("\n")}\n`;

/** A base directory for mamori's private dirs, and a sibling "outside" that must never change. */
function places(t: Parameters<typeof tempDir>[0]) {
  const top = tempDir(t, "mamori-hostile-");
  const base = path.join(top, "base");
  const outside = path.join(top, "outside");
  fs.mkdirSync(base);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, "keep"), "untouched");
  const snapshot = () =>
    fs
      .readdirSync(top, { recursive: true })
      .map(String)
      .filter((p) => !p.startsWith("base"))
      .sort();
  const before = snapshot();
  return {
    base,
    outside,
    assertUntouched() {
      assert.deepEqual(snapshot(), before, "nothing was written outside mamori's directory");
      assert.equal(fs.readFileSync(path.join(outside, "keep"), "utf8"), "untouched");
      assert.deepEqual(fs.readdirSync(base), [], "mamori's private directory is removed");
    },
  };
}

async function open(text: string | Buffer | Readable, base: string, limits: Partial<BundleLimits> = {}) {
  const input = text instanceof Readable ? text : Readable.from([Buffer.from(text)]);
  return openBundle(input, { ...DEFAULT_BUNDLE_LIMITS, ...limits }, base);
}

async function refused(
  text: string | Buffer | Readable,
  base: string,
  code: string,
  limits?: Partial<BundleLimits>,
) {
  await assert.rejects(open(text, base, limits), (err: unknown) => {
    assert.ok(err instanceof BundleError, String(err));
    assert.equal(err.code, code);
    return true;
  });
}

test("an ordinary bundle is unpacked privately (0700, ours) and removed on close", async (t) => {
  const p = places(t);
  const b = await open(
    bundle(file("/etc/hostname", "web1\n"), `L ${hex("/etc/alias")} ${hex("hostname")}`),
    p.base,
  );
  const st = fs.statSync(b.dir);
  assert.equal(st.mode & 0o777, 0o700);
  assert.equal(st.uid, process.getuid?.());
  const fsr = new RootFs(b.root, b.recorded);
  assert.equal(fsr.readText("/etc/alias"), "web1\n");
  assert.equal(fsr.stat("/etc/hostname").mtimeMs, 1700000000 * 1000, "the recorded time, not the copy's");
  b.close();
  p.assertUntouched();
});

test("../ and relative names are refused entry by entry; the rest is read", async (t) => {
  const p = places(t);
  const b = await open(
    bundle(
      file("/etc/../../outside/pwned", "x"),
      file("etc/relative", "x"),
      file("/a//b", "x"),
      file("/etc/./x", "x"),
      file("/etc/ok", "fine"),
    ),
    p.base,
  );
  assert.deepEqual(
    b.refused.map((r) => r.reason),
    ["dot-dot", "not-absolute", "dot-dot", "dot-dot"],
  );
  assert.equal(fs.readFileSync(path.join(b.root, "etc/ok"), "utf8"), "fine");
  b.close();
  p.assertUntouched();
});

test("a link is data: writing through it is refused, and RootFs resolves it inside the root", async (t) => {
  const p = places(t);
  const b = await open(
    bundle(
      `L ${hex("/x")} ${hex(p.outside)}`,
      file("/x/pwned", "through an absolute link"),
      `L ${hex("/y")} ${hex("../../../../../../../..")}`,
      file(`/y${p.outside}/pwned2`, "through a relative link"),
      `L ${hex("/etc/shadow-link")} ${hex("/etc/shadow")}`,
      file("/x", "replace the link"),
    ),
    p.base,
  );
  assert.deepEqual(
    b.refused.map((r) => r.reason),
    ["through-link", "through-link", "duplicate"],
  );
  const fsr = new RootFs(b.root, b.recorded);
  // Followed the way the recorded machine would, inside the root: the host's files are never reached.
  assert.equal(fsr.realGuestPath("/y/etc/passwd"), "/etc/passwd");
  assert.throws(() => fsr.readText("/etc/shadow-link"), /ENOENT/);
  assert.equal(fsr.tryReadText(`/x/keep`), undefined, "the outside file is not readable through /x");
  b.close();
  p.assertUntouched();
});

test("deep paths: each directory is made and checked once, past 256 levels refused; names' metadata bounded", async (t) => {
  const p = places(t);
  const deep = `/${Array.from({ length: 200 }, (_, i) => `d${i}`).join("/")}`;
  const records: string[][] = [];
  let names = 0;
  // 2,000 files under one 200-level directory: one walk, then a lookup each (a walk each was 400,000 lstats).
  for (let i = 0; i < 2000; i++) {
    records.push(file(`${deep}/f${i}`, "x"));
    names += `${deep}/f${i}`.length;
  }
  records.push(file(`/${"a/".repeat(300)}too-deep`, "x"));
  records.push([`X ${hex("/var/big1")} EACCES 644 0 0 0 0 0`, `X ${hex("/var/big2")} EACCES 644 7 0 0 0 0`]);
  const b = await open(bundle(...records), p.base, { maxMetaChars: names + "/var/big1".length });
  assert.deepEqual(
    b.refused.map((r) => r.reason),
    ["too-deep", "meta-budget"],
  );
  const fsr = new RootFs(b.root, b.recorded);
  assert.equal(fsr.readText(`${deep}/f1999`), "x");
  assert.equal(b.recorded.meta("/var/big1")?.mode, 0o644, "inside the budget");
  assert.equal(b.recorded.meta("/var/big2"), undefined, "past the budget: not kept");
  b.close();
  p.assertUntouched();
});

test("device, FIFO or unknown records refuse the bundle; a collector's not-regular note is only a note", async (t) => {
  const p = places(t);
  await refused(bundle(`C ${hex("/dev/sda")} 8 0`), p.base, "malformed-record");
  await refused(bundle(`P ${hex("/tmp/fifo")}`), p.base, "malformed-record");
  const b = await open(bundle(`X ${hex("/tmp/fifo")} not-regular 644 0 0 0 1 1`), p.base);
  assert.deepEqual(b.unread, [{ path: "/tmp/fifo", reason: "not-regular" }]);
  assert.equal(fs.existsSync(path.join(b.root, "tmp/fifo")), false);
  b.close();
  p.assertUntouched();
});

test("huge entries are cut off and refused while reading; too much in all refuses the bundle", async (t) => {
  const p = places(t);
  const big = Buffer.alloc(5000, 0x41);
  const b = await open(bundle(file("/var/log/huge", big), file("/etc/after", "read")), p.base, {
    maxEntryBytes: 1000,
  });
  assert.deepEqual(b.refused, [{ path: "/var/log/huge", reason: "entry-too-large" }]);
  assert.ok(
    fs.statSync(path.join(b.root, "var/log/huge")).size <= 1000,
    "not one byte past the limit on disk",
  );
  assert.equal(fs.readFileSync(path.join(b.root, "etc/after"), "utf8"), "read");
  b.close();
  await refused(bundle(file("/a", big), file("/b", big)), p.base, "total-too-large", { maxTotalBytes: 8000 });
  await refused(
    bundle(Array.from({ length: 50 }, (_, i) => `D ${hex(`/d${i}`)} - - - - - -`)),
    p.base,
    "too-many-entries",
    {
      maxEntries: 10,
    },
  );
  await refused(bundle(file(`/${"n".repeat(300)}`, "x")), p.base, "malformed-name", { maxNameBytes: 200 });
  p.assertUntouched();
});

test("an endless stream is cut off at the stream limit, not read to the end", async (t) => {
  const p = places(t);
  let produced = 0;
  const endless = new Readable({
    read() {
      if (produced === 0) this.push(`MAMORI-BUNDLE 1\nF ${hex("/dev/zero")} - - - - - - 0\n`);
      produced += 65536;
      this.push(Buffer.from(" 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n".repeat(1337)));
    },
  });
  await refused(endless, p.base, "stream-too-large", { maxStreamBytes: 4 * 1024 * 1024 });
  assert.ok(produced < 16 * 1024 * 1024, `stopped early (${produced} bytes produced)`);
  p.assertUntouched();
});

test("a decompression bomb is refused by its ratio before it is inflated", async (t) => {
  const p = places(t);
  const line = " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n";
  const body = Buffer.concat([
    Buffer.from(`MAMORI-BUNDLE 1\nF ${hex("/bomb")} - - - - - - 0\n`),
    Buffer.from(line.repeat((8 * 1024 * 1024) / line.length)),
    Buffer.from("E\nZ ok 0 0\n"),
  ]);
  const gz = zlib.gzipSync(body, { level: 9 });
  assert.ok(body.length / gz.length > 200, `a bomb: ${body.length} bytes from ${gz.length}`);
  await refused(gz, p.base, "decompression-bomb", { ratioAfterBytes: 1024 * 1024 });
  // The same bundle, honestly small, is read through gzip.
  const ok = await open(zlib.gzipSync(bundle(file("/etc/hostname", "gz\n"))), p.base);
  assert.equal(fs.readFileSync(path.join(ok.root, "etc/hostname"), "utf8"), "gz\n");
  ok.close();
  await refused(Buffer.concat([gz.subarray(0, 100), Buffer.from("garbage")]), p.base, "bad-gzip");
  p.assertUntouched();
});

test("malformed framing refuses the whole bundle with the reason and line", async (t) => {
  const p = places(t);
  const cases: Array<[string, string]> = [
    ["not a bundle\n", "not-a-bundle"],
    [bundle(file("/a", "x")).replace(" 78", " 7g"), "malformed-data"],
    [bundle(" 41 41"), "data-outside-file"],
    [bundle("E"), "end-outside-file"],
    [bundle(`F ${hex("/a")} - - - - - - 0`, `D ${hex("/b")} - - - - - -`), "unterminated-file"],
    [bundle(`D zz - - - - - -`), "malformed-name"],
    [bundle(`D ${hex("/a\0b")} - - - - - -`), "malformed-name"],
    [bundle(`H ${"x".repeat(20)} 00`), "malformed-header"],
    [bundle(`X ${hex("/a")} $(reboot)`), "malformed-reason"],
    [`MAMORI-BUNDLE 1\n${file("/a", "x").join("\n")}\n`, "truncated"],
    [`MAMORI-BUNDLE 1\nF ${hex("/a")} - - - - - - 0\n 41`, "truncated"],
    [`${bundle()}D ${hex("/late")} - - - - - -\n`, "after-end"],
    [bundle(`D ${"a".repeat(20000)} - - - - - -`), "line-too-long"],
    ["", "empty"],
  ];
  for (const [text, code] of cases) await refused(text, p.base, code);
  await assert.rejects(open(bundle(" 41 41"), p.base), (err: BundleError) => err.line === 3);
  p.assertUntouched();
});

test("audit --bundle refuses a hostile bundle with a clear message and no stack trace", async (t) => {
  const dir = tempDir(t);
  const f = path.join(dir, "evil.bundle");
  fs.writeFileSync(f, bundle(`C ${hex("/dev/sda")} 8 0`));
  for (const lang of ["en", "ja"]) {
    const r = await mamori(["audit", "--bundle", f, "--lang", lang]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      lang === "en"
        ? /was refused \(malformed-record, line 3\)/
        : /拒否しました \(malformed-record、3 行目\)/,
    );
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  }
  const missing = await mamori(["audit", "--bundle", path.join(dir, "nope")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot be read: ENOENT/);
});
