/**
 * Start-up: `mamori --help` and `mamori --version` (through bin/mamori, as a user runs them) against
 * `node -e 0` on the same Node, in the same run. Target (issue 13): each at most 3x `node -e 0`.
 *
 * The three commands run back to back in each round, so that load from other processes on this shared
 * machine hits them alike; the ratio is the median of the rounds' ratios. The CPU time of each child
 * (user + system, from /proc/self/stat's cutime/cstime, 10 ms ticks summed over all rounds) is printed
 * too: it does not count time spent waiting for a CPU.
 *
 *   npm run bench -- startup      (STARTUP_BENCH_RUNS=20 by default)
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.STARTUP_BENCH_RUNS ?? 20);
const LIMIT = 3;
const node = join(repo, "node_modules/.bin/node");
const bin = join(repo, "bin/mamori");

/** This process's waited-for children's CPU time so far, in clock ticks (fields 16 and 17 of /proc/self/stat). */
function childTicks(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[13]) + Number(fields[14]);
}

interface Case {
  name: string;
  cmd: string;
  args: string[];
  wall: number[];
  ticks: number;
}
const cases: Case[] = [
  { name: "node -e 0", cmd: node, args: ["-e", "0"], wall: [], ticks: 0 },
  { name: "mamori --help", cmd: bin, args: ["--help"], wall: [], ticks: 0 },
  { name: "mamori --version", cmd: bin, args: ["--version"], wall: [], ticks: 0 },
];

function run(c: Case): number {
  const before = childTicks();
  const t0 = performance.now();
  const r = spawnSync(c.cmd, c.args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LANG: "C" },
  });
  const ms = performance.now() - t0;
  c.ticks += childTicks() - before;
  if (r.status !== 0) throw new Error(`${c.name} exited with ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// Warm-up: the page cache, and the compile cache bin/mamori keeps in .cache/node-compile.
for (const c of cases) for (let i = 0; i < 3; i++) run(c);
for (let i = 0; i < RUNS; i++) for (const c of cases) c.wall.push(run(c));

const [base, ...mamori] = cases as [Case, ...Case[]];
process.stdout.write(
  `${base.name}: median ${median(base.wall).toFixed(0)} ms, min ${Math.min(...base.wall).toFixed(0)} ms, CPU ${(base.ticks * 10) / RUNS} ms/run (${RUNS} rounds)\n`,
);
let ok = true;
for (const c of mamori) {
  const ratios = c.wall.map((ms, i) => ms / (base.wall[i] as number));
  const ratio = median(ratios);
  const cpu = base.ticks > 0 ? c.ticks / base.ticks : Number.NaN;
  ok &&= ratio <= LIMIT;
  process.stdout.write(
    `${c.name}: median ${median(c.wall).toFixed(0)} ms, min ${Math.min(...c.wall).toFixed(0)} ms, CPU ${(c.ticks * 10) / RUNS} ms/run; ` +
      `${ratio.toFixed(2)}x node -e 0 (median of per-round ratios; min/min ${(Math.min(...c.wall) / Math.min(...base.wall)).toFixed(2)}x, CPU ${cpu.toFixed(2)}x)\n`,
  );
}
process.stdout.write(`target: --help and --version at most ${LIMIT}x node -e 0: ${ok ? "met" : "NOT met"}\n`);
process.exitCode = ok ? 0 : 1;
