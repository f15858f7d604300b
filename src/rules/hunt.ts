import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** Detection content for hunting (rules/hunt/*.yaml), compiled once per scan. */
export interface Samples {
  match: string[];
  nomatch: string[];
}

export interface HuntRule {
  id: string;
  target?: "name" | "cmdline";
  signal: string;
  kind?: "miner" | "malware";
  weight: number;
  re: RegExp;
  samples: Samples;
}

export interface Family {
  id: string;
  names: string[];
  paths: RegExp[];
  units: string[];
  samples: Samples;
}

export interface Benign {
  memfd: RegExp;
  memfdSamples: Samples;
  upgradedPrefixes: string[];
  webServerUsers: string[];
  webServerExecutables: RegExp;
  systemDaemonNames: string[];
  systemPrefixes: string[];
  minerStrings: string[];
}

export interface HuntRules {
  process: HuntRule[];
  persistence: HuntRule[];
  families: Family[];
  benign: Benign;
}

export function defaultRulesDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../rules/hunt");
}

interface RawRule {
  id: string;
  target?: "name" | "cmdline";
  signal: string;
  kind?: "miner" | "malware";
  weight: number;
  pattern: string;
  flags?: string;
  samples?: Partial<Samples>;
}

function samples(s?: Partial<Samples>): Samples {
  return { match: s?.match ?? [], nomatch: s?.nomatch ?? [] };
}

function compile(r: RawRule): HuntRule {
  return {
    id: r.id,
    target: r.target,
    signal: r.signal,
    kind: r.kind,
    weight: r.weight,
    re: new RegExp(r.pattern, r.flags ?? ""),
    samples: samples(r.samples),
  };
}

function load(dir: string, file: string): Record<string, unknown> {
  return parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
}

export function loadHuntRules(dir = defaultRulesDir()): HuntRules {
  const proc = load(dir, "process.yaml").rules as RawRule[];
  const pers = load(dir, "persistence.yaml").rules as RawRule[];
  const fam = load(dir, "families.yaml").families as Array<{
    id: string;
    names: string[];
    paths: string[];
    units: string[];
    samples?: Partial<Samples>;
  }>;
  const b = load(dir, "benign.yaml") as {
    memfd: { pattern: string; samples?: Partial<Samples> };
    upgradedPrefixes: string[];
    webServerUsers: string[];
    webServerExecutables: string;
    systemDaemonNames: string[];
    systemPrefixes: string[];
    minerStrings: string[];
  };
  return {
    process: proc.map(compile),
    persistence: pers.map(compile),
    families: fam.map((f) => ({
      id: String(f.id),
      names: f.names ?? [],
      paths: (f.paths ?? []).map((p) => new RegExp(p)),
      units: f.units ?? [],
      samples: samples(f.samples),
    })),
    benign: {
      memfd: new RegExp(b.memfd.pattern),
      memfdSamples: samples(b.memfd.samples),
      upgradedPrefixes: b.upgradedPrefixes,
      webServerUsers: b.webServerUsers,
      webServerExecutables: new RegExp(b.webServerExecutables),
      systemDaemonNames: b.systemDaemonNames,
      systemPrefixes: b.systemPrefixes,
      minerStrings: b.minerStrings,
    },
  };
}

/** The family whose name, path or unit matches `s`, if any. */
export function familyOf(families: Family[], s: string): Family | undefined {
  const base = s.split("/").pop() ?? s;
  return families.find(
    (f) => f.names.includes(base) || f.units.includes(base) || f.paths.some((re) => re.test(s)),
  );
}
