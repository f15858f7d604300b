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

  couldNotCheck(entry: NotChecked): void {
    if (
      !this.notChecked.some(
        (e) => e.area === entry.area && e.path === entry.path && e.reason === entry.reason,
      )
    ) {
      this.notChecked.push(entry);
    }
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
