/**
 * What the fact layer exports besides its schemas. Kept free of zod: the audit imports these on every run,
 * while the schemas are loaded only to check facts read from a file (loading zod and building them cost
 * about 90 ms of a fixture audit's 600).
 */

export const FACTS_SCHEMA_VERSION = 1;
export const FACTS_KIND = "mamori-facts";

/** A full audit's facts are a few MB; a bundle far larger is not one mamori wrote. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** USER_HZ: the kernel reports process times in these ticks on every Linux architecture Node supports. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** "2.4" from "2.4.62". */
export function branchOf(v: string): string {
  return v.split(".").slice(0, 2).join(".");
}

export type FactsProblem = "too-large" | "too-deep" | "not-json" | "kind" | "version" | "invalid";

/** A bundle that cannot be judged; `reason` is a machine word, `detail` raw text the caller escapes. */
export class FactsError extends Error {
  readonly reason: FactsProblem;
  readonly detail: string;
  constructor(reason: FactsProblem, detail = "") {
    super(detail ? `${reason}: ${detail}` : reason);
    this.reason = reason;
    this.detail = detail;
  }
}
