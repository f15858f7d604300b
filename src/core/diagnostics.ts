import type { Text } from "./message.ts";

/**
 * What a scan could not check, and why. Collectors record here instead of throwing,
 * so one unreadable file never stops the rest of the audit; the report lists them.
 */
export interface NotChecked {
  area: string;
  path?: string;
  /** Short machine reason: an errno code (EACCES, ENOENT, ELOOP) or a word such as "parse", "not-live". */
  reason: string;
  /**
   * Human detail as keyed text (core/message.ts), rendered in the reader's language when shown, so a
   * saved report or facts bundle reads in any language; a plain string is raw text renderers escape.
   */
  detail?: Text;
}

export class Diagnostics {
  readonly notChecked: NotChecked[] = [];
  readonly warnings: NotChecked[] = [];
  /** (area, path, reason) of each entry: a hostile tree can give tens of thousands, each looked up. */
  readonly #seen = new Set<string>();

  couldNotCheck(entry: NotChecked): void {
    const key = `${entry.area}\u0000${entry.path ?? "\u0001"}\u0000${entry.reason}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.notChecked.push(entry);
  }

  /** Puts these lists in place of the current ones (the same arrays: readers hold them). */
  replace(notChecked: NotChecked[], warnings: NotChecked[]): void {
    const n = [...notChecked];
    const w = [...warnings];
    this.notChecked.length = 0;
    this.warnings.length = 0;
    this.#seen.clear();
    for (const e of n) this.couldNotCheck(e);
    // One at a time: a spread of a hundred thousand entries passes the engine's argument limit.
    for (const e of w) this.warnings.push(e);
  }

  warn(entry: NotChecked): void {
    this.warnings.push(entry);
  }
}

export function errorCode(err: unknown): string {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") return err.code;
  if (err instanceof Error) return err.message;
  return String(err);
}
