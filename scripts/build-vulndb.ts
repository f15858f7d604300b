/**
 * Rebuilds data/vulndb.json from the mirrored sources in ../shared/vulndata.
 * Usage: node scripts/build-vulndb.ts [vulndata-dir] [output-file]
 */
import * as path from "node:path";
import { writeFileAtomic } from "../src/core/write-file.ts";
import { serializeVulnDb } from "../src/vulndb/assemble.ts";
import { buildSnapshot } from "../src/vulndb/snapshot.ts";

const repo = path.resolve(import.meta.dirname, "..");
const vulndata = path.resolve(process.argv[2] ?? path.join(repo, "../shared/vulndata"));
const output = path.resolve(process.argv[3] ?? path.join(repo, "data/vulndb.json"));

const db = buildSnapshot(vulndata);
writeFileAtomic(output, serializeVulnDb(db));
const kev = db.cves.filter((c) => c.kev).length;
const perDistro = new Map<string, number>();
for (const c of db.cves)
  for (const key of Object.keys(c.distroFixed)) {
    const distro = key.split(":")[0] as string;
    perDistro.set(distro, (perDistro.get(distro) ?? 0) + 1);
  }
const fixes = [...perDistro].map(([d, n]) => `${n} ${d}`).join(", ");
process.stderr.write(
  `build-vulndb: ${db.cves.length} CVEs (${kev} in KEV; distro fixes: ${fixes}) -> ${path.relative(repo, output)}\n`,
);
