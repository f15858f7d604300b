/**
 * A rule's prefilter literal stands for every way a client can spell the same decoded bytes. The prefilter
 * compares raw bytes, so a literal written `%3c%3f` let `<%3F` (the same `<?` once decoded) through to no
 * rule, and `for+%25` missed `for%09%25`: evasions that cost an attacker nothing. Each literal is read as
 * the decoded text it means, and its spellings are generated: punctuation raw or `%XX`, a space as `+`,
 * `%20` or `%09`, and the written and the wholly encoded spelling once more encoded, `%` as `%25` (double
 * encoding, which the rules decode). Letters and digits stay as written (no literal can see through `%66%72%65%65`; the rules name
 * the encoded forms attackers send). Generated when a rule is compiled, from the literals as written (the
 * rules' cache and the reading thread's copy of a rule carry those, see logs-compile.ts `specOf`).
 */

/** Characters a client may send raw or as `%XX` in a request target and get the same decoded value. */
const PUNCT = new Set([..."!\"#$&'()*,-./:;<=>?@[]^_`{|}~"]);
/** A space's encoded spellings; never a raw space from an encoded one (every User-Agent has spaces). */
const SPACE = ["+", "%20", "%09"];
/**
 * Punctuation a literal written `%XX` is not also spelled raw with: each parts a query or a User-Agent
 * (`;` is in nearly every User-Agent, `=http` in every link parameter), so a raw spelling would send a
 * large share of benign lines to the rule while the rule's own raw literals already name the raw forms.
 */
const STRUCTURAL = new Set([..."#&=?"]);
/** More spellings than this for one literal: only the written one, all raw and all encoded. */
const MAX_SPELLINGS = 64;

function hex(c: string): string {
  return `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** The literal as a sequence of positions, each with its spellings (the written one first). */
function positions(literal: string): string[][] {
  const out: string[][] = [];
  const l = literal.toLowerCase();
  for (let i = 0; i < l.length; i++) {
    const c = l[i] as string;
    const code = l.slice(i + 1, i + 3);
    if (c === "%" && /^[0-9a-f]{2}$/.test(code)) {
      const d = String.fromCharCode(Number.parseInt(code, 16));
      if (d === " " || d === "\t") {
        out.push([`%${code}`, ...SPACE.filter((s) => s !== `%${code}`)]);
        i += 2;
        continue;
      }
      if (PUNCT.has(d)) {
        out.push(STRUCTURAL.has(d) ? [`%${code}`] : [`%${code}`, d]);
        i += 2;
        continue;
      }
    }
    if (c === " " || c === "+") out.push([c, ...SPACE.filter((s) => s !== c)]);
    else if (PUNCT.has(c)) out.push([c, hex(c)]);
    else out.push([c]);
  }
  return out;
}

function product(ps: string[][]): string[] {
  let acc = [""];
  for (const p of ps) acc = acc.flatMap((a) => p.map((s) => a + s));
  return acc;
}

/** Every spelling of one literal, lower case, the written one first. */
export function spellingsOf(literal: string): string[] {
  // One character alone (`|`, `%3b`): its other spelling is as common as the rule file says it is.
  const ps = positions(literal).map((p, _, all) => (all.length === 1 ? p.slice(0, 1) : p));
  const n = ps.reduce((a, p) => a * p.length, 1);
  const base =
    n <= MAX_SPELLINGS
      ? product(ps)
      : [
          ps.map((p) => p[0]).join(""),
          ps.map((p) => (p.length === 2 ? p.find((s) => !s.startsWith("%")) : p[0])).join(""),
          ps.map((p) => (p.length === 2 ? p.find((s) => s.startsWith("%")) : p[0])).join(""),
        ];
  const all = new Set<string>();
  for (const s of base) {
    // Two characters raw (`..` from `.%2e`) are in too many benign lines to send each to the rule.
    if (s !== base[0] && s.length <= 2 && !s.includes("%")) continue;
    all.add(s);
  }
  // Double encoding: a client that encodes twice encodes everything, so the written spelling and the one
  // with every character encoded, each once more.
  const encoded = ps.map((p) => p.find((s) => s.startsWith("%")) ?? p[0]).join("");
  for (const s of [base[0] as string, encoded]) if (s.includes("%")) all.add(s.replaceAll("%", "%25"));
  return [...all];
}

/**
 * What only a payload dressed for a lax decoder holds: HTML character references (`&#x3c;`, `&lt;`) and
 * overlong UTF-8 (`%c0%ae`), which the rules that decode deeply undo (engine/decode.ts `deepDecode`).
 * No literal written for the plain payload is in such a line, so a rule that decodes so is also tested
 * on every line holding one of these; benign lines seldom do (none of 10,197 real ones, 9 of 200,000
 * genlog lines hold `&#`).
 */
const DEEP_MARKERS = [
  "&#",
  ...[
    "lt",
    "gt",
    "quot",
    "apos",
    "amp",
    "colon",
    "lpar",
    "rpar",
    "sol",
    "semi",
    "dollar",
    "lcub",
    "rcub",
  ].map((n) => `&${n};`),
  "&tab;",
  "&newline;",
  "%c0%",
  "%c1%",
  "%e0%80%",
  "%e0%81%",
  // The logger writes a byte that is not printable as \xHH.
  "\\xc0",
  "\\xc1",
  "\\xe0\\x80",
  "\\xe0\\x81",
];

/** `%u002e`: IIS's escape, which the percent-decoding undoes (engine/decode.ts `percentDecode`). */
const DECODED_MARKERS = ["%u00"];

/** How far a rule decodes the values it reads: not at all, percent-escapes, or as a lax application. */
export type Decoding = "raw" | "percent" | "deep";

/**
 * The spellings of every literal of a rule, each once, in the order written, with the markers of the
 * encodings the rule decodes (their spellings too).
 */
export function spelledPrefilter(literals: readonly string[], decoding: Decoding = "raw"): string[] {
  const all = new Set<string>();
  const markers = [
    ...(decoding === "raw" ? [] : DECODED_MARKERS),
    ...(decoding === "deep" ? DEEP_MARKERS : []),
  ];
  for (const l of [...literals, ...markers]) for (const s of spellingsOf(l)) all.add(s);
  return [...all];
}
