/**
 * Every regular expression that sees attacker bytes, gathered for the ReDoS checker
 * (test/security/regex.test.ts): the patterns in the rule files and the regex literals in src/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";

/**
 * recheck's parameters for the tests. Its fuzzer gives up on an attack string after attackTimeout ms
 * and calls the regex vulnerable: on a loaded machine (the suite runs tests side by side) a linear
 * regex was called vulnerable now and then. Without the time limits only the step counts decide, so
 * the verdict is the same on every machine; `timeout` bounds a whole check.
 */
export const RECHECK = {
  timeout: 30_000,
  randomSeed: 1,
  attackTimeout: null,
  incubationTimeout: null,
} as const;

export interface FoundRegex {
  where: string;
  source: string;
  flags: string;
}

const root = new URL("../..", import.meta.url).pathname;

function walk(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...walk(p, ext));
    else if (n.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Keys whose string values (or lists of strings) are regular expressions in rules/**.yaml. */
const REGEX_KEYS = new Set(["regex", "pattern", "paths", "webServerExecutables", "match", "argConfig"]);

function fromYaml(v: unknown, where: string, flags: string, out: FoundRegex[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      fromYaml(x, `${where}[${i}]`, flags, out);
    });
    return;
  }
  if (!v || typeof v !== "object") return;
  const o = v as Record<string, unknown>;
  const f = typeof o.flags === "string" ? o.flags : flags;
  for (const [k, x] of Object.entries(o)) {
    if (k === "samples") continue; // strings to match, not regexes
    if (REGEX_KEYS.has(k)) {
      for (const s of Array.isArray(x) ? x : [x])
        if (typeof s === "string")
          out.push({ where: `${where}.${k}`, source: s, flags: f.replace(/g/g, "") });
        else fromYaml(s, `${where}.${k}`, f, out);
    } else fromYaml(x, `${where}.${k}`, f, out);
  }
}

/** The regexes of every rule file; log rules default to the `i` flag, as logs-schema.ts does. */
export function ruleRegexes(): FoundRegex[] {
  const out: FoundRegex[] = [];
  for (const file of walk(join(root, "rules"), ".yaml")) {
    const rel = relative(root, file);
    fromYaml(parse(readFileSync(file, "utf8")), rel, rel.startsWith("rules/logs/") ? "i" : "", out);
  }
  return out;
}

// A token after which `/` starts a regex literal rather than a division.
const KEYWORDS_BEFORE_EXPR = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

/**
 * The regex literals of one TypeScript file, by a small tokenizer that knows comments, strings,
 * template literals (with nested `${}`) and the regex/division ambiguity.
 */
export function regexLiterals(text: string): Array<{ source: string; flags: string; line: number }> {
  const out: Array<{ source: string; flags: string; line: number }> = [];
  let i = 0;
  let prev = ""; // the last significant token: "id", "num", ")" , "]", "}" or a punctuator
  const braces: Array<"code" | "tpl"> = [];
  const lineAt = (p: number) => text.slice(0, p).split("\n").length;
  const template = (): void => {
    // i is just past a backquote or a `}` that closes a `${`
    while (i < text.length) {
      const c = text[i];
      if (c === "\\") i += 2;
      else if (c === "`") {
        i++;
        prev = "id";
        return;
      } else if (c === "$" && text[i + 1] === "{") {
        i += 2;
        braces.push("tpl");
        prev = "(";
        return;
      } else i++;
    }
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const e = text.indexOf("*/", i + 2);
      i = e < 0 ? text.length : e + 2;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
      i++;
      prev = "id";
    } else if (c === "`") {
      i++;
      template();
    } else if (c === "/") {
      const regexAllowed = !(prev === "id" || prev === "num" || prev === ")" || prev === "]" || prev === "}");
      if (!regexAllowed) {
        i++;
        prev = "/";
        continue;
      }
      const start = i;
      i++;
      let inClass = false;
      while (i < text.length) {
        const d = text[i];
        if (d === "\\") i += 2;
        else if (d === "[" || d === "]") {
          inClass = d === "[";
          i++;
        } else if (d === "/" && !inClass) break;
        else if (d === "\n") throw new Error(`unterminated regex literal at line ${lineAt(start)}`);
        else i++;
      }
      const source = text.slice(start + 1, i);
      i++;
      let flags = "";
      while (i < text.length && /[a-z]/.test(text[i] as string)) flags += text[i++];
      out.push({ source, flags, line: lineAt(start) });
      prev = "id";
    } else if (/[A-Za-z_$\d]/.test(c)) {
      const m = /^[A-Za-z_$\d]+/.exec(text.slice(i, i + 200)) as RegExpExecArray;
      const w = m[0];
      i += w.length;
      prev = KEYWORDS_BEFORE_EXPR.has(w) ? "(" : /^\d/.test(w) ? "num" : "id";
    } else if (c === "{") {
      braces.push("code");
      i++;
      prev = "{";
    } else if (c === "}") {
      i++;
      if (braces.pop() === "tpl") template();
      else prev = "}";
    } else {
      i++;
      prev = c;
    }
  }
  return out;
}

/** The regex literals of every source file under src/. */
export function sourceRegexes(): FoundRegex[] {
  const out: FoundRegex[] = [];
  for (const file of walk(join(root, "src"), ".ts")) {
    const rel = relative(root, file);
    for (const r of regexLiterals(readFileSync(file, "utf8")))
      out.push({ where: `${rel}:${r.line}`, source: r.source, flags: r.flags.replace(/g/g, "") });
  }
  return out;
}
