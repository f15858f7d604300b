/**
 * The prefilter's hot loop as a tiny WebAssembly function, assembled here byte by byte so it can be
 * read and reviewed (no build step, no binary blob). Same contract as `nextPair` in prefilter.ts:
 *
 *   next(i, end) -> the first index j in [i, end) where the byte pair (mem[j-1], mem[j]) may start a
 *   check (its byte at address 0 + pair is 1, or 2 and the four bytes mem[j-2, j+2) are in the second
 *   table at QUADS), or `end`; the newlines in [i, j) are added to the global `nl`. Four bytes per step
 *   (one branch per word, newlines counted with popcnt), then bytes.
 *
 * About twice the speed of the JavaScript loop, which looks at pairs only (and so stops more often,
 * for the same answers: the caller compares the literals wherever either stops). Memory: the 64 KB
 * pair table at 0, the 64 KB second table at QUADS, the data from DATA.
 */

const leb = (n: number): number[] => {
  const o: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    o.push(b);
  } while (n);
  return o;
};
const sleb = (n: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      o.push(b);
      return o;
    }
    o.push(b | 0x80);
  }
};
const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
const name = (s: string) => [...leb(s.length), ...Buffer.from(s, "latin1")];

// Opcodes.
const GET = 0x20;
const SET = 0x21;
const CONST = 0x41;
const ADD = 0x6a;
const SUB = 0x6b;
const AND = 0x71;
const OR = 0x72;
const XOR = 0x73;
const SHL = 0x74;
const SHR_U = 0x76;
const EQ = 0x46;
const GT_U = 0x4b;
const GE_U = 0x4f;
const POPCNT = 0x69;
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const LOAD8_U = [0x2d, 0, 0];
const LOAD32 = [0x28, 0, 0];

const get = (i: number) => [GET, i];
const set = (i: number) => [SET, i];
const k = (n: number) => [CONST, ...sleb(n)];
/** table[(a << 8) | b] for locals a, b. */
const pair = (a: number, b: number) => [...get(a), ...k(8), SHL, ...get(b), OR, ...LOAD8_U];

/** The second table (64 KB, one byte per hash of four bytes), between the pair table and the data. */
export const QUADS = 65536;
/** Multiplier of that hash (Fibonacci hashing; the hash is the product's top 16 bits). */
export const QUAD_MUL = 0x9e3779b1 | 0;

/** The second table's index for the four bytes b0..b3 (as the loop loads them: little-endian, OR 0x20). */
export function quadHash(b0: number, b1: number, b2: number, b3: number): number {
  const w = (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) | 0x20202020) >>> 0;
  return Math.imul(w, QUAD_MUL) >>> 16;
}

const MUL = 0x6c;
const EQZ = 0x45;
const LT_U = 0x49;

// Locals: 0 i, 1 end (params); 2 prev, 3 c, 4 nl, 5 w, 6 b0, 7 b1, 8 b2, 9 b3, 10 v, 11 stop.
// A pair's byte in the table: 1 = return there; 2 = return only if the four bytes around it (the pair
// with one byte before and one after, each OR 0x20 to fold case) hash to a non-zero byte of the
// second table at QUADS. The word loop finds a word with a flagged pair; the byte loop then looks at
// up to four bytes one by one (returning, or going on past a pair whose four bytes are not in the
// second table) and goes back to the word loop.
const CODE = [
  ...get(0),
  ...k(1),
  SUB,
  ...LOAD8_U,
  ...set(2),
  BLOCK, // $out
  VOID,
  LOOP, // $outer
  VOID,
  BLOCK, // $toBytes
  VOID,
  LOOP, // $word
  VOID,
  ...get(0),
  ...k(4),
  ADD,
  ...get(1),
  GT_U,
  BR_IF,
  1,
  ...get(0),
  ...LOAD32,
  ...set(5),
  ...get(5),
  ...k(255),
  AND,
  ...set(6),
  ...get(5),
  ...k(8),
  SHR_U,
  ...k(255),
  AND,
  ...set(7),
  ...get(5),
  ...k(16),
  SHR_U,
  ...k(255),
  AND,
  ...set(8),
  ...get(5),
  ...k(24),
  SHR_U,
  ...set(9),
  ...pair(2, 6),
  ...pair(6, 7),
  OR,
  ...pair(7, 8),
  OR,
  ...pair(8, 9),
  OR,
  BR_IF,
  1,
  ...get(5),
  ...k(0x0a0a0a0a),
  XOR,
  ...set(10),
  ...get(4),
  ...get(10),
  ...k(0x7f7f7f7f),
  AND,
  ...k(0x7f7f7f7f),
  ADD,
  ...get(10),
  OR,
  ...k(0x7f7f7f7f),
  OR,
  ...k(-1),
  XOR,
  POPCNT,
  ADD,
  ...set(4),
  ...get(9),
  ...set(2),
  ...get(0),
  ...k(4),
  ADD,
  ...set(0),
  BR,
  0,
  END, // $word
  END, // $toBytes
  ...get(0),
  ...k(4),
  ADD,
  ...set(11),
  LOOP, // $byte
  VOID,
  ...get(0),
  ...get(1),
  GE_U,
  BR_IF,
  2, // -> $out
  ...get(0),
  ...LOAD8_U,
  ...set(3),
  ...pair(2, 3),
  ...set(10),
  BLOCK, // $miss
  VOID,
  ...get(10),
  EQZ,
  BR_IF,
  0, // -> $miss: no check starts here
  ...get(10),
  ...k(1),
  AND,
  BR_IF,
  3, // -> $out
  ...get(0),
  ...k(2),
  SUB,
  ...LOAD32,
  ...k(0x20202020),
  OR,
  ...k(QUAD_MUL),
  MUL,
  ...k(16),
  SHR_U,
  ...k(QUADS),
  ADD,
  ...LOAD8_U,
  BR_IF,
  3, // -> $out
  END, // $miss
  ...get(4),
  ...get(3),
  ...k(10),
  EQ,
  ADD,
  ...set(4),
  ...get(3),
  ...set(2),
  ...get(0),
  ...k(1),
  ADD,
  ...set(0),
  ...get(0),
  ...get(11),
  LT_U,
  BR_IF,
  0, // -> $byte
  END, // $byte
  BR,
  0, // -> $outer
  END, // $outer
  END, // $out
  0x23,
  0,
  ...get(4),
  ADD,
  0x24,
  0,
  ...get(0),
  END,
];

function moduleBytes(): Uint8Array {
  const body = [0x01, 0x0a, 0x7f, ...CODE];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]), // type: (i32, i32) -> i32
    ...section(3, [0x01, 0x00]), // one function of that type
    ...section(5, [0x01, 0x00, 0x03]), // memory, 3 pages to start
    ...section(6, [0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b]), // global mut i32 nl = 0
    ...section(7, [0x03, ...name("next"), 0x00, 0x00, ...name("mem"), 0x02, 0x00, ...name("nl"), 0x03, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

export const DATA = 131072;

// The few WebAssembly types used (the project's TypeScript lib has no DOM/WebAssembly declarations).
interface WasmGlobal {
  value: number;
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export interface PairScanner {
  next(i: number, end: number): number;
  nl: WasmGlobal;
  memory: WasmMemory;
  /** The prefilter whose table is loaded. */
  owner?: object;
}

let instance: PairScanner | null | undefined;

/** This thread's scanner, or null when WebAssembly is not available (the JavaScript loop is used). */
export function pairScanner(): PairScanner | null {
  if (instance !== undefined) return instance;
  try {
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) throw new Error("no WebAssembly");
    const inst = new wa.Instance(new wa.Module(moduleBytes()));
    const ex = inst.exports as unknown as { next: PairScanner["next"]; nl: WasmGlobal; mem: WasmMemory };
    instance = { next: ex.next, nl: ex.nl, memory: ex.mem };
  } catch {
    instance = null;
  }
  return instance;
}

/** Makes room for `len` bytes of data (plus a word of slack) and returns a byte view of the memory. */
export function ensureData(s: PairScanner, len: number): Uint8Array {
  const need = DATA + len + 8;
  const have = s.memory.buffer.byteLength;
  if (need > have) s.memory.grow(Math.ceil((need - have) / 65536));
  return new Uint8Array(s.memory.buffer);
}
