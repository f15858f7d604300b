/**
 * Exposure area: how long `mamori ports` takes, against `ss -ltnup` on the same machine, and on a recorded
 * root with many sockets and dpkg lists (against awk reading the same /proc/net/tcp). Ratios, not targets.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { scanContext } from "../src/audit/context.ts";
import { checkExposure } from "../src/checks/exposure/index.ts";
import { collectExposure } from "../src/collect/exposure/index.ts";
import { checkContext } from "../src/core/context.ts";
import { loadServiceRules } from "../src/rules/exposure/services.ts";

function time(fn: () => void, runs = 5): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

function ports(root: string): number {
  const ctx = scanContext({ root, now: () => new Date(), lang: "en", dataDir: "" }, {});
  const facts = collectExposure(ctx);
  return checkExposure({ ...facts, rules: loadServiceRules() }, checkContext(ctx)).length;
}

const live = time(() => ports("/"));
const ss = time(() => spawnSync("ss", ["-ltnup"], { stdio: "ignore" }));
console.log(
  `live: mamori ports (collect+check) ${live.toFixed(1)} ms, ss -ltnup ${ss.toFixed(1)} ms, ratio ${(live / ss).toFixed(1)}x`,
);

// A recorded root: 20000 listening sockets owned by 200 processes, 3000 dpkg lists.
const root = fs.mkdtempSync(path.join(os.tmpdir(), "mamori-bench-exposure-"));
try {
  const hdr =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  const lines: string[] = [hdr];
  for (let i = 0; i < 20000; i++) {
    const port = (1024 + i).toString(16).toUpperCase().padStart(4, "0");
    lines.push(
      `${String(i).padStart(4)}: 00000000:${port} 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 ${100000 + i} 1 0 100 0 0 10 0\n`,
    );
  }
  fs.mkdirSync(path.join(root, "proc/net"), { recursive: true });
  fs.writeFileSync(path.join(root, "proc/net/tcp"), lines.join(""));
  for (let p = 0; p < 200; p++) {
    const dir = path.join(root, `proc/${3000 + p}`);
    fs.mkdirSync(path.join(dir, "fd"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "stat"),
      `${3000 + p} (svc${p}) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 100 0 0\n`,
    );
    fs.writeFileSync(path.join(dir, "cmdline"), `/usr/bin/svc${p}\0`);
    fs.symlinkSync(`/usr/bin/svc${p}`, path.join(dir, "exe"));
    for (let k = 0; k < 100; k++)
      fs.symlinkSync(`socket:[${100000 + p * 100 + k}]`, path.join(dir, `fd/${k + 3}`));
  }
  fs.mkdirSync(path.join(root, "var/lib/dpkg/info"), { recursive: true });
  for (let d = 0; d < 3000; d++)
    fs.writeFileSync(
      path.join(root, `var/lib/dpkg/info/pkg${d}.list`),
      `/.\n/usr\n/usr/bin\n/usr/bin/svc${d}\n/usr/share/doc/pkg${d}/copyright\n`,
    );
  const rec = time(() => ports(root), 3);
  const awk = time(
    () =>
      spawnSync("awk", ['$4 == "0A" { n++ } END { print n }', path.join(root, "proc/net/tcp")], {
        stdio: "ignore",
      }),
    3,
  );
  console.log(
    `recorded root, 20000 sockets / 200 processes / 3000 dpkg lists: ${rec.toFixed(0)} ms (awk over the same tcp table ${awk.toFixed(1)} ms, ratio ${(rec / awk).toFixed(0)}x)`,
  );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
