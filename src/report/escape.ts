/**
 * Attacker-controlled bytes (log lines, command lines, file names, headers) pass through here
 * before they reach a terminal, HTML, Markdown or CSV. Control characters become visible escapes.
 */

/**
 * Characters that show nothing or only change their neighbours, so that a hostile name can look like another
 * (`kdevtmpfsi` with a zero-width space, `httpd` followed by Hangul fillers) or carry hidden text (Unicode tag
 * characters, the "ASCII smuggling" of prompts): soft hyphen, combining grapheme joiner, Hangul and
 * Khmer fillers, Mongolian separators, zero-width space, joiners, word joiner and invisible operators,
 * deprecated format controls, variation selectors, interlinear annotations, musical format controls, tags.
 */
const INVISIBLE =
  "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\uffa0\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}";
// C0 controls except tab, DEL, C1 controls, the bidirectional overrides that can reorder displayed text,
// and the invisible characters above.
const UNSAFE = new RegExp(
  `[\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff${INVISIBLE}]`,
  "gu",
);

function visible(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code > 0xffff) return `\\u{${code.toString(16)}}`;
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** For a terminal: no escape sequence or control character survives; newlines become "\n". */
export function escapeTerminal(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** For a terminal, keeping the line breaks of a message made of several lines (each line escaped). */
export function escapeTerminalLines(s: string): string {
  return s.split("\n").map(escapeTerminal).join("\n");
}

export function escapeHtml(s: string): string {
  return escapeTerminal(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** For Markdown text (not code spans): HTML and Markdown syntax characters are escaped. */
export function escapeMarkdown(s: string): string {
  return escapeTerminal(s)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, "\\$&")
    .replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// What JSON.stringify leaves raw but a terminal acts on (DEL, C1 controls, bidirectional overrides) or shows
// as nothing (INVISIBLE).
const JSON_UNSAFE = new RegExp(
  `[\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff${INVISIBLE}]`,
  "gu",
);

/** A character as JSON's \uXXXX escapes (a pair of them past U+FFFF). */
function jsonEscaped(c: string): string {
  let out = "";
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}

/** JSON for standard output or a file: the same data, with characters a terminal would act on as \uXXXX. */
export function jsonOutput(value: unknown): string {
  return `${jsonSafe(JSON.stringify(value, null, 2))}\n`;
}

/** JSON text with the characters a terminal would act on written as \uXXXX (still the same JSON). */
export function jsonSafe(text: string): string {
  return text.replace(JSON_UNSAFE, jsonEscaped);
}

/** Inline code in Markdown: a fence longer than any backtick run inside. */
export function markdownCode(s: string): string {
  const clean = escapeTerminal(s);
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** CSV cell: quoted, and a leading formula character neutralised so spreadsheets do not execute it. */
export function escapeCsv(s: string): string {
  let clean = escapeTerminal(s);
  if (/^[=+\-@\t\r]/.test(clean)) clean = `'${clean}`;
  return `"${clean.replace(/"/g, '""')}"`;
}
