/**
 * Pulls one member of a top-level JSON object out of the text without building the whole tree.
 * Debian's tracker JSON holds every package (tens of MB, several hundred MB once parsed); mamori needs
 * only apache2, and a small server should not need the memory for the rest.
 *
 * The whole text is still scanned to its end, so a truncated download (unbalanced brackets, an
 * unterminated string, trailing bytes) is rejected even when the member itself came through whole.
 */
export type MemberResult = { ok: true; value: string | undefined } | { ok: false; error: string };

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;

export function extractTopLevelMember(text: string, key: string): MemberResult {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return { ok: false, error: "not a JSON object" };
  const stack: number[] = [];
  let value: string | undefined;
  let valueStart = -1;
  let expectKey = false;
  let lastKey: string | undefined;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return { ok: false, error: "unterminated string" };
      if (stack.length === 1 && expectKey) lastKey = text.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      stack.push(c);
      if (stack.length === 2 && lastKey === key && valueStart < 0) valueStart = i;
      expectKey = c === OPEN_BRACE && stack.length === 1;
      continue;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      const open = stack.pop();
      if (open !== (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET))
        return { ok: false, error: "unbalanced brackets" };
      if (stack.length === 1 && valueStart >= 0 && value === undefined) value = text.slice(valueStart, i + 1);
      if (stack.length === 0) {
        if (skipSpace(text, i + 1) !== text.length) return { ok: false, error: "data after the end" };
        return { ok: true, value };
      }
      continue;
    }
    if (stack.length === 1) {
      if (c === 44) expectKey = true;
      else if (c === COLON) expectKey = false;
    }
  }
  return { ok: false, error: "unexpected end (truncated?)" };
}

function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j;
  }
  return -1;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}
