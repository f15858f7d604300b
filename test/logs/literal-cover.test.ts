/**
 * Each rule's literals cover its regexes (issue 13): every line a rule matches holds one of that rule's
 * own literals where the second look of the prefilter (worth.ts `rulesWorth`) finds them, in the raw
 * text, case-folded (a literal meant for a %-encoded form is listed in that form). The matcher tests a
 * rule only on lines that hold one of its literals, so a rule whose literals missed part of what its
 * regex matches would silently lose those lines. Checked on every line of the public corpora (lines,
 * CRS, real logs, the apache-lab logs), a genlog sample, and each rule's own samples: a rule is tested
 * here on every line, gate or not, and each line it matches without holding its literals is listed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseLine } from "../../src/collect/logs/engine/format.ts";
import { ruleMatches } from "../../src/collect/logs/engine/match.ts";
import { fieldLiteralsOf, REANCHOR_AFTER, rulesWorth } from "../../src/collect/logs/engine/worth.ts";
import type { LogEntry } from "../../src/facts/log-lines.ts";
import { loadRules, type Rule } from "../../src/rules/logs.ts";

const SHARED = new URL("../../../shared/", import.meta.url).pathname;
const CORPUS = join(SHARED, "corpus");

/** Every text line of the shared material a rule could meet: jsonl records' `line`, log files whole. */
function sharedLines(): Array<{ from: string; line: string }> {
  const out: Array<{ from: string; line: string }> = [];
  const addText = (from: string, text: string) => {
    for (const line of text.split("\n")) if (line) out.push({ from, line: line.replace(/\r$/, "") });
  };
  for (const f of ["lines.jsonl", "crs/lines.jsonl"]) {
    const p = join(CORPUS, f);
    if (!existsSync(p)) continue;
    for (const l of readFileSync(p, "utf8").split("\n"))
      if (l) out.push({ from: f, line: (JSON.parse(l) as { line: string }).line });
  }
  const walk = (dir: string, pick: (name: string) => boolean) => {
    if (!existsSync(dir)) return;
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p, pick);
      else if (pick(n)) addText(p.slice(CORPUS.length + 1), readFileSync(p, "latin1"));
    }
  };
  walk(join(CORPUS, "reallogs"), (n) => !n.endsWith(".md") && !n.endsWith(".json"));
  walk(join(CORPUS, "apache-lab"), (n) => n === "access_log" || n === "error_log");
  const genlog = join(SHARED, "bench/genlog.mjs");
  if (existsSync(genlog))
    for (const [seed, rate] of [
      ["9", "0.2"],
      ["cover", "0.5"],
    ] as const) {
      const r = spawnSync(
        process.execPath,
        [genlog, "--lines", "20000", "--seed", seed, "--attack-rate", rate],
        { encoding: "latin1", maxBuffer: 64 << 20 },
      );
      assert.equal(r.status, 0, r.stderr);
      addText(`genlog seed ${seed} ${rate}`, r.stdout);
    }
  return out;
}

const rules = loadRules();

test("every positive sample holds one of its rule's own literals where the matcher looks", () => {
  const missed: string[] = [];
  rules.forEach((rule, i) => {
    for (const line of rule.samples.positive) {
      const e = parseLine(line, 1, undefined);
      assert.ok(e, line);
      const gate = rulesWorth(rules, e);
      if (gate && gate[i] !== 1) missed.push(`${rule.id}: ${line}`);
    }
  });
  assert.deepEqual(missed, []);
});

/**
 * Letters or digits written as %XX (or %25XX): no client needs that, and no literal of a raw-bytes prefilter can see
 * through it (`%66%72%65%65%6d%61%72%6b%65%72` is `freemarker`). Such a line reaches a rule only through a
 * literal of its own or of the rule it wins (the rules name the encoded forms attackers really send).
 */
const ENCODED_ALNUM = /%(?:25)?(?:3[0-9]|[46][1-9a-f]|[57][0-9a])/i;
/**
 * Matched by the shape of the request (not `METHOD /path`), whatever it holds: its literals are the statuses
 * Apache answers such a request with, and it adds an event only when no other rule has one.
 */
const SHAPE_RULES = new Set(["protocol-garbage"]);

/** The rules that match a line although the gate keeps them from it, and whether each is the one it gets. */
function matchedPastGate(e: LogEntry, gate: Uint8Array): Array<{ rule: Rule; winner: boolean }> {
  const out: Array<{ rule: Rule; winner: boolean }> = [];
  let first = true;
  rules.forEach((rule, i) => {
    if (!ruleMatches(rule, { ...e })) return;
    if (gate[i] !== 1) out.push({ rule, winner: first });
    first = false;
  });
  return out;
}

test("every line of the corpora a rule matches holds one of that rule's literals", {
  skip: !existsSync(CORPUS) && "corpus not present",
}, () => {
  const lines = sharedLines();
  assert.ok(lines.length > 50_000, `only ${lines.length} lines`);
  const missed = new Map<string, string[]>();
  const lost: string[] = [];
  let checked = 0;
  let excused = 0;
  for (const { from, line } of lines) {
    const e = parseLine(line, 1, undefined);
    if (!e) continue;
    const gate = rulesWorth(rules, e);
    if (!gate) continue; // a line this look cannot judge goes to every rule
    checked++;
    for (const { rule, winner } of matchedPastGate(e, gate)) {
      // The rule the line gets without the gate must hold its literals: else the gate changes the result.
      if (winner) lost.push(`${rule.id} ${from}: ${line.slice(0, 300)}`);
      else if (SHAPE_RULES.has(rule.id) || ENCODED_ALNUM.test(e.raw ?? line)) excused++;
      else {
        const m = missed.get(rule.id) ?? [];
        m.push(`${from}: ${line.slice(0, 300)}`);
        missed.set(rule.id, m);
      }
    }
  }
  assert.ok(checked > 50_000, `only ${checked} lines judged`);
  assert.deepEqual(lost, [], "lines whose result the gate would change");
  const report = [...missed].map(([id, ls]) => `${id} (${ls.length}):\n  ${ls.slice(0, 8).join("\n  ")}`);
  assert.equal(report.length, 0, report.join("\n"));
  assert.ok(excused < 10, `${excused} matches excused (encoded letters, shape rules)`);
});

test("anchoring the literals on the pairs of the lines seen changes no answer", {
  skip: !existsSync(CORPUS) && "corpus not present",
}, () => {
  const entries = sharedLines()
    .slice(0, 4 * REANCHOR_AFTER)
    .map(({ line }) => parseLine(line, 1, undefined))
    .filter((e) => e !== undefined);
  const head = entries.slice(0, REANCHOR_AFTER);
  // A fresh rules array has fresh literal tables: the first look anchors them by estimate.
  const byEstimate = [...rules];
  const before = head.map((e) => rulesWorth(byEstimate, e)?.join(""));
  // Another, first re-anchored on the pairs of other lines, then asked about the same lines.
  const byCounts = [...rules];
  for (const e of entries.slice(REANCHOR_AFTER)) rulesWorth(byCounts, e);
  assert.equal(fieldLiteralsOf(byCounts).seen, -1, "not re-anchored");
  assert.ok(fieldLiteralsOf(byEstimate).seen >= 0, "re-anchored too soon");
  const after = head.map((e) => rulesWorth(byCounts, e)?.join(""));
  assert.ok(before.filter((g) => g?.includes("1")).length > 50, "too few lines hold a literal");
  assert.deepEqual(after, before);
});

/**
 * What a client may change for free and the server decodes to the same value: punctuation raw or %-encoded
 * (all of it, or just the first), a tab for a space, `/` encoded, everything encoded twice, letters in
 * either case, IIS's `%u00XX`; and what a lax application decodes too: HTML references and overlong UTF-8. Rule literals are spelled every such way when the rules load (src/rules/spellings.ts);
 * before, `<%3F` (`%3c%3f` written), `for%09%25` and `%40{[` reached no rule.
 */
const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
const rawOf = (m: string, h: string) => {
  const c = String.fromCharCode(Number.parseInt(h, 16));
  return /[\s"\\#%&+?]/.test(c) ? m : c;
};
const EVASIONS: Record<string, (q: string) => string> = {
  tab: (q) => q.replace(/%20|\+/g, "%09"),
  encoded: (q) => q.replace(/[$(){}[\];|&'"<>`]/g, hex),
  encodedUpper: (q) => q.replace(/[$(){}[\];|&'"<>`]/g, (c) => hex(c).toUpperCase()),
  encodedFirst: (q) => q.replace(/[$(){}[\];|'"<>`]/, hex),
  raw: (q) => q.replace(/%(2[0-9a-f]|3[b-f]|5[b-f]|7[b-e])/gi, rawOf),
  rawFirst: (q) => q.replace(/%(2[1-9a-f]|3[b-f]|5[b-f]|7[b-e])/i, rawOf),
  slash: (q) => q.replace(/\//g, "%2f"),
  double: (q) => q.replace(/%/g, "%25"),
  caseFlip: (q) => q.replace(/[a-z]/gi, (c, i: number) => (i % 2 ? c.toUpperCase() : c.toLowerCase())),
  unicode: (q) =>
    EVASIONS.raw?.(q).replace(
      /[$(){}[\];|'"<>`./]/g,
      (c) => `%u00${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
    ) ?? q,
  // For an application that decodes further (engine/decode.ts `deepDecode`): HTML references, encoded and
  // raw, and overlong UTF-8.
  entity: (q) =>
    EVASIONS.raw?.(q).replace(/[$(){}[\];|'"<>`]/g, (c) => `%26%23x${c.charCodeAt(0).toString(16)}%3b`) ?? q,
  entityRaw: (q) =>
    EVASIONS.raw?.(q).replace(/[$(){}[\]|'"<>`]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`) ?? q,
  overlong: (q) =>
    EVASIONS.raw?.(q).replace(/[$(){}[\];|'"<>`./]/g, (c) => {
      const n = c.charCodeAt(0);
      return `%${(0xc0 | (n >> 6)).toString(16)}%${(0x80 | (n & 0x3f)).toString(16)}`;
    }) ?? q,
};

test("another spelling of a corpus attack still reaches the rule it reached", {
  skip: !existsSync(CORPUS) && "corpus not present",
}, () => {
  const lost: string[] = [];
  const missed: string[] = [];
  let tried = 0;
  for (const f of ["lines.jsonl", "crs/lines.jsonl"]) {
    for (const l of readFileSync(join(CORPUS, f), "utf8").split("\n")) {
      if (!l) continue;
      const line = (JSON.parse(l) as { line: string }).line;
      const m = /^(.*?"\S+ )(\S+)( HTTP\/[\d.]+".*)$/.exec(line);
      if (!m) continue;
      const [, before, target, after] = m as unknown as [string, string, string, string];
      const q = target.indexOf("?");
      for (const [name, spell] of Object.entries(EVASIONS)) {
        const t =
          q >= 0 ? target.slice(0, q + 1) + spell(target.slice(q + 1)) : target.replace(/[^/]*$/, spell);
        if (t === target) continue;
        const e = parseLine(before + t + after, 1, undefined);
        const gate = e && rulesWorth(rules, e);
        if (!e || !gate) continue;
        tried++;
        for (const { rule, winner } of matchedPastGate(e, gate)) {
          if (ENCODED_ALNUM.test(e.raw ?? "") || SHAPE_RULES.has(rule.id)) continue;
          (winner ? lost : missed).push(`${rule.id} ${name}: ${(before + t + after).slice(0, 300)}`);
        }
      }
    }
  }
  assert.ok(tried > 10_000, `only ${tried} spellings tried`);
  assert.deepEqual(lost, [], "spellings whose rule the gate would change");
  assert.deepEqual(missed, []);
});
