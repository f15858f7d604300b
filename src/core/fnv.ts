/**
 * FNV-1a (32 bits), the hash of mamori's tables of log fields: cheap, and the same whether a value is
 * hashed as a string or as its ASCII bytes. Attacker bytes can collide it: where a collision would
 * change an answer, the tables compare the values themselves on a hit.
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** `h` with one more unit mixed in (a character code, a byte, 0 for a separator). */
export function fnvUnit(h: number, unit: number): number {
  return Math.imul(h ^ unit, FNV_PRIME);
}

/** `h` with the UTF-16 code units of s[from, to) mixed in. */
export function fnvString(h: number, s: string, from = 0, to = s.length): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** `h` with bytes mixed in. */
export function fnvBytes(h: number, bytes: Uint8Array): number {
  for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME);
  return h;
}
