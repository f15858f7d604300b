/**
 * Access log formats are compiled from Apache LogFormat strings (and nginx's combined, which is the
 * same), never hard-coded as one regex: `--log-format` and the Apache configuration give any string.
 */

import { type LogEntry, OTHER_CLIENTS } from "../../../facts/log-lines.ts";
import { unescapeLog } from "./decode.ts";

export const NICKNAMES: Record<string, string> = {
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  vhost_combined_noport: '%v %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  combined_xff: '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"',
  combined: '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  nginx: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
  common: '%h %l %u %t "%r" %>s %b',
  referer: "%{Referer}i -> %U",
  agent: "%{User-Agent}i",
};

type Setter = (e: LogEntry, v: string) => void;

export interface AccessFormat {
  name: string;
  format: string;
  regex: RegExp;
  setters: Setter[];
  fields: number;
}

// Unrolled (a run of plain characters, then escaped ones each followed by a run): V8 then keeps no
// backtracking entry per character, which on a 1 MB field cost 0.1 s and tens of megabytes a line.
const QUOTED = '([^"\\\\]*(?:\\\\.[^"\\\\]*)*)';
const num = (v: string) => (v === "-" || v === "" ? undefined : Number(v));

/** A host name is at most 253 characters; a longer client field is cut (one line may be 1 MB). */
const MAX_CLIENT_CHARS = 255;

/**
 * The client as a line names it, cut to a host name's length: the tracker, the groups and the story
 * hold one per client, and a hostile log could otherwise name 20,000 clients of a megabyte each. A
 * line naming its client as the engine names the clients it counts together is quoted, so that it
 * stays one client of its own (followed, told by name).
 */
export function clientField(v: string): string {
  if (v === OTHER_CLIENTS) return `'${v}'`;
  return v.length <= MAX_CLIENT_CHARS ? v : `${v.slice(0, MAX_CLIENT_CHARS - 1)}…`;
}

function setterFor(directive: string, arg: string | undefined): Setter | undefined {
  switch (directive) {
    case "h":
    case "a":
      return (e, v) => {
        e.ip = clientField(v);
      };
    case "v":
    case "V":
      return (e, v) => {
        e.vhost = v;
      };
    case "t":
      return (e, v) => {
        e.time = parseAccessTime(v);
      };
    case "r":
      return (e, v) => {
        const req = unescapeLog(v);
        e.request = req;
        e.logged = v;
        const m = splitRequest(req);
        if (m) {
          e.method = m.method;
          e.uri = m.uri;
          e.protocol = m.protocol;
        } else e.uri = req;
      };
    case "m":
      return (e, v) => {
        e.method = v;
      };
    case "U":
      return (e, v) => {
        e.uri = unescapeLog(v) + (e.uri ?? "");
      };
    case "q":
      return (e, v) => {
        e.uri = (e.uri ?? "") + unescapeLog(v);
      };
    case "s":
      return (e, v) => {
        e.status = num(v);
      };
    case "b":
    case "B":
    case "O":
      return (e, v) => {
        e.size = num(v) ?? (v === "-" ? 0 : undefined);
      };
    case "i": {
      const h = (arg ?? "").toLowerCase();
      if (h === "referer")
        return (e, v) => {
          e.referer = unescapeLog(v);
        };
      if (h === "user-agent")
        return (e, v) => {
          e.userAgent = unescapeLog(v);
        };
      return (e, v) => {
        e.headers ??= {};
        e.headers[arg ?? "?"] = unescapeLog(v);
      };
    }
    default:
      return undefined;
  }
}

type Item =
  | { kind: "lit"; text: string }
  | { kind: "sep" }
  | { kind: "field"; d: string; arg: string | undefined; afterQuote: boolean };

/** The directives, literals and space runs of a LogFormat string. */
function items(format: string): Item[] {
  const out: Item[] = [];
  const lit = (t: string) => {
    const last = out.at(-1);
    if (last?.kind === "lit") last.text += t;
    else out.push({ kind: "lit", text: t });
  };
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c === "%") {
      let j = i + 1;
      let arg: string | undefined;
      while (/[<>!0-9,]/.test(format[j] ?? "")) j++;
      if (format[j] === "{") {
        const end = format.indexOf("}", j);
        // An unclosed `%{` (a typo, or a hostile image's LogFormat) is text, as Apache would not start
        // with it: taking indexOf's -1 as the end sent the parser back to the start, forever.
        if (end < 0) {
          lit(format.slice(i));
          break;
        }
        arg = format.slice(j + 1, end);
        j = end + 1;
      }
      const d = format[j] ?? "";
      i = j + 1;
      if (d === "%") {
        lit("%");
        continue;
      }
      const last = out.at(-1);
      out.push({ kind: "field", d, arg, afterQuote: last?.kind === "lit" && last.text.endsWith('"') });
      continue;
    }
    if (c === " ") {
      out.push({ kind: "sep" });
      while (format[i] === " ") i++;
      continue;
    }
    lit(c);
    i++;
  }
  return out;
}

/** Directives that may open a line before its first `"` without holding anything the rules read. */
const HEAD_FIELDS = new Set(["h", "a", "l", "u", "t", "v", "V", "p"]);

/**
 * Does every field before the format's first `"` hold only what no rule reads (client, ident, user,
 * time, virtual host, port), and the request come from `%r`? Then a rule literal found only there is no reason to parse a line: the
 * rules' look (worth.ts) starts at the line's first `"` for such fields (issue 13).
 */
export function headHoldsNoRuleField(fmt: AccessFormat): boolean {
  const list = items(fmt.format);
  // With `%r` the request is the line's own text (without it, one is put together from %m and %U).
  if (!list.some((it) => it.kind === "field" && it.d === "r")) return false;
  for (const it of list) {
    if (it.kind === "lit" && it.text.includes('"')) return true;
    if (it.kind === "field" && !HEAD_FIELDS.has(it.d)) return false;
  }
  return false;
}

const selfDelimited = (it: Item) => it.kind === "field" && it.d === "t" && !it.arg;

/**
 * The character that must come right after field `k`: the next literal's first, a space for a run
 * of spaces, `[` for a bracketed time; fields in between match nothing (see compileFormat).
 */
function stopAfter(list: Item[], k: number): string | undefined {
  for (let j = k + 1; j < list.length; j++) {
    const it = list[j] as Item;
    if (it.kind === "sep") return " ";
    if (it.kind === "lit") return it.text[0];
    if (selfDelimited(it)) return "[";
  }
  return undefined;
}

const LT = "\\n\\r\\u2028\\u2029";
const inClass = (c: string) => c.replace(/[\]\\^-]/g, "\\$&");
/**
 * Up to this many more space-separated words in an unquoted request or time followed by a space:
 * `METHOD URI PROTOCOL`. More choices make recheck see the tries pile up over many fields.
 */
const MORE_WORDS = 2;

/**
 * Compiles a LogFormat string into a line parser. Unknown directives match one token and are ignored.
 *
 * Linear time on hostile lines for any format, by construction (issue 10; `--root` images and
 * `--log-format` give the format): each field excludes the character that must follow it, so it
 * can end at one place only; a run of spaces is one separator; a field right after another (`%h%l`)
 * matches nothing, its neighbour takes the text; the first unquoted request or time followed by a
 * space tries at most MORE_WORDS + 1 ends, the later ones one word each, and one at the end of the
 * format takes the rest of the line. test/logs/format-linear.test.ts has recheck check hostile formats.
 */
export function compileFormat(format: string, name = "custom"): AccessFormat {
  const list = items(format);
  let re = "^";
  const setters: Setter[] = [];
  let wordsUsed = false;
  list.forEach((it, k) => {
    if (it.kind === "lit") {
      re += it.text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      return;
    }
    if (it.kind === "sep") {
      // The whole run of spaces, never part of it: with ` +` and fields that may be empty, a run of
      // 2,000 spaces could be split among four separators in billions of ways (96 s for one line).
      re += " +(?! )";
      return;
    }
    const { d, arg } = it;
    setters.push(setterFor(d, arg) ?? (() => {}));
    const prev = list[k - 1];
    if (prev?.kind === "field" && !selfDelimited(prev) && !selfDelimited(it)) {
      re += "()";
      return;
    }
    const stop = stopAfter(list, k);
    const not = stop === undefined ? "" : inClass(stop);
    if (d === "t" && !arg) re += "\\[([^\\]]+)\\]";
    else if (it.afterQuote && stop === '"' && d !== "t") re += QUOTED;
    else if (d === "r" || d === "t") {
      const min = d === "r" ? "*" : "+";
      // Last: the rest of the line (nothing follows, so nothing to try again).
      if (stop === undefined) re += `(.${min})`;
      else if (stop !== " ") re += `([^${not}${LT}]${min})`;
      else if (wordsUsed) re += `([^ ${LT}]${min})`;
      else {
        wordsUsed = true;
        re += `([^ ${LT}]${min}(?: [^ ${LT}]+){0,${MORE_WORDS}}?)`;
      }
    } else if (d === "s") re += "(\\d{3}|-)";
    else if ("bBDTIOS".includes(d))
      re += stop && /\d/.test(stop) ? `([${"0123456789".replace(stop, "")}]+|-)` : "(\\d+|-)";
    else re += stop && stop !== " " ? `([^\\s${not}]*)` : "(\\S*)";
  });
  return { name, format, regex: new RegExp(re), setters, fields: setters.length };
}

/** `--log-format`: a nickname or a LogFormat string. */
export function formatFromOption(value: string): AccessFormat {
  const nick = NICKNAMES[value];
  return nick ? compileFormat(nick, value) : compileFormat(value, "custom");
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** `12/Mar/2024:02:36:38 +0100` (and a few other common forms). */
export function parseAccessTime(v: string): Date | undefined {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ([+-])(\d{2})(\d{2})$/.exec(v);
  if (m) {
    const month = MONTHS[m[2] as string];
    if (month === undefined) return undefined;
    const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
    const off = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === "-" ? -1 : 1);
    return new Date(utc - off);
  }
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function parseAccessLine(fmt: AccessFormat, text: string, line: number): LogEntry | undefined {
  const m = fmt.regex.exec(text);
  if (!m) return undefined;
  const e: LogEntry = { kind: "access", line, raw: text, request: "" };
  for (let k = 0; k < fmt.setters.length; k++) (fmt.setters[k] as Setter)(e, m[k + 1] ?? "");
  if (!e.ip && !e.request && e.uri === undefined) return undefined;
  if (!e.request && e.uri !== undefined) e.request = `${e.method ?? ""} ${e.uri}`.trim();
  // Behind a proxy (nginx in front, a load balancer) %h is the proxy: the client is in X-Forwarded-For.
  const xff = e.headers?.["X-Forwarded-For"] ?? e.headers?.["x-forwarded-for"];
  if (xff && xff !== "-" && (!e.ip || isPrivate(e.ip))) {
    const client = xffClient(xff);
    if (client) {
      e.proxy = e.ip;
      e.ip = clientField(client);
    }
  }
  return e;
}

/**
 * The client in an X-Forwarded-For chain: each proxy appends the address it was sent from, so only the
 * right end is written by proxies; whatever stands to the left may be the client's own invention
 * (`X-Forwarded-For: 8.8.8.8` to have another address blamed and blocked). From the right, internal
 * proxies are passed over and the first other address is the client, as mod_remoteip and nginx's
 * real_ip_recursive do; a chain of internal addresses only is an internal client, its leftmost.
 */
export function xffClient(xff: string): string | undefined {
  const parts = xff.split(",");
  let client: string | undefined;
  for (let k = parts.length - 1; k >= 0 && k >= parts.length - 64; k--) {
    const p = (parts[k] as string).trim();
    if (!/^[0-9a-fA-F:.]{2,45}$/.test(p)) break;
    client = p;
    if (!isPrivate(p)) break;
  }
  return client;
}

/** Loopback and private addresses: a proxy in front of the server, not the attacker. */
export function isPrivate(ip: string): boolean {
  return /^(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|::1$|f[cd][0-9a-f]{2}:|unix:)/i.test(ip);
}

// ---- error logs ----------------------------------------------------------------------------

const ERR_TIME = /^\[(?:\w{3} )?(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})\]/;
const NGINX_ERR = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;

/**
 * Apache 2.4 (`[Wed Jun 26 05:20:26.182799 2024] [core:error] [pid 2928] [client 1.2.3.4:5] AH10244: ...`),
 * 2.2 (`[Tue Jul 22 06:48:30 2008] [error] [client 1.2.3.4] ...`) and nginx error lines.
 * Error logs carry no time zone: `offsetMinutes` is the server's (taken from its access logs).
 */
export function parseErrorLine(text: string, line: number, offsetMinutes = 0): LogEntry | undefined {
  const t = ERR_TIME.exec(text);
  if (t) {
    const month = MONTHS[t[1] as string];
    if (month === undefined) return undefined;
    const ms = Number((t[6] ?? "0").slice(0, 3).padEnd(3, "0"));
    const time = new Date(
      Date.UTC(Number(t[7]), month, Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5]), ms) -
        offsetMinutes * 60_000,
    );
    let rest = text.slice(t[0].length);
    const e: LogEntry = { kind: "error", line, raw: text, request: "", time };
    const lvl = /^ \[(?:([\w-]*):)?(\w+)\]/.exec(rest);
    if (lvl) {
      e.module = lvl[1] || undefined;
      e.level = lvl[2];
      rest = rest.slice(lvl[0].length);
    }
    const client = delimited(rest, "[client ", "]", false);
    if (client) {
      e.ip = clientField(stripPort(client.value));
      rest = rest.slice(client.end + (rest[client.end] === " " ? 1 : 0));
    } else {
      rest = rest.replace(/^(?: \[[^\]]*\])*/, "");
    }
    rest = rest.replace(/^ +/, "");
    e.message = unescapeLog(rest);
    e.request = e.message;
    e.logged = rest;
    const code = /^(AH\d{5}): /.exec(rest);
    if (code) e.code = code[1];
    e.uri = errorUri(e.message);
    return e;
  }
  const n = NGINX_ERR.exec(text);
  if (n) {
    const time = new Date(
      Date.UTC(Number(n[1]), Number(n[2]) - 1, Number(n[3]), Number(n[4]), Number(n[5]), Number(n[6])) -
        offsetMinutes * 60_000,
    );
    const msg = unescapeLog(n[8] as string);
    const e: LogEntry = { kind: "error", line, raw: text, request: msg, time, level: n[7], message: msg };
    const c = delimited(msg, "client: ", ",", false);
    if (c) e.ip = clientField(c.value);
    const r = /request: "(\S+) (.*?)(?: HTTP\/[\d.]+)?"/.exec(msg);
    if (r) {
      e.method = r[1];
      e.uri = r[2];
    }
    return e;
  }
  return undefined;
}

function stripPort(client: string): string {
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(client);
  if (v4) return v4[1] as string;
  return client;
}

/*
 * Linear time on hostile lines (issue 10). A regex searched from every position re-reads the rest of
 * the line once per start: `\[client ([^\]]+)\]` on `[client [client ...` or `(.*?)\s*$` on a run of
 * spaces is quadratic. So each pattern below is found as a literal with indexOf, and only its tail is
 * matched, once, with a sticky regex (or trimEnd). Each gives what the plain regex gave (compared on
 * the corpus, the real logs and 60,000 generated lines when this was written).
 */

/** A line terminator, which `.` does not cross. */
const TERMINATOR = /[\n\r\u2028\u2029]/;

/** `^([A-Za-z_-]+) +(.*?)(?: +(HTTP\/[\d.]+))?$`, without re-reading a run of spaces per position. */
export function splitRequest(req: string): { method: string; uri: string; protocol?: string } | undefined {
  const m = /^([A-Za-z_-]+) +/.exec(req);
  if (!m || TERMINATOR.test(req)) return undefined;
  const method = m[1] as string;
  const start = m[0].length;
  const p = req.lastIndexOf("HTTP/");
  if (p >= 0 && /^HTTP\/[\d.]+$/.test(req.slice(p))) {
    let q = p;
    while (q > 0 && req[q - 1] === " ") q--;
    // The spaces before HTTP/ are the method's own: one stays with the method, the rest go to the protocol.
    if (q >= start && q < p) return { method, uri: req.slice(start, q), protocol: req.slice(p) };
    if (q < start && p - q >= 2) return { method, uri: "", protocol: req.slice(p) };
  }
  return { method, uri: req.slice(start) };
}

/**
 * `OPEN([^CLOSE]+)CLOSE` (or `*` when `empty`), first match: a later OPEN reaches the same CLOSE,
 * so only an empty value moves the search on.
 */
export function delimited(
  s: string,
  open: string,
  close: string,
  empty: boolean,
): { value: string; end: number } | undefined {
  for (let i = s.indexOf(open); i >= 0; i = s.indexOf(open, i + 1)) {
    const from = i + open.length;
    const j = s.indexOf(close, from);
    if (j < 0) return undefined;
    if (j > from || empty) return { value: s.slice(from, j), end: j + close.length };
  }
  return undefined;
}

/**
 * Where a pattern `LIT(.*?)\s*$` can match: `\s*` crosses line ends but `.` does not, so on the last
 * line that holds more than white space. Returns the text without its trailing white space and where
 * that last line starts.
 */
function lastLine(s: string): { text: string; start: number } {
  const text = s.trimEnd();
  let i = text.length;
  while (i > 0 && !TERMINATOR.test(text[i - 1] as string)) i--;
  return { text, start: i };
}

/** The lines of `s` in order (split at the terminators `.` does not cross). */
function linesOf(s: string): string[] {
  return TERMINATOR.test(s) ? s.split(/[\n\r\u2028\u2029]/) : [s];
}

/** `LIT\S+ ` in `s` from `from`: the position after the first such token, or -1. */
function afterToken(s: string, lit: string, from = 0): number {
  const tok = /\S+ /y;
  for (let i = s.indexOf(lit, from); i >= 0; i = s.indexOf(lit, i + 1)) {
    tok.lastIndex = i + lit.length;
    if (tok.test(s)) return tok.lastIndex;
  }
  return -1;
}

/** `LIT(.*?)(?: HTTP\/[\d.]+)?\s*$` (`httpTail`), `LIT\S+ (.*?)...` (`token`), or `LIT(.*?)\s*$`. */
function toEnd(msg: string, lit: string, token: boolean, httpTail: boolean): string | undefined {
  const { text, start } = lastLine(msg);
  // The literal may end in the trailing white space (`headers: \n`): it is searched in msg itself.
  const i = token ? afterToken(msg, lit, start) : msg.indexOf(lit, start);
  if (i < 0) return undefined;
  const from = token ? i : i + lit.length;
  const rest = from < text.length ? text.slice(from) : "";
  if (httpTail) {
    const h = / HTTP\/[\d.]+$/.exec(rest);
    if (h) return rest.slice(0, h.index);
  }
  return rest;
}

/** The request path or file an error message names, so the same rules match error lines. */
export function errorUri(msg: string): string | undefined {
  const found =
    invalidPath(msg) ??
    toEnd(msg, "Invalid URI in request ", true, true) ??
    cannotMap(msg) ??
    toEnd(msg, "client denied by server configuration: ", false, false) ??
    /exec of '([^']*)' failed/.exec(msg)?.[1] ??
    toEnd(msg, "End of script output before headers: ", false, false) ??
    toEnd(msg, "script not found or unable to stat: ", false, false) ??
    /script '([^']*)' not found/.exec(msg)?.[1] ??
    toEnd(msg, "File does not exist: ", false, false);
  if (found !== undefined) return found;
  return delimited(msg, "stderr from ", ":", true)?.value;
}

/** `invalid URI path \((.*)\)\s*$`: the `)` is the last character that is not white space. */
function invalidPath(msg: string): string | undefined {
  const lit = "invalid URI path (";
  const { text, start } = lastLine(msg);
  if (!text.endsWith(")")) return undefined;
  const i = text.indexOf(lit, start);
  if (i < 0 || i + lit.length > text.length - 1) return undefined;
  return text.slice(i + lit.length, text.length - 1);
}

/** `Cannot map (?:\S+) (.*?)(?: HTTP\/[\d.]+)? to file`, on the first line where it matches. */
function cannotMap(msg: string): string | undefined {
  for (const line of linesOf(msg)) {
    const i = afterToken(line, "Cannot map ");
    if (i < 0) continue;
    const tail = /(.*?)(?: HTTP\/[\d.]+)? to file/y;
    tail.lastIndex = i;
    const m = tail.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

// ---- detection ----------------------------------------------------------------------------

export type DetectedFormat =
  | { kind: "access"; format: AccessFormat }
  | { kind: "error"; name: "apache-error" | "nginx-error" };

const CANDIDATES = ["vhost_combined", "vhost_combined_noport", "combined_xff", "combined", "common"];
let compiled: AccessFormat[] | undefined;
export function candidateFormats(): AccessFormat[] {
  compiled ??= CANDIDATES.map((n) => compileFormat(NICKNAMES[n] as string, n));
  return compiled;
}

/** Picks the format that parses most of the sample; ties go to the one with more fields. */
export function detectFormat(sample: string[]): DetectedFormat | undefined {
  const lines = sample.filter((l) => l.trim() !== "");
  if (lines.length === 0) return undefined;
  const errApache = lines.filter((l) => ERR_TIME.test(l)).length;
  const errNginx = lines.filter((l) => NGINX_ERR.test(l)).length;
  let best: { score: number; fmt?: AccessFormat } = { score: 0 };
  for (const f of candidateFormats()) {
    let score = 0;
    for (const l of lines) {
      const e = parseAccessLine(f, l, 0);
      if (e?.time && e.status !== undefined) score++;
    }
    if (score > best.score) best = { score, fmt: f };
  }
  const top = Math.max(best.score, errApache, errNginx);
  if (top === 0) return undefined;
  if (errApache === top) return { kind: "error", name: "apache-error" };
  if (errNginx === top) return { kind: "error", name: "nginx-error" };
  return { kind: "access", format: best.fmt as AccessFormat };
}

/** Parses one line with the detected format, falling back to every other known format (mixed files). */
export function parseLine(
  text: string,
  line: number,
  preferred: DetectedFormat | undefined,
  offsetMinutes = 0,
): LogEntry | undefined {
  if (preferred?.kind === "access") {
    const e = parseAccessLine(preferred.format, text, line);
    if (e) return e;
  } else if (preferred?.kind === "error") {
    const e = parseErrorLine(text, line, offsetMinutes);
    if (e) return e;
  }
  if (text.startsWith("[") || /^\d{4}\//.test(text)) {
    const e = parseErrorLine(text, line, offsetMinutes);
    if (e) return e;
  }
  for (const f of candidateFormats()) {
    if (preferred?.kind === "access" && f === preferred.format) continue;
    const e = parseAccessLine(f, text, line);
    if (e && (e.time || e.status !== undefined)) return e;
  }
  return parseErrorLine(text, line, offsetMinutes);
}
