import { isWide, textWidth } from "./text-width.ts";

/**
 * Wraps terminal text to a width in columns, the way a reader expects in either language:
 * - English breaks only at spaces: a word is never cut (a token wider than the whole line, a long
 *   path or URL, is the exception: it is cut, after a `/`, `&`, `?` or `+` where it can be);
 * - Japanese breaks between characters, but not before closing brackets, 。、 and small kana, nor after
 *   opening brackets (kinsoku shori, the basic rules of JIS X 4051);
 * - continuation lines keep the line's indentation, under the text of a `- ` or `1. ` item, else two
 *   columns further in;
 * - a line that is a command to copy (`$ …`) is never wrapped: a broken command pastes wrong;
 * - East Asian wide characters count two columns, colour sequences none (and a colour open at a break
 *   is closed at the end of the line and opened again on the next).
 */

/** Characters a Japanese line must not start with (gyōtō kinsoku), plus their ASCII counterparts. */
const NO_START = new Set(
  [
    ..."、。，．・：；？！゛゜ヽヾゝゞ々ー）］｝」』】〕〉》〙〗〟’”｠»ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ…‥〜～",
  ].concat([...")]},.:;?!%"]),
);
/** Characters a line must not end with (gyōmatsu kinsoku). */
const NO_END = new Set([..."（［｛「『【〔〈《〘〖〝‘“｟«([{"]);

const SGR_AT = /^\x1b\[[0-9;]*m/;
const RESET = "\x1b[0m";

interface Segment {
  text: string;
  width: number;
  /** The spaces before it in the source (dropped where the line breaks). */
  space: string;
}

/** The text cut into pieces no line break may fall inside. */
function segments(s: string): Segment[] {
  const out: Segment[] = [];
  let text = "";
  let width = 0;
  let space = "";
  let last = "";
  let lastWide = false;
  const flush = () => {
    if (text !== "") out.push({ text, width, space });
    text = "";
    width = 0;
    space = "";
  };
  for (let i = 0; i < s.length; ) {
    const sgr = s.charCodeAt(i) === 0x1b ? SGR_AT.exec(s.slice(i, i + 16)) : null;
    if (sgr) {
      text += sgr[0];
      i += sgr[0].length;
      continue;
    }
    const cp = s.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (ch === " ") {
      if (text !== "") flush();
      space += " ";
      last = " ";
      lastWide = false;
      continue;
    }
    const wide = isWide(ch);
    // Between two wide characters, or where wide meets narrow, Japanese may break; narrow runs (words,
    // numbers, paths) stay whole. Kinsoku keeps closing marks on the line before and opening marks with
    // what follows.
    const boundary = last !== "" && last !== " " && (wide || lastWide);
    if (boundary && !NO_START.has(ch) && !NO_END.has(last)) flush();
    text += ch;
    width += textWidth(ch);
    last = ch;
    lastWide = wide;
  }
  flush();
  return keepTimesWhole(out);
}

const DAY = /^\d{4}-\d\d-\d\d$/;
const HMS = /^\d\d:\d\d:\d\d$/;
const ZONE = /^(?:[A-Z]{2,5}|[+-]\d\d:\d\d)(?:\p{P})*$/u;

/** "2026-11-20 12:14:09 JST" is one piece: a time split over two lines reads as two things. */
function keepTimesWhole(segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < segs.length; i++) {
    const a = segs[i] as Segment;
    const b = segs[i + 1];
    const c = segs[i + 2];
    if (
      b &&
      c &&
      DAY.test(a.text) &&
      HMS.test(b.text) &&
      b.space === " " &&
      c.space === " " &&
      ZONE.test(c.text)
    ) {
      const text = `${a.text} ${b.text} ${c.text}`;
      out.push({ text, width: textWidth(text), space: a.space });
      i += 2;
    } else out.push(a);
  }
  return out;
}

function openStyle(line: string): string | undefined {
  const codes = line.match(/\x1b\[[0-9;]*m/g);
  const lastCode = codes?.[codes.length - 1];
  return lastCode && lastCode !== RESET ? lastCode : undefined;
}

/** A token wider than a whole line, cut to fit `room` columns (after a separator where there is one). */
function cut(text: string, room: number): [string, string] {
  let w = 0;
  let end = 0;
  let sep = -1;
  for (let i = 0; i < text.length; ) {
    const sgr = text.charCodeAt(i) === 0x1b ? SGR_AT.exec(text.slice(i, i + 16)) : null;
    if (sgr) {
      i += sgr[0].length;
      end = i;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
    const cw = textWidth(ch);
    if (w + cw > room) break;
    w += cw;
    i += ch.length;
    end = i;
    if ("/&?+,=;".includes(ch) && w >= room / 2) sep = i;
  }
  if (end === 0) end = String.fromCodePoint(text.codePointAt(0) ?? 0).length;
  const at = sep > 0 ? sep : end;
  return [text.slice(0, at), text.slice(at)];
}

/** One line wrapped to `width` columns (continuation lines indented by `fixedHang` when given). */
export function wrapLine(line: string, width: number, fixedHang?: number): string[] {
  if (textWidth(line) <= width) return [line];
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  const indent = /^ */.exec(plain)?.[0].length ?? 0;
  const body = plain.slice(indent);
  if (body.startsWith("$ ")) return [line];
  const item = /^(?:[-*•] |\d+\. )/.exec(body);
  let hang = fixedHang ?? indent + (item ? textWidth(item[0]) : 2);
  if (hang > width / 2) hang = Math.min(indent, Math.floor(width / 2));
  const pad = " ".repeat(hang);

  const out: string[] = [];
  const segs = segments(line);
  let cur = "";
  let curW = 0;
  let fresh = true; // nothing but indentation on the current line yet
  const newLine = () => {
    const style = openStyle(cur);
    out.push(style ? `${cur}${RESET}` : cur);
    cur = style ? `${pad}${style}` : pad;
    curW = hang;
    fresh = true;
  };
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k] as Segment;
    const lead = k === 0 ? seg.space : fresh ? "" : seg.space;
    if (k === 0) {
      cur = lead;
      curW = lead.length;
      fresh = true;
    }
    const sp = k === 0 ? "" : lead;
    if (curW + sp.length + seg.width <= width) {
      cur += sp + seg.text;
      curW += sp.length + seg.width;
      fresh = false;
      continue;
    }
    if (!fresh && seg.width <= width - hang) {
      newLine();
      cur += seg.text;
      curW += seg.width;
      fresh = false;
      continue;
    }
    // Wider than a line: cut it, starting on this line when a useful part of it still fits.
    let rest = seg.text;
    let restW = seg.width;
    if (!fresh && width - curW - sp.length < 12) newLine();
    else if (!fresh) {
      cur += sp;
      curW += sp.length;
    }
    while (curW + restW > width) {
      const [head, tail] = cut(rest, width - curW);
      cur += head;
      rest = tail;
      restW = textWidth(rest);
      newLine();
    }
    cur += rest;
    curW += restW;
    fresh = rest === "";
  }
  if (cur.replace(/\x1b\[[0-9;]*m/g, "").trim() !== "" || out.length === 0) out.push(cur);
  return out.map((l) => l.trimEnd());
}

/** Every line of `text` wrapped to `width` columns; no width (output not to a terminal) leaves it as is. */
export function wrapText(text: string, width: number | undefined): string {
  if (width === undefined || width < 20) return text;
  return text
    .split("\n")
    .flatMap((l) => wrapLine(l, width))
    .join("\n");
}
