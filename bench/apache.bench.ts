/**
 * Apache area: collect + check of whole server roots (fixture and, when present, this machine), against
 * what an administrator would run by hand for the same answer (`dpkg -S` of the binary plus `apache2 -v`).
 * Ratios, since the machine is shared.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { apacheScanner } from "../src/audit/apache.ts";
import { scanContext } from "../src/audit/context.ts";
import { checkContext } from "../src/core/context.ts";

const roots = join(import.meta.dirname, "../test/fixtures/roots");
const dataDir = join(import.meta.dirname, "../data");

async function time(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / runs;
}

async function audit(root: string): Promise<number> {
  const ctx = scanContext({ root, now: () => new Date(), lang: "en", dataDir }, {});
  const s = apacheScanner();
  const facts = await s.collect(ctx);
  return s.check(facts, checkContext(ctx), s.load?.(facts, ctx)).length;
}

const ref = existsSync("/usr/sbin/apache2")
  ? await time(5, () => {
      execFileSync("dpkg", ["-S", "/usr/sbin/apache2"], { stdio: "ignore" });
      execFileSync("/usr/sbin/apache2", ["-v"], { stdio: "ignore" });
    })
  : undefined;
for (const name of ["debian12", "upstream-2.4.49", "rhel8"]) {
  const ms = await time(10, () => audit(join(roots, name)));
  process.stdout.write(
    `fixture ${name}: ${ms.toFixed(1)} ms${ref ? ` (x${(ms / ref).toFixed(2)} of dpkg -S + apache2 -v, ${ref.toFixed(1)} ms)` : ""}\n`,
  );
}
if (existsSync("/usr/sbin/apache2")) {
  const ms = await time(3, () => audit("/"));
  process.stdout.write(
    `live /: ${ms.toFixed(1)} ms, runs apache2 -V and -M${ref ? ` (x${(ms / ref).toFixed(2)} of dpkg -S + apache2 -v)` : ""}\n`,
  );
}
