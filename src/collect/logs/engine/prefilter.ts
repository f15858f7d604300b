/**
 * The prefilter decides which lines are worth parsing: a line goes to the full parser and the
 * rules only if it holds one of the rules' literals (ASCII case-insensitive). One pass over the
 * bytes looks up each byte pair in a table of the pairs the literals are anchored on (the rarest
 * pair of each literal, counted in a sample of the file itself); literals are compared only there.
 */

import { DATA, ensureData, type PairScanner, pairScanner, QUADS, quadHash } from "./pairscan-wasm.ts";

// Bytes per million in real access logs (measured on a public 10 000-line Apache log); unlisted: rare.
// biome-ignore format: a table
const FREQ: Record<string, number> = {
  " ": 79280, "0": 63476, "/": 51443, "1": 47170, ".": 46849, e: 40948, o: 36339, "2": 30119, t: 29953,
  i: 27411, a: 26784, s: 25910, l: 25747, '"': 25308, "5": 24141, p: 19649, "-": 18537, c: 18261,
  "3": 17996, r: 17441, ":": 17368, T: 16580, m: 16035, n: 15729, "6": 14502, "7": 13730, h: 11844,
  M: 11598, "4": 10580, g: 10578, "8": 9615, w: 9443, "9": 8293, b: 7795, G: 7587, ";": 7096, d: 7060,
  f: 6812, y: 6640, H: 6154, k: 6149, "(": 5794, ")": 5792, "+": 5482, u: 5412, x: 5312, W: 5213,
  E: 5209, P: 5163, "[": 4218, "]": 4218, z: 3935, v: 3653, S: 3649, K: 3484, L: 3025, _: 2844,
  A: 2787, C: 2671, F: 2638, "=": 2323, O: 2253, N: 2049, j: 1832, X: 1792, ",": 1737, "&": 1484,
  I: 1195, "%": 1148, U: 1110, "?": 781, B: 634, R: 519, Q: 488, V: 474, D: 350, q: 344, J: 283,
};

/** How often a byte shows in logs, both cases counted for letters (a table: asked per pair of thousands of literals). */
const FREQ_BY_BYTE = Float64Array.from({ length: 256 }, (_, b) => freqOf(b));
function freq(byte: number): number {
  return FREQ_BY_BYTE[byte & 0xff] as number;
}

function freqOf(byte: number): number {
  const c = String.fromCharCode(byte);
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  if (lower !== upper) return (FREQ[lower] ?? 100) + (FREQ[upper] ?? 100);
  return FREQ[c] ?? 50;
}

export interface Anchored {
  /** The literal, lower case. */
  lit: Uint8Array;
  /** Offset of the anchoring byte pair inside the literal. */
  k: number;
}

/**
 * One pass over the bytes: each literal is anchored on its rarest byte pair (estimated from byte
 * frequencies); a 64K table says which pairs start a check, so a line costs one table lookup per byte
 * and literals are compared only where their pair occurs.
 */
export interface Prefilter {
  /** Pair (first byte << 8 | second byte, both cases) -> 1 + index into `lists`; 0 = nothing. */
  table: Uint16Array;
  lists: Anchored[][];
  literals: string[];
  /**
   * For the WebAssembly loop, per pair: 1 = compare there; 2 = only where the four bytes around the
   * pair (one before, one after) hash to a set byte of `quads`; 0 = nothing anchored there.
   */
  flags: Uint8Array;
  quads: Uint8Array;
  /** The largest offset of an anchoring pair inside its literal. */
  maxK: number;
}

function fold(b: number): number {
  return b >= 65 && b <= 90 ? b | 0x20 : b;
}

/** Byte-pair counts (case-folded) of a sample of the file itself: the best guide to which pairs are rare. */
export function pairCounts(buf: Uint8Array, start: number, end: number): Uint32Array {
  const counts = new Uint32Array(65536);
  let prev = fold(buf[start] ?? 10);
  for (let i = start + 1; i < end; i++) {
    const c = fold(buf[i] as number);
    counts[(prev << 8) | c] = (counts[(prev << 8) | c] as number) + 1;
    prev = c;
  }
  return counts;
}

/**
 * Offset of the rarest byte pair of a literal (0 for a one-byte literal): by the pair counts of a
 * sample of the file when given, else estimated from byte frequencies in typical logs.
 */
export function anchorOf(literal: string, counts?: Uint32Array): number {
  const l = literal.toLowerCase();
  if (l.length < 2) return 0;
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < l.length; i++) {
    const a = l.charCodeAt(i);
    const b = l.charCodeAt(i + 1);
    const est = freq(a) * freq(b);
    const c = counts ? (counts[(a << 8) | b] as number) * 1e9 + est : est;
    if (c < bestCost) {
      bestCost = c;
      best = i;
    }
  }
  return best;
}

/** Counts of the four-byte windows of a sample of the file, by their hash (see `quadHash`). */
export function quadCounts(buf: Uint8Array, start: number, end: number): Uint32Array {
  const counts = new Uint32Array(65536);
  for (let i = start; i + 3 < end; i++) {
    const h = quadHash(buf[i] as number, buf[i + 1] as number, buf[i + 2] as number, buf[i + 3] as number);
    counts[h] = (counts[h] as number) + 1;
  }
  return counts;
}

/** Can the pair at k be checked with the four bytes around it (one before, one after, inside the literal)? */
const quadAt = (len: number, k: number) => k >= 1 && k + 2 < len;

/**
 * The anchor for the WebAssembly loop: a pair whose four bytes around are rare in the sample is
 * checked in the loop and costs little where only the pair shows (`mozila/` on every `Mozilla/`
 * line); a pair with no such window returns to JavaScript wherever it shows. Costs by the sample.
 */
function anchorWithQuads(l: string, counts: Uint32Array, quads: Uint32Array): number {
  if (l.length < 2) return 0;
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < l.length; i++) {
    const a = l.charCodeAt(i);
    const b = l.charCodeAt(i + 1);
    const pc = counts[(a << 8) | b] as number;
    const q = quadAt(l.length, i)
      ? (quads[quadHash(l.charCodeAt(i - 1), a, b, l.charCodeAt(i + 2))] as number)
      : Number.NaN;
    const cost = (Number.isNaN(q) ? 5 * pc : pc + 4 * q) * 1e9 + freq(a) * freq(b);
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}

function cases(b: number): number[] {
  if (b >= 97 && b <= 122) return [b, b - 32];
  return [b];
}

export function buildPrefilter(
  literals: Iterable<string>,
  counts?: Uint32Array,
  quadCount?: Uint32Array,
): Prefilter {
  const all = [...new Set([...literals].map((l) => l.toLowerCase()))].sort((a, b) => a.length - b.length);
  // A literal that contains a shorter one adds nothing: every line holding it holds the shorter one.
  const kept: string[] = [];
  // Looked up by each substring of a kept length: the rules' spellings make thousands of literals, and
  // comparing each with every shorter one took a fifth of a second before the first byte was read.
  const keptSet = new Set<string>();
  const lengths: number[] = [];
  for (const w of all) {
    let inside = false;
    for (const n of lengths) {
      for (let i = 0; i + n <= w.length && !inside; i++) inside = keptSet.has(w.slice(i, i + n));
      if (inside) break;
    }
    if (inside) continue;
    kept.push(w);
    keptSet.add(w);
    if (!lengths.includes(w.length)) lengths.push(w.length);
  }
  const table = new Uint16Array(65536);
  const flags = new Uint8Array(65536);
  const quads = new Uint8Array(65536);
  const lists: Anchored[][] = [];
  const add = (pair: number, a: Anchored) => {
    flags[pair] = (flags[pair] as number) | (quadAt(a.lit.length, a.k) ? 2 : 1);
    let idx = table[pair] as number;
    if (idx === 0) {
      lists.push([]);
      idx = lists.length;
      table[pair] = idx;
    }
    (lists[idx - 1] as Anchored[]).push(a);
  };
  for (const w of kept) {
    const lit = new Uint8Array(Buffer.from(w, "latin1"));
    const k = counts && quadCount ? anchorWithQuads(w, counts, quadCount) : anchorOf(w, counts);
    const a: Anchored = { lit, k };
    if (quadAt(lit.length, k))
      quads[quadHash(lit[k - 1] as number, lit[k] as number, lit[k + 1] as number, lit[k + 2] as number)] = 1;
    if (lit.length === 1) {
      for (const x of cases(lit[0] as number)) for (let y = 0; y < 256; y++) add((x << 8) | y, a);
      continue;
    }
    for (const x of cases(lit[k] as number))
      for (const y of cases(lit[k + 1] as number)) add((x << 8) | y, a);
  }
  // A pair any of whose literals has no four-byte window is compared wherever it shows.
  for (let p = 0; p < 65536; p++) if ((flags[p] as number) & 1) flags[p] = 1;
  let maxK = 0;
  for (const list of lists) for (const a of list) maxK = Math.max(maxK, a.k);
  return { table, lists, literals: kept, flags, quads, maxK };
}

function matchesAt(buf: Uint8Array, s: number, w: Uint8Array): boolean {
  for (let k = 0; k < w.length; k++) {
    let b = buf[s + k] as number;
    if (b >= 65 && b <= 90) b |= 0x20;
    if (b !== w[k]) return false;
  }
  return true;
}

export interface Candidates {
  /** Start offsets of the lines that hold a literal, ascending. */
  starts: number[];
  /** For each, the number of newlines in buf[start, its start): its line index in the region. */
  lines: number[];
  /**
   * For each, where the literal found is (at most `maxK` bytes before this index, which ends the
   * pair it is anchored on): a line's first literal lies there or later.
   */
  at: number[];
  /** Newlines in the whole region. */
  newlines: number;
}

const state = new Int32Array(1);

/**
 * The lines in buf[start, end) that hold a literal, and the newlines counted on the way (one pass:
 * the byte-pair lookup and the newline count share the loop). Lines are separated by "\n".
 */
export function scanRegion(
  buf: Buffer,
  start: number,
  end: number,
  pf: Prefilter,
  engine: "auto" | "js" | "wasm" = "auto",
): Candidates {
  const wasm = engine === "js" ? null : pairScanner();
  if (wasm && (engine === "wasm" || end - start >= 4096)) return scanRegionWasm(buf, start, end, pf, wasm);
  const starts: number[] = [];
  const lines: number[] = [];
  const at: number[] = [];
  const { table } = pf;
  state[0] = 0;
  let i = start + 1;
  if (start < end && buf[start] === 10) state[0] = 1;
  const words = wordsOf(buf);
  for (;;) {
    i = nextPair(buf, words, i, end, table);
    if (i >= end) break;
    if (!hitAround(buf, i, start, end, pf)) {
      if (buf[i] === 10) state[0] = (state[0] as number) + 1; // nextPair stopped before counting i
      i++;
      continue;
    }
    const ls = buf.lastIndexOf(10, i - 1) + 1;
    starts.push(Math.max(ls, start));
    at.push(i);
    // Newlines before the line (a literal never holds "\n", so none lies between ls and i).
    lines.push(state[0] as number);
    const le = buf.indexOf(10, i);
    if (le < 0 || le >= end) break;
    state[0] = (state[0] as number) + 1 + (le + 1 < end && buf[le + 1] === 10 ? 1 : 0);
    i = le + 2;
  }
  return { starts, lines, at, newlines: state[0] as number };
}

/** Does buf[from, end) hold a literal (wholly inside it)? A plain walk: for a part of one line. */
export function holdsLiteralIn(buf: Buffer, from: number, end: number, pf: Prefilter): boolean {
  const { flags, quads } = pf;
  let prev = buf[from] as number;
  for (let i = from + 1; i < end; i++) {
    const c = buf[i] as number;
    const f = flags[(prev << 8) | c] as number;
    prev = c;
    if (f === 0) continue;
    // The WebAssembly loop's four-byte check (a pair whose literals all have one): most pairs stop here.
    if (f === 2 && i + 1 < end && i - 2 >= from) {
      const h = quadHash(buf[i - 2] as number, buf[i - 1] as number, c, buf[i + 1] as number);
      if (quads[h] === 0) continue;
    }
    if (hitAround(buf, i, from, end, pf)) return true;
  }
  return false;
}

/** Does a literal anchored on the pair ending at i match there? */
function hitAround(buf: Buffer, i: number, start: number, end: number, pf: Prefilter): boolean {
  const v = pf.table[((buf[i - 1] as number) << 8) | (buf[i] as number)] as number;
  if (v === 0) return false;
  const list = pf.lists[v - 1] as Anchored[];
  for (let j = 0; j < list.length; j++) {
    const a = list[j] as Anchored;
    const s = i - 1 - a.k;
    if (s >= start && s + a.lit.length <= end && matchesAt(buf, s, a.lit)) return true;
  }
  return false;
}

/** The same walk with the WebAssembly loop: the region is copied into its memory, checks read `buf`. */
function scanRegionWasm(buf: Buffer, start: number, end: number, pf: Prefilter, w: PairScanner): Candidates {
  const starts: number[] = [];
  const lines: number[] = [];
  const at: number[] = [];
  const len = end - start;
  const mem = ensureData(w, len);
  if (w.owner !== pf) {
    // One byte per pair (half the cache footprint of the 16-bit table): the loop asks "any check here?",
    // and for most pairs whether the four bytes around it may be a literal's (the second table).
    new Uint8Array(w.memory.buffer, 0, 65536).set(pf.flags);
    new Uint8Array(w.memory.buffer, QUADS, 65536).set(pf.quads);
    w.owner = pf;
  }
  mem.set(buf.subarray(start, end), DATA);
  const shift = DATA - start; // buf index + shift = memory address
  let nl = start < end && buf[start] === 10 ? 1 : 0;
  w.nl.value = 0;
  let a = DATA + 1;
  const E = DATA + len;
  for (;;) {
    a = w.next(a, E);
    if (a >= E) break;
    const i = a - shift;
    if (!hitAround(buf, i, start, end, pf)) {
      if (buf[i] === 10) nl++;
      a++;
      continue;
    }
    const ls = buf.lastIndexOf(10, i - 1) + 1;
    starts.push(Math.max(ls, start));
    at.push(i);
    lines.push(nl + (w.nl.value as number));
    const le = buf.indexOf(10, i);
    if (le < 0 || le >= end) break;
    nl += 1 + (le + 1 < end && buf[le + 1] === 10 ? 1 : 0);
    a = le + 2 + shift;
  }
  return { starts, lines, at, newlines: nl + (w.nl.value as number) };
}

/** Start offsets of the lines in buf[start, end) that hold a literal, ascending. */
export function candidateLines(buf: Buffer, start: number, end: number, pf: Prefilter): number[] {
  return scanRegion(buf, start, end, pf).starts;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The hot loop: index of the second byte of the next pair in the table, or `end`; counts the
 * newlines before it. Reads four bytes at a time (one branch per word) where the buffer allows.
 */
function nextPair(
  buf: Uint8Array,
  words: Uint32Array | undefined,
  from: number,
  end: number,
  table: Uint16Array,
): number {
  let prev = buf[from - 1] as number;
  let nl = 0;
  let i = from;
  if (words) {
    const off = buf.byteOffset;
    for (; i < end && ((off + i) & 3) !== 0; i++) {
      const c = buf[i] as number;
      if (table[(prev << 8) | c] !== 0) {
        state[0] = (state[0] as number) + nl;
        return i;
      }
      if (c === 10) nl++;
      prev = c;
    }
    const wend = end - 3;
    for (; i < wend; i += 4) {
      const w = words[(off + i) >>> 2] as number;
      const b0 = w & 255;
      const b1 = (w >>> 8) & 255;
      const b2 = (w >>> 16) & 255;
      const b3 = w >>> 24;
      if (
        ((table[(prev << 8) | b0] as number) |
          (table[(b0 << 8) | b1] as number) |
          (table[(b1 << 8) | b2] as number) |
          (table[(b2 << 8) | b3] as number)) !==
        0
      )
        break;
      const v = w ^ 0x0a0a0a0a;
      if (((v - 0x01010101) & ~v & 0x80808080) !== 0)
        nl += (b0 === 10 ? 1 : 0) + (b1 === 10 ? 1 : 0) + (b2 === 10 ? 1 : 0) + (b3 === 10 ? 1 : 0);
      prev = b3;
    }
  }
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (table[(prev << 8) | c] !== 0) break;
    if (c === 10) nl++;
    prev = c;
  }
  state[0] = (state[0] as number) + nl;
  return i;
}

/** A 32-bit view of the whole memory under `buf` (little-endian machines), for the word loop. */
function wordsOf(buf: Buffer): Uint32Array | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  return new Uint32Array(buf.buffer, 0, Math.floor(buf.buffer.byteLength / 4));
}
