/**
 * Linear-time matching of attacker bytes (issue 10, hole 6): every regex in the rule files, every
 * regex literal in src/ and the regexes src/ builds at run time (globs, bind directives; LogFormat
 * strings in test/logs/format-linear.test.ts) are checked by recheck (a ReDoS checker that finds
 * exponential and polynomial backtracking) and must be safe. Lines of `(){` x2666 took 75 s for
 * 1,000 lines before; bench/hostile.bench.ts measures the ratio.
 * Regexes without an unbounded quantifier are linear by construction (a match from one start is at
 * most as long as the regex allows, so backtracking from it is bounded) and are not sent to recheck.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { checkSync } from "recheck";
import { directiveRegex } from "../../src/collect/exposure/bind-config.ts";
import { globToRegExp } from "../../src/collect/rootfs.ts";
import { loadServiceRules } from "../../src/rules/exposure/services.ts";
import { type FoundRegex, RECHECK, ruleRegexes, sourceRegexes } from "../helpers/regex-sources.ts";

/** Every source folder: each of them reads something a local user, a server, a feed or an image wrote. */
const SCOPE = /^src\//;

/**
 * Regexes src/ builds from a template at run time, with what fills the template: glob pieces from
 * configuration Include lines (hostile in a `--root` image), bind directives from the service rules.
 */
function runtime(): FoundRegex[] {
  const out: FoundRegex[] = [];
  const add = (where: string, re: RegExp) => out.push({ where, source: re.source, flags: re.flags });
  const globs = [
    "*.conf",
    "*",
    "mods-enabled",
    "[!.]*.load",
    "?*.c?nf",
    "a*b*c*d*e*f*g*h*i*j*k",
    "*a*a*a*a*a*a*a*a*a*a*a*",
    "***x***y***",
    "*[a-z]*[!0-9]*?*",
  ];
  for (const g of globs) add(`src/collect/rootfs.ts globToRegExp(${JSON.stringify(g)})`, globToRegExp(g));
  for (const rule of loadServiceRules())
    for (const [j, b] of rule.bind.entries())
      add(`src/collect/exposure/bind-config.ts directiveRegex(${rule.id}.bind[${j}])`, directiveRegex(b));
  for (const syntax of ["keyword", "assign", "yaml", "flag", "json"] as const)
    add(
      `src/collect/exposure/bind-config.ts directiveRegex(${syntax})`,
      directiveRegex({ directive: "x.y-z", syntax }),
    );
  // src/collect/inventory/files.ts builds `^${name}:\s*(.*)$` for four dpkg field names.
  const files = readFileSync(new URL("../../src/collect/inventory/files.ts", import.meta.url), "utf8");
  assert.ok(
    files.includes('new RegExp(`^\u0024{name}:\\\\s*(.*)$`, "m")'),
    "the dpkg field template moved: update this test",
  );
  for (const name of ["Package", "Status", "Version", "Architecture"])
    add(`src/collect/inventory/files.ts field(${name})`, new RegExp(`^${name}:\\s*(.*)$`, "m"));
  return out;
}

function all(): FoundRegex[] {
  const seen = new Set<string>();
  return [...ruleRegexes(), ...sourceRegexes().filter((r) => SCOPE.test(r.where)), ...runtime()].filter(
    (r) => {
      const k = `${r.flags}/${r.source}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    },
  );
}

/**
 * Whether a regex has a quantifier without an upper bound (`*`, `+`, `{n,}`) outside a character
 * class. Backreferences repeat what a group took and are bounded by it.
 */
export function unbounded(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "*" || c === "+") return true;
    else if (c === "{" && /^\{\d+,\}/.test(source.slice(i, i + 12))) return true;
  }
  return false;
}

test("the regex gatherer finds the rules' regexes, the code's literals and the run-time ones", () => {
  const found = all();
  assert.ok(found.some((r) => r.where.startsWith("rules/logs/cve-2014-6271.yaml")));
  assert.ok(found.some((r) => r.where.startsWith("rules/hunt/process.yaml")));
  assert.ok(found.some((r) => r.where.startsWith("rules/exposure/services.yaml")));
  assert.ok(found.some((r) => r.where.startsWith("src/collect/logs/engine/format.ts")));
  for (const dir of ["collect", "probe", "iocs", "vulndb", "alert", "report"])
    assert.ok(
      found.some((r) => r.where.startsWith(`src/${dir}/`)),
      dir,
    );
  assert.ok(found.some((r) => r.where.includes("globToRegExp")));
  assert.ok(found.some((r) => r.where.includes("directiveRegex")));
  for (const r of found) assert.doesNotThrow(() => new RegExp(r.source, r.flags), r.where);
  assert.equal(unbounded("^a{2,5}[*+]\\*$"), false);
  assert.equal(unbounded("^a{2,}$"), true);
  assert.equal(unbounded("(?:ab)+"), true);
});

test("every regex that sees attacker bytes is free of super-linear backtracking (recheck)", () => {
  const bad: string[] = [];
  for (const r of all()) {
    if (!unbounded(r.source)) continue;
    const v = checkSync(r.source, r.flags, RECHECK);
    if (v.status !== "safe") {
      const attack = v.status === "vulnerable" ? ` attack ${v.attack.pattern.slice(0, 120)}` : "";
      bad.push(
        `${r.where}: ${v.status}${v.status === "vulnerable" ? ` (${v.complexity.type})` : ""}${attack}\n  /${r.source}/${r.flags}`,
      );
    }
  }
  assert.deepEqual(bad, [], bad.join("\n"));
});
