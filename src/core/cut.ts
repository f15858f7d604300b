/**
 * Linear stand-ins for `s.replace(/[set]+$/, "")` and `s.replace(/[set].*$/, "")`: on hostile text
 * (a run of the set without the end, or many set characters before a line break) those regexes
 * backtrack quadratically (issue 10). Same results on every string.
 */

/**
 * `s` cut to `max` characters, marked: a log line may be 1 MB and each output format shows what it is
 * given whole.
 */
export function cutText(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** Characters of a request or other attacker text shown in a finding's evidence or the logs section. */
export const MAX_SHOWN_CHARS = 8192;

/** `s` without its trailing run of characters from `set`, as `s.replace(/[set]+$/, "")`. */
export function trimEndOf(s: string, set: string): string {
  let e = s.length;
  while (e > 0 && set.includes(s[e - 1] as string)) e--;
  return s.slice(0, e);
}

const LINE_BREAK = "\n\r\u2028\u2029";

/**
 * `s` cut before the first character from `set` that no line break follows, as
 * `s.replace(/[set].*$/, "")` (`.` stops at line breaks, `$` is the end of `s`).
 */
export function cutFrom(s: string, set: string): string {
  let from = s.length;
  while (from > 0 && !LINE_BREAK.includes(s[from - 1] as string)) from--;
  for (let i = from; i < s.length; i++) if (set.includes(s[i] as string)) return s.slice(0, i);
  return s;
}

/**
 * `s` without a trailing comment, as `s.replace(/\s+#.*$/, "")`: the first `#` after the last line
 * break that follows white space, cut with that white space.
 */
export function cutSpacedComment(s: string): string {
  let from = s.length;
  while (from > 0 && !LINE_BREAK.includes(s[from - 1] as string)) from--;
  for (let i = Math.max(from, 1); i < s.length; i++) {
    if (s[i] !== "#" || !/\s/.test(s[i - 1] as string)) continue;
    let j = i - 1;
    while (j > 0 && /\s/.test(s[j - 1] as string)) j--;
    return s.slice(0, j);
  }
  return s;
}
