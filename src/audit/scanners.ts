import type { AnyScanner } from "../core/scanner.ts";
import { exposureScanner } from "./exposure.ts";

/** The areas `mamori audit` covers, in the order they run. Each area adds its scanner here. */
export function auditScanners(): AnyScanner[] {
  return [exposureScanner()];
}
