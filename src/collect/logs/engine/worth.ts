/**
 * The second look of the prefilter, after parsing: a line reaches the rules only if a rule literal
 * lies past the client, ident, user and time that open a line, which no rule reads: in the line from
 * its first `"` on (request, status, size, referer, user agent, logged headers) or in a field the
 * rules read wherever the format put it. The prefilter looks at the whole line's bytes, so an IPv6
 * client (`2001:db8::7`) matched `::` (an SQL cast) and sent 6% of a realistic log through every rule
 * for nothing (issue 13). Parsing costs far less than the rules.
 *
 * The fields hold the bytes the client sent (the parser undid the logger's `\xHH` escapes) while the
 * prefilter saw the escapes: a line with a backslash skips this look and goes to the rules as before.
 */
import type { LogEntry } from "../../../facts/log-lines.ts";
import type { Rule } from "../../../rules/logs.ts";
import { quadHash } from "./pairscan-wasm.ts";
import { anchorOf } from "./prefilter.ts";

interface Lit {
  /** Lower-case character codes. */
  lit: Uint8Array;
  /** Offset of the anchoring pair inside the literal. */
  k: number;
  /** Index into `owners`. */
  id: number;
}

export interface FieldLiterals {
  /** Folded pair (a << 8 | b) -> 1 + index into `lists`; 0 = no literal anchored there. */
  pairs: Uint16Array;
  lists: Lit[][];
  /**
   * Folded pair -> 1 when every literal anchored there has a character before and after the pair:
   * then the four characters around it must hash to a set byte of `quads` (see pairscan-wasm.ts).
   */
  quadOnly: Uint8Array;
  quads: Uint8Array;
  /** Folded character -> 1 when it is a one-character literal. */
  singles: Uint8Array;
  /** A literal this look cannot find the way the prefilter does (past ASCII): every line goes on. */
  off: boolean;
  /** For each literal in `lists` (by `Lit.id`), the indices of the rules that name it. */
  owners: number[][];
  /** Folded character -> the rules whose one-character literal it is. */
  singleOwners: number[][];
  perRule: string[][];
  /** Lines whose pairs are counted so far (-1: anchored by those counts already). */
  seen: number;
  counts?: Uint32Array;
}

const built = new WeakMap<Rule[], FieldLiterals>();

export function fieldLiteralsOf(rules: Rule[]): FieldLiterals {
  let f = built.get(rules);
  if (!f) {
    f = buildFieldLiterals(rules.map((r) => r.prefilter));
    built.set(rules, f);
  }
  return f;
}

/**
 * How many lines this look reads with literals anchored by the prefilter's estimate of typical logs,
 * counting their byte pairs, before it anchors each literal on its rarest pair in those lines: the lines
 * that reach it are not typical (most hold `.php` or %-escapes), and a pair such as `ph` anchored 35
 * literals, all compared wherever a line held it. Which pair anchors a literal changes no answer.
 */
export const REANCHOR_AFTER = 512;

/**
 * The literals of each rule (`perRule[i]` for rule i), found together. Every literal is kept, even
 * one that holds a shorter literal of another rule: which rules a line is worth testing against
 * depends on which of their own literals it holds (issue 13). `counts`: folded pair counts to anchor by.
 */
export function buildFieldLiterals(perRule: string[][], counts?: Uint32Array): FieldLiterals {
  const ownersOf = new Map<string, number[]>();
  perRule.forEach((lits, i) => {
    for (const l of lits) {
      const w = l.toLowerCase();
      const o = ownersOf.get(w) ?? [];
      if (!o.includes(i)) o.push(i);
      ownersOf.set(w, o);
    }
  });
  const kept = [...ownersOf.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const pairs = new Uint16Array(65536);
  const quadOnly = new Uint8Array(65536);
  const quads = new Uint8Array(65536);
  const lists: Lit[][] = [];
  const singles = new Uint8Array(256);
  const owners: number[][] = [];
  const singleOwners: number[][] = [];
  let off = false;
  for (const w of kept) {
    if ([...w].some((c) => c.charCodeAt(0) > 127)) off = true;
    const lit = new Uint8Array(w.length);
    for (let j = 0; j < w.length; j++) lit[j] = w.charCodeAt(j) & 0xff;
    const id = owners.length;
    owners.push(ownersOf.get(w) as number[]);
    if (lit.length === 1) {
      singles[lit[0] as number] = 1;
      singleOwners[lit[0] as number] = owners[id] as number[];
      continue;
    }
    const k = anchorOf(w, counts);
    const pair = ((lit[k] as number) << 8) | (lit[k + 1] as number);
    let idx = pairs[pair] as number;
    const windowed = k >= 1 && k + 2 < lit.length;
    if (idx === 0) {
      lists.push([]);
      idx = lists.length;
      pairs[pair] = idx;
      quadOnly[pair] = 1;
    }
    if (windowed)
      quads[quadHash(lit[k - 1] as number, lit[k] as number, lit[k + 1] as number, lit[k + 2] as number)] = 1;
    else quadOnly[pair] = 0;
    (lists[idx - 1] as Lit[]).push({ lit, k, id });
  }
  return {
    pairs,
    lists,
    quadOnly,
    quads,
    singles,
    off,
    owners,
    singleOwners,
    perRule,
    seen: counts ? -1 : 0,
  };
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** Does `s` hold one of the literals (ASCII case-insensitive)? */
export function holdsLiteral(f: FieldLiterals, s: string, from = 0): boolean {
  const { pairs, lists, singles } = f;
  let prev = 256;
  for (let p = from; p < s.length; p++) {
    const c = fold(s.charCodeAt(p));
    if (c < 256) {
      if (singles[c] === 1) return true;
      if (prev < 256) {
        const v = pairs[(prev << 8) | c] as number;
        if (v !== 0) {
          const list = lists[v - 1] as Lit[];
          for (let j = 0; j < list.length; j++) {
            const a = list[j] as Lit;
            const at = p - 1 - a.k;
            if (at < from || at + a.lit.length > s.length) continue;
            let ok = true;
            for (let q = 0; q < a.lit.length && ok; q++) ok = fold(s.charCodeAt(at + q)) === a.lit[q];
            if (ok) return true;
          }
        }
      }
    }
    prev = c;
  }
  return false;
}

/** Counts the pairs of one more line; after REANCHOR_AFTER lines, anchors the literals by those counts. */
function reanchor(f: FieldLiterals, s: string, from: number): void {
  f.counts ??= new Uint32Array(65536);
  const counts = f.counts;
  let prev = 256;
  for (let p = from; p < s.length; p++) {
    const c = fold(s.charCodeAt(p));
    if (c < 256 && prev < 256) counts[(prev << 8) | c] = (counts[(prev << 8) | c] as number) + 1;
    prev = c;
  }
  if (++f.seen < REANCHOR_AFTER) return;
  Object.assign(f, buildFieldLiterals(f.perRule, counts), { counts: undefined });
}

/** Marks in `hit` the rules that own a literal `s` holds from `from` on (ASCII case-insensitive). */
export function markLiterals(f: FieldLiterals, s: string, hit: Uint8Array, from = 0): void {
  const { pairs, lists, singles, owners, singleOwners, quadOnly, quads } = f;
  let prev = 256;
  for (let p = from; p < s.length; p++) {
    const c = fold(s.charCodeAt(p));
    if (c < 256) {
      if (singles[c] === 1) for (const r of singleOwners[c] as number[]) hit[r] = 1;
      if (prev < 256) {
        const v = pairs[(prev << 8) | c] as number;
        // Most pairs that anchor a literal show in lines without it: the four characters around
        // the pair must be a literal's first (OR 0x20 folds case; a character past 255 is in none).
        if (
          v !== 0 &&
          quadOnly[(prev << 8) | c] === 1 &&
          p - 2 >= from &&
          p + 1 < s.length &&
          quads[quadHash(s.charCodeAt(p - 2) & 0xff, prev, c, s.charCodeAt(p + 1) & 0xff)] === 0 &&
          s.charCodeAt(p - 2) < 256 &&
          s.charCodeAt(p + 1) < 256
        ) {
          prev = c;
          continue;
        }
        if (v !== 0) {
          const list = lists[v - 1] as Lit[];
          for (let j = 0; j < list.length; j++) {
            const a = list[j] as Lit;
            const at = p - 1 - a.k;
            if (at < from || at + a.lit.length > s.length) continue;
            let ok = true;
            for (let q = 0; q < a.lit.length && ok; q++) ok = fold(s.charCodeAt(at + q)) === a.lit[q];
            if (ok) for (const r of owners[a.id] as number[]) hit[r] = 1;
          }
        }
      }
    }
    prev = c;
  }
}

/**
 * The gate of the entry last judged by `worthMatching`: a scan asks `worthMatching` and then, for the same
 * entry, `matchEntry`; the second finds the literals the first just looked for (one pass over the line).
 */
let last: { rules: Rule[]; e: LogEntry; raw: string | undefined; gate: Uint8Array | undefined } | undefined;

/**
 * The rules a parsed line is worth testing against: `hit[i]` is 1 when the line holds one of rule i's
 * own literals in a field the rules read (past the client, ident, user and time, or in a field the
 * format put there). Undefined when this look cannot judge (escapes, no raw text, a literal past
 * ASCII): then every rule. Sound because each rule's literals cover its regexes: every line a rule
 * matches holds one of its literals (test/logs/literal-cover.test.ts checks this on every corpus).
 */
export function rulesWorth(rules: Rule[], e: LogEntry): Uint8Array | undefined {
  if (last && last.e === e && last.rules === rules && last.raw === e.raw) return last.gate;
  const f = fieldLiteralsOf(rules);
  if (f.off || !e.raw || e.raw.includes("\\")) return undefined;
  const hit = new Uint8Array(rules.length);
  const raw = e.raw;
  const quote = raw.indexOf('"');
  if (f.seen >= 0) reanchor(f, raw, Math.max(quote, 0));
  if (quote >= 0) markLiterals(f, raw, hit, quote);
  // A field the format put before the first quote (else already looked at, above: with no escapes,
  // a field's value is the line's own text).
  const look = (v: string | undefined) => {
    if (v !== undefined && v !== "" && (quote < 0 || raw.indexOf(v, quote) < 0)) markLiterals(f, v, hit);
  };
  look(e.request);
  look(e.uri);
  look(e.referer);
  look(e.userAgent);
  look(e.message);
  look(e.method);
  if (e.headers) for (const v of Object.values(e.headers)) look(v);
  return hit;
}

/**
 * Is a parsed line worth testing against the rules: a rule literal in a field the rules read, or
 * a line this look cannot judge (escapes, no raw text)? The answer's detail (which rules) is kept
 * for `matchEntry` on the same entry.
 */
export function worthMatching(rules: Rule[], e: LogEntry): boolean {
  const gate = rulesWorth(rules, e);
  last = { rules, e, raw: e.raw, gate };
  return gate === undefined || gate.includes(1);
}
