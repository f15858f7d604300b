/**
 * Log detection rules are data: one YAML file per attack in rules/logs/, validated by logs-schema.ts.
 * Parsing 43 YAML files through zod takes a large share of `mamori logs`'s start-up (the two libraries
 * alone are 170 modules), so the validated rules are kept as JSON in .cache/ at the repository's root,
 * keyed by a hash of the rule files and of the schema: a changed rule or schema is read from YAML again.
 * The cache sits with the code (same owner), never in a shared temporary directory, where another
 * user could plant rules that detect nothing; where it cannot be written, every run reads the YAML.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { compileSpec, type Rule, specOf } from "./logs-compile.ts";
import type { RuleSpec } from "./logs-schema.ts";

export type { CompiledCondition, Rule } from "./logs-compile.ts";
export type { Condition, Field, RuleSpec } from "./logs-schema.ts";

const here = new URL(".", import.meta.url).pathname;

export function rulesDir(): string {
  return join(here, "../../rules/logs");
}

/** Where the default rules' cache is kept. */
export function rulesCacheFile(): string {
  return join(here, "../../.cache/rules-logs.json");
}

interface CacheFile {
  hash: string;
  /** Validated specs in load order; `file` is the name within the rules directory. */
  rules: Array<RuleSpec & { file: string }>;
}

/** A hash of what the validated rules depend on: each rule file (name and text) and the schema's source. */
function rulesHash(dir: string, names: string[]): string {
  const h = createHash("sha256");
  h.update(readFileSync(join(here, "logs-schema.ts")));
  for (const n of names) h.update(`\0${n}\0`).update(readFileSync(join(dir, n)));
  return h.digest("hex");
}

function readCache(file: string, hash: string, dir: string): Rule[] | undefined {
  try {
    const c = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
    if (c.hash !== hash || !Array.isArray(c.rules)) return undefined;
    return c.rules.map((r) => compileSpec(r, join(dir, r.file)));
  } catch {
    return undefined; // missing or unreadable: read the YAML
  }
}

function writeCache(file: string, hash: string, rules: Rule[]): void {
  const c: CacheFile = {
    hash,
    rules: rules.map((r) => ({ ...specOf(r), file: r.file.slice(r.file.lastIndexOf("/") + 1) })),
  };
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    // Written aside, then renamed: a concurrent run reads the old file or the new one, never half of one.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(c));
    renameSync(tmp, file);
  } catch {
    // A read-only installation: no cache, the YAML is read each time.
  }
}

/** The validating YAML reader, loaded (synchronously) only when the cache cannot be used. */
function readRuleFiles(dir: string): Rule[] {
  const require = createRequire(import.meta.url);
  return (require("./logs-schema.ts") as typeof import("./logs-schema.ts")).readRuleFiles(dir);
}

/**
 * Every rule in `dir`, sorted by priority (highest first), then id: from `cacheFile` when it matches
 * the rule files, else validated from YAML (and `cacheFile` written).
 */
export function readRules(dir: string, cacheFile?: string): Rule[] {
  if (!cacheFile) return readRuleFiles(dir);
  const names = readdirSync(dir)
    .filter((n) => n.endsWith(".yaml"))
    .sort();
  const hash = rulesHash(dir, names);
  const cached = readCache(cacheFile, hash, dir);
  if (cached) return cached;
  const rules = readRuleFiles(dir);
  writeCache(cacheFile, hash, rules);
  return rules;
}

let defaults: Rule[] | undefined;

/** The rules in rules/logs (read once per process). */
export function loadRules(): Rule[] {
  defaults ??= readRules(rulesDir(), rulesCacheFile());
  return defaults;
}
