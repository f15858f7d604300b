import type { ScanContext } from "../collect/context.ts";
import type { CheckContext } from "../core/context.ts";
import type { Finding } from "../core/finding.ts";

/**
 * What judging needs from outside besides the facts: where mamori's current data lives (vulnerability
 * snapshot, IOC lists, rules) and where to note what could not be judged. The runner does this I/O.
 */
export type DataContext = Pick<ScanContext, "now" | "lang" | "t" | "diag" | "env" | "dataDir"> & {
  /**
   * Every area's facts of the bundle being judged, for an area whose judgement depends on what the
   * others saw (the logs area asks the host's processes, packages and Apache modules which runtimes
   * could have run an attack).
   */
  areas?: Readonly<Record<string, unknown>>;
};

/**
 * One area of the audit (apache, logs, processes, persistence, exposure...).
 * `collect` is the only part that reads the system and returns JSON facts (they are saved and judged
 * later, elsewhere); `load` reads the current data the checks need; `check` turns facts and data into
 * findings without I/O.
 */
export interface Scanner<F = unknown, D = undefined> {
  id: "apache" | "logs" | "hunt" | "exposure" | "inventory";
  collect(ctx: ScanContext): Promise<F>;
  /**
   * The area's fact schema (src/facts/<area>.ts): facts read from a file are checked against it first.
   * Loaded on demand: an audit validates nothing it collected itself and need not load zod for it.
   */
  schema?: () => Promise<{
    safeParse(value: unknown): { success: boolean; data?: F; error?: { issues: Issue[] } };
  }>;
  load?(facts: F, ctx: DataContext): D;
  check(facts: F, ctx: CheckContext, ...data: DataArg<D>): Finding[];
  /** Optional extra section for the JSON report (e.g. the Apache installations found). */
  summarize?(facts: F, data: D): unknown;
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** An area without data is checked as `check(facts, ctx)`. */
type DataArg<D> = undefined extends D ? [data?: D] : [data: D];

// Scanners of different fact types live in one list; the pipeline pairs each collect with its own check.
// biome-ignore lint/suspicious/noExplicitAny: the list is heterogeneous by design.
export type AnyScanner = Scanner<any, any>;
