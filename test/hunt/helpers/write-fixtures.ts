/** node test/hunt/helpers/write-fixtures.ts: rewrites test/fixtures/hunt/<name>/ from fixture-specs.ts. */
import * as path from "node:path";
import { SPECS } from "./fixture-specs.ts";
import { writeFixture } from "./make-fixtures.ts";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../fixtures/hunt");
for (const [name, spec] of Object.entries(SPECS)) writeFixture(path.join(root, name), spec);
process.stdout.write(`wrote ${Object.keys(SPECS).length} fixture roots under ${root}\n`);
