import type { CheckContext, ScanContext } from "./context.ts";
import type { Finding } from "./finding.ts";

/**
 * One area of the audit (apache, logs, processes, persistence, exposure...).
 * `collect` is the only part that reads the system; `check` turns facts into findings without I/O.
 */
export interface Scanner<F = unknown> {
  id: string;
  collect(ctx: ScanContext): Promise<F>;
  check(facts: F, ctx: CheckContext): Finding[];
  /** Optional extra section for the JSON report (e.g. the Apache installations found). */
  summarize?(facts: F): unknown;
}

// Scanners of different fact types live in one list; the pipeline pairs each collect with its own check.
// biome-ignore lint/suspicious/noExplicitAny: the list is heterogeneous by design.
export type AnyScanner = Scanner<any>;
