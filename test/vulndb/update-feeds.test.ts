import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as zlib from "node:zlib";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { renderText } from "../../src/core/message.ts";
import { translator } from "../../src/i18n/index.ts";
import { FEEDS } from "../../src/vulndb/feeds.ts";
import { loadVulnDb } from "../../src/vulndb/load.ts";
import type { VulnDb } from "../../src/vulndb/types.ts";
import { mamori } from "../helpers/cli.ts";
import { type Handler, listenLocal, serveBody } from "../helpers/http-local.ts";
import { debianTrackerBody } from "../helpers/local-feeds.ts";
import { tempDir } from "../helpers/tmp.ts";
import { needsRoot } from "../helpers/unprivileged.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");
const NOW = "2026-11-25T12:00:00.000Z";
const MiB = 1024 * 1024;

const bodies = {
  apache: fs.readFileSync(path.join(vulndata, "httpd-vulnerabilities-consolidated.json")),
  kev: fs.readFileSync(path.join(vulndata, "kev/cisagov-kev-data_known_exploited_vulnerabilities.json")),
  debian: debianTrackerBody(),
};

type Feed = keyof typeof bodies;
type T = { after: (fn: () => void | Promise<void>) => void };

const serve = serveBody;
const listen = listenLocal;

/** The three feeds on one local server; `overrides` replace one answer with a broken or hostile one. */
async function feeds(t: T, overrides: Partial<Record<Feed, Handler>> = {}): Promise<string[]> {
  const base = await listen(t, (req, res) => {
    const feed = (req.url ?? "").replace(/^\/|\.json$/g, "") as Feed;
    const h = overrides[feed] ?? (bodies[feed] ? serve(bodies[feed]) : undefined);
    if (h) h(req, res);
    else res.writeHead(404).end();
  });
  return [
    ...THREE,
    ...(["apache", "kev", "debian"] as const).flatMap((f) => ["--feed-url", `${f}=${base}/${f}.json`]),
  ];
}

/** These tests are about the upstream and Debian feeds; the distro feeds have update-distro.test.ts. */
const THREE = ["--feed", "apache,kev,debian"];

/**
 * A state directory of its own holding the data dir with the shipped snapshot: after a failed update
 * the snapshot is byte-identical and the state directory holds exactly what it held before.
 */
function stateDir(t: T): {
  state: string;
  dir: string;
  file: string;
  before: Buffer;
  listing: () => string[];
} {
  const state = tempDir(t);
  const dir = path.join(state, "data");
  fs.mkdirSync(dir);
  const file = path.join(dir, "vulndb.json");
  fs.copyFileSync(path.join(repo, "data/vulndb.json"), file);
  const listing = () => walk(state);
  return { state, dir, file, before: fs.readFileSync(file), listing };
}

function walk(dir: string, prefix = ""): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

async function failsKeepingData(t: T, args: string[], reason: RegExp, source?: RegExp): Promise<string> {
  const s = stateDir(t);
  const before = s.listing();
  const r = await mamori(["db", "update", "--data-dir", s.dir, "--now", NOW, ...args]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const lines = r.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("Downloading") && !l.startsWith("Reading"));
  assert.equal(lines.length, 1, r.stderr);
  const line = lines[0] as string;
  assert.match(line, reason);
  if (source) assert.match(line, source);
  assert.match(line, /left unchanged/);
  assert.doesNotMatch(r.stderr, /\n\s+at |\x1b/);
  assert.deepEqual(fs.readFileSync(s.file), s.before, "the previous data is byte-identical");
  assert.deepEqual(s.listing(), before, "nothing written in or beside the data dir");
  return line;
}

test("hostile: a redirect to another host is refused, not followed", async (t) => {
  const elsewhere = await listen(t, serve(bodies.apache));
  let followed = false;
  const other = await listen(t, (_req, res) => {
    followed = true;
    res.end();
  });
  const args = await feeds(t, {
    apache: (_req, res) => res.writeHead(302, { location: `${elsewhere}/apache.json` }).end(),
    kev: (_req, res) => res.writeHead(301, { location: `${other}/kev.json` }).end(),
  });
  await failsKeepingData(t, args, /redirected to another host \(http:\/\/127\.0\.0\.1:\d+\)/);
  assert.equal(followed, false);
});

test("hostile: a gzip bomb is cut at the feed's limit, counted after decoding", async (t) => {
  const bomb = zlib.gzipSync(Buffer.alloc(40 * MiB, 0x20), { level: 9 });
  assert.ok(bomb.length < MiB, `${bomb.length} bytes on the wire`);
  const args = await feeds(t, {
    kev: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(bomb);
    },
  });
  await failsKeepingData(t, args, /larger than the 32 MiB limit/, /CISA Known Exploited/);
});

test("hostile: a slow drip is stopped by the timeout", async (t) => {
  const args = await feeds(t, {
    apache: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 100);
      res.on("close", () => clearInterval(timer));
    },
  });
  const line = await failsKeepingData(t, [...args, "--timeout", "1"], /no answer within 1 s/);
  assert.match(line, /Apache HTTP Server security data: download interrupted after \d+ bytes/);
});

test("hostile: an HTML page (captive portal, error page) is the wrong content type", async (t) => {
  const args = await feeds(t, {
    debian: serve(Buffer.from("<html><body>Please log in</body></html>"), "text/html; charset=utf-8"),
  });
  await failsKeepingData(
    t,
    args,
    /the server sent text\/html, not the feed's data/,
    /Debian security tracker/,
  );
});

test("hostile: an oversized answer is refused, declared or not", async (t) => {
  const huge = Buffer.alloc(33 * MiB, 0x20);
  const declared = await feeds(t, {
    apache: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": 10 * 1024 * MiB });
      res.end();
    },
  });
  await failsKeepingData(t, declared, /larger than the 32 MiB limit/);
  const chunked = await feeds(t, {
    kev: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(huge);
    },
  });
  await failsKeepingData(t, chunked, /larger than the 32 MiB limit/, /CISA/);
});

test("hostile: JSON errors do not echo what the server (or a local file) holds", async (t) => {
  const args = await feeds(t, { apache: serve(Buffer.from("root:x:0:0:\x1b[31msecret")) });
  const line = await failsKeepingData(t, args, /not valid JSON/);
  assert.doesNotMatch(line, /root:x|secret/);
});

test("truncated and malformed answers keep the old data", async (t) => {
  await failsKeepingData(
    t,
    await feeds(t, { apache: serve(bodies.apache.subarray(0, 5000)) }),
    /not valid JSON/,
    /Apache/,
  );
  await failsKeepingData(
    t,
    await feeds(t, { kev: serve(Buffer.from('{"vulnerabilities": {}}')) }),
    /no vulnerabilities array/,
  );
});

/** A feed directory as `db fetch --to DIR` leaves it. */
function feedDir(t: T): string {
  const dir = tempDir(t);
  const put = (rel: string, body: Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  };
  put("apache/vulnerabilities-httpd.json", bodies.apache);
  put("kev/known_exploited_vulnerabilities.json", bodies.kev);
  put("debian/tracker.json", bodies.debian);
  return dir;
}

test("air-gapped: --from DIR updates without any network, and db status names the files", async (t) => {
  const from = feedDir(t);
  const s = stateDir(t);
  const r = await mamori(["db", "update", "--data-dir", s.dir, "--now", NOW, "--from", from, ...THREE]);
  assert.equal(r.code, 0, r.stderr);
  const shipped = (JSON.parse(fs.readFileSync(path.join(repo, "data/vulndb.json"), "utf8")) as VulnDb).cves
    .length;
  assert.match(r.stdout, new RegExp(`Updated .*: ${shipped} Apache CVEs, 5 in KEV`));
  // A local file is read, not downloaded, and named by its path.
  assert.match(r.stderr, new RegExp(`^Reading .* from ${from}/apache/vulnerabilities-httpd\\.json$`, "m"));
  assert.doesNotMatch(r.stderr, /Downloading|file:\/\//);
  assert.deepEqual(s.listing(), ["data/vulndb.json"]);
  const st = await mamori([
    "db",
    "status",
    "--data-dir",
    s.dir,
    "--now",
    NOW,
    "--format",
    "json",
    "--distro",
    "debian",
  ]);
  const status = JSON.parse(st.stdout);
  assert.equal(status.stale, false);
  assert.deepEqual(
    status.sources
      .filter((x: { kept?: boolean }) => !x.kept)
      .map((x: { feed: string; url: string }) => [x.feed, x.url]),
    [
      ["apache", pathToFileURL(path.join(from, "apache/vulnerabilities-httpd.json")).href],
      ["kev", pathToFileURL(path.join(from, "kev/known_exploited_vulnerabilities.json")).href],
      ["debian", pathToFileURL(path.join(from, "debian/tracker.json")).href],
    ],
  );
});

test("air-gapped: a bad --from DIR (missing file, link, broken file, not a dir) keeps the old data", async (t) => {
  const missing = feedDir(t);
  fs.rmSync(path.join(missing, "debian/tracker.json"));
  await failsKeepingData(
    t,
    ["--from", missing, ...THREE],
    /cannot read .*debian\/tracker\.json: no such file/,
    /Debian/,
  );

  const linked = feedDir(t);
  fs.rmSync(path.join(linked, "kev/known_exploited_vulnerabilities.json"));
  fs.symlinkSync("/etc/passwd", path.join(linked, "kev/known_exploited_vulnerabilities.json"));
  await failsKeepingData(
    t,
    ["--from", linked, ...THREE],
    /cannot read .*known_exploited_vulnerabilities\.json/,
    /CISA/,
  );

  const broken = feedDir(t);
  fs.writeFileSync(path.join(broken, "apache/vulnerabilities-httpd.json"), bodies.apache.subarray(0, 1000));
  await failsKeepingData(t, ["--from", broken, ...THREE], /not valid JSON/, /Apache/);

  const s = stateDir(t);
  const r = await mamori(["db", "update", "--data-dir", s.dir, "--from", path.join(missing, "nope")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--from .*nope: not a directory/);
});

test("air-gapped as root: a feed file another user can write is refused", async (t) => {
  if (needsRoot()) return t.skip(needsRoot());
  const dir = feedDir(t);
  fs.chmodSync(path.join(dir, "apache/vulnerabilities-httpd.json"), 0o666);
  await failsKeepingData(t, ["--from", dir, ...THREE], /writable by others/, /Apache/);
  const other = feedDir(t);
  fs.chownSync(path.join(other, "kev"), 65534, 65534);
  await failsKeepingData(t, ["--from", other, ...THREE], /owned by uid 65534/, /CISA/);
});

test("file:// URLs work from flags and from the configuration file", async (t) => {
  const from = feedDir(t);
  const url = (rel: string) => pathToFileURL(path.join(from, rel)).href;
  const s = stateDir(t);
  const config = path.join(tempDir(t), "config.yaml");
  fs.writeFileSync(
    config,
    `feeds:\n  apache: ${url("apache/vulnerabilities-httpd.json")}\n  kev:\n    known_exploited_vulnerabilities.json: ${url("kev/known_exploited_vulnerabilities.json")}\n`,
  );
  const r = await mamori([
    "db",
    "update",
    "--data-dir",
    s.dir,
    "--now",
    NOW,
    "--config",
    config,
    "--feed-url",
    `debian=${url("debian/tracker.json")}`,
    ...THREE,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((r.stderr.match(/^Reading .* from \//gm) ?? []).length, 3, r.stderr);

  // A misspelt feed or a scheme mamori does not read is one line before anything is fetched.
  const bad = await mamori(["db", "update", "--data-dir", s.dir, "--feed-url", "ubuntu=file:///x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--feed-url: there is no feed ubuntu \(feeds: apache, kev, debian, ubuntu-osv/);
  fs.writeFileSync(config, "feeds:\n  kev: gopher://127.0.0.1/kev\n");
  const scheme = await mamori(["db", "update", "--data-dir", s.dir, "--config", config]);
  assert.equal(scheme.code, 2);
  assert.match(scheme.stderr, /feeds\.kev must be an http, https or file URL/);
  assert.doesNotMatch(scheme.stderr, /Downloading/);
});

test("db fetch --to DIR on a networked machine, then db update --from DIR gives the same data", async (t) => {
  const args = await feeds(t);
  const to = path.join(tempDir(t), "feeds");
  const f = await mamori(["db", "fetch", "--to", to, ...args]);
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /Saved 3 files .* under .*feeds.*db update --from DIR/);
  assert.deepEqual(walk(to), [
    "apache/vulnerabilities-httpd.json",
    "debian/tracker.json",
    "kev/known_exploited_vulnerabilities.json",
  ]);
  const viaHttp = stateDir(t);
  const viaDir = stateDir(t);
  assert.equal((await mamori(["db", "update", "--data-dir", viaHttp.dir, "--now", NOW, ...args])).code, 0);
  assert.equal(
    (await mamori(["db", "update", "--data-dir", viaDir.dir, "--now", NOW, "--from", to, ...THREE])).code,
    0,
  );
  const cves = (file: string) => (JSON.parse(fs.readFileSync(file, "utf8")) as VulnDb).cves;
  assert.deepEqual(cves(viaDir.file), cves(viaHttp.file));

  // A failing part leaves no half file and says which feed failed.
  const broken = await feeds(t, { debian: (_req, res) => res.writeHead(500).end() });
  const to2 = path.join(tempDir(t), "feeds");
  const g = await mamori(["db", "fetch", "--to", to2, ...broken]);
  assert.equal(g.code, 2);
  assert.match(g.stderr, /fetch failed: Debian security tracker: HTTP 500/);
  assert.ok(!walk(to2).some((n) => n.includes("tracker") || n.endsWith(".tmp")), walk(to2).join(","));
});

test("the feed list: ids, official https URLs, every feed read by db update", () => {
  assert.deepEqual(
    FEEDS.map((f) => [f.id, Boolean(f.read)]),
    [
      ["apache", true],
      ["kev", true],
      ["debian", true],
      ["ubuntu-osv", true],
      ["almalinux-osv", true],
      ["rocky-osv", true],
      ["alpine-secdb", true],
    ],
  );
  for (const f of FEEDS) for (const url of Object.values(f.parts)) assert.match(url, /^https:\/\//, f.id);
});

/** A snapshot whose upstream data is fresh but whose distro feeds are old. */
function mixedAges(t: T): string {
  const dir = tempDir(t);
  const src = (name: string, feed: string | undefined, fetchedAt: string) => ({
    name,
    ...(feed ? { feed } : {}),
    url: "https://example.org/",
    fetchedAt,
    records: 1,
  });
  const db: VulnDb = {
    meta: {
      builtAt: "2026-11-20T00:00:00.000Z",
      sources: [
        src("Apache HTTP Server security data", "apache", "2026-11-20T00:00:00.000Z"),
        src("CISA Known Exploited Vulnerabilities", "kev", "2026-11-19T00:00:00.000Z"),
        src("Debian security tracker", "debian", "2026-11-18T00:00:00.000Z"),
        src("Ubuntu security notices (OSV)", "ubuntu-osv", "2026-09-01T00:00:00.000Z"),
        src("AlmaLinux errata (OSV)", "almalinux-osv", "2026-06-01T00:00:00.000Z"),
      ],
    },
    cves: [],
  };
  fs.writeFileSync(path.join(dir, "vulndb.json"), JSON.stringify(db));
  return dir;
}

test("db status: each source's date and age; staleness by the source that matters for the host", async (t) => {
  const dir = mixedAges(t);
  const status = async (distro: string) =>
    JSON.parse(
      (
        await mamori([
          "db",
          "status",
          "--data-dir",
          dir,
          "--now",
          NOW,
          "--format",
          "json",
          "--distro",
          distro,
        ])
      ).stdout,
    );
  const ubuntu = await status("ubuntu");
  assert.equal(ubuntu.stale, true);
  assert.equal(ubuntu.ageDays, 85);
  assert.equal(ubuntu.ageSource, "Ubuntu security notices (OSV)", "not AlmaLinux's, the oldest overall");
  assert.deepEqual(
    ubuntu.sources.map((s: { ageDays: number; matters: boolean }) => [s.ageDays, s.matters]),
    [
      [5, true],
      [6, true],
      [7, false],
      [85, true],
      [177, false],
    ],
  );
  const debian = await status("debian");
  assert.equal(debian.stale, false);
  assert.equal(debian.ageSource, "Debian security tracker");
  assert.equal(debian.ageDays, 7);
  assert.equal((await status("rhel")).ageSource, "AlmaLinux errata (OSV)", "Alma stands in for RHEL");
  assert.equal((await status("none")).ageDays, 6, "a source build is judged upstream only");

  const human = await mamori(["db", "status", "--data-dir", dir, "--now", NOW, "--distro", "ubuntu"]);
  assert.match(human.stdout, /Ubuntu security notices \(OSV\): 1 record, fetched 2026-09-01, 85 days ago/);
  assert.match(human.stdout, /AlmaLinux errata \(OSV\).*\[not used for this host\]/);
  assert.match(
    human.stdout,
    /Ubuntu security notices \(OSV\) is 85 days old, older than 30 days: run `mamori db update`/,
  );
  const ja = await mamori([
    "db",
    "status",
    "--data-dir",
    dir,
    "--now",
    NOW,
    "--distro",
    "ubuntu",
    "--lang",
    "ja",
  ]);
  assert.match(ja.stdout, /85 日前/);
});

test("the audit's staleness warning names the host's distro feed, not the oldest one overall", (t) => {
  const dir = mixedAges(t);
  const warn = (distros: string[]) => {
    const diag = new Diagnostics();
    loadVulnDb(dir, diag, new Date(NOW), { distros });
    return diag.warnings.map((w) => renderText(w.detail ?? "", translator("en")));
  };
  assert.deepEqual(warn(["ubuntu"]), [
    "the vulnerability data is 85 days old (oldest source that judges this host: Ubuntu security notices (OSV)); run `mamori db update`",
  ]);
  assert.deepEqual(warn(["debian"]), []);
  assert.deepEqual(warn([]), []);
});

test("an update from Apache's JSON (which lacks 2.4.69) keeps the announced 2.4.69 CVEs of the snapshot", async (t) => {
  const { buildSnapshot } = await import("../../src/vulndb/snapshot.ts");
  const { serializeVulnDb } = await import("../../src/vulndb/assemble.ts");
  const { matchCves } = await import("../../src/vulndb/match.ts");
  const s = stateDir(t);
  fs.writeFileSync(s.file, serializeVulnDb(buildSnapshot(vulndata)));
  const r = await mamori(["db", "update", "--data-dir", s.dir, "--now", NOW, ...(await feeds(t))]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /288 Apache CVEs/);
  const db = loadVulnDb(s.dir, new Diagnostics(), new Date(NOW)) as VulnDb;
  const at68 = matchCves(db, { upstreamVersion: "2.4.68" }).filter((m) => m.status === "affected");
  assert.equal(at68.length, 20);
  const kept = db.meta.sources.filter((x) => x.kept);
  // Distro data no feed of this run refreshed is kept too (Ubuntu, AlmaLinux, Alpine here).
  assert.deepEqual(
    kept.filter((x) => !x.distros).map((x) => [x.name.split(",")[0], x.records]),
    [
      ["Apache HTTP Server security team", 20],
      ["Bitnami vulndb", 24],
    ],
  );
  assert.deepEqual(
    kept.filter((x) => x.distros).map((x) => x.feed),
    ["ubuntu-osv", "almalinux-osv", "alpine-secdb"],
  );
});
