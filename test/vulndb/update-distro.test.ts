/**
 * `mamori db update` refreshing the distro feeds from their official formats: OSV `all.zip` archives
 * (Ubuntu, AlmaLinux, Rocky) and Alpine's secdb JSON per branch, served from 127.0.0.1. The archives are
 * built at test time from the mirrored records in ../shared/vulndata/distro with test/helpers/zip.ts
 * (node:zlib deflateRaw; no `zip` needed), plus a few synthetic records that say so in their id.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { ALPINE_BRANCHES } from "../../src/vulndb/feeds.ts";
import { secdbYamlToJson } from "../../src/vulndb/sources/alpine-secdb.ts";
import type { VulnDb } from "../../src/vulndb/types.ts";
import { bufferAccess, readZip, ZipError } from "../../src/vulndb/zip.ts";
import { auditJson, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { type Handler, listenLocal, serveBody } from "../helpers/http-local.ts";
import { debianTrackerBody } from "../helpers/local-feeds.ts";
import { tempDir } from "../helpers/tmp.ts";
import { makeZip, type ZipInput } from "../helpers/zip.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");
const distroDir = path.join(vulndata, "distro");
const NOW = "2026-11-25T12:00:00.000Z";
const MiB = 1024 * 1024;
type T = { after: (fn: () => void | Promise<void>) => void };

function jsonFiles(dir: string): ZipInput[] {
  const out: ZipInput[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".json")) out.push({ name: e.name, data: fs.readFileSync(p) });
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A USN made up for this test (USN-9999-1): Ubuntu fixes CVE-2026-57941 on 20.04 in 2.4.41-4ubuntu3.24. */
const SYNTHETIC_USN = {
  schema_version: "1.7.0",
  id: "USN-9999-1",
  summary: "apache2 vulnerability (synthetic test record)",
  published: "2026-11-01T00:00:00Z",
  modified: "2026-11-01T00:00:00Z",
  upstream: ["CVE-2026-57941"],
  affected: [
    {
      package: { ecosystem: "Ubuntu:20.04:LTS", name: "apache2" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.4.41-4ubuntu3.24" }] }],
    },
  ],
};
/** Another package's record, as all.zip holds thousands: it must not be parsed into apache2's data. */
const OTHER_PACKAGE = {
  id: "USN-9998-1",
  upstream: ["CVE-2026-57941"],
  affected: [
    {
      package: { ecosystem: "Ubuntu:20.04:LTS", name: "openssl" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "9.9.9" }] }],
    },
  ],
};

const ubuntuEntries = (extra: object[] = [SYNTHETIC_USN, OTHER_PACKAGE]): ZipInput[] => [
  ...jsonFiles(path.join(distroDir, "ubuntu-osv")),
  ...extra.map((r) => ({ name: `${(r as { id: string }).id}.json`, data: Buffer.from(JSON.stringify(r)) })),
];
const almaEntries = jsonFiles(path.join(distroDir, "almalinux-osv"));
/** No Rocky mirror exists: AlmaLinux's records relabelled (RLSA ids, "Rocky Linux:N" ecosystems). */
const rockyEntries = almaEntries.map((e) => ({
  name: e.name.replace("ALSA", "RLSA"),
  data: Buffer.from(
    e.data.toString("utf8").replaceAll("AlmaLinux:", "Rocky Linux:").replaceAll("ALSA-", "RLSA-"),
  ),
}));
/** The mirror holds v3.3-v3.11; each served branch file carries the newest mirrored branch's apache2 entries. */
function alpineBranch(branch: string): Buffer {
  const branches = secdbYamlToJson(
    fs.readFileSync(path.join(distroDir, "alpine-secdb/apache2-secfixes-by-branch.yaml"), "utf8"),
  );
  const newest = branches.at(-1) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...newest, distroversion: branch }));
}

const bodies: Record<string, { body: Buffer; type: string }> = {
  "/apache.json": {
    body: fs.readFileSync(path.join(vulndata, "httpd-vulnerabilities-consolidated.json")),
    type: "application/json",
  },
  "/kev.json": {
    body: fs.readFileSync(path.join(vulndata, "kev/cisagov-kev-data_known_exploited_vulnerabilities.json")),
    type: "application/json",
  },
  "/debian.json": { body: debianTrackerBody(), type: "application/json" },
  "/ubuntu.zip": { body: makeZip(ubuntuEntries()), type: "application/zip" },
  "/alma.zip": { body: makeZip(almaEntries), type: "application/zip" },
  "/rocky.zip": { body: makeZip(rockyEntries), type: "application/zip" },
  ...Object.fromEntries(
    ALPINE_BRANCHES.map((b) => [`/alpine/${b}.json`, { body: alpineBranch(b), type: "application/json" }]),
  ),
};

const serve = (body: Buffer, type = "application/zip"): Handler => serveBody(body, type);

/** Every feed on one local server; `overrides` replace one route's answer. Returns the --feed-url flags. */
async function feeds(
  t: T,
  overrides: Record<string, Handler> = {},
): Promise<{ flags: string[]; hits: string[] }> {
  const hits: string[] = [];
  const base = await listenLocal(t, (req, res) => {
    hits.push(req.url ?? "");
    const route = bodies[req.url ?? ""];
    const h = overrides[req.url ?? ""] ?? (route ? serve(route.body, route.type) : undefined);
    if (h) h(req, res);
    else res.writeHead(404).end();
  });
  const flags = [
    ["apache", "/apache.json"],
    ["kev", "/kev.json"],
    ["debian", "/debian.json"],
    ["ubuntu-osv", "/ubuntu.zip"],
    ["almalinux-osv", "/alma.zip"],
    ["rocky-osv", "/rocky.zip"],
    ...ALPINE_BRANCHES.map((b) => [`alpine-secdb/${b}-main.json`, `/alpine/${b}.json`]),
  ].flatMap(([id, route]) => ["--feed-url", `${id}=${base}${route}`]);
  return { flags, hits };
}

function stateDir(t: T): { dir: string; file: string; before: Buffer } {
  const dir = tempDir(t);
  const file = path.join(dir, "vulndb.json");
  fs.copyFileSync(path.join(repo, "data/vulndb.json"), file);
  return { dir, file, before: fs.readFileSync(file) };
}

const update = (dir: string, args: string[]) =>
  mamori(["db", "update", "--data-dir", dir, "--now", NOW, ...args]);

/** The Ubuntu 20.04 fixture root with its apache2 packages at another version (built at test time). */
function ubuntu2004At(t: T, version: string): string {
  const root = path.join(tempDir(t), "root");
  fs.cpSync(fixtureRoot("ubuntu2004-patched"), root, { recursive: true });
  const status = path.join(root, "var/lib/dpkg/status");
  fs.writeFileSync(status, fs.readFileSync(status, "utf8").replaceAll("2.4.41-4ubuntu3.21", version));
  return root;
}

async function cveFindings(
  root: string,
  dataDir: string,
): Promise<Array<{ cves: string[]; data?: Record<string, unknown> }>> {
  const { doc } = await auditJson(root, ["--data-dir", dataDir]);
  return (
    doc as unknown as { findings: Array<{ check: string; cves: string[]; data?: Record<string, unknown> }> }
  ).findings.filter((f) => f.check === "apache.cve");
}

test("db update refreshes every distro feed from its official format; a new USN decides Ubuntu 20.04", async (t) => {
  const { flags, hits } = await feeds(t);
  const s = stateDir(t);
  const before324 = await cveFindings(ubuntu2004At(t, "2.4.41-4ubuntu3.24"), s.dir);
  assert.ok(
    before324.some((f) => f.cves.includes("CVE-2026-57941")),
    "the shipped data has Ubuntu's 'not fixed yet' for CVE-2026-57941",
  );

  const r = await update(s.dir, flags);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    [...new Set(hits)].sort(),
    Object.keys(bodies).sort(),
    "every feed was read, and only from 127.0.0.1",
  );
  const db = JSON.parse(fs.readFileSync(s.file, "utf8")) as VulnDb;
  const fresh = db.meta.sources.filter((x) => !x.kept && x.distros);
  assert.deepEqual(
    fresh.map((x) => [x.feed, x.distros, x.fetchedAt]),
    [
      ["debian", ["debian", "raspbian"], NOW],
      ["ubuntu-osv", ["ubuntu"], NOW],
      ["almalinux-osv", ["almalinux", "rhel", "centos"], NOW],
      ["rocky-osv", ["rocky", "rhel", "centos"], NOW],
      ["alpine-secdb", ["alpine"], NOW],
    ],
  );
  // The refreshed feeds replace their old entries: none of them is also kept.
  assert.deepEqual(
    db.meta.sources.filter((x) => x.kept && x.distros).map((x) => x.feed),
    [],
  );
  const cve = db.cves.find((c) => c.id === "CVE-2026-57941");
  assert.equal(cve?.distroFixed["ubuntu:20.04"], "2.4.41-4ubuntu3.24");
  assert.ok(!cve?.distroOpen?.includes("ubuntu:20.04"), "the fix replaces Ubuntu's 'not fixed yet'");
  assert.ok(!cve?.advisories?.includes("USN-9998-1"), "another package's record is not apache2's data");
  const known = db.cves.find((c) => c.id === "CVE-2021-40438");
  assert.equal(known?.distroFixed["ubuntu:20.04"], "2.4.41-4ubuntu3.5");
  assert.ok(Object.keys(known?.distroFixed ?? {}).some((k) => k.startsWith("rocky:")));
  assert.ok(
    Object.keys(db.cves.find((c) => c.id === "CVE-2019-10098")?.distroFixed ?? {}).includes("alpine:3.23"),
  );

  // 3.21 lacks the new fix: still affected, judged with Ubuntu's data; 3.24 has it.
  const at321 = await cveFindings(fixtureRoot("ubuntu2004-patched"), s.dir);
  const open = at321.find((f) => f.cves.includes("CVE-2026-57941"));
  assert.equal(open?.data?.basis, "distro-data");
  const at324 = await cveFindings(ubuntu2004At(t, "2.4.41-4ubuntu3.24"), s.dir);
  assert.ok(!at324.some((f) => f.cves.includes("CVE-2026-57941")), JSON.stringify(at324.map((f) => f.cves)));
});

test("db fetch --to DIR saves the distro feeds; db update --from DIR gives the same data as HTTP", async (t) => {
  const { flags } = await feeds(t);
  const to = path.join(tempDir(t), "feeds");
  const f = await mamori(["db", "fetch", "--to", to, ...flags]);
  assert.equal(f.code, 0, f.stderr);
  const saved = fs.readdirSync(to, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  assert.deepEqual(
    saved.map((e) => path.relative(to, path.join(e.parentPath, e.name))).sort(),
    [
      ...ALPINE_BRANCHES.map((b) => `alpine-secdb/${b}-main.json`),
      "almalinux-osv/all.zip",
      "apache/vulnerabilities-httpd.json",
      "debian/tracker.json",
      "kev/known_exploited_vulnerabilities.json",
      "rocky-osv/all.zip",
      "ubuntu-osv/all.zip",
    ].sort(),
  );
  assert.deepEqual(fs.readFileSync(path.join(to, "ubuntu-osv/all.zip")), bodies["/ubuntu.zip"]?.body);

  const viaHttp = stateDir(t);
  const viaDir = stateDir(t);
  assert.equal((await update(viaHttp.dir, flags)).code, 0);
  const r = await update(viaDir.dir, ["--from", to]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^Reading Ubuntu security notices.* from .*\/ubuntu-osv\/all\.zip$/m);
  assert.doesNotMatch(r.stderr, /Downloading/);
  const cves = (file: string) => (JSON.parse(fs.readFileSync(file, "utf8")) as VulnDb).cves;
  assert.deepEqual(cves(viaDir.file), cves(viaHttp.file));
});

test("--feed refreshes only the named distro feed; the others keep their data and are marked kept", async (t) => {
  const { flags, hits } = await feeds(t);
  const s = stateDir(t);
  const r = await update(s.dir, [...flags, "--feed", "ubuntu-osv"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(hits, ["/ubuntu.zip"]);
  assert.match(r.stdout, / 5 in KEV/, "KEV, not read this time, stays joined");
  const db = JSON.parse(fs.readFileSync(s.file, "utf8")) as VulnDb;
  assert.deepEqual(
    db.meta.sources.filter((x) => x.kept && x.distros).map((x) => x.feed),
    ["debian", "almalinux-osv", "alpine-secdb"],
  );
  const shipped = JSON.parse(fs.readFileSync(path.join(repo, "data/vulndb.json"), "utf8")) as VulnDb;
  // AlmaLinux's and Debian's fixes are the shipped ones, untouched.
  const pick = (d: VulnDb) =>
    d.cves.flatMap((c) =>
      Object.entries(c.distroFixed)
        .filter(([k]) => !k.startsWith("ubuntu:"))
        .map(([k, v]) => `${c.id} ${k} ${v}`),
    );
  assert.deepEqual(pick(db).sort(), pick(shipped).sort());
});

/** A hostile or broken archive: one line naming the feed, exit 2, the old data byte for byte. */
async function refused(t: T, route: string, body: Buffer, reason: RegExp, source: RegExp): Promise<void> {
  const { flags } = await feeds(t, { [route]: serve(body) });
  const s = stateDir(t);
  const r = await update(s.dir, flags);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const lines = r.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("Downloading"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, /update failed: .*not a usable zip archive: /);
  assert.match(lines[0] as string, reason);
  assert.match(lines[0] as string, source);
  assert.match(lines[0] as string, /left unchanged/);
  assert.doesNotMatch(r.stderr, /\n\s+at |\x1b/);
  assert.deepEqual(fs.readFileSync(s.file), s.before, "the previous data is byte-identical");
  assert.deepEqual(fs.readdirSync(s.dir), ["vulndb.json"]);
}

const UBUNTU = /Ubuntu security notices/;

test("hostile zip: a bomb is refused by its declared size, and by what it inflates to when it lies", async (t) => {
  const huge = Buffer.alloc(40 * MiB, 0x20);
  const honest = makeZip([...ubuntuEntries(), { name: "USN-0000-0.json", data: huge }]);
  assert.ok(honest.length < 2 * MiB, `${honest.length} bytes on the wire`);
  await refused(
    t,
    "/ubuntu.zip",
    honest,
    /entry USN-0000-0\.json is \d+ bytes, over the \d+-byte limit/,
    UBUNTU,
  );
  const lying = makeZip([...ubuntuEntries(), { name: "USN-0000-0.json", data: huge, declared: 1000 }]);
  await refused(
    t,
    "/ubuntu.zip",
    lying,
    /entry USN-0000-0\.json expands beyond its declared 1000 bytes/,
    UBUNTU,
  );
});

test("hostile zip: truncated archive or central directory, entry count lies", async (t) => {
  const good = bodies["/ubuntu.zip"]?.body as Buffer;
  await refused(t, "/ubuntu.zip", good.subarray(0, good.length - 500), /no end of central directory/, UBUNTU);
  // The central directory loses bytes in its middle; the end record is intact.
  const end = good.subarray(good.length - 22);
  const cdOffset = end.readUInt32LE(16);
  const cut = Buffer.concat([good.subarray(0, cdOffset + 100), good.subarray(cdOffset + 400)]);
  await refused(t, "/ubuntu.zip", cut, /central directory does not end where the archive says/, UBUNTU);
  const entries = ubuntuEntries();
  await refused(
    t,
    "/ubuntu.zip",
    makeZip(entries, { count: entries.length + 5 }),
    new RegExp(`says ${entries.length + 5} entries, its directory holds ${entries.length}`),
    UBUNTU,
  );
  await refused(
    t,
    "/alma.zip",
    makeZip(almaEntries, { count: almaEntries.length - 3 }),
    /its directory holds more/,
    /AlmaLinux/,
  );
});

test("hostile zip: a name that climbs out (../x), overlapping entries, 100k tiny entries", async (t) => {
  await refused(
    t,
    "/ubuntu.zip",
    makeZip([...ubuntuEntries(), { name: "../x.json", data: Buffer.from("{}") }]),
    /unsafe entry name "\.\.\/x\.json"/,
    UBUNTU,
  );
  const two = ubuntuEntries().slice(0, 2);
  await refused(
    t,
    "/ubuntu.zip",
    makeZip([two[0] as ZipInput, { ...(two[1] as ZipInput), offset: 0 }]),
    /overlaps another entry/,
    UBUNTU,
  );
  const tiny = Array.from({ length: 100_000 }, (_, i) => ({
    name: `t/${i}.json`,
    data: Buffer.from("{}"),
    store: true,
  }));
  await refused(t, "/alma.zip", makeZip(tiny), /more than 50000 entries \(100000\)/, /AlmaLinux/);
});

test("a zip holding no record of the web server is a broken feed, not an empty one", async (t) => {
  const { flags } = await feeds(t, {
    "/rocky.zip": serve(makeZip([{ name: "RLSA-0.json", data: Buffer.from(JSON.stringify(OTHER_PACKAGE)) }])),
  });
  const s = stateDir(t);
  const r = await update(s.dir, flags);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /Rocky Linux errata.*only 0 records about the web server's packages \(expected at least 10\)/,
  );
  assert.deepEqual(fs.readFileSync(s.file), s.before);
});

test("db status says when the data has nothing for the host's distro", async (t) => {
  const status = async (dir: string | undefined, distro: string, lang = "en") =>
    (
      await mamori([
        "db",
        "status",
        ...(dir ? ["--data-dir", dir] : []),
        "--now",
        NOW,
        "--distro",
        distro,
        "--lang",
        lang,
      ])
    ).stdout;
  assert.match(
    await status(undefined, "rocky"),
    /This data has nothing for rocky: .*upstream versions.*Run `mamori db update` \(feeds: rocky-osv\)/,
  );
  assert.match(await status(undefined, "fedora"), /nothing for fedora, and mamori reads no feed for it/);
  assert.match(await status(undefined, "rocky", "ja"), /rocky の情報がありません/);
  assert.doesNotMatch(await status(undefined, "ubuntu"), /nothing for/);
  assert.doesNotMatch(await status(undefined, "rhel"), /nothing for/, "AlmaLinux's data stands in for RHEL");
  const { flags } = await feeds(t);
  const s = stateDir(t);
  assert.equal((await update(s.dir, flags)).code, 0);
  assert.doesNotMatch(await status(s.dir, "rocky"), /nothing for/);
});

test("the zip reader reads what Info-ZIP writes, zip64 included", (t) => {
  if (spawnSync("zip", ["-v"]).status !== 0) return t.skip("zip is not installed");
  const dir = tempDir(t);
  const src = path.join(distroDir, "ubuntu-osv/usn");
  const names = fs.readdirSync(src).sort();
  for (const [args, file] of [
    [[], "plain.zip"],
    [["-fz"], "zip64.zip"],
  ] as const) {
    const out = path.join(dir, file);
    const r = spawnSync("zip", ["-q", "-X", ...args, out, ...names], { cwd: src });
    assert.equal(r.status, 0, String(r.stderr));
    const got: string[] = [];
    readZip(
      bufferAccess(fs.readFileSync(out)),
      { maxEntries: 100, maxEntryBytes: 8 * MiB, maxTotalBytes: 64 * MiB },
      () => true,
      (name, data) => {
        assert.deepEqual(data, fs.readFileSync(path.join(src, name)));
        got.push(name);
      },
    );
    assert.deepEqual(got.sort(), names, file);
  }
  assert.throws(
    () =>
      readZip(
        bufferAccess(Buffer.from("PK\x05\x06 not really")),
        { maxEntries: 1, maxEntryBytes: 1, maxTotalBytes: 1 },
        () => true,
        () => {},
      ),
    ZipError,
  );
});

test("Alpine's newest branch not published yet (404): the others are read; an older branch missing still fails", async (t) => {
  const newest = `/alpine/${ALPINE_BRANCHES.at(-1)}.json`;
  const notFound: Handler = (_req, res) => res.writeHead(404).end();
  const ok = await feeds(t, { [newest]: notFound });
  const s = stateDir(t);
  const r = await update(s.dir, [...ok.flags, "--feed", "alpine-secdb"]);
  assert.equal(r.code, 0, r.stderr);

  const older = `/alpine/${ALPINE_BRANCHES[0]}.json`;
  const bad = await feeds(t, { [older]: notFound });
  const s2 = stateDir(t);
  const r2 = await update(s2.dir, [...bad.flags, "--feed", "alpine-secdb"]);
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /404/);
  assert.deepEqual(fs.readFileSync(s2.file), s2.before);
});
