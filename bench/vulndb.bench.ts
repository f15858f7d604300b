/**
 * Vulnerability data: loading (JSON parse + schema validation) against a bare JSON.parse of the same file,
 * and matching every 2.4.x release, upstream and as a Debian package. Ratios, since the machine is shared.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Diagnostics } from "../src/core/diagnostics.ts";
import { loadVulnDb } from "../src/vulndb/load.ts";
import { matchCves } from "../src/vulndb/match.ts";

const dataDir = join(import.meta.dirname, "../data");
const file = join(dataDir, "vulndb.json");
const now = new Date();

function time(runs: number, fn: () => void): number {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / runs;
}

const parseMs = time(20, () => JSON.parse(readFileSync(file, "utf8")));
const loadMs = time(20, () => loadVulnDb(dataDir, new Diagnostics(), now));
process.stdout.write(
  `load: ${loadMs.toFixed(2)} ms, bare JSON.parse ${parseMs.toFixed(2)} ms (x${(loadMs / parseMs).toFixed(1)})\n`,
);

const db = loadVulnDb(dataDir, new Diagnostics(), now);
if (!db) throw new Error("no data");
const versions = Array.from({ length: 69 }, (_, i) => `2.4.${i}`);
const upstreamMs = time(5, () => {
  for (const v of versions) matchCves(db, { upstreamVersion: v });
});
const debianMs = time(5, () => {
  for (const v of versions)
    matchCves(db, {
      upstreamVersion: v,
      owner: {
        manager: "dpkg",
        name: "apache2",
        version: `${v}-1~deb12u1`,
        distro: "debian",
        release: "bookworm",
        origin: "distro",
      },
    });
});
process.stdout.write(
  `match ${versions.length} versions x ${db.cves.length} CVEs: upstream ${upstreamMs.toFixed(2)} ms, ` +
    `Debian ${debianMs.toFixed(2)} ms (${((upstreamMs / versions.length) * 1000).toFixed(0)} µs per installation, x${(upstreamMs / versions.length / parseMs).toFixed(2)} of one JSON.parse)\n`,
);
