import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { test } from "node:test";
import type { ReportDocument } from "../../src/core/document.ts";
import { FIXTURE_NOW, fixtureRoot } from "../helpers/audit.ts";
import { mamori } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");
const CVE = "CVE-2021-44790";

/** The three feeds on 127.0.0.1: Apache's and KEV's real JSON, and a tracker JSON about a long-gone Debian release. */
async function localFeeds(t: { after: (fn: () => Promise<void>) => void }): Promise<string[]> {
  const bodies: Record<string, Buffer> = {
    "/apache.json": fs.readFileSync(path.join(vulndata, "httpd-vulnerabilities-consolidated.json")),
    "/kev.json": fs.readFileSync(
      path.join(vulndata, "kev/cisagov-kev-data_known_exploited_vulnerabilities.json"),
    ),
    "/debian.json": Buffer.from(
      JSON.stringify({
        apache2: Object.fromEntries(
          Array.from({ length: 60 }, (_, i) => [
            `CVE-2000-${1000 + i}`,
            { releases: { buzz: { status: "open" } } },
          ]),
        ),
      }),
    ),
  };
  const server = http.createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return [
    "--apache-url",
    `${base}/apache.json`,
    "--kev-url",
    `${base}/kev.json`,
    "--debian-url",
    `${base}/debian.json`,
  ];
}

async function cvesOf(facts: string, dataDir: string): Promise<string[]> {
  const r = await mamori(["check", facts, "--format", "json", "--now", FIXTURE_NOW, "--data-dir", dataDir]);
  assert.ok(r.stdout, r.stderr);
  const doc = JSON.parse(r.stdout) as ReportDocument;
  return doc.findings.flatMap((f) => f.cves ?? []);
}

test("facts saved with an older snapshot show a new CVE once db update brings it", async (t) => {
  const dataDir = tempDir(t);
  const snapshot = JSON.parse(fs.readFileSync(path.join(repo, "data/vulndb.json"), "utf8"));
  snapshot.cves = snapshot.cves.filter((c: { id: string }) => c.id !== CVE);
  fs.writeFileSync(path.join(dataDir, "vulndb.json"), JSON.stringify(snapshot));

  const facts = path.join(tempDir(t), "facts.json");
  const a = await mamori([
    "audit",
    "--root",
    fixtureRoot("upstream-2.4.49"),
    "--format",
    "json",
    "--now",
    FIXTURE_NOW,
    "--data-dir",
    dataDir,
    "--save-facts",
    facts,
  ]);
  assert.equal(a.code, 1, a.stderr);
  const savedBytes = fs.readFileSync(facts);
  const before = await cvesOf(facts, dataDir);
  assert.ok(before.length > 0, "the old snapshot already finds CVEs in 2.4.49");
  assert.ok(!before.includes(CVE));

  const u = await mamori([
    "db",
    "update",
    "--data-dir",
    dataDir,
    "--now",
    FIXTURE_NOW,
    ...(await localFeeds(t)),
    "--feed",
    "apache,kev,debian",
  ]);
  assert.equal(u.code, 0, u.stderr);

  const after = await cvesOf(facts, dataDir);
  assert.ok(after.includes(CVE), `${CVE} after the update: ${after.join(" ")}`);
  for (const c of before) assert.ok(after.includes(c), c);
  assert.deepEqual(fs.readFileSync(facts), savedBytes, "judging never writes the facts");
});
