import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { readBdbHash } from "../../src/collect/packages/bdb.ts";
import { bufferSource } from "../../src/collect/packages/bytes.ts";
import { readNdb } from "../../src/collect/packages/ndb.ts";
import { evr, parseRpmHeader, sourceName } from "../../src/collect/packages/rpm-header.ts";
import { findRpmDb, readRpmDb } from "../../src/collect/packages/rpmdb.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { rpmFixtures, rpmToolsMissing, sqliteBlobs } from "../helpers/rpm-fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

const LIMITS = { maxValue: 64 * 1024 * 1024, maxValues: 200_000 };

/** The root directory a database file sits in (…/var/lib/rpm/rpmdb.sqlite is three levels down). */
function rootOf(db: string, depth: number): string {
  let d = db;
  for (let i = 0; i <= depth; i++) d = path.dirname(d);
  return d;
}

function nevras(root: string): string[] {
  const fsys = new RootFs(root);
  const where = findRpmDb(fsys);
  assert.ok(where?.file, `no rpm database under ${root}`);
  const r = readRpmDb(fsys, where, ["/usr/sbin/httpd"]);
  assert.equal(r.problem, undefined);
  assert.equal(r.skippedCount, 0, r.skipped.join(", "));
  return r.packages.map((p) => `${p.name}-${evr(p)}.${p.arch} src=${sourceName(p)}`).sort();
}

test("SQLite rpmdb.sqlite written by rpm --justdb: NEVRA, epoch, source package and the owner of /usr/sbin/httpd", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const f = rpmFixtures();
  const root = rootOf(f.el9Sqlite, 3);
  assert.deepEqual(nevras(root), [
    "httpd-2.4.62-13.el9_8.5.x86_64 src=httpd",
    "mod_ssl-1:2.4.62-13.el9_8.5.x86_64 src=httpd",
  ]);
  const fsys = new RootFs(root);
  const r = readRpmDb(fsys, findRpmDb(fsys) ?? { dir: "" }, [
    "/usr/sbin/httpd",
    "/sbin/httpd",
    "/etc/nothing",
  ]);
  assert.equal(r.owners.get("/usr/sbin/httpd")?.name, "httpd");
  assert.equal(r.owners.get("/sbin/httpd")?.name, "httpd", "merged /usr: /sbin/httpd is /usr/sbin/httpd");
  assert.equal(r.owners.get("/etc/nothing"), undefined);
  assert.deepEqual(nevras(rootOf(f.el9OldSqlite, 3)), [
    "httpd-2.4.57-5.el9.x86_64 src=httpd",
    "mod_ssl-1:2.4.57-5.el9.x86_64 src=httpd",
  ]);
});

test("SQLite: reading leaves nothing next to the database (no -wal, -shm or journal in the scanned tree)", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const root = tempDir(t);
  fs.mkdirSync(path.join(root, "var/lib/rpm"), { recursive: true });
  fs.copyFileSync(rpmFixtures().el9Sqlite, path.join(root, "var/lib/rpm/rpmdb.sqlite"));
  const before = fs.readFileSync(path.join(root, "var/lib/rpm/rpmdb.sqlite"));
  const fsys = new RootFs(root);
  assert.equal(readRpmDb(fsys, findRpmDb(fsys) ?? { dir: "" }).packages.length, 2);
  assert.deepEqual(fs.readdirSync(path.join(root, "var/lib/rpm")), ["rpmdb.sqlite"]);
  assert.ok(before.equals(fs.readFileSync(path.join(root, "var/lib/rpm/rpmdb.sqlite"))));
});

test("Berkeley DB Packages (db_load of rpm's own header blobs; rpm's bdb_ro reads it too): EL8 module build, modularity label", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const f = rpmFixtures();
  const root = rootOf(f.el8Bdb, 3);
  const ours = nevras(root);
  assert.deepEqual(ours, [
    "httpd-2.4.37-65.module_el8.10.0+4233+8b7d9181.9.x86_64 src=httpd",
    "mod_ssl-1:2.4.37-65.module_el8.10.0+4233+8b7d9181.9.x86_64 src=httpd",
  ]);
  const fsys = new RootFs(root);
  const r = readRpmDb(fsys, findRpmDb(fsys) ?? { dir: "" }, ["/usr/sbin/httpd"]);
  assert.equal(findRpmDb(fsys)?.backend, "bdb");
  assert.equal(r.owners.get("/usr/sbin/httpd")?.modularityLabel, "httpd:2.4:8100020240411031452:9");
  // The file is a real libdb hash database: rpm's own read-only BDB backend lists the same packages.
  const theirs = spawnSync(
    "/usr/bin/rpm",
    [
      "--root",
      root,
      "--dbpath",
      "/var/lib/rpm",
      "--define",
      "_db_backend bdb_ro",
      "-qa",
      "--qf",
      "%{NAME}-%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}.%{ARCH}\\n",
    ],
    { encoding: "utf8" },
  );
  if (theirs.stdout.trim()) {
    assert.deepEqual(
      theirs.stdout.trim().split("\n").sort(),
      ours.map((l) => l.split(" ")[0]),
    );
  } else t.diagnostic(`rpm could not read the Berkeley DB file: ${theirs.stderr.slice(0, 200)}`);
  // The httpd header spans overflow pages: the chain walk is exercised, not only in-page items.
  const stat = spawnSync("/usr/bin/db_stat", ["-d", f.el8Bdb], { encoding: "utf8" });
  if (stat.status === 0) assert.match(stat.stdout, /^[1-9]\d*\tNumber of overflow pages/m);
});

test("ndb Packages.db (SUSE, /usr/lib/sysimage/rpm; laid out as rpm's rpmpkg.c writes it around rpm-written headers)", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const f = rpmFixtures();
  const root = rootOf(f.suseNdb, 4);
  const fsys = new RootFs(root);
  assert.deepEqual(findRpmDb(fsys), {
    dir: "/usr/lib/sysimage/rpm",
    file: "/usr/lib/sysimage/rpm/Packages.db",
    backend: "ndb",
  });
  assert.deepEqual(nevras(root), ["apache2-2.4.58-150600.5.23.1.x86_64 src=apache2"]);
  assert.equal(
    readRpmDb(fsys, findRpmDb(fsys) ?? { dir: "" }, ["/usr/sbin/httpd"]).owners.get("/usr/sbin/httpd")
      ?.vendor,
    "SUSE LLC <https://www.suse.com/>",
  );
});

// ---- hostile input: a note, never a throw, in bounded time ----

function realBlob(): Buffer {
  return sqliteBlobs(rpmFixtures().el9Sqlite).find((b) => parseRpmHeader(b.blob).ok)?.blob as Buffer;
}

test("hostile header blobs: truncated, huge counts, offsets out of range, strings without an end", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const good = realBlob();
  assert.ok(parseRpmHeader(good).ok);
  const cases: Array<[string, Buffer, RegExp]> = [];
  cases.push(["empty", Buffer.alloc(0), /truncated/]);
  cases.push(["cut", good.subarray(0, good.length - 10), /truncated/]);
  const il = Buffer.from(good);
  il.writeUInt32BE(0xffffffff, 0);
  cases.push(["index count", il, /index-count/]);
  const dl = Buffer.from(good);
  dl.writeUInt32BE(0x7fffffff, 4);
  cases.push(["data length", dl, /data-length/]);
  const off = Buffer.from(good);
  off.writeUInt32BE(0xfffffff0, 8 + 16 + 8);
  cases.push(["entry offset", off, /offset/]);
  const count = Buffer.from(good);
  count.writeUInt32BE(0xffffffff, 8 + 12);
  cases.push(["entry count", count, /count/]);
  // Every NUL in the data store gone: no string ends, so no name can be read.
  const nonul = Buffer.from(good);
  const start = 8 + good.readUInt32BE(0) * 16;
  for (let i = start; i < nonul.length; i++) if (nonul[i] === 0) nonul[i] = 0x41;
  cases.push(["no NUL", nonul, /no-nevr|index-count|offset|count|type/]);
  for (const [name, blob, want] of cases) {
    const r = parseRpmHeader(blob);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.match(r.problem, want, name);
  }
});

test("fuzzed header blobs (5000 random corruptions of a real one) never throw and stay fast", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const good = realBlob();
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const t0 = performance.now();
  for (let i = 0; i < 5000; i++) {
    const b = Buffer.from(good);
    for (let k = 0; k < 1 + rnd(8); k++) b[rnd(b.length)] = rnd(256);
    const r = parseRpmHeader(b.subarray(0, rnd(4) === 0 ? rnd(b.length) : b.length));
    if (r.ok) r.header.files();
  }
  assert.ok(performance.now() - t0 < 5000, `took ${performance.now() - t0} ms`);
});

/** A hash meta page and pages after it, little-endian, as libdb lays them out. */
function bdbFile(pages: Buffer[], pageSize = 4096): Buffer {
  const meta = Buffer.alloc(pageSize);
  meta.writeUInt32LE(0x061561, 12);
  meta.writeUInt32LE(9, 16);
  meta.writeUInt32LE(pageSize, 20);
  meta[25] = 8;
  meta.writeUInt32LE(pages.length, 32);
  return Buffer.concat([meta, ...pages]);
}

function overflowPage(pgno: number, next: number, data: Buffer, pageSize = 4096): Buffer {
  const p = Buffer.alloc(pageSize);
  p.writeUInt32LE(pgno, 8);
  p.writeUInt32LE(next, 16);
  p.writeUInt16LE(data.length, 22);
  p[25] = 7;
  data.copy(p, 26);
  return p;
}

/** A hash page with `items`, each [key, offpage pgno, total length]. */
function hashPage(pgno: number, items: Array<[number, number, number]>, pageSize = 4096): Buffer {
  const p = Buffer.alloc(pageSize);
  p.writeUInt32LE(pgno, 8);
  p.writeUInt16LE(items.length * 2, 20);
  p[25] = 13;
  let at = pageSize;
  items.forEach(([key, pg, len], i) => {
    at -= 5;
    p[at] = 1;
    p.writeUInt32LE(key, at + 1);
    p.writeUInt16LE(at, 26 + 4 * i);
    at -= 12;
    p[at] = 3;
    p.writeUInt32LE(pg, at + 4);
    p.writeUInt32LE(len, at + 8);
    p.writeUInt16LE(at, 26 + 4 * i + 2);
  });
  return p;
}

test("hostile Berkeley DB: overflow loops, shared chains, pages out of range, lying lengths give notes in bounded time", () => {
  const chunk = Buffer.alloc(100, 0x41);
  // Page 2 points at itself: a loop.
  const loop = readBdbHash(
    bufferSource(bdbFile([hashPage(1, [[1, 2, 1_000_000]]), overflowPage(2, 2, chunk)])),
    LIMITS,
  );
  assert.deepEqual(loop.values, []);
  assert.deepEqual(loop.skipped, ["bdb-overflow-page-reused"]);
  // 2000 records share one long chain: each overflow page is read once over the whole file.
  const chain: Buffer[] = [];
  for (let i = 0; i < 500; i++) chain.push(overflowPage(2 + i, i === 499 ? 0 : 3 + i, chunk));
  const items: Array<[number, number, number]> = Array.from({ length: 200 }, (_, i) => [i + 1, 2, 50_000]);
  const t0 = performance.now();
  const shared = readBdbHash(bufferSource(bdbFile([hashPage(1, items), ...chain])), LIMITS);
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(shared.values.length, 1);
  assert.equal(shared.skippedCount, 199);
  const out = readBdbHash(bufferSource(bdbFile([hashPage(1, [[1, 99999, 10]])])), LIMITS);
  assert.deepEqual(out.skipped, ["bdb-overflow-page-out-of-range"]);
  const big = readBdbHash(
    bufferSource(bdbFile([hashPage(1, [[1, 2, 0x7fffffff]]), overflowPage(2, 0, chunk)])),
    LIMITS,
  );
  assert.deepEqual(big.skipped, ["bdb-value-too-large"]);
  // A page count far beyond the file: only the pages present are read.
  const f = bdbFile([hashPage(1, [])]);
  f.writeUInt32LE(0xfffffff0, 32);
  assert.equal(readBdbHash(bufferSource(f), LIMITS).problem, undefined);
  const entries = hashPage(1, []);
  entries.writeUInt16LE(0xfffe, 20);
  assert.deepEqual(readBdbHash(bufferSource(bdbFile([entries])), LIMITS).skipped, ["bdb-page-entries"]);
  assert.equal(readBdbHash(bufferSource(Buffer.alloc(100)), LIMITS).problem, "bdb-truncated");
  assert.equal(readBdbHash(bufferSource(Buffer.alloc(8192)), LIMITS).problem, "bdb-bad-magic");
  const ps = bdbFile([]);
  ps.writeUInt32LE(3000, 20);
  assert.equal(readBdbHash(bufferSource(ps), LIMITS).problem, "bdb-page-size");
});

test("hostile Berkeley DB: random corruption of the real file never throws", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const good = fs.readFileSync(rpmFixtures().el8Bdb);
  assert.equal(readBdbHash(bufferSource(good), LIMITS).values.length, 2);
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 1000; i++) {
    const b = Buffer.from(good);
    for (let k = 0; k < 1 + rnd(16); k++) b[rnd(b.length)] = rnd(256);
    for (const { value } of readBdbHash(bufferSource(b), LIMITS).values) parseRpmHeader(value);
  }
});

test("hostile ndb: slot pages beyond the file, blobs overlapping or lying about their length, bad checksums", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const good = fs.readFileSync(rpmFixtures().suseNdb);
  assert.equal(readNdb(bufferSource(good), LIMITS).values.length, 1);
  const pages = Buffer.from(good);
  pages.writeUInt32LE(0xffffffff, 12);
  assert.equal(readNdb(bufferSource(pages), LIMITS).problem, "ndb-slot-pages");
  const sum = Buffer.from(good);
  sum[4096 + 40] = (sum[4096 + 40] as number) ^ 0xff;
  assert.deepEqual(readNdb(bufferSource(sum), LIMITS).skipped, ["ndb-blob-tail"]);
  const len = Buffer.from(good);
  len.writeUInt32LE(0x7fffffff, 4096 + 12);
  assert.deepEqual(readNdb(bufferSource(len), LIMITS).skipped, ["ndb-blob-length"]);
  // 250 slots all pointing at the one blob: it is read once, the rest are duplicates of its index.
  const many = Buffer.from(good);
  for (let s = 48; s < 4096; s += 16) many.copy(many, s, 32, 48);
  const r = readNdb(bufferSource(many), LIMITS);
  assert.equal(r.values.length, 1);
  assert.equal(r.skippedCount, 253);
  const range = Buffer.from(good);
  range.writeUInt32LE(0xfffffff, 32 + 8);
  assert.deepEqual(readNdb(bufferSource(range), LIMITS).skipped, ["ndb-slot-range"]);
  assert.equal(readNdb(bufferSource(Buffer.from("RpmQ")), LIMITS).problem, "ndb-truncated");
});

test("hostile SQLite: not a database, Packages a view, rows of the wrong type", (t) => {
  const dir = tempDir(t);
  const root = (name: string) => path.join(dir, name);
  const put = (name: string, make: (file: string) => void) => {
    fs.mkdirSync(path.join(root(name), "var/lib/rpm"), { recursive: true });
    make(path.join(root(name), "var/lib/rpm/rpmdb.sqlite"));
    const fsys = new RootFs(root(name));
    return readRpmDb(fsys, findRpmDb(fsys) ?? { dir: "" }, ["/usr/sbin/httpd"]);
  };
  assert.match(
    put("garbage", (f) => fs.writeFileSync(f, "SQLite format 3\0not really")).problem ?? "",
    /^sqlite: /,
  );
  const sql = (file: string, statements: string) => {
    const db = new DatabaseSync(file);
    db.exec(statements);
    db.close();
  };
  assert.equal(
    put("view", (f) =>
      sql(
        f,
        "CREATE TABLE t(hnum INTEGER, blob BLOB); CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x AS hnum, zeroblob(10) AS blob FROM c;",
      ),
    ).problem,
    "sqlite-no-packages-table",
  );
  const rows = put("rows", (f) =>
    sql(
      f,
      "CREATE TABLE Packages(hnum INTEGER, blob BLOB); INSERT INTO Packages VALUES ('x', 'text'), (2, x'0000');",
    ),
  );
  assert.equal(rows.packages.length, 0);
  assert.ok(rows.problem);
});

test("an rpm database this reader cannot read at all is a note; a database without the binary is simply not the owner", (t) => {
  const why = rpmToolsMissing();
  if (why) return t.skip(why);
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, "var/lib/rpm"), { recursive: true });
  const fsys = new RootFs(dir);
  assert.deepEqual(findRpmDb(fsys), { dir: "/var/lib/rpm" });
  assert.equal(readRpmDb(fsys, { dir: "/var/lib/rpm" }).problem, "no-known-database");
  fs.copyFileSync(rpmFixtures().suseNdb, path.join(dir, "var/lib/rpm/Packages.db"));
  const r = readRpmDb(new RootFs(dir), findRpmDb(new RootFs(dir)) ?? { dir: "" }, ["/usr/sbin/nginx"]);
  assert.equal(r.problem, undefined);
  assert.equal(r.owners.size, 0);
});

test("db_load exists only for the fixtures: the reader never runs a program", () => {
  // The readers import no child_process: what they read cannot make them run anything.
  for (const f of fs.readdirSync(path.resolve(import.meta.dirname, "../../src/collect/packages"))) {
    const text = fs.readFileSync(path.resolve(import.meta.dirname, "../../src/collect/packages", f), "utf8");
    assert.doesNotMatch(text, /child_process/, f);
  }
  assert.ok(execFileSync);
});
