import type { AnyScanner } from "../core/scanner.ts";
import { apacheScanner } from "./apache.ts";

/** The areas `mamori audit` covers, in the order they run. Each area adds its scanner here. */
export function auditScanners(): AnyScanner[] {
  return [apacheScanner()];
}
