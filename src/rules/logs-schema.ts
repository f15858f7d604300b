/**
 * The schema of a log detection rule (rules/logs/<id>.yaml) and the validating reader of those files.
 * Each rule names the literals a line must hold to be worth parsing (the prefilter), the
 * conditions on decoded fields, how success shows, and its own positive and negative samples.
 * Loading YAML and zod costs start-up time: logs.ts comes here only when its cache is stale.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { SEVERITIES } from "../core/finding.ts";
import { byCodeUnit } from "../core/order.ts";
import { compileSpec, type Rule } from "./logs-compile.ts";

export const FIELDS = [
  "uri",
  "path",
  "query",
  "referer",
  "ua",
  "headers",
  "request",
  "message",
  "method",
  "any",
] as const;
export type Field = (typeof FIELDS)[number];

const condition = z.object({
  field: z.union([z.enum(FIELDS), z.array(z.enum(FIELDS)).min(1)]),
  /**
   * raw = as sent; once/twice = URL-decoded; server = as Apache 2.4.50 decoded a path (unreserved
   * characters, then all; also after undoing printf-doubled %%); lookups = Log4j lookups resolved; any = all.
   */
  decode: z.enum(["raw", "once", "twice", "server", "lookups", "any"]).default("any"),
  regex: z.string().min(1),
  flags: z.string().default("i"),
});

export const ruleSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** Shown to people, in both languages; a custom rule's plain string is used for both. */
  name: z.union([
    z.strictObject({ en: z.string().min(1), ja: z.string().min(1) }),
    z
      .string()
      .min(1)
      .transform((s) => ({ en: s, ja: s })),
  ]),
  cves: z.array(z.string().regex(/^CVE-\d{4}-\d{4,}$/)).default([]),
  references: z.array(z.string().url()).default([]),
  severity: z.enum(SEVERITIES),
  kind: z.enum(["exploit", "recon"]).default("exploit"),
  /** Higher wins when several rules match one line (a product CVE beats generic path-traversal). */
  priority: z.number().int().default(50),
  /** How success shows in an access log: file = 200 with a plausible body; exec = 200, or 500 with CGI errors. */
  success: z.enum(["file", "exec", "status", "none"]).default("none"),
  /**
   * The application runtime the attack needs: where the audit finds none on the host (no process,
   * package or forwarding module, src/checks/logs/runtimes.ts), an unknown outcome is `failed`.
   */
  runtime: z.enum(["java", "php"]).optional(),
  prefilter: z.array(z.string().min(1)).min(1),
  match: z.object({
    all: z.array(condition).default([]),
    any: z.array(condition).default([]),
    not: z.array(condition).default([]),
  }),
  samples: z.object({
    positive: z.array(z.string()).min(1),
    negative: z.array(z.string()).min(1),
  }),
});

export type RuleSpec = z.infer<typeof ruleSchema>;
export type Condition = z.infer<typeof condition>;

export function compileRule(spec: unknown, file: string): Rule {
  const r = ruleSchema.parse(spec);
  if (r.match.all.length === 0 && r.match.any.length === 0)
    throw new Error(`${file}: a rule needs match.all or match.any`);
  return compileSpec(r, file);
}

/** Every rule file in `dir`, parsed and validated, sorted by priority (highest first), then id. */
export function readRuleFiles(dir: string): Rule[] {
  const rules: Rule[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith(".yaml"))
    .sort()) {
    const file = join(dir, f);
    const rule = compileRule(parse(readFileSync(file, "utf8")), file);
    if (`${rule.id}.yaml` !== f) throw new Error(`${file}: id ${rule.id} does not match the file name`);
    rules.push(rule);
  }
  return rules.sort((a, b) => b.priority - a.priority || byCodeUnit(a.id, b.id));
}
