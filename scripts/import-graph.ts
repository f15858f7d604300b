/**
 * The import graph of src/ by folder (`node scripts/import-graph.ts`), and the layer rules the test
 * suite holds it to (test/core/layers.test.ts). Data flows one way: collect -> facts -> checks ->
 * correlate -> report, with cli on top; a lower layer never imports a higher one.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const SRC = path.resolve(import.meta.dirname, "../src");

export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** The folder that names a file's layer: src/collect/apache/x.ts -> "collect", src/core/x.ts -> "core". */
export function layerOf(rel: string): string {
  return rel.split("/")[0] ?? rel;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^"';]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/gm;

/** Every import between files of src/ (paths relative to src/). */
export function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of walk(SRC)) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[3] ?? m[4];
      if (!spec?.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), spec);
      edges.push({ from: path.relative(SRC, file), to: path.relative(SRC, target), typeOnly: Boolean(m[2]) });
    }
  }
  return edges;
}

/** Node's modules that read or change the machine: a check importing one does I/O. */
export const IO_MODULES = /^node:(fs|fs\/promises|child_process|net|http|https|dgram|dns|worker_threads)$/;

/**
 * The top, which may import anything and which nothing below imports: the command line, and beside it
 * `remote` (agentless audits), `agent` (pushing to a server) and `server` (the fleet server).
 */
const TOP = ["cli", "remote", "agent", "server"];

/** Which layers each layer must not import. */
export const FORBIDDEN: Record<string, string[]> = {
  core: [
    ...TOP,
    "collect",
    "checks",
    "correlate",
    "report",
    "audit",
    "watch",
    "store",
    "respond",
    "probe",
    "alert",
  ],
  facts: [...TOP, "collect", "checks", "correlate", "report", "audit", "watch", "store"],
  collect: [...TOP, "checks", "correlate", "report", "audit", "watch", "store", "respond"],
  checks: [...TOP, "collect", "correlate", "report", "audit", "watch", "store", "respond"],
  correlate: [...TOP, "collect", "report", "audit", "watch", "store", "respond"],
  report: [...TOP, "collect", "audit", "watch", "store", "respond"],
  rules: [...TOP, "collect", "checks", "report", "audit", "watch", "store"],
  vulndb: [...TOP, "collect", "checks", "report", "audit", "watch", "store"],
  iocs: [...TOP, "collect", "checks", "report", "audit", "watch", "store"],
  i18n: [...TOP, "collect", "checks", "correlate", "report", "audit", "watch", "store"],
  store: [...TOP, "collect", "checks"],
  watch: [...TOP],
  alert: [...TOP],
  respond: [...TOP],
  probe: [...TOP],
  audit: [...TOP],
  hunt: [...TOP],
  config: [...TOP],
};

/** Imports that break a layer rule, as "from -> to" lines. */
export function violations(edges = importEdges()): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = layerOf(e.from);
    if (FORBIDDEN[from]?.includes(layerOf(e.to))) out.push(`${e.from} -> ${e.to}`);
  }
  return [...new Set(out)].sort();
}

/** Checks do no I/O: a file under checks/ importing one of Node's I/O modules, as "file -> module". */
export function checkIo(): string[] {
  const out: string[] = [];
  for (const file of walk(path.join(SRC, "checks"))) {
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/from\s+"(node:[^"]+)"/g))
      if (IO_MODULES.test(m[1] as string)) out.push(`${path.relative(SRC, file)} -> ${m[1]}`);
  }
  return out.sort();
}

if (import.meta.main) {
  const counts = new Map<string, number>();
  for (const e of importEdges()) {
    const k = `${layerOf(e.from)} -> ${layerOf(e.to)}`;
    if (layerOf(e.from) !== layerOf(e.to)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const bad = new Set(
    violations().map((v) =>
      v
        .split(" -> ")
        .map((p) => layerOf(p))
        .join(" -> "),
    ),
  );
  for (const [k, n] of [...counts].sort()) console.log(`${bad.has(k) ? "✗" : " "} ${k}  (${n})`);
  const v = violations();
  const io = checkIo();
  console.log(`\n${v.length} import(s) against the layer rules, ${io.length} I/O import(s) in checks/`);
  if (process.argv.includes("--list")) for (const line of [...v, ...io]) console.log(`  ${line}`);
}
