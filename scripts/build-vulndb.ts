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
const debian = db.cves.reduce((n, c) => n + Object.keys(c.distroFixed).length, 0);
process.stderr.write(
  `build-vulndb: ${db.cves.length} CVEs (${kev} in KEV, ${debian} Debian fixes) -> ${path.relative(repo, output)}\n`,
);
