/**
 * Issue 10, hole 7: bounded reads. A hostile feed server, a FIFO where a log should be, a log rotated
 * while it is read: mamori stops at its limits, never hangs, and reads the file it opened.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { readLogs as runLogs } from "../../src/audit/logs.ts";
import { RootFs } from "../../src/collect/rootfs.ts";
import { loadRules } from "../../src/rules/logs.ts";
import { runMamoriChild } from "../helpers/child-cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { attackerShell, needsRoot } from "../helpers/unprivileged.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MB = 1024 * 1024;

/** A server on 127.0.0.1 whose every answer is an endless 200 body (until the client goes away). */
async function endlessServer(
  t: { after: (fn: () => void) => void },
  line = "203.0.113.9\n",
  prefix = "",
): Promise<string> {
  const block = Buffer.from(line.repeat(Math.ceil((64 * 1024) / line.length)));
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write(prefix);
    const pump = () => {
      while (!res.destroyed && res.write(block)) {}
      if (!res.destroyed) res.once("drain", pump);
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  });
  server.on("connection", (s) => s.on("error", () => {}));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const runMamori = runMamoriChild;

test("iocs update: an endless answer is cut at 32 MiB while it arrives, memory stays small, the old list is kept", async (t) => {
  const base = await endlessServer(t);
  const feedDir = tempDir(t);
  const file = path.join(feedDir, "crypto_mining.json");
  fs.writeFileSync(file, '{"lists":[]}\n');
  const before = fs.readFileSync(file);
  const r = await runMamori(["iocs", "update", "--from", `${base}/crypto_mining.txt`, "--feed-dir", feedDir]);
  assert.equal(r.signal, null, `killed: ${r.stderr}`);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /crypto_mining\.txt: could not update: larger than 32 MiB: stopped reading/);
  assert.deepEqual(fs.readFileSync(file), before, "the old list is byte for byte the same");
  assert.deepEqual(fs.readdirSync(feedDir), ["crypto_mining.json"], "nothing else written");
  assert.ok(r.peakRss > 0, "peak memory measured");
  assert.ok(r.peakRss < 200 * MB, `peak RSS ${Math.round(r.peakRss / MB)} MB`);
});

test("iocs update --from /dev/zero (or a FIFO nobody writes to) ends at once with an error", async (t) => {
  const feedDir = tempDir(t);
  const fifo = path.join(tempDir(t), "list.txt");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
  for (const source of ["/dev/zero", fifo]) {
    const r = await runMamori(["iocs", "update", "--from", source, "--feed-dir", feedDir], {
      timeoutMs: 20_000,
    });
    assert.equal(r.signal, null, `${source} hung`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /could not update: not a regular file/);
  }
  assert.deepEqual(fs.readdirSync(feedDir), []);
});

test("db update: endless feeds stop at their limits with a clear message, memory bounded, old data untouched", async (t) => {
  // A JSON document that never ends: each feed is a valid start, so only the limits can stop it.
  const base = await endlessServer(
    t,
    '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",\n',
    '{"k": [',
  );
  const dir = tempDir(t);
  const file = path.join(dir, "vulndb.json");
  fs.copyFileSync(path.join(REPO, "data/vulndb.json"), file);
  const before = fs.readFileSync(file);
  const r = await runMamori([
    "db",
    "update",
    "--data-dir",
    dir,
    "--apache-url",
    `${base}/apache.json`,
    "--kev-url",
    `${base}/kev.json`,
    "--debian-url",
    `${base}/debian.json`,
    // Only the feeds this server answers: the distro feeds' official URLs are never contacted from a test.
    "--feed",
    "apache,kev,debian",
  ]);
  assert.equal(r.signal, null, `killed: ${r.stderr}`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /larger than the 32 MiB limit/);
  assert.deepEqual(fs.readFileSync(file), before, "the old data is byte for byte the same");
  assert.deepEqual(fs.readdirSync(dir), ["vulndb.json"], "no temporary file left");
  // Buffering the tracker's 512 MiB stream would pass 512 MB; streaming it stays near 170 MB, and up to
  // about 230 MB when the other test thread loads the machine (GC runs later): the bound leaves room for that.
  assert.ok(r.peakRss < 350 * MB, `peak RSS ${Math.round(r.peakRss / MB)} MB`);
});

test("db update: the tracker feed streams through; only its apache2 member is kept", async (t) => {
  // A tracker answer far beyond what the update may hold, of which only a small member matters: the
  // download is read to its end (the limit is on bytes) without growing memory.
  let trackerSent: () => void = () => {};
  const trackerDone = new Promise<void>((r) => (trackerSent = r));
  const server = http.createServer((req, res) => {
    // Apache's and KEV's feeds fail, but only once the whole tracker has been sent.
    if (req.url !== "/debian.json") return void trackerDone.then(() => res.writeHead(404).end());
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"apache2": {"CVE-2021-41773": {}}, "big": [');
    const block = Buffer.from(
      '"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",'.repeat(1000),
    );
    let left = 200 * MB;
    const pump = () => {
      while (left > 0) {
        left -= block.length;
        if (!res.write(block)) return void res.once("drain", pump);
      }
      res.end("0]}", () => trackerSent());
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { updateVulnDb } = await import("../../src/vulndb/update.ts");
  const { FEEDS } = await import("../../src/vulndb/feeds.ts");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  // Apache's feed fails (404) only after the tracker has been read: the update fails on that, not on
  // the tracker, and the tracker's 200 MB never sat in memory.
  const err = await updateVulnDb({
    dataDir: tempDir(t),
    urls: { apache: `${url}/apache.json`, kev: `${url}/kev.json`, debian: `${url}/debian.json` },
    // Only the feeds this server answers: the distro feeds' official URLs are never contacted from a test.
    feeds: FEEDS.filter((f) => ["apache", "kev", "debian"].includes(f.id)),
    now: new Date("2026-12-01T00:00:00Z"),
  }).catch((e: Error) => e);
  clearInterval(watch);
  assert.ok(err instanceof Error);
  assert.match(String(err), /Apache|404/, "the update failed on the 404, not on the tracker");
  assert.ok(peak - rssBefore < 150 * MB, `grew by ${Math.round((peak - rssBefore) / MB)} MB`);
});

test("mamori logs FIFO returns at once with exit 2 and says why (nobody writes to the FIFO)", async (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, "access.log");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
  const r = await runMamori(["logs", fifo], { timeoutMs: 20_000 });
  assert.equal(r.signal, null, "mamori logs hung on a FIFO");
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /access\.log: cannot read \(not a regular file: a FIFO, socket or device is not read/,
  );
  const ja = await runMamori(["logs", "--lang", "ja", fifo], { timeoutMs: 20_000 });
  assert.equal(ja.code, 2);
  assert.match(ja.stderr, /通常のファイルではありません/);
});

test("a FIFO or device among the inputs (named, in a directory, matched by a glob) is not checked; the rest is read", async (t) => {
  const dir = tempDir(t);
  fs.chmodSync(dir, 0o777);
  const line =
    '203.0.113.7 - - [12/Mar/2024:03:00:00 +0000] "GET /cgi-bin/.%2e/.%2e/etc/passwd HTTP/1.1" 403 199 "-" "x"\n';
  fs.writeFileSync(path.join(dir, "access.log"), line.repeat(3));
  // The attacker (a web-server user who can write to a log directory) plants the FIFO.
  const fifo = path.join(dir, "access.log.1");
  if (needsRoot() === undefined) attackerShell(`mkfifo '${fifo}'`);
  else assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
  for (const args of [[fifo, "/dev/null", path.join(dir, "access.log")], [dir], [`${dir}/access.log*`]]) {
    const r = await runMamori(["logs", "--format", "json", ...args], { timeoutMs: 20_000 });
    assert.equal(r.signal, null, `hung on ${args.join(" ")}`);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.sections.logs.files.length, 1, args.join(" "));
    assert.equal(doc.sections.logs.files[0].lines, 3);
    assert.equal(doc.sections.logs.eventsTotal, 3);
    const notChecked = doc.notChecked.filter((n: { reason: string }) => n.reason === "not-regular");
    assert.ok(
      notChecked.some((n: { path: string }) => n.path.endsWith("access.log.1")),
      JSON.stringify(doc.notChecked),
    );
    assert.match(notChecked[0].detail, /not a regular file/);
    if (args.includes("/dev/null"))
      assert.ok(notChecked.some((n: { path: string }) => n.path === "/dev/null"));
  }
});

test("a log rotated (renamed, a new one created) during a parallel read is read whole from the file that was opened", async (t) => {
  const dir = tempDir(t);
  const f = path.join(dir, "access.log");
  let s = "";
  for (let i = 0; i < 7500; i++) {
    const req = i % 10 === 0 ? "GET /cgi-bin/.%2e/.%2e/etc/passwd" : `GET /page/${i}.html`;
    s += `198.51.100.${i % 200} - - [12/Mar/2024:03:${String(i % 60).padStart(2, "0")}:07 +0000] "${req} HTTP/1.1" 200 ${i} "-" "x"\n`;
  }
  fs.writeFileSync(f, s);
  const rules = loadRules();
  for (const parallel of [true, false]) {
    fs.writeFileSync(f, s);
    let rotated = 0;
    const facts = await runLogs(new RootFs("/"), [{ path: f, display: f }], {
      rules,
      parallel,
      parallelMinBytes: 1,
      segmentBytes: 20_000,
      // logrotate's default: the file is renamed and a new, empty one takes its name; here the new
      // one has ordinary lines only, so an attack counted from it would be a wrong count.
      onOpened: () => {
        rotated++;
        fs.renameSync(f, `${f}.1`);
        fs.writeFileSync(
          f,
          '192.0.2.1 - - [12/Mar/2024:04:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"\n'.repeat(9000),
        );
      },
    });
    assert.equal(rotated, 1);
    assert.equal(facts.unreadable.length, 0, JSON.stringify(facts.unreadable));
    assert.equal(facts.files[0]?.lines, 7500, `parallel ${parallel}`);
    assert.equal(facts.events.length, 750, `parallel ${parallel}: every attack of the rotated file`);
    assert.ok(facts.events.every((e) => e.ip.startsWith("198.51.100.")));
  }
});
