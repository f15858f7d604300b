/** Matching one parsed entry against the rules: pure, no I/O. */

import type { LogEntry } from "../../../facts/log-lines.ts";
import type { CompiledCondition, Field, Rule } from "../../../rules/logs.ts";
import { decodeLevels, formDecode, type Levels } from "./decode.ts";

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

/** Lazily decoded fields of one entry, so a rule only pays for what it reads. */
class FieldView {
  private cache = new Map<Field, Levels[]>();
  private e: LogEntry;
  constructor(e: LogEntry) {
    this.e = e;
  }

  values(f: Field): Levels[] {
    let v = this.cache.get(f);
    if (!v) {
      v = this.raw(f).map((whole) => {
        const s = capped(whole);
        const l = decodeLevels(s);
        // Query strings also arrive form-encoded: `+` is a space for the application.
        if ((f === "query" || f === "uri" || f === "any") && s.includes("+")) l.once = formDecode(s);
        return l;
      });
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

function test(c: CompiledCondition, view: FieldView): boolean {
  for (const f of c.fields) {
    for (const l of view.values(f)) {
      if (c.decode === "raw" || c.decode === "any") if (c.re.test(l.raw)) return true;
      if (c.decode === "once" || c.decode === "any") if (c.re.test(l.once)) return true;
      if (c.decode === "twice" || c.decode === "any") if (c.re.test(l.twice)) return true;
      if (c.decode === "server" || c.decode === "any") {
        if (c.re.test(l.server)) return true;
        if (l.undoubled !== l.server && c.re.test(l.undoubled)) return true;
      }
      if ((c.decode === "lookups" || c.decode === "any") && l.lookups !== l.once && c.re.test(l.lookups))
        return true;
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

/** The best rule for an entry (rules arrive sorted by priority), or undefined. */
export function matchEntry(rules: Rule[], e: LogEntry): Rule | undefined {
  const view = new FieldView(e);
  for (const r of rules) if (ruleMatches(r, e, view)) return r;
  return undefined;
}
