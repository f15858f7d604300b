/** Matching one parsed entry against the rules: pure, no I/O. */

import type { LogEntry } from "../../../facts/log-lines.ts";
import type { CompiledCondition, Field, Rule } from "../../../rules/logs.ts";
import { decodeUnreserved, deepDecode, formDecode, percentDecode, resolveLookups } from "./decode.ts";
import { rulesWorth } from "./worth.ts";

export interface Match {
  rule: Rule;
}

/**
 * The most of one field a rule reads: Apache refuses a request line or header field longer than
 * 8190 bytes (LimitRequestLine, LimitRequestFieldSize), so a served request never needs more. The
 * rules are linear (test/security/regex.test.ts); this bounds each test (and each decoded form, made
 * from the capped value) whatever a rule does, so one hostile line costs a bounded time (issue 10).
 */
export const FIELD_BUDGET = 8190;

function capped(s: string): string {
  return s.length > FIELD_BUDGET ? s.slice(0, FIELD_BUDGET) : s;
}

const FORM_FIELDS = new Set<Field>(["query", "uri", "any"]);

/**
 * The forms of one field value, each made when a rule first reads it (most rules read only `once`):
 * the same strings as decodeLevels, `once` form-decoded where a query can be.
 */
class LazyLevels {
  readonly raw: string;
  private form: boolean;
  private _once0?: string;
  private _once?: string;
  private _twice?: string;
  private _server?: string;
  private _undoubled?: string;
  private _lookups?: string;
  constructor(raw: string, form: boolean) {
    this.raw = raw;
    this.form = form;
  }
  private get once0(): string {
    this._once0 ??= percentDecode(this.raw);
    return this._once0;
  }
  get once(): string {
    // Query strings also arrive form-encoded: `+` is a space for the application.
    this._once ??= this.form && this.raw.includes("+") ? formDecode(this.raw) : this.once0;
    return this._once;
  }
  get twice(): string {
    this._twice ??= deepDecode(percentDecode(this.once0));
    return this._twice;
  }
  get server(): string {
    this._server ??= percentDecode(decodeUnreserved(this.raw));
    return this._server;
  }
  get undoubled(): string {
    this._undoubled ??= this.raw.includes("%%")
      ? percentDecode(decodeUnreserved(this.raw.replace(/%%/g, "%")))
      : this.server;
    return this._undoubled;
  }
  get lookups(): string {
    if (this._lookups === undefined) {
      const once = this.once0;
      const twice = this.twice;
      this._lookups = once.includes("${") || twice.includes("${") ? resolveLookups(twice) : once;
    }
    return this._lookups;
  }
}

/** Lazily decoded fields of one entry, so a rule only pays for what it reads. */
class FieldView {
  private cache = new Map<Field, LazyLevels[]>();
  private e: LogEntry;
  constructor(e: LogEntry) {
    this.e = e;
  }

  values(f: Field): LazyLevels[] {
    let v = this.cache.get(f);
    if (!v) {
      const form = FORM_FIELDS.has(f);
      v = this.raw(f).map((whole) => new LazyLevels(capped(whole), form));
      this.cache.set(f, v);
    }
    return v;
  }

  private raw(f: Field): string[] {
    const e = this.e;
    const uri = e.uri ?? "";
    const q = uri.indexOf("?");
    switch (f) {
      case "uri":
        return e.uri !== undefined ? [uri] : [];
      case "path":
        return e.uri !== undefined ? [q >= 0 ? uri.slice(0, q) : uri] : [];
      case "query":
        return q >= 0 ? [uri.slice(q + 1)] : [];
      case "referer":
        return e.referer ? [e.referer] : [];
      case "ua":
        return e.userAgent ? [e.userAgent] : [];
      case "headers":
        return Object.values(e.headers ?? {});
      case "request":
        return [e.request];
      case "message":
        return e.message ? [e.message] : [];
      case "method":
        return e.method ? [e.method] : [];
      case "any":
        return [
          e.request,
          ...(e.referer ? [e.referer] : []),
          ...(e.userAgent ? [e.userAgent] : []),
          ...Object.values(e.headers ?? {}),
        ];
    }
  }
}

/**
 * Does the regex match any of the value's forms? Each distinct form is tested once: in most values
 * several forms are the same string (no `%`: raw, once, twice and server are one), and a rule's
 * regex carries no state between tests (no `g` or `y` flag), so testing it again says nothing new.
 */
function anyForm(re: RegExp, l: LazyLevels): boolean {
  const raw = l.raw;
  if (re.test(raw)) return true;
  const once = l.once;
  if (once !== raw && re.test(once)) return true;
  const twice = l.twice;
  if (twice !== raw && twice !== once && re.test(twice)) return true;
  const server = l.server;
  if (server !== raw && server !== once && server !== twice && re.test(server)) return true;
  const und = l.undoubled;
  if (und !== server && und !== raw && und !== once && und !== twice && re.test(und)) return true;
  const lk = l.lookups;
  // As before: the lookups form counts only when it differs from `once`.
  return lk !== once && lk !== raw && lk !== twice && lk !== server && lk !== und && re.test(lk);
}

function test(c: CompiledCondition, view: FieldView): boolean {
  const re = c.re;
  for (const f of c.fields) {
    for (const l of view.values(f)) {
      switch (c.decode) {
        case "any":
          if (anyForm(re, l)) return true;
          break;
        case "raw":
          if (re.test(l.raw)) return true;
          break;
        case "once":
          if (re.test(l.once)) return true;
          break;
        case "twice":
          if (re.test(l.twice)) return true;
          break;
        case "server":
          if (re.test(l.server)) return true;
          if (l.undoubled !== l.server && re.test(l.undoubled)) return true;
          break;
        case "lookups":
          if (l.lookups !== l.once && re.test(l.lookups)) return true;
          break;
      }
    }
  }
  return false;
}

export function ruleMatches(rule: Rule, e: LogEntry, view = new FieldView(e)): boolean {
  for (const c of rule.all) if (!test(c, view)) return false;
  if (rule.anyOf.length > 0 && !rule.anyOf.some((c) => test(c, view))) return false;
  for (const c of rule.none) if (test(c, view)) return false;
  return true;
}

/**
 * The best rule for an entry (rules arrive sorted by priority), or undefined. A rule is tested only
 * when the line holds one of its own literals (worth.ts `rulesWorth`): most lines that reach the rules
 * hold the literal of one or two, and testing all of them was two thirds of a scan's time (issue 13).
 * This changes no result because each rule's literals cover what its regexes match
 * (test/logs/literal-cover.test.ts).
 */
export function matchEntry(rules: Rule[], e: LogEntry): Rule | undefined {
  const gate = rulesWorth(rules, e);
  const view = new FieldView(e);
  for (let i = 0; i < rules.length; i++) {
    if (gate && gate[i] !== 1) continue;
    const r = rules[i] as Rule;
    if (ruleMatches(r, e, view)) return r;
  }
  return undefined;
}
