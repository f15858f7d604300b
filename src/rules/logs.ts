/**
 * Log detection rules are data: one YAML file per attack in rules/logs/, validated by logs-schema.ts.
 * Parsing 43 YAML files through zod takes a large share of `mamori logs`'s start-up (the two libraries
 * alone are 170 modules), so the validated rules are kept as JSON in .cache/ at the repository's root,
 * keyed by a hash of the rule files and of the schema: a changed rule or schema is read from YAML again.
 * The cache sits with the code (same owner), never in a shared temporary directory, where another
 * user could plant rules that detect nothing; where it cannot be written, every run reads the YAML.
 * It is used only when its directory (and every parent) is root's or ours and no one else can write it,
 * and the file is a regular file of ours (or root's) no one else can write: otherwise, as root, a user who
 * could write the checkout could make mamori drop every rule.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { DirFdError, VerifiedDir } from "../core/dirfd.ts";
import { langFromEnv, translator } from "../i18n/index.ts";
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

/** Larger than the cache of every rule we ship many times over. */
const CACHE_LIMIT = 16 * 1024 * 1024;

/**
 * The directory of a cache, when it can be trusted: it and every parent are root's or ours and not writable
 * by others. As root, a cache another user could have written would be a way to make mamori drop rules.
 */
function trustedCacheDir(
  file: string,
  create: boolean,
  note: (why: string) => void,
): VerifiedDir | undefined {
  const euid = process.geteuid?.() ?? 0;
  try {
    return VerifiedDir.open(dirname(file), { create, mode: 0o755, privateTo: euid, readableByOthers: true });
  } catch (err) {
    if (err instanceof DirFdError && err.untrusted) note(err.message);
    return undefined; // missing or untrusted: no cache
  }
}

function readCache(file: string, hash: string, dir: string, note: (why: string) => void): Rule[] | undefined {
  const d = trustedCacheDir(file, false, note);
  if (!d) return undefined;
  try {
    const euid = process.geteuid?.() ?? 0;
    // A regular file (no link followed) of ours or root's that no one else can write, of a bounded size.
    const { data } = d.readTrusted(basename(file), { owner: euid, limit: CACHE_LIMIT });
    const c = JSON.parse(data.toString("utf8")) as CacheFile;
    if (c.hash !== hash || !Array.isArray(c.rules)) return undefined;
    return c.rules.map((r) => compileSpec(r, join(dir, r.file)));
  } catch (err) {
    if (err instanceof DirFdError && err.untrusted) note(err.message);
    return undefined; // missing, unreadable or untrusted: read the YAML
  } finally {
    d.close();
  }
}

function writeCache(file: string, hash: string, rules: Rule[], note: (why: string) => void): void {
  const c: CacheFile = {
    hash,
    rules: rules.map((r) => ({ ...specOf(r), file: r.file.slice(r.file.lastIndexOf("/") + 1) })),
  };
  const d = trustedCacheDir(file, true, note);
  if (!d) return;
  try {
    // An O_EXCL temporary of a random name, then a rename: a concurrent run reads the old file or the new
    // one, never half of one, and a planted link is never written through.
    d.writeFileDurable(basename(file), JSON.stringify(c), 0o644);
  } catch {
    // A read-only installation: no cache, the YAML is read each time.
  } finally {
    d.close();
  }
}

/** The validating YAML reader, loaded (synchronously) only when the cache cannot be used. */
function readRuleFiles(dir: string): Rule[] {
  const require = createRequire(import.meta.url);
  return (require("./logs-schema.ts") as typeof import("./logs-schema.ts")).readRuleFiles(dir);
}

/**
 * Every rule in `dir`, sorted by priority (highest first), then id: from `cacheFile` when it matches
 * the rule files and can be trusted, else validated from YAML (and `cacheFile` written).
 * `note` hears, once per call, why a cache was not trusted (for debug output).
 */
export function readRules(dir: string, cacheFile?: string, note?: (why: string) => void): Rule[] {
  if (!cacheFile) return readRuleFiles(dir);
  let told = false;
  const once = (why: string) => {
    if (!told) note?.(why);
    told = true;
  };
  const names = readdirSync(dir)
    .filter((n) => n.endsWith(".yaml"))
    .sort();
  const hash = rulesHash(dir, names);
  const cached = readCache(cacheFile, hash, dir, once);
  if (cached) return cached;
  const rules = readRuleFiles(dir);
  writeCache(cacheFile, hash, rules, once);
  return rules;
}

let defaults: Rule[] | undefined;

/**
 * The rules in rules/logs (read once per process). With MAMORI_DEBUG set, an untrusted cache is mentioned
 * on stderr (once: the rules are read once per process); otherwise it is ignored quietly.
 */
export function loadRules(debug: ((line: string) => void) | undefined = debugLine(process.env)): Rule[] {
  defaults ??= readRules(rulesDir(), rulesCacheFile(), (why) =>
    debug?.(translator(langFromEnv(process.env))("cache.untrusted", { reason: why })),
  );
  return defaults;
}

function debugLine(env: NodeJS.ProcessEnv): ((line: string) => void) | undefined {
  return env.MAMORI_DEBUG ? (line) => process.stderr.write(`mamori: ${line}\n`) : undefined;
}
