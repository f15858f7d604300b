/** Whether a character code is one of base64's 64 (A-Z, a-z, 0-9, +, /). */
const BASE64 = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  BASE64[c] =
    (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 ? 1 : 0;

/**
 * The runs of at least `min` base64 characters in `t`, each with up to two `=` after it: what
 * `/[A-Za-z0-9+/]{16,}={0,2}/g` finds, in one pass. The regex tries every start again inside a short
 * run (up to fifteen characters each), which made it most of an indicator search.
 */
export function base64Runs(t: string, min = 16): string[] {
  const out: string[] = [];
  const n = t.length;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n) {
      const c = t.charCodeAt(j);
      if (c >= 128 || BASE64[c] === 0) break;
      j++;
    }
    if (j - i >= min) {
      let k = j;
      while (k < n && k - j < 2 && t.charCodeAt(k) === 61) k++;
      out.push(t.slice(i, k));
      i = k;
    } else i = j + 1;
  }
  return out;
}
