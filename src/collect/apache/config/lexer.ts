/** One logical configuration line: continuations joined, comments and blank lines dropped. */
export interface RawLine {
  /** Line number (1-based) where the logical line ends, as httpd counts it ("Syntax error on line N"). */
  line: number;
  text: string;
}

/**
 * Splits a configuration file the way Apache's ap_cfg_getline does: a trailing backslash joins the next line,
 * and the line number is that of the last physical line, like httpd's own messages.
 */
export function logicalLines(text: string): RawLine[] {
  const out: RawLine[] = [];
  const physical = text.split(/\r?\n/);
  let buf = "";
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i] as string;
    const trimmedEnd = raw.trimEnd();
    if (trimmedEnd.endsWith("\\") && !trimmedEnd.endsWith("\\\\")) {
      buf += `${trimmedEnd.slice(0, -1)} `;
      continue;
    }
    buf += raw;
    start = i + 1;
    const t = buf.trim();
    buf = "";
    if (t === "" || t.startsWith("#")) continue;
    out.push({ line: start, text: t });
  }
  const t = buf.trim();
  if (t !== "" && !t.startsWith("#")) out.push({ line: physical.length, text: t });
  return out;
}

/** Splits arguments like ap_getword_conf: double or single quotes group, a backslash escapes the quote inside. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    const q = text[i];
    if (q === '"' || q === "'") {
      let word = "";
      i++;
      while (i < text.length && text[i] !== q) {
        if (text[i] === "\\" && text[i + 1] === q) i++;
        word += text[i];
        i++;
      }
      i++;
      args.push(word);
    } else {
      let word = "";
      while (i < text.length && !/\s/.test(text[i] as string)) {
        word += text[i];
        i++;
      }
      args.push(word);
    }
  }
  return args;
}
