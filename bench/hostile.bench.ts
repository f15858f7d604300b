/**
 * Hostile log lines (issue 10): every regex that sees attacker bytes must run in linear time. Writes
 * MAMORI_BENCH_HOSTILE lines (default 1000) built to make a backtracking regex re-read the line from
 * each start (Shellshock `(){` x2666 in Referer and User-Agent, OGNL `${` and `%24%7B` runs, the
 * `A.*B` rules' prefixes repeated, `wget+-`, unclosed `union/*`, traversal prefixes), each field
 * within Apache's 8190-byte limit, and a normal file of the same size (shared/bench/genlog.mjs, or
 * this bench's own lines when that is absent). Times `bin/mamori logs` on both and prints the ratio
 * hostile/normal, which must stay under MAMORI_BENCH_MAX_RATIO (default 3): a ratio, because the
 * machines here are shared and noisy. MAMORI_BENCH_KEEP=DIR keeps the files.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const N = Number(process.env.MAMORI_BENCH_HOSTILE ?? 1000);
const MAX_RATIO = Number(process.env.MAMORI_BENCH_MAX_RATIO ?? 3);
const keep = process.env.MAMORI_BENCH_KEEP;
const dir = keep ?? mkdtempSync(join(tmpdir(), "mamori-bench-hostile-"));
if (keep) mkdirSync(keep, { recursive: true });
const cli = new URL("../bin/mamori", import.meta.url).pathname;
const genlog = new URL("../../shared/bench/genlog.mjs", import.meta.url).pathname;
const hostile = join(dir, "hostile.log");
const normal = join(dir, "normal.log");

/** `unit` repeated to fill at most `bytes`. */
const fill = (unit: string, bytes = 8000) => unit.repeat(Math.floor(bytes / unit.length));

/** Request target, Referer, User-Agent: each one a way to make some rule backtrack. */
const SHAPES: Array<[string, string, string]> = [
  ["/cgi-bin/test.sh", fill("(){"), fill("(){")],
  ["/cgi-bin/test.sh", fill("() { "), fill("(){ (){ ")],
  [`/${fill("${", 7900)}`, "-", "Mozilla/5.0"],
  [`/${fill("%24%7B", 7900)}`, "-", "Mozilla/5.0"],
  [fill("/remote/fgt_lang?lang=", 7900), "-", "Mozilla/5.0"],
  [fill("/dana-na/", 7900), "-", "Mozilla/5.0"],
  [fill("/tmui/", 7900), "-", "Mozilla/5.0"],
  [fill("/public/plugins/a/", 7900), "-", "Mozilla/5.0"],
  [fill("/remote_agent.php?", 7900), "-", "Mozilla/5.0"],
  [fill("/unauth/", 7900), "-", "Mozilla/5.0"],
  [fill("/etc/", 7900), "-", "Mozilla/5.0"],
  [`/?q=${fill("wget+-", 7900)}`, fill("curl -x "), fill("wget+-")],
  [`/?id=${fill("union/*", 7900)}`, fill("union/**"), "Mozilla/5.0"],
  [`/${fill("../", 7900)}`, fill("..%2f"), fill("%%32%65")],
  [`/?x=${fill("${${::-", 7900)}`, fill("${jndi:"), fill("${lower:")],
];

function hostileLines(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const [target, ref, ua] = SHAPES[i % SHAPES.length] as [string, string, string];
    const ip = `203.0.113.${(i % 250) + 1}`;
    out.push(`${ip} - - [12/Mar/2024:02:36:38 +0100] "GET ${target} HTTP/1.1" 400 226 "${ref}" "${ua}"\n`);
  }
  return out.join("");
}

function timed(file: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cli, ["logs", file, "--format", "json", "--output", join(dir, "out.json")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1 && r.status !== 2)
    throw new Error(`mamori logs ${file}: exit ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return s;
}

try {
  writeFileSync(hostile, hostileLines(N));
  const size = statSync(hostile).size;
  if (existsSync(genlog)) {
    // genlog lines average about 250 bytes: ask for enough, then cut at the hostile file's size.
    const g = spawnSync(
      process.execPath,
      [genlog, "--lines", String(Math.ceil(size / 150)), "--seed", "10"],
      {
        maxBuffer: size * 4,
      },
    );
    const text = g.stdout.toString();
    writeFileSync(normal, text.slice(0, text.lastIndexOf("\n", size) + 1));
  } else {
    const line = `198.51.100.7 - - [12/Mar/2024:02:36:38 +0100] "GET /blog/2024/03/hello-world.html?utm_source=feed HTTP/1.1" 200 5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64)"\n`;
    writeFileSync(normal, line.repeat(Math.ceil(size / line.length)));
  }
  timed(normal); // warm the compile cache and the page cache alike for both
  const h = Math.min(timed(hostile), timed(hostile));
  const n = Math.min(timed(normal), timed(normal));
  const ratio = h / n;
  process.stdout.write(
    [
      `hostile ${N} lines, ${(size / 2 ** 20).toFixed(1)} MB; normal file of the same size`,
      `mamori normal    ${n.toFixed(2)} s`,
      `mamori hostile   ${h.toFixed(2)} s  = ${ratio.toFixed(2)}x normal (limit ${MAX_RATIO}x)`,
      "",
    ].join("\n"),
  );
  if (ratio > MAX_RATIO) {
    process.stderr.write(`hostile lines took ${ratio.toFixed(2)}x a normal file: some rule backtracks\n`);
    process.exitCode = 1;
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
