/**
 * JSON written piece by piece: the same text as `JSON.stringify(value, null, 2)`, made of small strings,
 * so that a report with tens of thousands of findings is never one string (nor its copies) in memory.
 * Lists may be lazy (`LazyList`): each element is made when it is written, then dropped.
 */

/** A list whose elements are made when written (a finding rendered in the report's language, say). */
export class LazyList<T = unknown> {
  readonly length: number;
  readonly at: (i: number) => T;
  constructor(length: number, at: (i: number) => T) {
    this.length = length;
    this.at = at;
  }
  /** The whole list, for a caller that wants the value itself. */
  toJSON(): T[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }
}

/** Below this depth objects and arrays are walked; deeper ones are small and stringified whole. */
const WALK_DEPTH = 4;

function skipped(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

/** The pieces of `JSON.stringify(value, null, 2)` (of a value JSON can represent). */
export function* jsonPieces(value: unknown, indent = "", depth = 0): Generator<string> {
  if (value instanceof LazyList) {
    if (value.length === 0) {
      yield "[]";
      return;
    }
    const inner = `${indent}  `;
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? "[" : ","}\n${inner}`;
      const el = value.at(i);
      if (skipped(el)) yield "null";
      else yield* jsonPieces(el, inner, depth + 1);
    }
    yield `\n${indent}]`;
    return;
  }
  const walk =
    depth < WALK_DEPTH &&
    value !== null &&
    typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
  if (!walk) {
    const text = JSON.stringify(value, null, 2);
    yield text === undefined
      ? "null"
      : indent && text.includes("\n")
        ? text.replace(/\n/g, `\n${indent}`)
        : text;
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield "[]";
      return;
    }
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? "[" : ","}\n${inner}`;
      const el = value[i];
      if (skipped(el)) yield "null";
      else yield* jsonPieces(el, inner, depth + 1);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (skipped(v)) continue;
    yield `${first ? "{" : ","}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* jsonPieces(v, inner, depth + 1);
  }
  yield first ? "{}" : `\n${indent}}`;
}

/** Pieces joined into strings of about `size` characters (fewer, larger writes). */
export function* batched(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let buf: string[] = [];
  let n = 0;
  for (const p of pieces) {
    buf.push(p);
    n += p.length;
    if (n >= size) {
      yield buf.join("");
      buf = [];
      n = 0;
    }
  }
  if (n > 0) yield buf.join("");
}
