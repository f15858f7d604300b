/**
 * The prefilter decides which lines are worth parsing: a line goes to the full parser and the
 * rules only if it holds one of the rules' literals (ASCII case-insensitive). Buffer.indexOf on a
 * rare byte runs at memory speed, so each literal is searched by its rarest byte and then checked
 * whole around that byte; literals that share the byte share one pass.
 */

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

/** Cost of searching for a byte: its frequency; a letter costs two passes (both cases). */
function cost(byte: number): number {
  const c = String.fromCharCode(byte);
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  if (lower !== upper) return (FREQ[lower] ?? 100) + (FREQ[upper] ?? 100) + 2000;
  return FREQ[c] ?? 50;
}

export interface Anchored {
  /** The literal, lower case. */
  lit: Uint8Array;
  /** Offset of the searched byte inside the literal. */
  k: number;
}

export interface PrefilterGroup {
  /** The searched byte, lower case; letters are searched in both cases. */
  byte: number;
  literals: Anchored[];
}

export interface Prefilter {
  groups: PrefilterGroup[];
  literals: string[];
}

/** Offset of the rarest byte of a literal: the one to search for. */
export function anchorOf(literal: string): number {
  const l = literal.toLowerCase();
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let i = 0; i < l.length; i++) {
    const c = cost(l.charCodeAt(i));
    if (c < bestCost) {
      bestCost = c;
      best = i;
    }
  }
  return best;
}

export function buildPrefilter(literals: Iterable<string>): Prefilter {
  const all = [...new Set([...literals].map((l) => l.toLowerCase()))].sort((a, b) => a.length - b.length);
  // A literal that contains a shorter one adds nothing: every line holding it holds the shorter one.
  const kept: string[] = [];
  for (const w of all) if (!kept.some((k) => w.includes(k))) kept.push(w);
  const byByte = new Map<number, Anchored[]>();
  for (const w of kept) {
    const k = anchorOf(w);
    const lit = new Uint8Array(Buffer.from(w, "latin1"));
    const byte = lit[k] as number;
    const list = byByte.get(byte) ?? [];
    list.push({ lit, k });
    byByte.set(byte, list);
  }
  return { groups: [...byByte].map(([byte, literals]) => ({ byte, literals })), literals: kept };
}

function matchesAt(buf: Uint8Array, s: number, w: Uint8Array): boolean {
  for (let k = 0; k < w.length; k++) {
    let b = buf[s + k] as number;
    if (b >= 65 && b <= 90) b |= 0x20;
    if (b !== w[k]) return false;
  }
  return true;
}

/**
 * Start offsets of the lines in buf[start, end) that hold a literal, sorted. Lines are separated
 * by "\n"; `end` is just past a newline or the end of the data.
 */
export function candidateLines(buf: Buffer, start: number, end: number, pf: Prefilter): number[] {
  const found = new Set<number>();
  for (const g of pf.groups) {
    const bytes = [g.byte];
    if (g.byte >= 97 && g.byte <= 122) bytes.push(g.byte - 32);
    for (const b of bytes) {
      let p = buf.indexOf(b, start);
      while (p >= 0 && p < end) {
        let hit = false;
        for (const a of g.literals) {
          const s = p - a.k;
          if (s >= start && s + a.lit.length <= end && matchesAt(buf, s, a.lit)) {
            hit = true;
            break;
          }
        }
        if (!hit) {
          p = buf.indexOf(b, p + 1);
          continue;
        }
        const ls = buf.lastIndexOf(10, p) + 1;
        found.add(ls < start ? start : ls);
        const le = buf.indexOf(10, p);
        if (le < 0 || le >= end) break;
        p = buf.indexOf(b, le + 1);
      }
    }
  }
  return [...found].sort((a, b) => a - b);
}
