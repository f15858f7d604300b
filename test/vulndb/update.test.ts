import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { Diagnostics } from "../../src/core/diagnostics.ts";
import { loadVulnDb } from "../../src/vulndb/load.ts";
import { matchCves } from "../../src/vulndb/match.ts";
import { mamori } from "../helpers/cli.ts";
import { type Handler, listenLocal, serveBody } from "../helpers/http-local.ts";
import { debianTrackerBody } from "../helpers/local-feeds.ts";
import { tempDir } from "../helpers/tmp.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");
const apacheBody = fs.readFileSync(path.join(vulndata, "httpd-vulnerabilities-consolidated.json"));
const kevBody = fs.readFileSync(
  path.join(vulndata, "kev/cisagov-kev-data_known_exploited_vulnerabilities.json"),
);
const NOW = "2026-11-25T12:00:00.000Z";
/** CVEs in the shipped snapshot: Apache's 244, Bitnami's 24 and, once rebuilt with them, the 20 of 2.4.69. */
const SHIPPED = (
  JSON.parse(fs.readFileSync(path.join(repo, "data/vulndb.json"), "utf8")) as { cves: unknown[] }
).cves.length;

/** The tracker made from the DSA/DLA lists, plus a bookworm entry and another package. */
const debianBody = debianTrackerBody(
  { openssl: { "CVE-2099-0001": { releases: {} } } },
  {
    "CVE-2023-25690": {
      bookworm: { status: "resolved", fixed_version: "2.4.56-1" },
      trixie: { status: "resolved", fixed_version: "2.4.56-1" },
    },
    "CVE-2023-31122": { bookworm: { status: "open" } },
  },
);

const serve = (body: Buffer): Handler => serveBody(body);

async function feeds(
  t: { after: (fn: () => void | Promise<void>) => void },
  overrides: Partial<Record<"apache" | "kev" | "debian", Handler>> = {},
): Promise<{ apache: string; kev: string; debian: string; hits: string[] }> {
  const routes: Record<string, Handler> = {
    "/apache.json": overrides.apache ?? serve(apacheBody),
    "/kev.json": overrides.kev ?? serve(kevBody),
    "/debian.json": overrides.debian ?? serve(debianBody),
  };
  const hits: string[] = [];
  const base = await listenLocal(t, (req, res) => {
    hits.push(req.url ?? "");
    const h = routes[req.url ?? ""];
    if (h) h(req, res);
    else res.writeHead(404).end();
  });
  return { apache: `${base}/apache.json`, kev: `${base}/kev.json`, debian: `${base}/debian.json`, hits };
}

/** A data dir holding a copy of the committed snapshot, as an installed mamori would have. */
function dataDirCopy(t: { after: (fn: () => void) => void }): { dir: string; file: string; before: Buffer } {
  const dir = tempDir(t);
  const file = path.join(dir, "vulndb.json");
  fs.copyFileSync(path.join(repo, "data/vulndb.json"), file);
  return { dir, file, before: fs.readFileSync(file) };
}

/** These tests are about the three upstream/Debian feeds; the distro feeds have update-distro.test.ts. */
const THREE = ["--feed", "apache,kev,debian"];

const urlFlags = (u: { apache: string; kev: string; debian: string }) => [
  ...THREE,
  "--apache-url",
  u.apache,
  "--kev-url",
  u.kev,
  "--debian-url",
  u.debian,
];

test("db update downloads the three feeds, replaces the data and db status shows the counts", async (t) => {
  const urls = await feeds(t);
  const { dir, file, before } = dataDirCopy(t);
  const r = await mamori(["db", "update", "--data-dir", dir, "--now", NOW, ...urlFlags(urls)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Updated .*vulndb\\.json: ${SHIPPED} Apache CVEs, 5 in KEV`));
  assert.deepEqual(urls.hits.sort(), ["/apache.json", "/debian.json", "/kev.json"]);
  assert.notDeepEqual(fs.readFileSync(file), before);
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")),
    [],
    "no temporary file left behind",
  );

  const s = await mamori(["db", "status", "--data-dir", dir, "--format", "json", "--now", NOW]);
  assert.equal(s.code, 0, s.stderr);
  const status = JSON.parse(s.stdout);
  assert.equal(status.cves, SHIPPED, "244 from Apache's feed plus the newer ones kept from the snapshot");
  assert.equal(status.kevCves, 5);
  assert.equal(status.kevCatalog.count, 1404);
  assert.equal(status.debianEntries, 148 + 2, "the DSA/DLA fixes plus the bookworm and trixie ones");
  assert.equal(status.ageDays, 0, "kept records do not make fresh data look old");
  assert.equal(status.builtAt, NOW);
  assert.equal(
    status.sources.find((x: { kept?: boolean; name: string }) => x.kept && /Bitnami/.test(x.name))?.records,
    24,
  );
  assert.equal(status.sources[0].url, urls.apache);

  const human = await mamori(["db", "status", "--data-dir", dir, "--now", NOW]);
  assert.match(human.stdout, new RegExp(`Apache CVEs: ${SHIPPED} \\(5 in CISA KEV\\)`));
  assert.doesNotMatch(human.stdout, /older than/);

  // The refreshed data drives the matcher: bookworm is now judged by Debian's own fixes.
  const db = loadVulnDb(dir, new Diagnostics(), new Date(NOW));
  assert.ok(db);
  const owner = {
    manager: "dpkg" as const,
    name: "apache2",
    version: "2.4.55-1",
    distro: "debian",
    release: "bookworm",
    origin: "distro" as const,
  };
  const ms = matchCves(db, { upstreamVersion: "2.4.55", owner });
  const smuggling = ms.find((m) => m.cve.id === "CVE-2023-25690");
  assert.equal(smuggling?.status, "affected");
  assert.equal(smuggling?.basis, "distro-data");
  assert.equal(smuggling?.fixedVersion, "2.4.56-1");
  assert.equal(ms.find((m) => m.cve.id === "CVE-2023-31122")?.basis, "distro-data", "open in the tracker");
  // Advisory ids from the old snapshot survive, though the tracker JSON does not carry them.
  assert.deepEqual(db.cves.find((c) => c.id === "CVE-2021-44790")?.advisories, [
    "ALSA-2022:0258",
    "DLA-2907-1",
    "DSA-5035-1",
    "USN-5212-1",
  ]);
  assert.deepEqual(db.cves.find((c) => c.id === "CVE-2019-0211")?.distroFirstAdvisory, {
    debian: "2019-04-03",
  });
});

test("a data dir that cannot be written is one clear line and exit 2", async (t) => {
  const urls = await feeds(t);
  const notADir = path.join(tempDir(t), "file");
  fs.writeFileSync(notADir, "x");
  const r = await mamori(["db", "update", "--data-dir", notADir, "--now", NOW, ...urlFlags(urls)]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /could not write .*file\/vulndb\.json \((EEXIST|ENOTDIR)\)/);
  assert.equal(fs.readFileSync(notADir, "utf8"), "x");
});

test("feed URLs can come from the environment", async (t) => {
  const urls = await feeds(t);
  const { dir } = dataDirCopy(t);
  const r = await mamori(["db", "update", "--data-dir", dir, "--now", NOW, ...THREE], {
    env: { MAMORI_APACHE_URL: urls.apache, MAMORI_KEV_URL: urls.kev, MAMORI_DEBIAN_URL: urls.debian },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(urls.hits.length, 3);
});

/** Each broken download must leave the old file byte for byte and say, in one line, which source failed. */
async function assertFailsKeepingData(
  t: { after: (fn: () => void | Promise<void>) => void },
  overrides: Partial<Record<"apache" | "kev" | "debian", Handler>>,
  source: RegExp,
  reason: RegExp,
  extra: string[] = [],
): Promise<void> {
  const urls = await feeds(t, overrides);
  const { dir, file, before } = dataDirCopy(t);
  const r = await mamori(["db", "update", "--data-dir", dir, "--now", NOW, ...urlFlags(urls), ...extra]);
  assert.equal(r.code, 2, r.stdout);
  const lines = r.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("Downloading"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, source);
  assert.match(lines[0] as string, reason);
  assert.match(lines[0] as string, /left unchanged/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.deepEqual(fs.readFileSync(file), before, "the previous data is byte-identical");
  assert.deepEqual(fs.readdirSync(dir), ["vulndb.json"]);
}

test("a truncated Apache download (connection cut short) leaves the data unchanged", async (t) => {
  await assertFailsKeepingData(
    t,
    {
      apache: (_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": apacheBody.length });
        res.write(apacheBody.subarray(0, Math.floor(apacheBody.length / 2)), () => res.destroy());
      },
    },
    /Apache HTTP Server security data/,
    /interrupted|truncated/,
  );
});

test("why a feed failed is said in the chosen language", async (t) => {
  const urls = await feeds(t, { kev: (_req, res) => res.writeHead(503).end() });
  const { dir } = dataDirCopy(t);
  const r = await mamori([
    "db",
    "update",
    "--data-dir",
    dir,
    "--now",
    NOW,
    "--lang",
    "ja",
    ...urlFlags(urls),
  ]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^mamori: 更新に失敗しました: CISA.*: HTTP 503 .*が返りました。既存のデータはそのままです$/m,
  );
});

test("a truncated Apache body that the server calls complete is rejected as invalid JSON", async (t) => {
  await assertFailsKeepingData(
    t,
    { apache: serve(apacheBody.subarray(0, apacheBody.length - 1000)) },
    /Apache HTTP Server security data/,
    /not valid JSON/,
  );
});

test("a Debian tracker cut off after the apache2 part is still rejected as incomplete", async (t) => {
  const tracker = JSON.parse(debianBody.toString("utf8"));
  const reordered = Buffer.from(
    JSON.stringify({ apache2: tracker.apache2, zlib: { "CVE-2099-0002": { releases: {} } } }),
  );
  await assertFailsKeepingData(
    t,
    { debian: serve(reordered.subarray(0, reordered.length - 10)) },
    /Debian security tracker/,
    /not valid JSON/,
  );
});

test("a malformed KEV feed leaves the data unchanged", async (t) => {
  await assertFailsKeepingData(
    t,
    { kev: serve(Buffer.from('{"title": "CISA Catalog", "vulnerabilities": "soon"}')) },
    /CISA Known Exploited Vulnerabilities/,
    /vulnerabilities/,
  );
});

test("a KEV feed that parses but is far too small fails the sanity check", async (t) => {
  const small = JSON.parse(kevBody.toString("utf8"));
  small.vulnerabilities = small.vulnerabilities.slice(0, 10);
  await assertFailsKeepingData(
    t,
    { kev: serve(Buffer.from(JSON.stringify(small))) },
    /CISA Known Exploited Vulnerabilities/,
    /only 10 entries/,
  );
});

test("an HTTP 500 from Debian's tracker leaves the data unchanged", async (t) => {
  await assertFailsKeepingData(
    t,
    { debian: (_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end("boom") },
    /Debian security tracker/,
    /HTTP 500/,
  );
});

test("an Apache feed with too few records fails the sanity check", async (t) => {
  const few = JSON.parse(apacheBody.toString("utf8")).slice(0, 50);
  await assertFailsKeepingData(
    t,
    { apache: serve(Buffer.from(JSON.stringify(few))) },
    /Apache HTTP Server security data/,
    /only 50 records/,
  );
});

test("a feed that never answers times out", async (t) => {
  await assertFailsKeepingData(
    t,
    { kev: () => undefined },
    /CISA Known Exploited Vulnerabilities/,
    /no answer within 1 s/,
    ["--timeout", "1"],
  );
});

test("a bad URL or timeout is a usage error", async (t) => {
  const { dir } = dataDirCopy(t);
  // Checked before anything is downloaded: no official host is ever contacted by this test.
  const r = await mamori(["db", "update", "--data-dir", dir, "--apache-url", "ftp://127.0.0.1/x.json"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--apache-url must be an http, https or file URL/);
  assert.doesNotMatch(r.stderr, /Downloading/);
  const e = await mamori(["db", "update", "--data-dir", dir], { env: { MAMORI_KEV_URL: "not a url" } });
  assert.equal(e.code, 2);
  assert.match(e.stderr, /MAMORI_KEV_URL/);
  const to = await mamori(["db", "update", "--data-dir", dir, "--timeout", "0"]);
  assert.equal(to.code, 2);
  assert.match(to.stderr, /--timeout/);
});

test("db status without usable data says so in one line and exits 2", async (t) => {
  const empty = tempDir(t);
  const r = await mamori(["db", "status", "--data-dir", empty]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no vulnerability data at .*mamori db update/);
  fs.writeFileSync(path.join(empty, "vulndb.json"), "{");
  const bad = await mamori(["db", "status", "--data-dir", empty, "--lang", "ja"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /壊れています/);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
});

test("db status on the shipped snapshot says it is stale", async () => {
  const r = await mamori(["db", "status", "--now", NOW]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(`Apache CVEs: ${SHIPPED} \\(5 in CISA KEV\\)`));
  assert.match(r.stdout, /Debian fixes: 148/);
  assert.match(r.stdout, /older than 30 days: run `mamori db update`/);
});

test("db help lists both subcommands and the feed flags", async () => {
  const r = await mamori(["db", "update", "--help"]);
  assert.equal(r.code, 0);
  for (const flag of [
    "--apache-url",
    "--kev-url",
    "--debian-url",
    "--feed-url",
    "--from",
    "--config",
    "--data-dir",
    "--timeout",
  ])
    assert.match(r.stdout, new RegExp(flag));
  const s = await mamori(["db", "status", "--help"]);
  assert.equal(s.code, 0);
  assert.match(s.stdout, /--format <format>/);
  const f = await mamori(["db", "fetch", "--help"]);
  assert.equal(f.code, 0);
  assert.match(f.stdout, /--to <dir>/);
});
