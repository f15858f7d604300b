import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { checkApache } from "../../src/checks/apache/index.ts";
import type { ApacheFacts } from "../../src/collect/apache/index.ts";
import { matchCves, upgradeTarget } from "../../src/vulndb/match.ts";
import { buildSnapshot, UPSTREAM_LATE_DIR } from "../../src/vulndb/snapshot.ts";
import {
  parseAffectedText,
  parseApacheAnnouncement,
  parseApacheCveTsv,
  readApacheUpdatesDir,
} from "../../src/vulndb/sources/apache-announce.ts";
import { checkCtx, rendered } from "../helpers/messages.ts";

const repo = path.resolve(import.meta.dirname, "../..");
const vulndata = path.join(repo, "../shared/vulndata");
const late = path.join(vulndata, UPSTREAM_LATE_DIR);

const FIXED_IN_2_4_69 = [
  "CVE-2026-42356",
  "CVE-2026-42528",
  "CVE-2026-46729",
  "CVE-2026-47360",
  "CVE-2026-48005",
  "CVE-2026-56153",
  "CVE-2026-56154",
  "CVE-2026-56449",
  "CVE-2026-57941",
  "CVE-2026-58415",
  "CVE-2026-59685",
  "CVE-2026-59797",
  "CVE-2026-63045",
  "CVE-2026-63292",
  "CVE-2026-63686",
  "CVE-2026-63718",
  "CVE-2026-73636",
  "CVE-2026-73637",
  "CVE-2026-79768",
  "CVE-2026-93546",
];

test("the affected-version sentences Apache writes become ranges", () => {
  assert.deepEqual(parseAffectedText("- Apache HTTP Server 2.4.0 through 2.4.68"), {
    from: "2.4.0",
    to: "2.4.68",
  });
  assert.deepEqual(parseAffectedText("Apache HTTP Server through 2.4.68"), { to: "2.4.68" });
  assert.deepEqual(parseAffectedText("Apache HTTP Server 2.4.60 through 2.4.68"), {
    from: "2.4.60",
    to: "2.4.68",
  });
  assert.deepEqual(parseAffectedText("Apache HTTP Server before 2.4.69"), { lessThan: "2.4.69" });
  assert.deepEqual(parseAffectedText("2.4.55"), { exact: ["2.4.55"] });
  assert.equal(parseAffectedText("all versions"), undefined);
});

test("each of the 20 oss-security mails gives the same record as its TSV row", () => {
  const tsv = parseApacheCveTsv(fs.readFileSync(path.join(late, "httpd-2.4.69-cves.tsv"), "utf8"));
  assert.deepEqual(
    tsv.map((r) => r.id),
    FIXED_IN_2_4_69,
  );
  const mails = fs.readdirSync(path.join(late, "oss-security")).filter((f) => f.endsWith(".txt"));
  assert.equal(mails.length, 20);
  for (const f of mails) {
    const mail = parseApacheAnnouncement(fs.readFileSync(path.join(late, "oss-security", f), "utf8"));
    const row = tsv.find((r) => r.id === mail.id);
    assert.ok(row, f);
    assert.deepEqual(mail, row, f);
  }
});

test("a mail without affected versions or release is refused, not guessed", () => {
  const text = fs.readFileSync(
    path.join(late, "oss-security/CVE-2026-57941.oss-security-2026-10-01-19.txt"),
    "utf8",
  );
  assert.throws(
    () => parseApacheAnnouncement(text.replace(/2\.4\.69 released/, "released soon")),
    /no release/,
  );
  assert.throws(() => parseApacheAnnouncement(text.replace(/^Subject: .*$/m, "Subject: hello")), /CVE id/);
  assert.throws(
    () =>
      parseApacheAnnouncement(
        text.replace(/- Apache HTTP Server 2\.4\.0 through 2\.4\.68/, "- every version"),
      ),
    /not understood/,
  );
});

test("the folder reader prefers the CVE JSON record, then the mail, then the TSV", () => {
  const r = readApacheUpdatesDir(late);
  assert.deepEqual(r.counts, { cveJson: 1, announcements: 20, tsv: 20 });
  assert.equal(r.newest, "2026-10-01");
  assert.deepEqual(
    r.records.map((x) => x.id),
    FIXED_IN_2_4_69,
  );
  for (const x of r.records) {
    assert.deepEqual(x.fixedIn, ["2.4.69"], x.id);
    assert.equal(x.source, "apache");
  }
  const uaf = r.records.find((x) => x.id === "CVE-2026-57941");
  assert.equal(uaf?.impact, "moderate");
  assert.deepEqual(uaf?.affected, [{ from: "2.4.0", to: "2.4.68" }]);
  assert.equal(r.records.filter((x) => x.impact === "moderate").length, 5);
  assert.deepEqual(r.records.find((x) => x.id === "CVE-2026-63718")?.affected, [
    { from: "2.4.30", to: "2.4.68" },
  ]);
});

// The snapshot the build script writes (scripts/build-vulndb.ts -> buildSnapshot), built here from the same files.
const db = buildSnapshot(vulndata);

test("the built snapshot has Apache's 2.4.69 CVEs: 2.4.68 gets all 20, 2.4.69 none", () => {
  assert.equal(db.cves.length, 268 + 20);
  const affected = (v: string) =>
    matchCves(db, { upstreamVersion: v })
      .filter((m) => m.status === "affected")
      .map((m) => m.cve.id);
  const at68 = affected("2.4.68");
  assert.deepEqual([...at68].sort(), FIXED_IN_2_4_69);
  assert.deepEqual(affected("2.4.69"), []);
  // Range edges: 42356 starts at 2.4.60, 63718 at 2.4.30.
  assert.ok(!affected("2.4.59").includes("CVE-2026-42356"));
  assert.ok(affected("2.4.30").includes("CVE-2026-63718"));
  assert.ok(!affected("2.4.29").includes("CVE-2026-63718"));
  assert.equal(upgradeTarget(db, "2.4.68"), "2.4.69");
  assert.equal(upgradeTarget(db, "2.4.49"), "2.4.69");
  const src = db.meta.sources.find((s) => /announcements/.test(s.name));
  assert.equal(src?.records, 20);
  assert.equal(src?.fetchedAt, "2026-10-01T00:00:00.000Z");
  // The newest source dates the snapshot; the announcements are one of them.
  assert.ok(db.meta.builtAt >= "2026-10-01T00:00:00.000Z", db.meta.builtAt);
});

test("a source-built 2.4.68 is told about CVE-2026-57941 and to install 2.4.69; a 2.4.69 build is not", () => {
  const facts = (version: string): ApacheFacts => ({
    live: false,
    distroId: "debian",
    distroVersion: "12",
    distroLike: [],
    installations: [
      {
        binary: "/usr/local/apache2/bin/httpd",
        aliases: [],
        pids: [],
        owner: {},
        version,
        product: `Apache/${version}`,
        versionSource: "binary-file",
      },
    ],
  });
  const f68 = rendered(checkApache(facts("2.4.68"), checkCtx(), db)).filter((x) => x.check === "apache.cve");
  const cves = f68.flatMap((x) => x.cves);
  assert.ok(cves.includes("CVE-2026-57941"), JSON.stringify(cves));
  assert.equal(new Set(cves).size, 20);
  assert.match(JSON.stringify(f68), /2\.4\.69/);
  const f69 = rendered(checkApache(facts("2.4.69"), checkCtx(), db)).filter((x) => x.check === "apache.cve");
  assert.deepEqual(
    f69.flatMap((x) => x.cves),
    [],
  );
});
