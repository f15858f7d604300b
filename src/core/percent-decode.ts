/**
 * URL percent-decoding as Apache does it, shared by the log engine (matching what the server decoded)
 * and the log checks (judging what a request reached): a pure string function, no I/O.
 */

/** The value of a hex digit's character code, or -1 (also for NaN, past the end of the string). */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * One pass of %XX and %uXXXX decoding, as Apache's ap_unescape_url: invalid escapes stay as they are.
 * Jumps from `%` to `%` and copies the text between in slices: a field of 8 KB of `%` is hostile input
 * too, and cost 30 ms per form with a regex test per character (issue 10).
 */
export function percentDecode(s: string): string {
  let i = s.indexOf("%");
  if (i < 0) return s;
  const parts: string[] = [];
  let last = 0;
  while (i >= 0) {
    const a = hexValue(s.charCodeAt(i + 1));
    const b = hexValue(s.charCodeAt(i + 2));
    if (a >= 0 && b >= 0) {
      parts.push(s.slice(last, i), String.fromCharCode(a * 16 + b));
      last = i + 3;
      i = s.indexOf("%", last);
      continue;
    }
    const u = s.charCodeAt(i + 1);
    if (u === 117 || u === 85) {
      const d = [2, 3, 4, 5].map((k) => hexValue(s.charCodeAt(i + k)));
      if (d.every((x) => x >= 0)) {
        parts.push(s.slice(last, i), String.fromCharCode(d.reduce((v, x) => v * 16 + x, 0)));
        last = i + 6;
        i = s.indexOf("%", last);
        continue;
      }
    }
    i = s.indexOf("%", i + 1);
  }
  parts.push(s.slice(last));
  return parts.join("");
}

/** Decodes until nothing changes (at most three rounds: `%%32%65` -> `%2e` -> `.`). */
export function decodeRounds(s: string): string {
  let cur = s;
  for (let i = 0; i < 3; i++) {
    const next = percentDecode(cur);
    if (next === cur) break;
    cur = next;
  }
  return cur;
}
