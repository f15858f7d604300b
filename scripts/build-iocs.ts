/**
 * Builds mamori's curated IOC snapshot (data/iocs/*.json) from the public lists in ../shared/iocs
 * (or the directory given as the first argument). Facts only: domains, IPs, ports, hashes, with the
 * upstream repository, commit and licence of each list kept beside them.
 *
 *   node scripts/build-iocs.ts [SOURCE_DIR]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { emptyList, type IocList, parseIocText } from "../src/iocs/list.ts";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const src = path.resolve(process.argv[2] ?? path.join(repo, "../shared/iocs"));
const out = path.join(repo, "data/iocs");
const MALTRAIL = "stamparm/maltrail@8adace159e1e";
const updated = new Date(fs.statSync(path.join(src, "README.md")).mtime).toISOString().slice(0, 10);

function read(rel: string): string {
  return fs.readFileSync(path.join(src, rel), "utf8");
}

// Mining pools: maltrail's crypto_mining trail plus the merged domain list (maltrail, Falco, Sigma).
const pools = emptyList(
  "maltrail-crypto-mining",
  `${MALTRAIL} trails/static/suspicious/crypto_mining.txt`,
  updated,
);
pools.kind = "pool";
pools.licence = "MIT";
parseIocText(read("maltrail/crypto_mining.txt"), pools);
const merged = emptyList(
  "pool-domains-merged",
  "maltrail + falcosecurity/rules miner_domains + SigmaHQ/sigma mining pool rules",
  updated,
);
merged.kind = "pool";
merged.licence = "MIT + Apache-2.0 + DRL-1.1 (attribution kept: column 2 of pool_domains_merged.tsv)";
for (const line of read("pool_domains_merged.tsv").split("\n")) {
  const d = line.split("\t")[0]?.trim();
  if (d && !d.startsWith("#")) parseIocText(d, merged);
}
const ports = emptyList(
  "miner-ports",
  "falcosecurity/rules miner_ports + maltrail crypto_mining ports seen 5+ times",
  updated,
);
ports.kind = "pool";
ports.licence = "Apache-2.0 + MIT";
for (const line of read("miner_ports_merged.tsv").split("\n")) {
  const p = Number(line.split("\t")[0]);
  if (Number.isInteger(p) && p > 0) ports.ports.push(p);
}

// Malware families: maltrail's per-family trails (download servers, C2 domains, sample hashes).
const FAMILY: Record<string, string> = {
  "elf_h2miner.txt": "kinsing",
  "elf_perfctl.txt": "perfctl",
  "elf_teamtnt.txt": "teamtnt",
  "m8220_miner.txt": "8220",
};
const malware: IocList[] = [];
for (const f of fs.readdirSync(path.join(src, "maltrail")).sort()) {
  if (!f.endsWith(".txt") || f === "crypto_mining.txt") continue;
  const base = f.replace(/\.txt$/, "");
  const l = emptyList(`maltrail-${base}`, `${MALTRAIL} trails/static/malware/${f}`, updated);
  l.kind = "malware";
  l.licence = "MIT";
  l.family = FAMILY[f] ?? base.replace(/^elf_|_miner$/g, "");
  parseIocText(read(`maltrail/${f}`), l);
  malware.push(l);
}

fs.mkdirSync(out, { recursive: true });
const write = (name: string, lists: IocList[]) =>
  fs.writeFileSync(path.join(out, name), `${JSON.stringify({ lists }, null, 1)}\n`);
write("pools.json", [pools, merged, ports]);
write("malware.json", malware);
fs.writeFileSync(
  path.join(out, "SOURCES.md"),
  `# IOC snapshot sources\n\nBuilt by \`node scripts/build-iocs.ts\` from the lists described in ../shared/iocs/README.md.\n\n` +
    [pools, merged, ports, ...malware]
      .map((l) => `- \`${l.name}\`: ${l.source} (licence: ${l.licence})`)
      .join("\n") +
    "\n\nMaltrail: Copyright (c) 2014-2026 Maltrail developers, MIT licence.\n" +
    "Falco rules: Apache-2.0. Sigma rules: Detection Rule License 1.1 (attribution above).\n",
);
const count = (l: IocList) =>
  l.domains.length + l.ips.length + l.ipPorts.length + l.sha256.length + l.ports.length;
process.stdout.write(
  `data/iocs: ${[pools, merged, ports, ...malware].map((l) => `${l.name}=${count(l)}`).join(" ")}\n`,
);
