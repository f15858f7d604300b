import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import { loadIocDirs } from "../../src/iocs/list.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DATA_DIR, REPO } from "./helpers/fixture.ts";

const SHARED = path.join(REPO, "../shared/iocs");

test("iocs update reads maltrail trails served over HTTP on 127.0.0.1, and status shows them with their age", async (t) => {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? "/").slice(1));
    const file = path.join(SHARED, rel);
    if (!file.startsWith(SHARED) || !fs.existsSync(file)) {
      res.writeHead(404).end("no");
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const feedDir = tempDir(t);
  const now = new Date("2026-11-20T00:00:00Z");
  const r = await mamori(
    [
      "iocs",
      "update",
      "--feed-dir",
      feedDir,
      "--from",
      `${base}/maltrail/crypto_mining.txt`,
      `${base}/maltrail/elf_h2miner.txt`,
      `${base}/missing.txt`,
    ],
    { now },
  );
  assert.equal(r.code, 2, "one source failed");
  assert.match(r.stdout, /crypto_mining: \d+ entries/);
  assert.match(r.stdout, /elf_h2miner: \d+ entries/);
  assert.match(r.stderr, /missing\.txt: could not update: HTTP 404/);
  const { set } = loadIocDirs([feedDir]);
  assert.equal(set.ipPorts.get("176.31.105.53:3333")?.kind, "pool");
  assert.equal(set.ips.get("45.10.88.102")?.kind, "malware");
  assert.ok(set.domains.has("pool.minergate.com"));
  const st = await mamori(["iocs", "status", "--feed-dir", feedDir, "--data-dir", DATA_DIR], {
    now: new Date("2026-11-25T00:00:00Z"),
  });
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /crypto_mining: \d+ entries, updated 2026-11-20 \(5 days ago\)/);
  assert.match(st.stdout, /maltrail-elf_perfctl: \d+ entries/);
});

test("iocs update reads plain lists from files; an empty or binary file is refused, the feed dir untouched", async (t) => {
  const dir = tempDir(t);
  const feedDir = path.join(dir, "feeds");
  fs.writeFileSync(path.join(dir, "mine.txt"), `evil-pool.example\n203.0.113.50:4444\n${"a".repeat(64)}\n`);
  fs.writeFileSync(path.join(dir, "junk.bin"), Buffer.from([0, 1, 2, 255, 254, 10, 13]));
  const r = await mamori([
    "iocs",
    "update",
    "--feed-dir",
    feedDir,
    "--from",
    path.join(dir, "mine.txt"),
    path.join(dir, "junk.bin"),
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /junk\.bin: could not update: no indicator/);
  assert.deepEqual(fs.readdirSync(feedDir), ["mine.json"]);
  const { set } = loadIocDirs([feedDir]);
  assert.ok(set.domains.has("evil-pool.example"));
  assert.ok(set.ipPorts.has("203.0.113.50:4444"));
  assert.ok(set.sha256.has("a".repeat(64)));
});

test("the shipped snapshot is built from ../shared/iocs with its sources and licences", () => {
  const sources = fs.readFileSync(path.join(DATA_DIR, "iocs/SOURCES.md"), "utf8");
  assert.match(sources, /MIT/);
  assert.match(sources, /Apache-2\.0/);
  const { set } = loadIocDirs([path.join(DATA_DIR, "iocs")]);
  assert.ok(set.minerPorts.has(3333));
  assert.ok(!set.minerPorts.has(443), "443 carries normal traffic: never a mining port on its own");
  assert.ok(!set.minerPorts.has(80));
  assert.ok(set.domains.size > 400);
});
