/**
 * Decoding the way the server did before matching. A log shows bytes escaped by the logger
 * (Apache and nginx write `\xHH`, `\"`, `\\`); the request itself is then URL-decoded by the
 * server once (2.4.49) or twice (2.4.50 decoded the path again). All pure string functions.
 */
import { percentDecode } from "../../../core/percent-decode.ts";

export { percentDecode };

/** Undoes the logger's escaping (`\xHH`, `\"`, `\\`, `\t`...): the bytes the client actually sent. */
export function unescapeLog(s: string): string {
  if (!s.includes("\\")) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|["\\ntr])/g, (_m, e: string) => {
    if (e[0] === "x") return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (e === "n") return "\n";
    if (e === "t") return "\t";
    if (e === "r") return "\r";
    return e;
  });
}

/** `+` is a space only in query strings. */
export function formDecode(s: string): string {
  return percentDecode(s.replace(/\+/g, " "));
}

/** Decodes only unreserved characters (ALPHA DIGIT - . _ ~), as Apache 2.4.50's ap_normalize_path did first. */
export function decodeUnreserved(s: string): string {
  if (!s.includes("%")) return s;
  return s.replace(/%([0-9a-fA-F]{2})/g, (m, h: string) => {
    const c = String.fromCharCode(Number.parseInt(h, 16));
    return /[A-Za-z0-9._~-]/.test(c) ? c : m;
  });
}

/**
 * Log4j lookups resolved to what Log4j would see: `${lower:j}`, `${env:NaN:-j}`, `${::-j}` become `j`,
 * so `${${::-j}${::-n}di:` reads `${jndi:`. Other lookups (jndi, script, url...) are kept as written.
 */
export function resolveLookups(s: string): string {
  if (!s.includes("${")) return s;
  let cur = s;
  for (let n = 0; n < 50; n++) {
    const next = cur.replace(/\$\{([^${}]*)\}/, (_m, body: string) => {
      const def = /^[^:]*:.*?:-(.*)$/s.exec(body) ?? /^:+-(.*)$/s.exec(body);
      if (def) return def[1] as string;
      const cas = /^(?:lower|upper):(.*)$/is.exec(body);
      if (cas) return cas[1] as string;
      const date = /^date:'?([^']*)'?$/i.exec(body);
      if (date) return date[1] as string;
      return `$\u0001{${body}}`;
    });
    if (next === cur) break;
    cur = next;
  }
  return cur.replace(/\$\u0001\{/g, "${");
}

export const NAMED: Record<string, string> = {
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  amp: "&",
  colon: ":",
  lpar: "(",
  rpar: ")",
  sol: "/",
  semi: ";",
  dollar: "$",
  lcub: "{",
  rcub: "}",
  tab: "\t",
  newline: "\n",
};

/**
 * What an application that decodes further still sees: HTML character references (`&#x24;{jndi:`,
 * `&#60;script`, `&lt;`; any number of leading zeros) and overlong UTF-8 (`%c0%ae` is `.` to a lax
 * decoder), after the percent-decoding. Each is one regex pass without nesting: linear time.
 */
export function deepDecode(s: string): string {
  let out = s;
  if (out.includes("&")) {
    out = out.replace(
      /&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));?|&([a-zA-Z]{2,7});/g,
      (m, hex, dec, name) => {
        if (name !== undefined) return NAMED[(name as string).toLowerCase()] ?? m;
        const n = hex !== undefined ? Number.parseInt(hex as string, 16) : Number(dec);
        return n > 0 && n < 0x110000 ? String.fromCodePoint(n) : m;
      },
    );
  }
  // Overlong two- and three-byte forms of ASCII (the bytes arrive as Latin-1 characters).
  if (/[\xc0\xc1\xe0]/.test(out)) {
    out = out
      .replace(/[\xc0\xc1]([\x80-\xbf])/g, (_m, c: string) =>
        String.fromCharCode((((_m.charCodeAt(0) & 0x1f) << 6) | (c.charCodeAt(0) & 0x3f)) & 0x7f),
      )
      .replace(/\xe0[\x80\x81]([\x80-\xbf])/g, (m, c: string) =>
        String.fromCharCode((((m.charCodeAt(1) & 0x3f) << 6) | (c.charCodeAt(0) & 0x3f)) & 0x7f),
      );
  }
  return out;
}

export interface Levels {
  raw: string;
  once: string;
  twice: string;
  /** As Apache 2.4.50 decoded a path: unreserved characters first, then everything. */
  server: string;
  /** `server` after undoing doubled `%%` (tools that pass a payload through printf write `%%%%32`). */
  undoubled: string;
  /** Log4j lookups resolved (only when the value holds `${`). */
  lookups: string;
}

/** The forms a value takes on its way through the server. */
export function decodeLevels(raw: string): Levels {
  const once = percentDecode(raw);
  // Decoded twice, then as a lax application would: entities and overlong UTF-8 as well.
  const twice = deepDecode(percentDecode(once));
  const server = percentDecode(decodeUnreserved(raw));
  const undoubled = raw.includes("%%") ? percentDecode(decodeUnreserved(raw.replace(/%%/g, "%"))) : server;
  const lookups = once.includes("${") || twice.includes("${") ? resolveLookups(twice) : once;
  return { raw, once, twice, server, undoubled, lookups };
}
