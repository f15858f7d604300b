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
import { anchorOf } from "./prefilter.ts";

interface Lit {
  /** Lower-case character codes. */
  lit: Uint8Array;
  /** Offset of the anchoring pair inside the literal. */
  k: number;
}

export interface FieldLiterals {
  /** Folded pair (a << 8 | b) -> 1 + index into `lists`; 0 = no literal anchored there. */
  pairs: Uint16Array;
  lists: Lit[][];
  /** Folded character -> 1 when it is a one-character literal. */
  singles: Uint8Array;
  /** A literal this look cannot find the way the prefilter does (past ASCII): every line goes on. */
  off: boolean;
}

const built = new WeakMap<Rule[], FieldLiterals>();

export function fieldLiteralsOf(rules: Rule[]): FieldLiterals {
  let f = built.get(rules);
  if (!f) {
    f = buildFieldLiterals(rules.flatMap((r) => r.prefilter));
    built.set(rules, f);
  }
  return f;
}

export function buildFieldLiterals(literals: string[]): FieldLiterals {
  const all = [...new Set(literals.map((l) => l.toLowerCase()))].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const w of all) if (!kept.some((k) => w.includes(k))) kept.push(w);
  const pairs = new Uint16Array(65536);
  const lists: Lit[][] = [];
  const singles = new Uint8Array(256);
  let off = false;
  for (const w of kept) {
    if ([...w].some((c) => c.charCodeAt(0) > 127)) off = true;
    const lit = new Uint8Array(w.length);
    for (let j = 0; j < w.length; j++) lit[j] = w.charCodeAt(j) & 0xff;
    if (lit.length === 1) {
      singles[lit[0] as number] = 1;
      continue;
    }
    const k = anchorOf(w);
    const pair = ((lit[k] as number) << 8) | (lit[k + 1] as number);
    let idx = pairs[pair] as number;
    if (idx === 0) {
      lists.push([]);
      idx = lists.length;
      pairs[pair] = idx;
    }
    (lists[idx - 1] as Lit[]).push({ lit, k });
  }
  return { pairs, lists, singles, off };
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

/**
 * Is a parsed line worth testing against the rules: a rule literal in a field the rules read, or
 * a line this look cannot judge (escapes, no raw text)?
 */
export function worthMatching(rules: Rule[], e: LogEntry): boolean {
  const f = fieldLiteralsOf(rules);
  if (f.off || !e.raw || e.raw.includes("\\")) return true;
  const raw = e.raw;
  const quote = raw.indexOf('"');
  if (quote >= 0 && holdsLiteral(f, raw, quote)) return true;
  // A field the format put before the first quote (else already looked at, above: with no escapes,
  // a field's value is the line's own text).
  const look = (v: string | undefined) =>
    v !== undefined && v !== "" && (quote < 0 || raw.indexOf(v, quote) < 0) && holdsLiteral(f, v);
  if (look(e.request) || look(e.uri) || look(e.referer) || look(e.userAgent) || look(e.message)) return true;
  if (look(e.method)) return true;
  if (e.headers) for (const v of Object.values(e.headers)) if (look(v)) return true;
  return false;
}
