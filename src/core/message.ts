import { z } from "zod";
import { isMessageKey, type Lang, type MessageKey, type Translator } from "../i18n/index.ts";

/**
 * Text that is translated when it is shown, not when it is found: a finding keeps the key of its
 * sentence and the values that fill it, so one saved scan renders in any language and two scans
 * of the same state compare equal whatever language each was run in.
 */
export interface Msg {
  key: MessageKey;
  params?: Record<string, Param>;
}

/** A sentence that comes from data files (a rule's name) rather than the dictionary. */
export interface Localized {
  en: string;
  ja: string;
}

/**
 * A plain string is literal data, never translated (a path, an attacker's request);
 * a list is its parts joined with nothing between them (separators are parts too).
 */
export type Text = string | Msg | Localized | readonly Text[];
export type Param = number | Text;
export type MsgParams = Record<string, Param>;

/** What checks and the correlator get instead of a translator. */
export type MsgBuilder = (key: MessageKey, params?: MsgParams) => Msg;

export const msg: MsgBuilder = (key, params) => (params ? { key, params } : { key });

/**
 * For tests: a Msg that throws when turned into a string, so a template literal or `.join` over
 * messages (which the type checker lets through) fails loudly instead of printing "[object Object]".
 */
export const strictMsg: MsgBuilder = (key, params) => {
  const m = msg(key, params);
  Object.defineProperty(m, "toString", {
    enumerable: false,
    value: () => {
      throw new Error(`message ${key} used as a string; render it with renderText`);
    },
  });
  return m;
};

export function isMsg(v: unknown): v is Msg {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as Msg).key === "string";
}

function isLocalized(v: unknown): v is Localized {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as Localized).en === "string" &&
    typeof (v as Localized).ja === "string"
  );
}

function langOf(t: Translator): Lang {
  // The dictionary knows which language a translator speaks; asking one fixed key avoids passing it twice.
  return t("lang.code") === "ja" ? "ja" : "en";
}

/** The string of `text` in the language of `t`. */
export function renderText(text: Text, t: Translator): string {
  return render(text, t, undefined);
}

/**
 * Characters of any rendered piece of text: a saved report's nesting is checked (validText), but a
 * message that uses a parameter three times, nested eight deep, multiplies a 64 KiB string by 6,561.
 */
const MAX_RENDERED = 64 * 1024;

function capped(s: string): string {
  return s.length <= MAX_RENDERED ? s : `${s.slice(0, MAX_RENDERED)}\u2026`;
}

function render(text: Text, t: Translator, lang: Lang | undefined): string {
  if (typeof text === "string") return text;
  if (Array.isArray(text)) {
    let out = "";
    for (const part of text as readonly Text[]) {
      out += render(part, t, lang);
      if (out.length > MAX_RENDERED) break;
    }
    return capped(out);
  }
  if (isMsg(text)) {
    if (!text.params) return t(text.key);
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(text.params))
      params[k] = typeof v === "number" ? v : capped(render(v, t, lang));
    return capped(t(text.key, params));
  }
  if (isLocalized(text)) return (lang ?? langOf(t)) === "ja" ? text.ja : text.en;
  return "";
}

/** `parts` with `sep` between each (the list form of `.join`). */
export function joinText(parts: readonly Text[], sep: Text): Text[] {
  const out: Text[] = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(sep);
    out.push(p);
  });
  return out;
}

/** Only literal data: no key to translate anywhere inside. */
export function isLiteral(text: Text): text is string {
  return typeof text === "string";
}

/**
 * A saved report is hostile input: keyed text is checked for known keys and kept small and shallow,
 * so rendering it cannot recurse without end or blow up memory.
 */
const MAX_DEPTH = 8;
const MAX_NODES = 2000;
const MAX_STRING = 64 * 1024;

function validText(v: unknown, depth: number, budget: { nodes: number }): boolean {
  if (--budget.nodes < 0 || depth > MAX_DEPTH) return false;
  if (typeof v === "string") return v.length <= MAX_STRING;
  if (Array.isArray(v)) return v.every((p) => validText(p, depth + 1, budget));
  if (typeof v !== "object" || v === null) return false;
  if ("key" in v) {
    const m = v as { key: unknown; params?: unknown };
    if (typeof m.key !== "string" || !isMessageKey(m.key)) return false;
    if (m.params === undefined) return true;
    if (typeof m.params !== "object" || m.params === null || Array.isArray(m.params)) return false;
    return Object.values(m.params).every(
      (p) => (typeof p === "number" && Number.isFinite(p)) || validText(p, depth + 1, budget),
    );
  }
  return isLocalized(v) && v.en.length <= MAX_STRING && v.ja.length <= MAX_STRING;
}

export function isValidText(v: unknown): v is Text {
  return validText(v, 0, { nodes: MAX_NODES });
}

export const textSchema = z.custom<Text>((v) => isValidText(v), {
  message: "not valid message text (unknown key, too deep or too large)",
});
